package io.agentgate.approval;

import io.agentgate.gate.ActionSubmitted;
import io.agentgate.policy.PolicyEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code agentgate_grants_active} (grants in force on this instance's index, under the policies in effect) and
 * {@code agentgate_grant_uses_total{agent}} (submissions that passed by a grant; agents are a bounded set).
 */
@ApplicationScoped
public class GrantMeters {

    public static final String ACTIVE = "agentgate_grants_active";
    public static final String USES = "agentgate_grant_uses";

    @Inject
    MeterRegistry registry;

    @Inject
    GrantIndex index;

    @Inject
    PolicyEngine engine;

    private final Map<String, Counter> uses = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        Gauge.builder(ACTIVE, this, m -> m.index.active(m.engine.version()))
                .description("Grants that let submissions pass now (not expired, used up, revoked or suspended)")
                .register(registry);
    }

    void onSubmitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionSubmitted event) {
        if (event.grantId() != null) {
            // one counter per agent, looked up in a map of our own rather than built and registered per use
            uses.computeIfAbsent(event.action().agent(), agent -> Counter.builder(USES)
                    .description("Submissions that passed the review step by a grant")
                    .tag("agent", agent).register(registry)).increment();
        }
    }
}
