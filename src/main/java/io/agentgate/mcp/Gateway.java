package io.agentgate.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.CanonicalJson;
import io.agentgate.common.Roles;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmissions;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.GateService;
import io.agentgate.gate.ResultRequest;
import io.agentgate.gate.SubmitRequest;
import io.agentgate.gate.SubmitResponse;
import io.quarkiverse.mcp.server.ToolManager.ToolArguments;
import io.quarkiverse.mcp.server.ToolResponse;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The gateway: every {@code tools/call} of an upstream tool is an action of the calling agent, evaluated by the
 * policy engine like any other. ALLOWED is forwarded and the upstream's result returned unchanged; DENIED is a tool
 * error naming the violations; PENDING is held ({@link HeldCalls}) and bound to its action, so the approval releases
 * that call once and an identical retry attaches to it or gets its settled outcome replayed. A client that declared
 * the tasks extension gets a task for a PENDING call instead ({@link McpTasks}).
 */
@ApplicationScoped
public class Gateway {

    private static final Logger LOG = Logger.getLogger(Gateway.class);
    private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {
    };

    @Inject
    ActionSubmissions submissions;

    @Inject
    ActionQueries queries;

    @Inject
    GateService gate;

    @Inject
    CallBindings bindings;

    @Inject
    HeldCalls held;

    @Inject
    McpTasks tasks;

    @Inject
    UpstreamRegistry registry;

    @Inject
    McpSettings settings;

    @Inject
    SecurityIdentity identity;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    GatewayMetrics metrics;

    @Inject
    AgentGateConfig config;

    /** Per binding key, the tail of the calls deciding what to do with it: identical calls decide one at a time. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> turns = new ConcurrentHashMap<>();
    /** Binding keys this instance bound, until when a call with one may still meet its binding. */
    private final ConcurrentHashMap<String, Instant> boundHere = new ConcurrentHashMap<>();
    /** Approved calls being settled here right now, by action id: an identical retry waits for the same outcome. */
    private final ConcurrentHashMap<UUID, CompletableFuture<JsonNode>> executing = new ConcurrentHashMap<>();

    /** The handler of every gateway tool. */
    Uni<ToolResponse> call(String server, String tool, String exposed, ToolArguments args) {
        AgentProfile agent = identity.isAnonymous() ? null : identity.getAttribute(Roles.AGENT_ATTRIBUTE);
        if (agent == null) {
            return Uni.createFrom().item(ToolResponse.error("Only an agent (by its API key) may call tools"));
        }
        ObjectNode arguments = json.valueToTree(args.args() == null ? Map.of() : args.args());
        String argsHash = CanonicalJson.sha256(CanonicalJson.write(arguments));
        String session = args.connection().id();
        String key = CanonicalJson.sha256(agent.id() + "\n" + session + "\n" + server + "\n" + tool + "\n" + argsHash);
        GatewayCall call = new GatewayCall(agent, session, server, tool, exposed, arguments, argsHash, key,
                args.progress(), McpTasks.declared(args.meta() == null ? null : args.meta().asJsonObject()));
        return Uni.createFrom().completionStage(() -> handle(call))
                .onFailure().recoverWithItem(error -> {
                    LOG.errorf(error, "mcp: call of %s by %s failed inside the gateway", exposed, agent.name());
                    return ToolResponse.error("AgentGate could not handle this call: " + Upstream.cause(error));
                });
    }

    private CompletionStage<ToolResponse> handle(GatewayCall call) {
        return inTurn(call.key(), () -> lookup(call.key())
                .thenCompose(found -> {
                    if (found.isPresent() && live(found.get())) {
                        return CompletableFuture.completedFuture((Supplier<CompletionStage<JsonNode>>)
                                () -> resume(call, found.get()));
                    }
                    UUID expired = found.map(f -> f.binding().actionId).orElse(null);
                    return submit(call, expired);
                }))
                .thenCompose(Supplier::get)
                .thenApply(result -> ToolResults.response(result, null));
    }

