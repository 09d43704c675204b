package io.agentgate.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.Capabilities;
import io.agentgate.agent.RiskLevel;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Agents and actions for policy tests. */
public final class TestActions {

    public static final ObjectMapper JSON = new ObjectMapper();
    /** A Wednesday, 12:00 UTC: inside default business hours. */
    public static final Instant WEDNESDAY_NOON = Instant.parse("2024-03-13T12:00:00Z");

    private TestActions() {
    }

    public static AgentProfile agent(String name, RiskLevel risk) {
        return new AgentProfile(UUID.nameUUIDFromBytes(name.getBytes()), name, name + " agent", risk,
                new Capabilities(true, true, true, true), new BigDecimal("1000"), null, ApprovalSettings.NONE);
    }

    public static AgentProfile financialAdvisor() {
        return agent("financial-advisor", RiskLevel.HIGH);
    }

    public static AgentProfile withCapabilities(AgentProfile a, Capabilities c) {
        return new AgentProfile(a.id(), a.name(), a.displayName(), a.riskLevel(), c, a.maxTransactionAmount(),
                a.allowedActions(), a.approval());
    }

    public static AgentProfile withLimit(AgentProfile a, BigDecimal limit) {
        return new AgentProfile(a.id(), a.name(), a.displayName(), a.riskLevel(), a.capabilities(), limit,
                a.allowedActions(), a.approval());
    }

    public static AgentProfile withAllowedActions(AgentProfile a, List<String> allowed) {
        return new AgentProfile(a.id(), a.name(), a.displayName(), a.riskLevel(), a.capabilities(),
                a.maxTransactionAmount(), allowed, a.approval());
    }

    public static AgentProfile withApproval(AgentProfile a, ApprovalSettings approval) {
        return new AgentProfile(a.id(), a.name(), a.displayName(), a.riskLevel(), a.capabilities(),
                a.maxTransactionAmount(), a.allowedActions(), approval);
    }

    public static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ActionContext action(AgentProfile agent, String action, String contextJson) {
        return at(agent, action, contextJson, WEDNESDAY_NOON);
    }

    public static ActionContext at(AgentProfile agent, String action, String contextJson, Instant when) {
        return new ActionContext(agent, action, json(contextJson), null, null, "user-1", "session-1", when);
    }

    public static ActionContext tool(AgentProfile agent, String action, String toolName) {
        return new ActionContext(agent, action, json("{}"), toolName, null, null, null, WEDNESDAY_NOON);
    }
}
