package io.agentgate.dashboard;

import io.agentgate.gate.ActionDecided;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmitted;
import io.agentgate.gate.ActionView;
import io.agentgate.common.HoldLimits;
import io.agentgate.common.Holds;
import io.agentgate.common.TooBusy;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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

    /** A login session: its account and the time it logged in (the signed stamp of {@link SessionStamps}). */
    public record Session(String email, Instant loginAt) {

        public Session {
            email = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        }
    }

    /** An open stream and the emitter that ends it. */
    private record Open(Session session, MultiEmitter<? super LiveEvent> emitter) {

        void end() {
            emitter.emit(new LiveEvent("ended", null, null, null, null, Instant.now()));
            emitter.complete();
        }
    }

    @Inject
    Clock clock;

    @Inject
    HoldLimits limits;

    @Inject
    AccountService accounts;

    private final BroadcastProcessor<LiveEvent> events = BroadcastProcessor.create();
    private final Set<Open> open = ConcurrentHashMap.newKeySet();

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

    /**
     * The live stream of one page: first a {@code resync} (sent once the stream is subscribed, so the page re-reads
     * its list and misses nothing that happened between its render and now; EventSource's reconnects get one too),
     * then every event, with a heartbeat every 20 s so proxies keep the connection open. It takes a place of
     * {@link HoldLimits#streams()} for its session (refused with {@link TooBusy}) and gives it back however it ends;
     * the session's end ({@link #end}) ends it with an {@code ended} event.
     */
    public Multi<LiveEvent> stream(Session session) {
        Holds.Slot slot = limits.streams().take(session);
        Multi<LiveEvent> heartbeat = Multi.createFrom().ticks().every(Duration.ofSeconds(20))
                .map(t -> new LiveEvent("heartbeat", null, null, null, null, clock.instant()));
        // LATEST: a page that cannot keep up needs only the newest event to re-read its list; nothing piles up
        return Multi.createFrom().<LiveEvent>emitter(emitter -> {
            Open stream = new Open(session, emitter);
            open.add(stream);
            Cancellable feed = Multi.createBy().merging().streams(events, heartbeat).subscribe()
                    .with(emitter::emit, emitter::fail, emitter::complete);
            emitter.onTermination(() -> {
                feed.cancel();
                open.remove(stream);
                slot.release();
            });
            emitter.emit(new LiveEvent("resync", null, null, null, null, clock.instant()));
        }, BackPressureStrategy.LATEST);
    }

    /** Ends the streams of every session of this account (logout ends all of them, see AccountService#endSessions). */
    public void end(String email) {
        String who = new Session(email, null).email();
        open.stream().filter(s -> s.session().email().equals(who)).forEach(Open::end);
    }

    /** Streams open now for one session (tests). */
    int openFor(Session session) {
        return (int) open.stream().filter(s -> s.session().equals(session)).count();
    }

    /**
     * Ends the streams of sessions that ended elsewhere: logout on another instance, a new password, a disabled or
     * deleted account. One check per session, not per stream.
     */
    @Scheduled(every = "${agentgate.limits.live-streams.session-check:20S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "live-stream-sessions")
    void endEnded() {
        Set<Session> sessions = new HashSet<>();
        open.forEach(s -> sessions.add(s.session()));
        for (Session session : sessions) {
            boolean valid;
            try {
                valid = accounts.sessionValid(session.email(), session.loginAt());
            } catch (RuntimeException e) {
                continue; // the database may be away for a moment; the next round decides
            }
            if (!valid) {
                open.stream().filter(s -> s.session().equals(session)).forEach(Open::end);
            }
        }
    }
}
