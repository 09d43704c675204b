package io.agentgate.observability;

import io.agentgate.gate.ActionDecided;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmitted;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.ActionQueries;
import io.agentgate.policy.Violation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.context.ManagedExecutor;

/**
 * The contract's Prometheus meters, fed by committed gate events:
 * {@code ai_agent_actions_total{agent_name,action,allowed}} (final outcomes),
 * {@code ai_agent_policy_violations_total{agent_name,policy_name,severity}},
 * {@code ai_agent_approval_requests_total{agent_name,status}}, {@code ai_agent_pending_actions} and
 * {@code ai_agent_decision_latency_seconds{status}}.
 */
@ApplicationScoped
public class GateMetrics {

    public static final String ACTIONS = "ai_agent_actions";
    public static final String VIOLATIONS = "ai_agent_policy_violations";
    public static final String APPROVAL_REQUESTS = "ai_agent_approval_requests";
    public static final String PENDING = "ai_agent_pending_actions";
    public static final String DECISION_LATENCY = "ai_agent_decision_latency";

    @Inject
    MeterRegistry registry;

    @Inject
    ActionQueries queries;

    @Inject
    ActionLabels labels;

    private final AtomicLong pending = new AtomicLong();

    @Inject
    ManagedExecutor workers;

    void start(@Observes StartupEvent event) {
        registry.gauge(PENDING, pending);
        // the first count on a worker, beside the rest of the start: on a large table it reads the pending index
        // from disk (about 0.1 s with 100,000 pending actions); until it is done the gauge counts from zero
        workers.execute(this::recountPending);
    }

    void onSubmitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionSubmitted event) {
        ActionView a = event.action();
        for (Violation v : a.violations()) {
            Counter.builder(VIOLATIONS)
                    .description("Policy violations by agent, policy and severity")
                    .tag("agent_name", a.agent())
                    .tag("policy_name", v.policy())
                    .tag("severity", v.severity().json())
                    .register(registry).increment();
        }
        if (a.status() == ActionStatus.PENDING) {
            pending.incrementAndGet();
        } else {
            actions(a).increment();
        }
    }

    void onDecided(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionDecided event) {
        ActionView a = event.action();
        pending.decrementAndGet();
        actions(a).increment();
        Counter.builder(APPROVAL_REQUESTS)
                .description("Pending actions by how they ended")
                .tag("agent_name", a.agent())
                .tag("status", a.status().approvalLabel())
                .register(registry).increment();
        Timer.builder(DECISION_LATENCY)
                .description("Time from submission to the end of a pending action")
                .tag("status", a.status().approvalLabel())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofDays(1))
                .register(registry)
                .record(Duration.between(a.createdAt(), a.decidedAt()));
    }

    /** Corrects the gauge from the database (restarts, other instances). */
    @Scheduled(every = "10s", identity = "pending-gauge")
    void recountPending() {
        pending.set(queries.countPending());
    }

    private Counter actions(ActionView a) {
        return Counter.builder(ACTIONS)
                .description("Actions by final outcome: allowed=true when ALLOWED or APPROVED")
                .tag("agent_name", a.agent())
                .tag("action", labels.label(a.agent(), a.action()))
                .tag("allowed", Boolean.toString(a.status().permitsExecution()))
                .register(registry);
    }
}
