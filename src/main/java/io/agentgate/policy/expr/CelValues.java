package io.agentgate.policy.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.Capability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns JSON and agent profiles into the plain Java values the CEL runtime understands. */
final class CelValues {

    private CelValues() {
    }

    /**
     * JSON to CEL: objects become maps, arrays lists, integral numbers that fit a long become {@code int}
     * (Long), every other number {@code double}, null becomes CEL {@code null}.
     */
    static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return com.google.protobuf.NullValue.NULL_VALUE;
        }
        return switch (node.getNodeType()) {
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue()
                    : (Object) node.doubleValue();
            case OBJECT -> objectToMap(node);
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode child : node) {
                    list.add(fromJson(child));
                }
                yield Collections.unmodifiableList(list);
            }
            default -> node.asText();
        };
    }

    static Map<String, Object> objectToMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, node.size() * 2));
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            map.put(field.getKey(), fromJson(field.getValue()));
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * The {@code agent} variable. Keys whose value is unknown (no limit, no allow list) are absent, so
     * {@code has(agent.maxTransactionAmount)} says whether there is one.
     */
    static Map<String, Object> agent(AgentProfile agent) {
        if (agent == null) {
            return Map.of();
        }
        Map<String, Object> map = new HashMap<>(16);
        put(map, "name", agent.name());
        put(map, "displayName", agent.displayName());
        put(map, "riskLevel", agent.riskLevel() == null ? null : agent.riskLevel().name());
        Map<String, Object> capabilities = new HashMap<>(8);
        for (Capability c : Capability.values()) {
            capabilities.put(c.jsonName(), agent.capabilities() != null && agent.capabilities().has(c));
        }
        map.put("capabilities", Collections.unmodifiableMap(capabilities));
        put(map, "maxTransactionAmount",
                agent.maxTransactionAmount() == null ? null : agent.maxTransactionAmount().doubleValue());
        put(map, "allowedActions", agent.allowedActions() == null ? null : List.copyOf(agent.allowedActions()));
        return Collections.unmodifiableMap(map);
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
