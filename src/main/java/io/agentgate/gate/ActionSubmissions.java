package io.agentgate.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.CanonicalJson;
import io.agentgate.common.Conflict;
import io.agentgate.common.Ids;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Evaluation;
import io.agentgate.policy.Outcome;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The submit path: evaluates an action where the request arrived (the engine is pure and fast), then hands its
 * rows to the {@link ActionWriter}, which commits them with whatever else is waiting. The answer comes after that
 * commit. With an idempotency key, a repeat returns the first answer and stores nothing.
 */
@ApplicationScoped
public class ActionSubmissions {

    private static final Logger LOG = Logger.getLogger(ActionSubmissions.class);

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

    @Inject
    ActionWriter writer;

    @Inject
    ActionRows rows;

    @Inject
    Event<ActionSubmitted> submitted;

    @Inject
    SharedRateWindows rateWindows;

    @Inject
    StandingApprovals grants;

    private Timer evaluationTime;
    private String pollPrefix;
    private String pollSuffix;

    @PostConstruct
    void init() {
        evaluationTime = Timer.builder("ai_agent_policy_evaluation")
                .description("Time the policy engine takes to evaluate one action")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(500))
                .maximumExpectedValue(Duration.ofMillis(100))
                .register(registry);
        pollPrefix = AgentGateConfig.external(config, "/api/v1/actions/");
        pollSuffix = "?wait=" + config.approval().maxWait().toSeconds();
    }

    /** The first answer to a submission, and whether it is a replay of an earlier one. */
    public record Submission(SubmitResponse response, boolean replayed) {
    }

    /**
     * Whether this submission must first look for an earlier answer or resolve its callback URL: both read
     * (database, DNS), so the caller runs {@link #prepare} off the event loop first.
     */
    public boolean needsPreparation(SubmitRequest request) {
        return request.idempotencyKey() != null || request.callbackUrl() != null;
    }

    /** The earlier answer for a repeated idempotency key, after the callback URL was checked; blocking. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Submission> prepare(AgentProfile agent, SubmitRequest request) {
        if (request.idempotencyKey() != null) {
            Optional<Submission> earlier = replay(agent.id(), request.idempotencyKey(), hash(request));
            if (earlier.isPresent()) {
                return earlier;
            }
        }
        if (request.callbackUrl() != null) {
            CallbackTargets.check(request.callbackUrl(), webhooks.allowPrivate());
        }
        return Optional.empty();
    }

    /**
     * Evaluates and records the action; the stage completes after the commit that made it durable. In a cluster an
     * action with a rate limit is first counted in the shared window, off the event loop.
     */
    public CompletionStage<Submission> submit(AgentProfile agent, SubmitRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        var window = rateWindows.windowFor(agent, request.action());
        if (window.isEmpty()) {
            return submit(agent, request, now, null);
        }
        Context vertx = Vertx.currentContext();
        if (vertx == null || !Context.isOnEventLoopThread()) {
            return submit(agent, request, now, rateWindows.tryAcquire(window.get(), now));
        }
        return vertx.executeBlocking(() -> rateWindows.tryAcquire(window.get(), now), false).toCompletionStage()
                .thenCompose(admitted -> submit(agent, request, now, admitted));
    }

    private CompletionStage<Submission> submit(AgentProfile agent, SubmitRequest request, Instant now,
            Boolean rateAdmitted) {
        var context = request.context() == null ? json.createObjectNode() : request.context();
        long started = System.nanoTime();
        Evaluation evaluation = engine.evaluate(new ActionContext(agent, request.action(), context,
                request.toolName(), request.toolArgs(), request.userId(), request.sessionId(), now, rateAdmitted));
        evaluationTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        Action row = row(agent, request, context.toString(), evaluation, now);
        List<Violation> violations = evaluation.violations();
        GrantCandidate grant = grantFor(agent, request, context, evaluation);
        CompletionStage<Submission> stored = writer.submit(() -> store(agent, row, violations, grant));
        if (row.idempotencyKey == null) {
            return stored;
        }
        // a first submission with the same key committed elsewhere won the unique constraint: answer as it did
        return stored.exceptionallyCompose(error -> writer.submit(() -> replay(row.agentId, row.idempotencyKey,
                row.requestHash).orElseThrow(() -> unwrap(error))));
    }

    private Action row(AgentProfile agent, SubmitRequest request, String context, Evaluation evaluation,
            Instant now) {
        ActionStatus status = switch (evaluation.outcome()) {
            case ALLOWED -> ActionStatus.ALLOWED;
            case DENIED -> ActionStatus.DENIED;
            case PENDING -> ActionStatus.PENDING;
        };
        Action action = new Action();
        action.id = Ids.timeOrdered();
        action.agentId = agent.id();
        action.agentName = agent.name();
        action.action = request.action();
        action.context = context;
        action.toolName = request.toolName();
        action.toolArgs = request.toolArgs() == null ? null : request.toolArgs().toString();
        action.sessionId = request.sessionId();
        action.userId = request.userId();
        action.idempotencyKey = request.idempotencyKey();
        action.requestHash = request.idempotencyKey() == null ? null : hash(request);
        action.callbackUrl = request.callbackUrl();
        action.status = status;
        action.createdAt = now;
        if (status == ActionStatus.PENDING) {
            action.deadline = now.plus(timeoutFor(agent, request));
            action.approvers = agent.approval().approvers() == null ? List.of()
                    : List.copyOf(agent.approval().approvers());
            action.requiredApprovals = Math.max(1, agent.approval().requiredApprovals());
        }
        return action;
    }

    /** A grant that may let a held submission pass, and the policy version it was evaluated under. */
    private record GrantCandidate(UUID id, String policyVersion) {
    }

    /**
     * Only a submission that a review alone holds may pass by a grant: no deny (the outcome would be DENIED), and
     * the grant covers its most severe review violation. The lookup is in memory; the digest is computed only when a
     * same-arguments grant of this agent and action exists.
     */
    private GrantCandidate grantFor(AgentProfile agent, SubmitRequest request, ObjectNode context,
            Evaluation evaluation) {
        if (evaluation.outcome() != Outcome.PENDING) {
            return null;
        }
        Severity highest = null;
        for (Violation v : evaluation.violations()) {
            if (v.enforcement() == Enforcement.REVIEW && (highest == null || v.severity().compareTo(highest) > 0)) {
                highest = v.severity();
            }
        }
        String version = engine.version();
        ObjectNode arguments = request.toolArgs() != null ? request.toolArgs() : context;
        return grants.candidate(agent, request.action(), request.userId(), highest, version,
                () -> CanonicalJson.sha256(CanonicalJson.write(arguments)))
                .map(id -> new GrantCandidate(id, version)).orElse(null);
    }

    /** On the writer, in its batch transaction. */
    private Submission store(AgentProfile agent, Action action, List<Violation> violations, GrantCandidate grant) {
        if (action.idempotencyKey != null) {
            Optional<Submission> earlier = replay(action.agentId, action.idempotencyKey, action.requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        // set on every run: a batch that is retried runs this again, and the use may not count the second time
        action.passBy(grant != null && grants.use(grant.id(), action.id, action.agentName, grant.policyVersion(),
                action.createdAt) ? grant.id() : null);
        rows.insert(action, violations);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", action.action);
        details.put("status", action.status);
        details.put("violations", violations);
        details.put("sessionId", action.sessionId);
        details.put("userId", action.userId);
        details.put("toolName", action.toolName);
        details.put("deadline", action.deadline);
        if (action.grantId != null) {
            details.put("grantId", action.grantId);
        }
        audit.record(AuditLog.SUBMITTED, action.agentName, action.id, "agent:" + action.agentName, details);
        submitted.fire(new ActionSubmitted(ActionView.of(action, violations), action.approvers, action.grantId, agent));
        LOG.debugf("action %s %s by %s: %s", action.id, action.action, action.agentName, action.status);
        return new Submission(answer(action, violations), false);
    }

    private Optional<Submission> replay(UUID agentId, String key, String requestHash) {
        return Action.<Action>find("agentId = ?1 and idempotencyKey = ?2", agentId, key).firstResultOptional()
                .map(first -> {
                    if (!first.requestHash.equals(requestHash)) {
                        throw new Conflict("idempotency-key-reused", "Idempotency key reused",
                                "Idempotency key '" + key + "' was first used for a different request (action "
                                        + first.id + ")", Map.of("actionId", first.id));
                    }
                    return new Submission(answer(first, ActionViolation.forAction(first.id)), true);
                });
    }

    private SubmitResponse answer(Action action, List<Violation> violations) {
        ActionStatus first = action.initialStatus();
        if (first == ActionStatus.PENDING) {
            return new SubmitResponse(action.id, first, violations, action.deadline, pollUrl(action.id), null);
        }
        return new SubmitResponse(action.id, first, violations, null, null, action.grantId);
    }

    /** Where the agent long-polls a pending action. */
    public String pollUrl(UUID id) {
        return pollPrefix + id + pollSuffix;
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

    private String hash(SubmitRequest request) {
        try {
            byte[] body = json.writeValueAsBytes(request);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash request", e);
        }
    }

    private static RuntimeException unwrap(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof RuntimeException r ? r : new CompletionException(cause);
    }
}
