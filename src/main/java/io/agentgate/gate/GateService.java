package io.agentgate.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.agent.AgentProfile;
import io.agentgate.approval.Quorum;
import io.agentgate.approval.VoteChannel;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.Conflict;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.NotFound;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Evaluation;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.Violation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import org.jboss.logging.Logger;

/**
 * The action state machine. Every transition out of PENDING is one conditional UPDATE guarded by
 * {@code status = 'PENDING'}; the database picks the single winner and everyone else gets a 409.
 */
@ApplicationScoped
public class GateService {

    private static final Logger LOG = Logger.getLogger(GateService.class);
    private static final String SYSTEM = "system";

    @Inject
    PolicyEngine engine;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    AgentGateConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    WebhookSettings webhooks;

    @Inject
    MeterRegistry registry;

    private Timer evaluationTime;

    @PostConstruct
    void meters() {
        evaluationTime = Timer.builder("ai_agent_policy_evaluation")
                .description("Time the policy engine takes to evaluate one action")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(500))
                .maximumExpectedValue(Duration.ofMillis(100))
                .register(registry);
    }

    @Inject
    Event<ActionSubmitted> submitted;

    @Inject
    Event<ActionDecided> decided;

    @Inject
    Quorum quorum;

    /** The first answer to a submission, and whether it is a replay of an earlier one. */
    public record Submission(SubmitResponse response, boolean replayed) {
    }

    /** Evaluates and records an action; with an idempotency key, a repeat returns the first answer. */
    public Submission submit(AgentProfile agent, SubmitRequest request) {
        String requestHash = hash(request);
        if (request.idempotencyKey() != null) {
            Optional<Submission> earlier = replay(agent, request.idempotencyKey(), requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        if (request.callbackUrl() != null) {
            CallbackTargets.check(request.callbackUrl(), webhooks.allowPrivate());
        }
        try {
            return QuarkusTransaction.requiringNew().call(() -> record(agent, request, requestHash));
        } catch (PersistenceException e) {
            if (request.idempotencyKey() != null) {
                // a concurrent first submission with the same key won the unique constraint
                Optional<Submission> earlier = replay(agent, request.idempotencyKey(), requestHash);
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            throw e;
        }
    }

    private Submission record(AgentProfile agent, SubmitRequest request, String requestHash) {
        Instant now = now();
        var context = request.context() == null ? json.createObjectNode() : request.context();
        long started = System.nanoTime();
        Evaluation evaluation = engine.evaluate(new ActionContext(agent, request.action(), context,
                request.toolName(), request.toolArgs(), request.userId(), request.sessionId(), now));
        evaluationTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        ActionStatus status = switch (evaluation.outcome()) {
            case ALLOWED -> ActionStatus.ALLOWED;
            case DENIED -> ActionStatus.DENIED;
            case PENDING -> ActionStatus.PENDING;
        };
        Action action = new Action();
        action.id = UUID.randomUUID();
        action.agentId = agent.id();
        action.agentName = agent.name();
        action.action = request.action();
        action.context = context.toString();
        action.toolName = request.toolName();
        action.toolArgs = request.toolArgs() == null ? null : request.toolArgs().toString();
        action.sessionId = request.sessionId();
        action.userId = request.userId();
        action.idempotencyKey = request.idempotencyKey();
        action.requestHash = requestHash;
        action.callbackUrl = request.callbackUrl();
        action.status = status;
        action.createdAt = now;
        if (status == ActionStatus.PENDING) {
            action.deadline = now.plus(timeoutFor(agent, request));
            action.approvers = agent.approval().approvers() == null ? List.of()
                    : List.copyOf(agent.approval().approvers());
            action.requiredApprovals = Math.max(1, agent.approval().requiredApprovals());
        }
        action.persist();
        for (Violation v : evaluation.violations()) {
            ActionViolation row = new ActionViolation();
            row.actionId = action.id;
            row.agentName = agent.name();
            row.policy = v.policy();
            row.severity = v.severity();
            row.enforcement = v.enforcement();
            row.reason = v.reason();
            row.createdAt = now;
            row.persist();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", action.action);
        details.put("status", status);
        details.put("violations", evaluation.violations());
        details.put("sessionId", action.sessionId);
        details.put("userId", action.userId);
        details.put("toolName", action.toolName);
        details.put("deadline", action.deadline);
        audit.record(AuditLog.SUBMITTED, agent.name(), action.id, "agent:" + agent.name(), details);
        Action.getEntityManager().flush();
        ActionView view = ActionView.of(action, evaluation.violations());
        submitted.fire(new ActionSubmitted(view));
        LOG.debugf("action %s %s by %s: %s", action.id, action.action, agent.name(), status);
        return new Submission(answer(action, evaluation.violations()), false);
    }

    private Optional<Submission> replay(AgentProfile agent, String key, String requestHash) {
        return QuarkusTransaction.joiningExisting().call(() -> Action
                .<Action>find("agentId = ?1 and idempotencyKey = ?2", agent.id(), key).firstResultOptional()
                .map(first -> {
                    if (!first.requestHash.equals(requestHash)) {
                        throw new Conflict("idempotency-key-reused", "Idempotency key reused",
                                "Idempotency key '" + key + "' was first used for a different request (action "
                                        + first.id + ")", Map.of("actionId", first.id));
                    }
                    return new Submission(answer(first, ActionViolation.forAction(first.id)), true);
                }));
    }

    private SubmitResponse answer(Action action, List<Violation> violations) {
        ActionStatus first = action.initialStatus();
        if (first == ActionStatus.PENDING) {
            return new SubmitResponse(action.id, first, violations, action.deadline, pollUrl(action.id));
        }
        return new SubmitResponse(action.id, first, violations, null, null);
    }

    public String pollUrl(UUID id) {
        return config.baseUrl().replaceAll("/+$", "") + "/api/v1/actions/" + id + "?wait="
                + config.approval().maxWait().toSeconds();
    }

    private Duration timeoutFor(AgentProfile agent, SubmitRequest request) {
        if (request.timeoutSeconds() != null) {
            return Duration.ofSeconds(request.timeoutSeconds());
        }
        if (agent.approval().timeoutSeconds() != null) {
            return Duration.ofSeconds(agent.approval().timeoutSeconds());
        }
        return config.approval().defaultTimeout();
    }

    /** The action as its agent may see it; another agent's action does not exist. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public ActionView viewForAgent(UUID id, UUID agentId) {
        Action action = Action.<Action>find("id = ?1 and agentId = ?2", id, agentId).firstResultOptional()
                .orElseThrow(() -> notFound(id));
        return ActionView.of(action, ActionViolation.forAction(id));
    }

    /** The action's committed state, read in a transaction of its own so no cached row is returned. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public ActionView view(UUID id) {
        return load(id);
    }

    /** The action in the current transaction (ArC intercepts self-calls, so internal callers use this). */
    private ActionView load(UUID id) {
        Action action = Action.<Action>findByIdOptional(id).orElseThrow(() -> notFound(id));
        return ActionView.of(action, ActionViolation.forAction(id));
    }

    /**
     * An integration's final decision on a pending action (admin API). It is recorded as the decider's vote
     * (channel API) and ends the action whatever the quorum.
     */
    @Transactional(dontRollbackOn = ActionNotPending.class)
    public ActionView decide(UUID id, ActionStatus decision, String decidedBy, String comment) {
        if (decision != ActionStatus.APPROVED && decision != ActionStatus.REJECTED) {
            throw new InvalidRequest("decision", "must be APPROVED or REJECTED");
        }
        return quorum.cast(id, decidedBy, decision, VoteChannel.API, comment, null).action();
    }

    /**
     * Locks a pending action's row for the rest of the transaction, so votes on it are counted one transaction at a
     * time (no write skew between two approvers). Throws {@link ActionNotPending} when it is no longer pending; an
     * overdue one is timed out in this transaction first, so callers declare {@code dontRollbackOn} for it.
     */
    @Transactional(value = Transactional.TxType.MANDATORY, dontRollbackOn = ActionNotPending.class)
    public PendingAction lockPending(UUID id) {
        Action action = Action.<Action>findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> notFound(id));
        Instant now = now();
        if (action.status == ActionStatus.PENDING && !action.deadline.isAfter(now)) {
            expire(id);
            Action.getEntityManager().refresh(action);
        }
        if (action.status != ActionStatus.PENDING) {
            throw ActionNotPending.of(action);
        }
        // the lock stays with the transaction; the entity goes, so later reads see the conditional UPDATE's result
        Action.getEntityManager().detach(action);
        return new PendingAction(action.id, action.agentName, action.approvers, action.requiredApprovals,
                action.deadline, action.userId, now);
    }

    /** Ends an action locked by {@link #lockPending} with a person's decision (the quorum was met, or a reject). */
    @Transactional(Transactional.TxType.MANDATORY)
    public ActionView conclude(PendingAction locked, ActionStatus decision, String decidedBy, String comment) {
        if (decision != ActionStatus.APPROVED && decision != ActionStatus.REJECTED) {
            throw new IllegalArgumentException("a person decides APPROVED or REJECTED, not " + decision);
        }
        return transition(locked.id(), null, decision, decidedBy, comment, AuditLog.DECIDED, locked.now());
    }

    /** The action with its context and approvers, in the caller's transaction if there is one. */
    @ActivateRequestContext
    @Transactional
    public ActionDetail detail(UUID id) {
        Action action = Action.<Action>findByIdOptional(id).orElseThrow(() -> notFound(id));
        return ActionDetail.of(action, ActionViolation.forAction(id));
    }

    /** The agent withdraws its own pending action. */
    @Transactional
    public ActionView cancel(UUID id, AgentProfile agent) {
        return transition(id, agent.id(), ActionStatus.CANCELLED, "agent:" + agent.name(), null, AuditLog.CANCELLED,
                now());
    }

    /**
     * Fails a pending action closed once its deadline has passed. Returns false when it was not (or no longer)
     * pending and overdue.
     */
    @Transactional
    public boolean expire(UUID id) {
        Instant now = now();
        int updated = Action.update("status = ?1, decidedAt = ?2, decidedBy = ?3 "
                + "where id = ?4 and status = ?5 and deadline <= ?2",
                ActionStatus.TIMED_OUT, now, SYSTEM, id, ActionStatus.PENDING);
        if (updated == 0) {
            return false;
        }
        ActionView view = load(id);
        audit.record(AuditLog.TIMED_OUT, view.agent(), id, SYSTEM, Map.of("deadline", view.deadline()));
        decided.fire(new ActionDecided(view));
        LOG.infof("action %s timed out (deadline %s)", id, view.deadline());
        return true;
    }

    private ActionView transition(UUID id, UUID agentId, ActionStatus to, String by, String comment, String event,
            Instant now) {
        String scope = agentId == null ? "" : " and agentId = :agent";
        Parameters params = Parameters.with("to", to).and("now", now).and("by", by).and("comment", comment)
                .and("id", id).and("pending", ActionStatus.PENDING);
        if (agentId != null) {
            params = params.and("agent", agentId);
        }
        int updated = Action.update("status = :to, decidedAt = :now, decidedBy = :by, comment = :comment "
                + "where id = :id and status = :pending and deadline > :now" + scope, params);
        if (updated == 0) {
            throw refusal(id, agentId);
        }
        ActionView view = load(id);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("decision", to);
        details.put("comment", comment);
        details.put("latencyMs", Duration.between(view.createdAt(), now).toMillis());
        audit.record(event, view.agent(), id, by, details);
        decided.fire(new ActionDecided(view));
        LOG.infof("action %s %s by %s", id, to, by);
        return view;
    }

    /** Why a transition found nothing to update: unknown, not this agent's, overdue, or already decided. */
    private RuntimeException refusal(UUID id, UUID agentId) {
        Action current = Action.<Action>findByIdOptional(id)
                .filter(a -> agentId == null || a.agentId.equals(agentId))
                .orElse(null);
        if (current == null) {
            return notFound(id);
        }
        if (current.status == ActionStatus.PENDING) {
            // past its deadline but not yet swept: fail it closed now, in a transaction of its own
            QuarkusTransaction.requiringNew().run(() -> expire(id));
            Action.getEntityManager().refresh(current);
        }
        return ActionNotPending.of(current);
    }

    /** Records the outcome the agent reports for an action it was allowed to take, once. */
    @Transactional
    public void recordResult(UUID id, AgentProfile agent, ResultRequest result) {
        Instant now = now();
        int updated = Action.update("resultAt = ?1 where id = ?2 and agentId = ?3 and resultAt is null "
                + "and status in ?4", now, id, agent.id(), List.of(ActionStatus.ALLOWED, ActionStatus.APPROVED));
        if (updated == 0) {
            Action current = Action.<Action>find("id = ?1 and agentId = ?2", id, agent.id()).firstResultOptional()
                    .orElseThrow(() -> notFound(id));
            String detail = current.resultAt != null
                    ? "A result for action " + id + " was already recorded at " + current.resultAt
                    : "Action " + id + " is " + current.status + ": only ALLOWED or APPROVED actions have a result";
            throw new Conflict("result-not-accepted", "Result not accepted", detail,
                    Map.of("actionId", id, "currentStatus", current.status));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("result", result.result());
        details.put("durationMs", result.durationMs());
        details.put("model", result.model());
        details.put("inputTokens", result.inputTokens());
        details.put("outputTokens", result.outputTokens());
        Action action = Action.findById(id);
        details.put("action", action.action);
        details.put("sessionId", action.sessionId);
        details.put("userId", action.userId);
        details.put("toolName", action.toolName);
        audit.record(AuditLog.RESULT, agent.name(), id, "agent:" + agent.name(), details);
    }

    /** Actions newest first, optionally by status and agent name; rows {@code first..first+count-1}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ActionView> list(ActionStatus status, String agentName, int first, int count) {
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (status != null) {
            where.append(" and status = :status");
            params = params.and("status", status);
        }
        if (agentName != null) {
            where.append(" and agentName = :agent");
            params = params.and("agent", agentName);
        }
        List<Action> actions = Action.<Action>find(where + " order by createdAt desc, id desc", params)
                .range(first, first + count - 1).list();
        Map<UUID, List<Violation>> violations = ActionViolation.forActions(actions.stream().map(a -> a.id).toList());
        List<ActionView> views = new ArrayList<>(actions.size());
        for (Action a : actions) {
            views.add(ActionView.of(a, violations.getOrDefault(a.id, List.of())));
        }
        return views;
    }

    /** Ids of pending actions whose deadline has passed, oldest first. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<UUID> overdue(int limit) {
        return Action.<Action>find("status = ?1 and deadline <= ?2 order by deadline", ActionStatus.PENDING,
                now()).page(Page.ofSize(limit)).project(IdOnly.class).list().stream().map(IdOnly::id)
                .toList();
    }

    /** Ids and deadlines of every pending action, for re-arming timers after a start. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PendingDeadline> pendingDeadlines() {
        return Action.find("status", ActionStatus.PENDING).project(PendingDeadline.class).list();
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public long countPending() {
        return Action.count("status", ActionStatus.PENDING);
    }

    /** Projection of an action's id. */
    public record IdOnly(UUID id) {
    }

    /** Projection of a pending action's timer data. */
    public record PendingDeadline(UUID id, Instant deadline) {
    }

    /** The database keeps microseconds; so does every instant we hand out, so answers match stored rows. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static NotFound notFound(UUID id) {
        return new NotFound("No action " + id);
    }

    private String hash(SubmitRequest request) {
        try {
            byte[] body = json.writeValueAsBytes(request);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash request", e);
        }
    }
}
