package io.agentgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkiverse.mcp.server.AudioContent;
import io.quarkiverse.mcp.server.BlobResourceContents;
import io.quarkiverse.mcp.server.Content;
import io.quarkiverse.mcp.server.EmbeddedResource;
import io.quarkiverse.mcp.server.ImageContent;
import io.quarkiverse.mcp.server.MetaKey;
import io.quarkiverse.mcp.server.ResourceContents;
import io.quarkiverse.mcp.server.ResourceLink;
import io.quarkiverse.mcp.server.Role;
import io.quarkiverse.mcp.server.TextContent;
import io.quarkiverse.mcp.server.TextResourceContents;
import io.quarkiverse.mcp.server.ToolResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tool results as MCP JSON ({@code content}, {@code structuredContent}, {@code isError}, {@code _meta}): the form in
 * which an upstream's result is stored for replay, and the mapping of that JSON, field for field, to the answer the
 * {@code /mcp} server sends.
 */
final class ToolResults {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolResults() {
    }

    /** A tool error with one text, as MCP JSON, with AgentGate's own keys in {@code _meta}. */
    static ObjectNode error(String text, Map<String, Object> meta) {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        if (meta != null && !meta.isEmpty()) {
            result.set("_meta", JSON.valueToTree(meta));
        }
        return result;
    }

    /** A successful answer with one text (the "still pending" answer), as MCP JSON. */
    static ObjectNode text(String text, Map<String, Object> meta) {
        ObjectNode result = error(text, meta);
        result.put("isError", false);
        return result;
    }

    /** The MCP JSON as the /mcp server's answer; {@code extraMeta} is added to the result's {@code _meta}. */
    static ToolResponse response(JsonNode result, Map<String, Object> extraMeta) {
        List<Content> content = new ArrayList<>();
        for (JsonNode item : result.path("content")) {
            content.add(content(item));
        }
        Object structured = result.hasNonNull("structuredContent")
                ? JSON.convertValue(result.get("structuredContent"), Object.class) : null;
        Map<MetaKey, Object> meta = meta(result.get("_meta"));
        if (extraMeta != null && !extraMeta.isEmpty()) {
            meta = meta == null ? new LinkedHashMap<>() : meta;
            for (Map.Entry<String, Object> e : extraMeta.entrySet()) {
                meta.put(MetaKey.from(e.getKey()), e.getValue());
            }
        }
        return new ToolResponse(result.path("isError").asBoolean(false), content, structured, meta);
    }

    static boolean isError(JsonNode result) {
        return result.path("isError").asBoolean(false);
    }

    private static Content content(JsonNode item) {
        Map<MetaKey, Object> meta = meta(item.get("_meta"));
        Content.Annotations annotations = annotations(item.get("annotations"));
        return switch (item.path("type").asText("")) {
            case "text" -> new TextContent(item.path("text").asText(""), meta, annotations);
            case "image" -> new ImageContent(item.path("data").asText(""), item.path("mimeType").asText(null), meta,
                    annotations);
            case "audio" -> new AudioContent(item.path("data").asText(""), item.path("mimeType").asText(null), meta,
                    annotations);
            case "resource" -> new EmbeddedResource(resource(item.path("resource")), meta, annotations);
            case "resource_link" -> new ResourceLink(item.path("uri").asText(""), item.path("mimeType").asText(null),
                    item.path("name").asText(""), item.path("title").asText(null),
                    item.path("description").asText(null),
                    item.hasNonNull("size") ? item.get("size").asInt() : null, meta, annotations);
            // a content type newer than this server: its JSON, so nothing the upstream said is lost
            default -> new TextContent(item.toString(), meta, annotations);
        };
    }

    private static ResourceContents resource(JsonNode r) {
        Map<MetaKey, Object> meta = meta(r.get("_meta"));
        if (r.has("blob")) {
            return new BlobResourceContents(r.path("uri").asText(""), r.path("blob").asText(""),
                    r.path("mimeType").asText(null), meta);
        }
        return new TextResourceContents(r.path("uri").asText(""), r.path("text").asText(""),
                r.path("mimeType").asText(null), meta);
    }

    private static Content.Annotations annotations(JsonNode a) {
        if (a == null || !a.isObject()) {
            return null;
        }
        List<Role> audience = null;
        if (a.get("audience") instanceof ArrayNode roles) {
            audience = new ArrayList<>();
            for (JsonNode role : roles) {
                audience.add("assistant".equals(role.asText()) ? Role.ASSISTANT : Role.USER);
            }
        }
        return new Content.Annotations(audience, a.path("lastModified").asText(null),
                a.hasNonNull("priority") ? a.get("priority").asDouble() : null);
    }

    private static Map<MetaKey, Object> meta(JsonNode meta) {
        if (meta == null || !meta.isObject() || meta.isEmpty()) {
            return null;
        }
        Map<MetaKey, Object> keys = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                keys.put(MetaKey.from(e.getKey()), JSON.convertValue(e.getValue(), Object.class));
            } catch (IllegalArgumentException invalid) {
                // a key the protocol does not allow: the server could not send it on anyway
            }
        }
        return keys.isEmpty() ? null : keys;
    }
}
