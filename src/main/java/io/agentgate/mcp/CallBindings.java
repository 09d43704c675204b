package io.agentgate.mcp;

import io.agentgate.audit.AuditLog;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.ActionWriter;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The gateway's writes: the binding of a held call to its action ({@code mcp_call}) and the audit events of every
 * call, "proposed", "decided", "executed" and "returned", each in the same transaction as the state change it
 * records. Every write goes through the {@link ActionWriter}; each state change is one conditional UPDATE, so of two
 * identical retries exactly one sends the approved call upstream.
 */
@ApplicationScoped
public class CallBindings {

    static final String PROPOSED = "mcp.call.proposed";
    static final String DECIDED = "mcp.call.decided";
    static final String EXECUTED = "mcp.call.executed";
    static final String RETURNED = "mcp.call.returned";

    @Inject
    ActionWriter writer;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    ActionQueries actions;

    /** A binding with its action's current state. */
    record Found(CallBinding binding, ActionView action) {
    }

    /** The binding for this key with its action, if there is one (live or not); blocking. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    Optional<Found> find(String key) {
        CallBinding b = CallBinding.findById(key);
        if (b == null) {
            return Optional.empty();
        }
        CallBinding.getEntityManager().detach(b);
        return Optional.of(new Found(b, actions.viewForAgent(b.actionId, b.agentId)));
    }

    /**
     * Binds a call that is now pending to its action and records "proposed"; replaces an expired binding of the same
     * key ({@code expired}, the action it was bound to). Throws when another call holds the key (a race lost).
     */
    CompletionStage<Void> hold(GatewayCall call, UUID actionId, UUID expired) {
        return write(() -> {
            Instant now = now();
            if (expired != null) {
                CallBinding.delete("bindingKey = ?1 and actionId = ?2", call.key(), expired);
            }
            CallBinding b = new CallBinding();
            b.bindingKey = call.key();
            b.actionId = actionId;
            b.agentId = call.agent().id();
            b.serverName = call.server();
            b.toolName = call.tool();
            b.argsHash = call.argsHash();
            b.sessionId = call.session();
            b.state = CallBinding.State.HELD;
            b.createdAt = now;
            b.persist();
            audit.record(PROPOSED, call.agent().name(), actionId, actor(call), proposed(call, "PENDING"));
            return null;
        });
    }

    /**
     * An answer at once: "proposed" and "decided", then for ALLOWED "executed" (committed before the call is sent),
     * for DENIED "returned".
     */
    CompletionStage<Void> decidedAtOnce(GatewayCall call, UUID actionId, String status, Object violations,
            boolean forwarding) {
        return write(() -> {
            audit.record(PROPOSED, call.agent().name(), actionId, actor(call), proposed(call, status));
            Map<String, Object> decided = new LinkedHashMap<>();
            decided.put("decision", status);
            decided.put("by", "policy");
            decided.put("violations", violations);
            audit.record(DECIDED, call.agent().name(), actionId, "policy", decided);
            if (forwarding) {
                audit.record(EXECUTED, call.agent().name(), actionId, actor(call), executed(call, false));
            } else {
                audit.record(RETURNED, call.agent().name(), actionId, actor(call), Map.of("outcome", "denied"));
            }
            return null;
        });
    }

    /**
     * Claims the approved call for sending (HELD -> EXECUTING), recording "decided" and "executed" in the same
     * transaction. False when another request claimed or settled it first.
     */
    CompletionStage<Boolean> claim(GatewayCall call, ActionView decided) {
        return write(() -> {
            Instant now = now();
            int updated = CallBinding.update("state = ?1, claimedAt = ?2 where bindingKey = ?3 and actionId = ?4 "
                    + "and state = ?5", CallBinding.State.EXECUTING, now, call.key(), decided.id(),
                    CallBinding.State.HELD);
            if (updated == 0) {
                return false;
            }
            audit.record(DECIDED, call.agent().name(), decided.id(), decided.decidedBy(), decision(decided));
            audit.record(EXECUTED, call.agent().name(), decided.id(), actor(call), executed(call, true));
            return true;
        });
    }

    /**
     * Settles a refused held call (HELD -> SETTLED) with its tool error, recording "decided" and "returned". False
     * when another request settled it first.
     */
    CompletionStage<Boolean> refuse(GatewayCall call, ActionView decided, String outcome) {
        return write(() -> {
            int updated = CallBinding.update("state = ?1, outcome = ?2, settledAt = ?3 where bindingKey = ?4 "
                    + "and actionId = ?5 and state = ?6", CallBinding.State.SETTLED, outcome, now(), call.key(),
                    decided.id(), CallBinding.State.HELD);
            if (updated == 0) {
                return false;
            }
            audit.record(DECIDED, call.agent().name(), decided.id(), decided.decidedBy(), decision(decided));
            audit.record(RETURNED, call.agent().name(), decided.id(), actor(call),
                    Map.of("outcome", "refused", "status", decided.status()));
            return true;
        });
    }

    /**
     * Records what the agent got back: "returned", plus for a call that ran the action's result (through the gate),
     * and for a bound call its stored outcome (EXECUTING -> SETTLED).
     */
    CompletionStage<Void> returned(GatewayCall call, UUID actionId, Map<String, Object> details, Runnable result,
            String outcome, boolean bound) {
        return write(() -> {
            if (bound) {
                CallBinding.update("state = ?1, outcome = ?2, settledAt = ?3 where bindingKey = ?4 and actionId = ?5 "
                        + "and state = ?6", CallBinding.State.SETTLED, outcome, now(), call.key(), actionId,
                        CallBinding.State.EXECUTING);
            }
            if (result != null) {
                result.run();
            }
            audit.record(RETURNED, call.agent().name(), actionId, actor(call), details);
            return null;
        });
    }

    /** Records an answer that settles nothing: a replay of a settled call, or "still pending" at the wait limit. */
    CompletionStage<Void> answered(GatewayCall call, UUID actionId, Map<String, Object> details) {
        return write(() -> {
            audit.record(RETURNED, call.agent().name(), actionId, actor(call), details);
            return null;
        });
    }

    /**
     * Through the writer; completed on the caller's Vert.x context, or else on a worker thread, never on the
     * writer's own thread: a continuation there that wrote again would run outside any transaction.
     */
    private <T> CompletionStage<T> write(Supplier<T> work) {
        CompletionStage<T> done = writer.submit(work);
        return Vertx.currentContext() != null ? done
                : done.toCompletableFuture().thenApplyAsync(result -> result, Infrastructure.getDefaultWorkerPool());
    }

    private static Map<String, Object> proposed(GatewayCall call, String status) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("server", call.server());
        details.put("tool", call.tool());
        details.put("argsHash", call.argsHash());
        details.put("mcpSession", call.session());
        details.put("status", status);
        return details;
    }

    private static Map<String, Object> executed(GatewayCall call, boolean approved) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("server", call.server());
        details.put("tool", call.tool());
        details.put("after", approved ? "approval" : "policy");
        return details;
    }

    private static Map<String, Object> decision(ActionView decided) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("decision", decided.status());
        details.put("by", decided.decidedBy());
        details.put("comment", decided.comment());
        details.put("decidedAt", decided.decidedAt());
        return details;
    }

    private static String actor(GatewayCall call) {
        return "agent:" + call.agent().name();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
