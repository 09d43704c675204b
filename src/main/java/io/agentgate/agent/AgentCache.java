package io.agentgate.agent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Agent profiles by API key hash, so an agent request reads no row to learn who is asking. Any change to an agent
 * (profile, approval rule, key) drops the whole cache, in the changing transaction and again after it completes:
 * a lookup that read the old row while the change committed cannot put it back (the generation moved on).
 * Unknown keys are not cached, so guessing keys cannot grow it.
 */
@ApplicationScoped
public class AgentCache {

    /** Bounds memory for installations with very many agents; past it the cache starts over. */
    static final int MAX_ENTRIES = 10_000;

    private final Map<String, AgentProfile> byKeyHash = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /** An agent was created or changed; fired in the changing transaction. */
    public record AgentChanged(String name) {
    }

    Optional<AgentProfile> get(String keyHash, Supplier<Optional<AgentProfile>> load) {
        AgentProfile cached = byKeyHash.get(keyHash);
        if (cached != null) {
            return Optional.of(cached);
        }
        long seen = generation.get();
        Optional<AgentProfile> loaded = load.get();
        if (loaded.isPresent() && generation.get() == seen) {
            if (byKeyHash.size() >= MAX_ENTRIES) {
                byKeyHash.clear();
            }
            byKeyHash.put(keyHash, loaded.get());
            if (generation.get() != seen) {
                byKeyHash.remove(keyHash); // a change raced the put
            }
        }
        return loaded;
    }

    /** Drops every cached profile (a change here, or one another instance reported). */
    public void invalidateAll() {
        generation.incrementAndGet();
        byKeyHash.clear();
    }

    void changing(@Observes AgentChanged change) {
        invalidateAll();
    }

    void changed(@Observes(during = TransactionPhase.AFTER_COMPLETION) AgentChanged change) {
        invalidateAll();
    }
}
