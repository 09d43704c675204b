package io.agentgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.DomainException;
import io.agentgate.common.HoldLimits;
import io.agentgate.common.Holds;
import io.agentgate.common.Roles;
import io.agentgate.common.TooBusy;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmissions;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.ActionWaiters;
import io.agentgate.gate.GateService;
import io.agentgate.gate.ResultRequest;
import io.agentgate.gate.SubmitRequest;
import io.agentgate.gate.SubmitResponse;
import io.quarkiverse.mcp.server.McpConnection;
import io.quarkiverse.mcp.server.Meta;
import io.quarkiverse.mcp.server.TextContent;
import io.quarkiverse.mcp.server.Tool;
import io.quarkiverse.mcp.server.ToolArg;
import io.quarkiverse.mcp.server.ToolResponse;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * AgentGate's own tools on {@code /mcp}: the agent API as MCP tools. Each answers with structured content (and the
 * same JSON as text); a bad argument or a refusal of the gate (unknown action, result already recorded) is a tool
 * error saying why. A PENDING {@code agentgate_request} with {@code wait} from a client that declared the tasks
 * extension is answered with a task ({@link McpTasks}) that completes with the decision.
 */
@Singleton
public class AgentGateTools {

    @Inject
    ActionSubmissions submissions;

    @Inject
    ActionQueries queries;

    @Inject
    ActionWaiters waiters;

    @Inject
    GateService gate;

    @Inject
    SecurityIdentity identity;

    @Inject
    Validator validator;

    @Inject
    ObjectMapper json;

    @Inject
    AgentGateConfig config;

    @Inject
    HoldLimits limits;

    @Inject
    McpTasks tasks;

    @Tool(name = "agentgate_request", description = "Ask AgentGate whether you may take an action. Answers like "
            + "POST /api/v1/actions: status ALLOWED (go ahead), DENIED (do not; violations say why) or PENDING (a "
            + "person decides before the deadline; pass wait, or poll with agentgate_status). Report the outcome of an "
            + "allowed or approved action with agentgate_report_result.")
    Uni<ToolResponse> request(
            @ToolArg(description = "what you want to do, e.g. execute_transaction, send_external_message") String action,
            @ToolArg(description = "the details policies look at, e.g. {\"amount\":500,\"recipient\":\"...\"}",
                    required = false) Map<String, Object> context,
            @ToolArg(description = "the tool you would call", required = false) String toolName,
            @ToolArg(description = "the arguments you would call it with", required = false) Map<String, Object> toolArgs,
            @ToolArg(description = "seconds to wait for the decision when PENDING (0 to agentgate.approval.max-wait)",
                    required = false) Integer wait,
            McpConnection connection, Meta meta) {
        AgentProfile agent = agent();
        if (agent == null) {
            return Uni.createFrom().item(notAnAgent());
        }
        SubmitRequest body = new SubmitRequest(action, object(context), connection.id(), null, toolName,
                toolArgs == null ? null : object(toolArgs), null, null, null);
        List<String> problems = validator.validate(body).stream()
                .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().toList();
        if (wait != null && wait < 0) {
            problems = List.of("wait must be 0 or more seconds");
        }
        if (!problems.isEmpty()) {
            return Uni.createFrom().item(ToolResponse.error("Invalid request: " + String.join("; ", problems)));
        }
        CompletionStage<Object> answer = submissions.submit(agent, body).thenCompose(submission -> {
            SubmitResponse first = submission.response();
            if (first.status() != ActionStatus.PENDING || wait == null || wait == 0) {
                return CompletableFuture.completedFuture(first);
            }
            if (McpTasks.declared(meta == null ? null : meta.asJsonObject())) {
                // a client of the tasks extension: a task to poll instead of a held call
                return Gateway.blocking(() -> (Object) tasks.open(agent, first.id(), first.deadline(),
                        McpTask.Kind.REQUEST, null, null, connection.id()));
            }
            // past the held-call limit the submission's own (PENDING) answer stands: the agent polls with its id
            return waitFor(first.id(), agent, wait).thenApply(view -> view.status().isTerminal()
                    ? decided(first, view) : (Object) first)
                    .exceptionallyCompose(error -> error instanceof TooBusy
                            || error instanceof CompletionException && error.getCause() instanceof TooBusy
                            ? CompletableFuture.<Object>completedFuture(first) : CompletableFuture.<Object>failedFuture(error));
        });
        return answer(answer);
    }

