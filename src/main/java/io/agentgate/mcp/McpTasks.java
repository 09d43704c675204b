package io.agentgate.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.DomainException;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.ActionWaiters;
import io.agentgate.gate.GateService;
import io.agentgate.gate.ResultRequest;
import io.quarkiverse.mcp.server.runtime.ConnectionManager;
import io.quarkiverse.mcp.server.runtime.McpConnectionBase;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * MCP Tasks ({@code io.modelcontextprotocol/tasks}) for pending actions: a client that declares the extension on its
 * request gets a task instead of a held call. All state is in {@code mcp_task} and the action, so any instance answers
 * {@code tasks/get}; the approved call is sent upstream once, by whichever poll (or this instance's watch of the
 * decision) claims it first.
 */
@ApplicationScoped
public class McpTasks {

    private static final Logger LOG = Logger.getLogger(McpTasks.class);
    static final String EXTENSION = "io.modelcontextprotocol/tasks";
    static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    /** The {@code _meta} key that carries a CreateTaskResult through the MCP server to {@link TaskAnswers}. */
    static final String CARRIER = Refusals.META + "createTaskResult";
    static final long POLL_INTERVAL_MS = 2000;
    /** How long past the upstream timeout a claimed call may stay unanswered before it counts as lost. */
    static final Duration LOST_AFTER = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {
    };

    @Inject
    TaskStore store;

    @Inject
    ActionQueries queries;

    @Inject
    ActionWaiters waiters;

    @Inject
    GateService gate;

    @Inject
    AuditLog audit;

    @Inject
    UpstreamRegistry registry;

    @Inject
    McpSettings settings;

    @Inject
    GatewayMetrics metrics;

    @Inject
    ConnectionManager connections;

    @Inject
    ObjectMapper json;

    /** Whether a request's {@code _meta} declares the extension (per request, as the specification asks). */
    static boolean declared(JsonObject meta) {
        return meta != null && meta.getValue(CLIENT_CAPABILITIES) instanceof JsonObject caps
                && caps.getValue("extensions") instanceof JsonObject extensions && extensions.containsKey(EXTENSION);
    }

    /**
     * Opens the task of a pending action: stored (committed) before this returns, then watched for its decision. The
     * answer is a tool result carrying the CreateTaskResult (see {@link #CARRIER}). Blocking.
     */
    JsonNode open(AgentProfile agent, UUID actionId, Instant deadline, McpTask.Kind kind, String server, String tool,
            String session) {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        McpTask t = new McpTask();
        t.taskId = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        t.agentId = agent.id();
        t.actionId = actionId;
        t.kind = kind;
        t.serverName = server;
        t.toolName = tool;
        t.sessionId = session;
        t.state = McpTask.State.WORKING;
        t.createdAt = store.now();
        t.updatedAt = t.createdAt;
        t.deadline = deadline;
        store.create(t, agent.name());
        watch(t, agent);
        ObjectNode created = shape(t);
        created.put("resultType", "task");
        return ToolResults.text("Waiting for approval of action " + actionId + ": poll task " + t.taskId
                + " with tasks/get.", Map.of(CARRIER, created));
    }

    /** {@code tasks/get}: the task as it is now, advanced first; empty when unknown or another agent's. Blocking. */
    Optional<ObjectNode> get(String taskId, AgentProfile agent) {
        return mine(taskId, agent).map(t -> shape(advance(t, agent)));
    }

    /** Whether the agent has this task (for {@code tasks/update}). Blocking. */
    boolean known(String taskId, AgentProfile agent) {
        return mine(taskId, agent).isPresent();
    }