    /**
     * The binding of this key, read only when this instance bound it: a key includes the MCP session, and sessions
     * live in the instance that opened them (and end with it), so no other instance can hold a binding this call
     * could meet. The common case, a call never held before, reads nothing.
     */
    private CompletionStage<Optional<CallBindings.Found>> lookup(String key) {
        if (!boundHere.containsKey(key)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return blocking(() -> bindings.find(key));
    }

    /** Forgets keys whose bindings are all past the replay window (their action's deadline bounds the held ones). */
    @io.quarkus.scheduler.Scheduled(every = "1m", concurrentExecution = io.quarkus.scheduler.Scheduled
            .ConcurrentExecution.SKIP)
    void forgetOldKeys() {
        Instant cutoff = clock.instant();
        boundHere.values().removeIf(until -> until.isBefore(cutoff));
    }

    private void bound(String key, Instant deadline) {
        // decided by the deadline, run within a window of it, settled within the upstream timeout, replayed a window
        Duration window = settings.replayWindow();
        Instant until = deadline.plus(window).plus(settings.upstreamTimeout()).plus(window);
        boundHere.merge(key, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Whether an identical retry still belongs to this binding (else it becomes a new action). */
    private boolean live(CallBindings.Found found) {
        Instant now = clock.instant();
        CallBinding b = found.binding();
        return switch (b.state) {
            case HELD -> !found.action().status().isTerminal()
                    || found.action().decidedAt().plus(settings.replayWindow()).isAfter(now);
            case EXECUTING -> b.claimedAt.plus(settings.replayWindow()).plus(settings.upstreamTimeout()).isAfter(now);
            case SETTLED -> b.settledAt.plus(settings.replayWindow()).isAfter(now);
        };
    }

    /** A new action for this call; answers at once (ALLOWED, DENIED) or holds it (PENDING). */
    private CompletionStage<Supplier<CompletionStage<JsonNode>>> submit(GatewayCall call, UUID expired) {
        SubmitRequest request = new SubmitRequest(call.exposed(), call.arguments(), call.session(), null,
                call.exposed(), call.arguments(), null, null, null);
        return submissions.submit(call.agent(), request).thenCompose(submission -> {
            SubmitResponse answer = submission.response();
            return switch (answer.status()) {
                case ALLOWED -> bindings.decidedAtOnce(call, answer.id(), "ALLOWED", answer.violations(), true)
                        .thenApply(nothing -> () -> forward(call, answer.id(), call.arguments(), false));
                case DENIED -> bindings.decidedAtOnce(call, answer.id(), "DENIED", answer.violations(), false)
                        .thenApply(nothing -> () -> CompletableFuture.completedFuture(ToolResults.error(
                                Refusals.denied(answer), Refusals.meta(answer.id(), "DENIED"))));
                default -> call.tasks() ? task(call, answer) : hold(call, answer, expired);
            };
        });
    }

    /** The pending call of a client that declared the tasks extension: a task instead of a held call. */
    private CompletionStage<Supplier<CompletionStage<JsonNode>>> task(GatewayCall call, SubmitResponse answer) {
        return blocking(() -> tasks.open(call.agent(), answer.id(), answer.deadline(), McpTask.Kind.CALL,
                call.server(), call.tool(), call.session())).thenApply(created -> () ->
                        CompletableFuture.completedFuture(created));
    }

    /** Binds the pending call; an identical call that won the key first gets it instead, and ours is withdrawn. */
    private CompletionStage<Supplier<CompletionStage<JsonNode>>> hold(GatewayCall call, SubmitResponse answer,
            UUID expired) {
        UUID actionId = answer.id();
        bound(call.key(), answer.deadline());
        return blocking(() -> {
            try {
                bindings.hold(call, actionId, expired).toCompletableFuture().join();
            } catch (RuntimeException e) {
                Optional<CallBindings.Found> other = bindings.find(call.key());
                if (other.isEmpty() || other.get().binding().actionId.equals(actionId)) {
                    throw e;
                }
                LOG.infof("mcp: action %s withdrawn: an identical call holds action %s", actionId,
                        other.get().binding().actionId);
                gate.cancel(actionId, call.agent()).toCompletableFuture().exceptionally(error -> null).join();
                return () -> resume(call, other.get());
            }
            return () -> await(call, actionId);
        });
    }


    /** A retry of a bound call: attach while held, wait for the running call, or replay the settled outcome. */
    private CompletionStage<JsonNode> resume(GatewayCall call, CallBindings.Found found) {
        CallBinding b = found.binding();
        return switch (b.state) {
            case HELD -> found.action().status().isTerminal() ? settle(call, found.action()) : await(call, b.actionId);
            case EXECUTING -> {
                CompletableFuture<JsonNode> running = executing.get(b.actionId);
                yield running != null ? running : CompletableFuture.completedFuture(ToolResults.error(
                        Refusals.stillRunning(b.actionId), Refusals.meta(b.actionId, "EXECUTING")));
            }
            case SETTLED -> bindings.answered(call, b.actionId, Map.of("outcome", "replayed", "settledAt",
                    b.settledAt)).thenApply(nothing -> {
                JsonNode outcome = readTree(b.outcome);
                if (outcome instanceof ObjectNode o) {
                    ObjectNode meta = o.has("_meta") && o.get("_meta").isObject() ? (ObjectNode) o.get("_meta")
                            : o.putObject("_meta");
                    meta.put(Refusals.META + "actionId", b.actionId.toString());
                    meta.put(Refusals.META + "replayed", true);
                }
                return outcome;
            });
        };
    }

    /** Waits (up to the call budget) for the decision of a held call, then settles it or answers "still pending". */
    private CompletionStage<JsonNode> await(GatewayCall call, UUID actionId) {
        Optional<CompletionStage<ActionView>> waiting = held.await(call, actionId);
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(held.tooMany(actionId));
        }
        return waiting.get().thenCompose(view -> {
            if (view.status().isTerminal()) {
                return settle(call, view);
            }
            return bindings.answered(call, actionId, Map.of("outcome", "pending", "deadline", view.deadline()))
                    .thenApply(nothing -> ToolResults.text(Refusals.pending(view), Refusals.pendingMeta(view,
                            config.baseUrl(), submissions.pollUrl(view.id()))));
        });
    }

    /** The decided held call: approved runs (once, whoever claims it), anything else is a tool error. */
    private CompletionStage<JsonNode> settle(GatewayCall call, ActionView decided) {
        if (decided.status() == ActionStatus.APPROVED) {
            // one settling per action on this instance; the conditional UPDATE decides between instances
            CompletableFuture<JsonNode> mine = new CompletableFuture<>();
            CompletableFuture<JsonNode> running = executing.putIfAbsent(decided.id(), mine);
            if (running != null) {
                return running;
            }
            // the arguments the approval released: an approver's edit, else the call's own
            bindings.claim(call, decided).thenCompose(claimed -> !claimed
                    ? CompletableFuture.completedFuture(Optional.<ObjectNode>empty())
                    : blocking(() -> Optional.of(queries.toolArgsToRun(decided.id()).map(this::object)
                            .orElse(call.arguments()))))
                    .thenCompose(toRun -> toRun.isEmpty() ? again(call, decided.id())
                            : forward(call, decided.id(), toRun.get(), true))
                    .whenComplete((answer, error) -> {
                        executing.remove(decided.id(), mine);
                        if (error != null) {
                            mine.completeExceptionally(error);
                        } else {
                            mine.complete(answer);
                        }
                    });
            return mine;
        }
        JsonNode refusal = ToolResults.error(Refusals.refused(decided), Refusals.meta(decided.id(),
                decided.status().name()));
        return bindings.refuse(call, decided, refusal.toString())
                .thenCompose(settled -> settled ? CompletableFuture.completedFuture(refusal)
                        : again(call, decided.id()));
    }

    /** Another request (on another instance) moved the binding on first: follow where it is now. */
    private CompletionStage<JsonNode> again(GatewayCall call, UUID actionId) {
        return blocking(() -> bindings.find(call.key())).thenCompose(found -> {
            // (never back to this instance's own settling of it: that is the one asking)
            if (found.isEmpty() || !found.get().binding().actionId.equals(actionId)
                    || found.get().binding().state != CallBinding.State.SETTLED) {
                return CompletableFuture.completedFuture(ToolResults.error(Refusals.stillRunning(actionId),
                        Refusals.meta(actionId, "EXECUTING")));
            }
            return resume(call, found.get());
        });
    }

    /** Sends the call upstream and records what came back; an upstream failure is a tool error, recorded too. */
    private CompletionStage<JsonNode> forward(GatewayCall call, UUID actionId, ObjectNode arguments, boolean bound) {
        Optional<Upstream> upstream = registry.upstream(call.server());
        long started = System.nanoTime();
        CompletableFuture<JsonNode> sent = upstream.isEmpty()
                ? CompletableFuture.failedFuture(new IllegalStateException("MCP server '" + call.server()
                        + "' is no longer registered"))
                : upstream.get().call(call.tool(), json.convertValue(arguments, ARGUMENTS))
                        .thenApply(Upstream::toJson);
        return sent.handle((result, error) -> {
            long durationMs = (System.nanoTime() - started) / 1_000_000;
            JsonNode answer = error == null ? result : ToolResults.error(Refusals.upstreamFailed(call.server(),
                    actionId, Upstream.cause(error)), Refusals.meta(actionId, "FAILED"));
            String kind = error != null ? "failure" : ToolResults.isError(result) ? "error" : "ok";
            metrics.upstreamCall(call.server(), kind, System.nanoTime() - started);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("outcome", kind);
            details.put("durationMs", durationMs);
            if (error != null) {
                details.put("error", Upstream.cause(error));
            }
            Refusals.Kept kept = Refusals.forRecords(answer, actionId);
            Runnable record = () -> gate.recordResult(actionId, call.agent(), new ResultRequest(
                    kept.audit(), durationMs, null, null, null));
            return bindings.returned(call, actionId, details, record, kept.replay(), bound)
                    .thenApply(nothing -> answer);
        }).thenCompose(stage -> stage);
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("stored outcome is not JSON", e);
        }
    }

    private ObjectNode object(String text) {
        try {
            JsonNode node = json.readTree(text);
            return node instanceof ObjectNode o ? o : json.createObjectNode();
        } catch (Exception e) {
            throw new IllegalStateException("stored tool arguments are not JSON", e);
        }
    }

    private <T> CompletableFuture<T> inTurn(String key, Supplier<CompletionStage<T>> work) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> before = turns.put(key, mine);
        CompletableFuture<Void> ready = before == null ? CompletableFuture.completedFuture(null) : before;
        return ready.thenCompose(nothing -> work.get()).whenComplete((result, error) -> {
            mine.complete(null);
            turns.remove(key, mine);
        }).toCompletableFuture();
    }

    /** Blocking work (database, writer) off the event loop. */
    static <T> CompletableFuture<T> blocking(Checked<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Infrastructure.getDefaultWorkerPool());
    }

    /** A supplier that may throw. */
    interface Checked<T> {
        T get() throws Exception;
    }
}