    @Tool(name = "agentgate_status", description = "The current state of one of your actions, like "
            + "GET /api/v1/actions/{id}?wait=: answers as soon as it is decided, or after wait seconds.")
    Uni<ToolResponse> status(@ToolArg(description = "the action id agentgate_request (or a held call) gave") String id,
            @ToolArg(description = "seconds to wait for a decision (0 to agentgate.approval.max-wait)",
                    required = false) Integer wait) {
        AgentProfile agent = agent();
        if (agent == null) {
            return Uni.createFrom().item(notAnAgent());
        }
        UUID actionId = parse(id);
        if (actionId == null) {
            return Uni.createFrom().item(ToolResponse.error("Invalid request: id must be an action id (a UUID)"));
        }
        if (wait != null && wait < 0) {
            return Uni.createFrom().item(ToolResponse.error("Invalid request: wait must be 0 or more seconds"));
        }
        return answer(waitFor(actionId, agent, wait == null ? 0 : wait).thenApply(view -> view));
    }

    @Tool(name = "agentgate_report_result", description = "Report the outcome of an allowed or approved action "
            + "(once), like POST /api/v1/actions/{id}/result; it is recorded in the audit trail.")
    Uni<ToolResponse> reportResult(@ToolArg(description = "the action id") String id,
            @ToolArg(description = "what happened (at most 100000 characters)") String result) {
        AgentProfile agent = agent();
        if (agent == null) {
            return Uni.createFrom().item(notAnAgent());
        }
        UUID actionId = parse(id);
        ResultRequest body = new ResultRequest(result, null, null, null, null);
        List<String> problems = validator.validate(body).stream().map(ConstraintViolation::getMessage).toList();
        if (actionId == null || !problems.isEmpty()) {
            return Uni.createFrom().item(ToolResponse.error("Invalid request: " + (actionId == null
                    ? "id must be an action id (a UUID)" : "result " + String.join("; ", problems))));
        }
        return answer(gate.recordResult(actionId, agent, body)
                .thenApply(nothing -> (Object) Map.of("id", actionId.toString(), "recorded", true)));
    }

    /** The action's state after waiting up to {@code seconds} (cut to max-wait) for its decision. */
    private CompletionStage<ActionView> waitFor(UUID id, AgentProfile agent, int seconds) {
        long hold = Math.min(seconds, config.approval().maxWait().toSeconds());
        if (hold == 0) {
            return Gateway.blocking(() -> queries.viewForAgent(id, agent.id()));
        }
        // a held call like the gateway's: a place of agentgate.limits.mcp-calls, or a tool error saying when to retry
        Holds.Slot slot;
        try {
            slot = limits.mcpCalls().take(agent.id());
        } catch (TooBusy refused) {
            return CompletableFuture.failedFuture(refused);
        }
        ActionWaiters.Waiter waiter = waiters.register(id);
        return Gateway.blocking(() -> queries.viewForAgent(id, agent.id())).thenCompose(now -> {
            if (now.status().isTerminal()) {
                return CompletableFuture.completedFuture(now);
            }
            return waiter.orTimeout(hold, TimeUnit.SECONDS).handle((decided, timedOut) -> decided)
                    .thenCompose(decided -> decided != null ? CompletableFuture.completedFuture(decided)
                            : Gateway.blocking(() -> queries.viewForAgent(id, agent.id())));
        }).whenComplete((view, error) -> {
            waiters.remove(waiter);
            slot.release();
        });
    }

    private static Map<String, Object> decided(SubmitResponse first, ActionView view) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", first.id());
        answer.put("status", view.status());
        answer.put("violations", first.violations());
        answer.put("deadline", first.deadline());
        answer.put("decidedAt", view.decidedAt());
        answer.put("decidedBy", view.decidedBy());
        answer.put("comment", view.comment());
        return answer;
    }

    private Uni<ToolResponse> answer(CompletionStage<Object> answer) {
        return Uni.createFrom().completionStage(() -> answer.thenApply(this::structured))
                .onFailure().recoverWithItem(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof DomainException refusal) {
                        return ToolResponse.error(refusal.getMessage());
                    }
                    return ToolResponse.error("AgentGate could not answer: " + Upstream.cause(cause));
                });
    }

    private ToolResponse structured(Object answer) {
        if (answer instanceof JsonNode task) {
            return ToolResults.response(task, null);
        }
        ObjectNode tree = json.valueToTree(answer);
        Object structured = json.convertValue(tree, Map.class);
        return new ToolResponse(false, List.of(new TextContent(tree.toString())), structured, null);
    }

    private AgentProfile agent() {
        return identity.isAnonymous() ? null : identity.getAttribute(Roles.AGENT_ATTRIBUTE);
    }

    private static ToolResponse notAnAgent() {
        return ToolResponse.error("Only an agent (by its API key) may use AgentGate's tools");
    }

    private ObjectNode object(Map<String, Object> value) {
        return value == null ? null : json.valueToTree(value);
    }

    private static UUID parse(String id) {
        try {
            return id == null ? null : UUID.fromString(id.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
