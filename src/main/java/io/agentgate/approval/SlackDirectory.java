package io.agentgate.approval;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Who is who between AgentGate and Slack: an approver's email to their Slack user ({@code users.lookupByEmail}) and a
 * Slack user back to the email of their profile ({@code users.info}). Answers (a miss too) are kept for
 * {@code agentgate.slack.user-cache-ttl}, at most {@link #MAX_ENTRIES} per direction; a Slack failure is not kept.
 */
@ApplicationScoped
public class SlackDirectory {

    static final int MAX_ENTRIES = 10_000;

    @Inject
    SlackApi api;

    @Inject
    SlackSettings settings;

    @Inject
    Clock clock;

    private record Entry(Optional<String> value, Instant until) {
    }

    private final Map<String, Entry> users = new ConcurrentHashMap<>();
    private final Map<String, Entry> emails = new ConcurrentHashMap<>();

    /** The Slack user id of this approver's email; empty when Slack has none. */
    public Optional<String> userOf(String email) {
        return cached(users, email.strip().toLowerCase(Locale.ROOT), api::userByEmail);
    }

    /** The email of this Slack user's profile, lower case; empty when it has none. */
    public Optional<String> emailOf(String userId) {
        return cached(emails, userId, id -> api.emailOf(id).map(e -> e.strip().toLowerCase(Locale.ROOT)));
    }

    /** Forgets every answer (tests; an operator's change in Slack shows at once after a restart anyway). */
    public void forget() {
        users.clear();
        emails.clear();
    }

    private Optional<String> cached(Map<String, Entry> cache, String key, Function<String, Optional<String>> ask) {
        Instant now = clock.instant();
        Entry entry = cache.get(key);
        if (entry != null && entry.until().isAfter(now)) {
            return entry.value();
        }
        Optional<String> value = ask.apply(key);
        if (cache.size() >= MAX_ENTRIES) {
            cache.values().removeIf(e -> !e.until().isAfter(now));
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(key, new Entry(value, now.plus(settings.userCacheTtl())));
        return value;
    }
}