    /**
     * {@code tasks/cancel}: cancels the pending action (audited like the agent API's cancel) and the task with it;
     * a task already decided or sent upstream goes on to its own end. False when unknown. Blocking.
     */
    boolean cancel(String taskId, AgentProfile agent) {
        Optional<McpTask> found = mine(taskId, agent);
        if (found.isEmpty()) {
            return false;
        }
        McpTask t = found.get();
        if (t.state == McpTask.State.WORKING) {
            try {
                gate.cancel(t.actionId, agent).toCompletableFuture().join();
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof DomainException)) {
                    throw e;
                }
                // decided already: the decision stands, the next poll settles it
            }
            notify(advance(reread(t), agent));
        }
        return true;
    }

    private Optional<McpTask> mine(String taskId, AgentProfile agent) {
        if (taskId == null || !ID.matcher(taskId).matches()) {
            return Optional.empty();
        }
        return store.find(taskId).filter(t -> t.agentId.equals(agent.id()));
    }

    private McpTask reread(McpTask t) {
        return store.find(t.taskId).orElse(t);
    }

    /** Moves the task on as far as its action allows: settles a decision, sends an approved call (once). */
    McpTask advance(McpTask t, AgentProfile agent) {
        if (t.state.isFinal()) {
            return t;
        }
        if (t.state == McpTask.State.RUNNING) {
            if (t.claimedAt.plus(settings.upstreamTimeout()).plus(LOST_AFTER).isBefore(store.now())) {
                // the instance sending it stopped mid-call: never sent again, said so
                store.settle(t, McpTask.State.RUNNING, McpTask.State.COMPLETED, ToolResults.error(lost(t),
                        Refusals.meta(t.actionId, "LOST")).toString(), agent.name(), Map.of("outcome", "lost"), null);
                return reread(t);
            }
            return t;
        }
        ActionView view = queries.viewForAgent(t.actionId, t.agentId);
        if (!view.status().isTerminal()) {
            return t;
        }
        boolean byItsAgent = view.status() == ActionStatus.CANCELLED && ("agent:" + agent.name()).equals(
                view.decidedBy());
        if (t.kind == McpTask.Kind.REQUEST) {
            store.settle(t, McpTask.State.WORKING, byItsAgent ? McpTask.State.CANCELLED : McpTask.State.COMPLETED,
                    decidedRequest(view).toString(), agent.name(), null, null);
        } else if (view.status() == ActionStatus.APPROVED || view.status() == ActionStatus.ALLOWED) {
            if (store.claim(t, agent.name(), view)) {
                run(t, agent);
            }
        } else {
            JsonNode refusal = ToolResults.error(Refusals.refused(view), Refusals.meta(view.id(),
                    view.status().name()));
            store.settle(t, McpTask.State.WORKING, byItsAgent ? McpTask.State.CANCELLED : McpTask.State.COMPLETED,
                    refusal.toString(), agent.name(), Map.of("outcome", "refused", "status", view.status()),
                    () -> audit.record(CallBindings.DECIDED, agent.name(), t.actionId, view.decidedBy(),
                            TaskStore.decision(view)));
        }
        return reread(t);
    }

    /** Sends the claimed call upstream with the approved (possibly edited) arguments and stores what came back. */
    private void run(McpTask t, AgentProfile agent) {
        Map<String, Object> arguments = queries.toolArgsToRun(t.actionId).map(this::arguments).orElse(Map.of());
        long started = System.nanoTime();
        JsonNode answer;
        String kind;
        String failure = null;
        try {
            Upstream upstream = registry.upstream(t.serverName).orElseThrow(() -> new IllegalStateException(
                    "MCP server '" + t.serverName + "' is no longer registered"));
            answer = Upstream.toJson(upstream.call(t.toolName, arguments)
                    .get(settings.upstreamTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS));
            kind = ToolResults.isError(answer) ? "error" : "ok";
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = Upstream.cause(e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e);
            answer = ToolResults.error(Refusals.upstreamFailed(t.serverName, t.actionId, failure),
                    Refusals.meta(t.actionId, "FAILED"));
            kind = "failure";
        }
        long nanos = System.nanoTime() - started;
        metrics.upstreamCall(t.serverName, kind, nanos);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("outcome", kind);
        details.put("durationMs", nanos / 1_000_000);
        details.put("answer", "task");
        if (failure != null) {
            details.put("error", failure);
        }
        Refusals.Kept kept = Refusals.forRecords(answer, t.actionId);
        store.settle(t, McpTask.State.RUNNING, McpTask.State.COMPLETED, bounded(answer, t.actionId), agent.name(),
                details, () -> gate.recordResult(t.actionId, agent, new ResultRequest(kept.audit(), nanos / 1_000_000,
                        null, null, null)));
    }

    /** The result as stored: at most {@code agentgate.mcp.max-result-bytes}, else a tool error saying so. */
    private String bounded(JsonNode answer, UUID actionId) {
        String text = answer.toString();
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes <= settings.maxResultBytes().asLongValue()) {
            return text;
        }
        return ToolResults.error("The call ran once (action " + actionId + "), but its result (" + bytes
                + " bytes) is over agentgate.mcp.max-result-bytes and was not kept.", Refusals.meta(actionId,
                        "RESULT_TOO_LARGE")).toString();
    }

    /** An agentgate_request's answer once decided, as its synchronous answer would have been. */
    private JsonNode decidedRequest(ActionView view) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", view.id());
        answer.put("status", view.status());
        answer.put("violations", view.violations());
        answer.put("deadline", view.deadline());
        answer.put("decidedAt", view.decidedAt());
        answer.put("decidedBy", view.decidedBy());
        answer.put("comment", view.comment());
        ObjectNode tree = json.valueToTree(answer);
        ObjectNode result = ToolResults.text(tree.toString(), null);
        result.set("structuredContent", tree);
        return result;
    }

    /** Watches (on this instance) for the action's decision, to settle the task and tell a connected client. */
    private void watch(McpTask t, AgentProfile agent) {
        ActionWaiters.Waiter waiter = waiters.register(t.actionId);
        long until = Math.max(0, Duration.between(store.now(), t.deadline).toMillis()) + LOST_AFTER.toMillis();
        waiter.orTimeout(until, TimeUnit.MILLISECONDS).whenCompleteAsync((view, timedOut) -> {
            waiters.remove(waiter);
            if (view == null) {
                return; // decided elsewhere and not heard of here: the next poll settles it
            }
            try {
                notify(advance(reread(t), agent));
            } catch (RuntimeException e) {
                LOG.warnf(e, "mcp: task of action %s not settled on its decision; the next tasks/get settles it",
                        t.actionId);
            }
        }, Infrastructure.getDefaultWorkerPool());
    }

    /** {@code notifications/tasks} to the session that created the task, when it is connected to this instance. */
    private void notify(McpTask t) {
        McpConnectionBase connection = t.sessionId == null ? null : connections.get(t.sessionId);
        if (connection == null) {
            return;
        }
        try {
            connection.send(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/tasks")
                    .put("params", new JsonObject(json.convertValue(shape(t), ARGUMENTS))));
        } catch (RuntimeException e) {
            LOG.debugf(e, "mcp: notifications/tasks for task of action %s not sent", t.actionId);
        }
    }

    /** The Task as the specification shapes it, with the result when completed. */
    private ObjectNode shape(McpTask t) {
        ObjectNode task = json.createObjectNode();
        task.put("taskId", t.taskId);
        task.put("status", switch (t.state) {
            case WORKING, RUNNING -> "working";
            case COMPLETED -> "completed";
            case CANCELLED -> "cancelled";
            case FAILED -> "failed";
        });
        JsonNode result = t.result == null ? null : tree(t.result);
        task.put("statusMessage", message(t, result));
        task.put("createdAt", t.createdAt.toString());
        task.put("lastUpdatedAt", t.updatedAt.toString());
        task.put("ttlMs", Math.max(0, Duration.between(t.createdAt, t.deadline).toMillis()));
        task.put("pollIntervalMs", POLL_INTERVAL_MS);
        if (t.state == McpTask.State.COMPLETED && result != null) {
            task.set("result", result);
        }
        task.putObject("_meta").put(Refusals.META + "actionId", t.actionId.toString());
        return task;
    }

    /** In words: who is asked and since when, the call being sent, or how it ended. */
    private String message(McpTask t, JsonNode result) {
        return switch (t.state) {
            case WORKING -> {
                ActionDetail d = queries.detail(t.actionId);
                if (d.status().isTerminal()) {
                    yield "Action " + t.actionId + " is " + d.status() + "; settling it.";
                }
                yield "Waiting for approval of action " + t.actionId + " by " + String.join(", ", d.approvers())
                        + (d.requiredApprovals() > 1 ? " (" + d.requiredApprovals() + " approvals needed)" : "")
                        + " since " + t.createdAt + "; deadline " + t.deadline + ".";
            }
            case RUNNING -> "Approved; the call is being sent to MCP server '" + t.serverName + "' since "
                    + t.claimedAt + ".";
            case CANCELLED -> "Cancelled by the agent (action " + t.actionId + "); the tool did not run.";
            default -> result == null ? t.state.name() : result.path("content").path(0).path("text").asText("");
        };
    }

    private static String lost(McpTask t) {
        return "The approved call (action " + t.actionId + ") was sent to MCP server '" + t.serverName + "' at "
                + t.claimedAt + ", but the instance sending it stopped before the answer was stored: it may or may "
                + "not have run there. AgentGate does not send it again.";
    }

    private Map<String, Object> arguments(String text) {
        JsonNode node = tree(text);
        return node.isObject() ? json.convertValue(node, ARGUMENTS) : Map.of();
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("stored JSON is not JSON", e);
        }
    }
}
