package io.agentgate.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import java.time.Instant;

/**
 * Everything a policy may look at for one requested action. Pure data: policies do no I/O.
 *
 * @param context  the agent's JSON context, never null (empty object when absent)
 * @param toolArgs may be null
 * @param sharedRateAdmission null when the {@code rate-limit} policy counts this action itself (one instance);
 *                 otherwise whether the gate already admitted it in the window the instances share (a cluster)
 */
public record ActionContext(AgentProfile agent, String action, ObjectNode context, String toolName,
        ObjectNode toolArgs, String userId, String sessionId, Instant requestedAt, Boolean sharedRateAdmission) {

    public ActionContext(AgentProfile agent, String action, ObjectNode context, String toolName, ObjectNode toolArgs,
            String userId, String sessionId, Instant requestedAt) {
        this(agent, action, context, toolName, toolArgs, userId, sessionId, requestedAt, null);
    }
}
