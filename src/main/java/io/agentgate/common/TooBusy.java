package io.agentgate.common;

import java.util.Map;

/**
 * A request refused because its client (an agent or a login session) or everyone together already holds as many
 * waiting requests of this kind as the limits allow: {@code 429} with {@code Retry-After}.
 */
public class TooBusy extends DomainException {

    private final String kind;
    private final String limit;
    private final long retryAfterSeconds;

    public TooBusy(String kind, String limit, int max, long retryAfterSeconds) {
        super("Too many " + kind + " held at once " + ("total".equals(limit) ? "on this instance" : "by this " + limit)
                + " (limit " + max + "); retry in " + retryAfterSeconds + " s");
        this.kind = kind;
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public int status() {
        return 429;
    }

    @Override
    public String slug() {
        return "too-many-held";
    }

    @Override
    public String title() {
        return "Too many held requests";
    }

    /** Seconds for the {@code Retry-After} header. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public Map<String, Object> extensions() {
        return Map.of("kind", kind, "limit", limit, "retryAfter", retryAfterSeconds);
    }
}
