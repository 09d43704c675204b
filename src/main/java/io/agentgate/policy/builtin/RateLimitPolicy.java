package io.agentgate.policy.builtin;

import io.agentgate.agent.AgentProfile;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rate-limit}: at most N actions per sliding window for one agent and one action. Only keys given a limit
 * are limited; none by default.
 *
 * <p>Keys are {@code agent:action}, either side may be {@code *} (most specific wins: {@code agent:action},
 * then {@code agent:*}, {@code *:action}, {@code *:*}); each agent and action still gets its own count.
 * Limits are {@code N/WINDOW} with WINDOW as {@code 500ms}, {@code 30s}, {@code 1m}, {@code 1h}, {@code 1d}
 * (units case-insensitive, so Quarkus-style {@code 1M} is a minute) or ISO-8601 {@code PT1M}. Example:
 * {@code agentgate.policies.rate-limit.limits."financial-advisor:execute_transaction"=10/1m}.
 *
 * <p>Only actions this policy lets through are counted, so an agent that is over its limit is admitted again
 * as soon as its oldest admitted action leaves the window. On one instance the state is in memory, thread-safe:
 * one ring buffer of N timestamps per agent and action. In a cluster the gate counts the action in a window every
 * instance shares before evaluating ({@link #sharedWindow}) and hands the outcome in
 * {@link ActionContext#sharedRateAdmission()}, so this policy stays free of I/O either way.
 */
@ApplicationScoped
public class RateLimitPolicy implements BuiltinPolicy {

    public static final String NAME = "rate-limit";

    private static final Pattern LIMIT = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\S+)\\s*");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** N actions per window. */
    public record Limit(int max, Duration window) {
        public Limit {
            if (max < 1 || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("a rate limit needs N >= 1 and a positive window");
            }
        }

        /** Parses {@code N/WINDOW}, see the class documentation. */
        public static Limit parse(String text) {
            Matcher m = LIMIT.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("rate limit '" + text + "' is not N/WINDOW, e.g. 10/1m");
            }
            return new Limit(Integer.parseInt(m.group(1)), duration(m.group(2)));
        }

        private static Duration duration(String text) {
            Matcher m = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("rate limit window '" + text + "' is not a duration", e);
            }
        }

        @Override
        public String toString() {
            return max + "/" + window.toString().substring(2).toLowerCase(Locale.ROOT);
        }
    }

    /** @param limits {@code agent:action} key (either side may be {@code *}) to its limit */
    public record Settings(CommonSettings common, Map<String, Limit> limits) {
        public Settings {
            limits.keySet().forEach(RateLimitPolicy::checkKey);
            limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
        }

        public static Settings defaults() {
            return new Settings(CommonSettings.of(Enforcement.DENY, Severity.MEDIUM), Map.of());
        }

        static Settings from(PoliciesConfig.RateLimit c) {
            Map<String, Limit> limits = new LinkedHashMap<>();
            c.limits().forEach((key, value) -> limits.put(key, Limit.parse(value)));
            return new Settings(PoliciesConfig.common(c), limits);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Window> windows;

    @Inject
    public RateLimitPolicy(PoliciesConfig config, Clock clock) {
        this(Settings.from(config.rateLimit()), clock);
    }

    public RateLimitPolicy(Settings settings, Clock clock) {
        this(settings, clock, new ConcurrentHashMap<>());
    }

    private RateLimitPolicy(Settings settings, Clock clock, Map<String, Window> windows) {
        this.settings = settings;
        this.clock = clock;
        this.windows = windows;
    }

    private static void checkKey(String key) {
        int colon = key.indexOf(':');
        if (colon <= 0 || colon == key.length() - 1 || key.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("rate limit key '" + key + "' is not agent:action");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return settings.limits().isEmpty() ? "No rate limits configured"
                : "Per agent and action, at most: " + settings.limits();
    }

    @Override
    public CommonSettings common() {
        return settings.common();
    }

    @Override
    public List<String> scopeActions() {
        return List.copyOf(settings.limits().keySet());
    }

    @Override
    public boolean appliesTo(AgentProfile agent) {
        return !settings.limits().isEmpty() && settings.common().appliesTo(agent);
    }

    /** The window one agent's action counts in and its limit, for a store the instances share. */
    public record SharedWindow(String key, Limit limit) {
    }

    /** The window this action would count in, if this policy limits it for this agent. */
    public Optional<SharedWindow> sharedWindow(AgentProfile agent, String action) {
        Limit limit = appliesTo(agent) ? limitFor(agent.name(), action) : null;
        return limit == null ? Optional.empty()
                : Optional.of(new SharedWindow(agent.name() + '\n' + action + '\n' + limit, limit));
    }

    @Override
    public Optional<Violation> check(ActionContext action) {
        String agent = action.agent().name();
        Limit limit = limitFor(agent, action.action());
        if (limit == null) {
            return Optional.empty();
        }
        if (action.sharedRateAdmission() != null) {
            if (action.sharedRateAdmission()) {
                return Optional.empty();
            }
            return Optional.of(exceeded(action, agent, limit));
        }
        long now = (action.requestedAt() != null ? action.requestedAt() : clock.instant()).toEpochMilli();
        Window window = windows.computeIfAbsent(agent + '\u0000' + action.action() + '\u0000' + limit,
                k -> new Window(limit.max()));
        if (window.tryAcquire(now, limit.window().toMillis())) {
            return Optional.empty();
        }
        return Optional.of(exceeded(action, agent, limit));
    }

    private Violation exceeded(ActionContext action, String agent, Limit limit) {
        return settings.common().violation(NAME, "Rate limit exceeded: more than " + limit.max() + " '"
                + action.action() + "' actions per " + limit.toString().substring(limit.toString().indexOf('/') + 1)
                + " for agent '" + agent + "'");
    }

    private Limit limitFor(String agent, String action) {
        Map<String, Limit> limits = settings.limits();
        Limit limit = limits.get(agent + ":" + action);
        if (limit == null) {
            limit = limits.get(agent + ":*");
        }
        if (limit == null) {
            limit = limits.get("*:" + action);
        }
        return limit != null ? limit : limits.get("*:*");
    }

    @Override
    public BuiltinPolicy withOverride(BuiltinOverride override) {
        BuiltinPolicy.rejectActions(NAME, override);
        return new RateLimitPolicy(new Settings(settings.common().merge(override), settings.limits()), clock,
                windows);
    }

    /** The last N admitted timestamps of one agent and action, oldest first from {@code start}. */
    private static final class Window {
        private final long[] times;
        private int start;
        private int size;

        Window(int capacity) {
            times = new long[capacity];
        }

        synchronized boolean tryAcquire(long now, long windowMillis) {
            if (size < times.length) {
                times[(start + size) % times.length] = now;
                size++;
                return true;
            }
            if (now - times[start] >= windowMillis) {
                times[start] = now;
                start = (start + 1) % times.length;
                return true;
            }
            return false;
        }
    }
}
