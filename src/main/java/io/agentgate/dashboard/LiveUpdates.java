package io.agentgate.dashboard;

import io.agentgate.gate.ActionDecided;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmitted;
import io.agentgate.gate.ActionView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Pushes the gate's events to open dashboard pages (Server-Sent Events) once their transaction has committed: a new
 * pending action, a decision, a timeout. Pages re-read their list when told; the event carries no context.
 */
@ApplicationScoped
public class LiveUpdates {

    /** What an open page learns: which action changed and how. */
    public record LiveEvent(String type, UUID id, String agent, String action, ActionStatus status, Instant at) {

        static LiveEvent of(String type, ActionView view, Instant at) {
            return new LiveEvent(type, view.id(), view.agent(), view.action(), view.status(), at);
        }
    }

    @Inject
    Clock clock;

    private final BroadcastProcessor<LiveEvent> events = BroadcastProcessor.create();

    void submitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionSubmitted event) {
        if (event.action().status() == ActionStatus.PENDING) {
            publish(LiveEvent.of("submitted", event.action(), clock.instant()));
        }
    }

    void decided(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionDecided event) {
        publish(LiveEvent.of("decided", event.action(), clock.instant()));
    }

    /** An event another instance committed (or a "resync" after missed ones), for the pages open here. */
    public void relay(LiveEvent event) {
        publish(event);
    }

    private synchronized void publish(LiveEvent event) {
        events.onNext(event);
    }

    /** Every event from now on, with a heartbeat every 20 s so proxies keep the connection open. */
    public Multi<LiveEvent> stream() {
        Multi<LiveEvent> heartbeat = Multi.createFrom().ticks().every(Duration.ofSeconds(20))
                .map(t -> new LiveEvent("heartbeat", null, null, null, null, clock.instant()));
        return Multi.createBy().merging().streams(events, heartbeat);
    }
}
