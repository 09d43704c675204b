package io.agentgate.gate;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Long-polls waiting for a decision, keyed by action id. A waiter is a future, not a thread; it is completed
 * only after the deciding transaction has committed.
 *
 * <p>Thousands of polls are held at once, so each costs one map entry and one small future: the map's value is
 * the action's only waiter, or an array of them when several polls wait on one action (rare); no set per action.
 */
@ApplicationScoped
public class ActionWaiters {

    /** A held long-poll: completed with the action's state once its decision has committed. */
    public static final class Waiter extends CompletableFuture<ActionView> {

        final UUID actionId;

        Waiter(UUID actionId) {
            this.actionId = actionId;
        }
    }

    /** action id -> {@link Waiter} or {@code Waiter[]} */
    private final ConcurrentHashMap<UUID, Object> waiters = new ConcurrentHashMap<>();

    /** Registers before the caller reads the current state, so no decision can slip between read and wait. */
    public Waiter register(UUID id) {
        Waiter waiter = new Waiter(id);
        waiters.merge(id, waiter, (held, added) -> {
            if (held instanceof Waiter one) {
                return new Waiter[] {one, waiter};
            }
            Waiter[] many = (Waiter[]) held;
            Waiter[] more = Arrays.copyOf(many, many.length + 1);
            more[many.length] = waiter;
            return more;
        });
        return waiter;
    }

    public void remove(Waiter waiter) {
        waiters.computeIfPresent(waiter.actionId, (k, held) -> {
            if (held == waiter) {
                return null;
            }
            if (held instanceof Waiter[] many) {
                Waiter[] rest = Arrays.stream(many).filter(w -> w != waiter).toArray(Waiter[]::new);
                return rest.length == 0 ? null : rest.length == 1 ? rest[0] : rest;
            }
            return held;
        });
    }

    /** Number of open long-polls. */
    public int size() {
        return waiters.values().stream().mapToInt(held -> held instanceof Waiter[] many ? many.length : 1).sum();
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
        Object held = waiters.remove(decided.id());
        if (held instanceof Waiter one) {
            one.complete(decided);
        } else if (held instanceof Waiter[] many) {
            for (Waiter w : many) {
                w.complete(decided);
            }
        }
    }

    /** First of the after-commit observers: a held poll is answered before metrics, pages and callbacks. */
    void onDecided(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(1) ActionDecided event) {
        complete(event.action());
    }
}
