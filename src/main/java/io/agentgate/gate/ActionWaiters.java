package io.agentgate.gate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Long-polls waiting for a decision, keyed by action id. A waiter is a future, not a thread; it is completed
 * only after the deciding transaction has committed.
 */
@ApplicationScoped
public class ActionWaiters {

    private final Map<UUID, Set<CompletableFuture<ActionView>>> waiters = new ConcurrentHashMap<>();

    /** Registers before the caller reads the current state, so no decision can slip between read and wait. */
    public CompletableFuture<ActionView> register(UUID id) {
        CompletableFuture<ActionView> future = new CompletableFuture<>();
        waiters.compute(id, (k, set) -> {
            Set<CompletableFuture<ActionView>> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(future);
            return s;
        });
        return future;
    }

    public void remove(UUID id, CompletableFuture<ActionView> future) {
        waiters.computeIfPresent(id, (k, set) -> {
            set.remove(future);
            return set.isEmpty() ? null : set;
        });
    }

    /** Number of open long-polls. */
    public int size() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    /** Ids of actions someone is waiting for. */
    public Set<UUID> waitingFor() {
        return Set.copyOf(waiters.keySet());
    }

    public boolean isWaitingFor(UUID id) {
        return waiters.containsKey(id);
    }

    /** Answers every waiter of this action with its terminal state (a decision here, or one another instance made). */
    public void complete(ActionView decided) {
        Set<CompletableFuture<ActionView>> set = waiters.remove(decided.id());
        if (set != null) {
            set.forEach(f -> f.complete(decided));
        }
    }

    void onDecided(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionDecided event) {
        complete(event.action());
    }
}
