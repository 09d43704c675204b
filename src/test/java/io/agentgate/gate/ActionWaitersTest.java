package io.agentgate.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ActionWaitersTest {

    private final ActionWaiters waiters = new ActionWaiters();

    @Test
    void everyPollOnAnActionIsWokenByItsDecisionAndOnlyThose() {
        UUID id = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        var first = waiters.register(id);
        var second = waiters.register(id);
        var third = waiters.register(id);
        var elsewhere = waiters.register(other);
        waiters.remove(second);
        assertEquals(3, waiters.size());

        ActionView decided = view(id);
        waiters.onDecided(new ActionDecided(decided));

        assertSame(decided, first.getNow(null));
        assertSame(decided, third.getNow(null));
        assertFalse(second.isDone(), "a removed poll is not answered");
        assertFalse(elsewhere.isDone());
        assertEquals(1, waiters.size());
    }

    @Test
    void removingEveryPollLeavesNothingBehind() {
        UUID id = UUID.randomUUID();
        var a = waiters.register(id);
        var b = waiters.register(id);
        waiters.remove(a);
        waiters.remove(a);
        waiters.remove(b);
        assertEquals(0, waiters.size());
        waiters.onDecided(new ActionDecided(view(id)));
        assertFalse(a.isDone() || b.isDone());
    }

    @Test
    void aDecisionWithNoPollChangesNothing() {
        var held = waiters.register(UUID.randomUUID());
        waiters.onDecided(new ActionDecided(view(UUID.randomUUID())));
        assertTrue(!held.isDone() && waiters.size() == 1);
    }

    private static ActionView view(UUID id) {
        return new ActionView(id, "agent", "book_meeting", ActionStatus.APPROVED, List.of(), Instant.EPOCH,
                Instant.EPOCH, Instant.EPOCH, "alice@example.com", null, null, null);
    }
}
