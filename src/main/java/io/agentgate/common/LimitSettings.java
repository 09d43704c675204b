package io.agentgate.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Limits on what one client can hold open, prefix {@code agentgate.limits}: held long-polls and held MCP calls per
 * agent and in total, live dashboard streams per session and in total. Unset totals are derived from the heap and
 * the process' open-files limit at start ({@link HoldLimits}); unset per-agent limits are a quarter of the total.
 */
@ConfigMapping(prefix = "agentgate.limits")
public interface LimitSettings {

    /** {@code GET /api/v1/actions/{id}?wait=N} held waiting for a decision. */
    PerAgent heldPolls();

    /** MCP tool calls held waiting for a decision (gateway calls, {@code agentgate_request}/{@code _status} with wait). */
    PerAgent mcpCalls();

    /** Dashboard Server-Sent Event streams ({@code /dashboard/events}). */
    Streams liveStreams();

    /** What {@code Retry-After} tells a refused client. */
    @WithDefault("5S")
    Duration retryAfter();

    interface PerAgent {
        /** Held at once by one agent; default a quarter of {@link #total()}. */
        OptionalInt perAgent();

        /** Held at once by all agents together; default derived from the heap and the open-files limit. */
        OptionalInt total();
    }

    interface Streams {
        /** Streams open at once for one login session (browser tabs). */
        @WithDefault("8")
        int perSession();

        /** Streams open at once in total; default derived from the heap and the open-files limit. */
        OptionalInt total();

        /** How often open streams check that their session still holds (logout elsewhere, new password, disabled). */
        @WithDefault("20S")
        Duration sessionCheck();
    }
}
