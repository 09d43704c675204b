package io.agentgate.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import org.jboss.logging.Logger;

/**
 * The limits on held requests ({@link LimitSettings}) as counters shared by every instance of a kind: held polls
 * (gate), held MCP calls (mcp), live streams (dashboard). Defaults come from the heap and the open-files limit, so
 * one client flooding with waiting requests gets {@code 429} long before the process runs out of either.
 *
 * <p>Created at start, so the limits in effect are in the start log. Meters: {@code agentgate_held{kind}} (held now) and {@code agentgate_held_rejected_total{kind,limit}}
 * ({@code limit} is {@code agent}, {@code session} or {@code total}).
 */
@Startup
@ApplicationScoped
public class HoldLimits {

    private static final Logger LOG = Logger.getLogger(HoldLimits.class);
    /** File descriptors kept for everything else: database connections, jars, logs, other clients. */
    static final long RESERVED_FILES = 1024;
    /** What one held connection may cost on the heap (socket buffers, request, waiter), with margin. */
    static final long BYTES_PER_HELD = 16 * 1024;

    @Inject
    LimitSettings settings;

    @Inject
    MeterRegistry registry;

    private Holds polls;
    private Holds mcpCalls;
    private Holds streams;

    @PostConstruct
    void init() {
        int budget = connectionBudget(Runtime.getRuntime().maxMemory(), maxOpenFiles());
        long retry = Math.max(1, settings.retryAfter().toSeconds());
        int pollsTotal = settings.heldPolls().total().orElse(Math.max(1, budget / 2));
        int callsTotal = settings.mcpCalls().total().orElse(Math.max(1, budget / 8));
        int streamsTotal = settings.liveStreams().total().orElse(Math.max(1, budget / 8));
        polls = holds("polls", "held polls", "agent", settings.heldPolls().perAgent().orElse(quarter(pollsTotal)),
                pollsTotal, retry);
        mcpCalls = holds("mcp-calls", "held MCP calls", "agent",
                settings.mcpCalls().perAgent().orElse(quarter(callsTotal)), callsTotal, retry);
        streams = holds("live-streams", "live streams", "session", settings.liveStreams().perSession(), streamsTotal,
                retry);
        LOG.infof("limits: held polls %d per agent, %d in all; held MCP calls %d per agent, %d in all; "
                + "live streams %d per session, %d in all", polls.perOwner(), polls.total(), mcpCalls.perOwner(),
                mcpCalls.total(), streams.perOwner(), streams.total());
    }

    /** Long-polls held waiting for a decision, per agent id. */
    public Holds polls() {
        return polls;
    }

    /** MCP tool calls held waiting for a decision, per agent id. */
    public Holds mcpCalls() {
        return mcpCalls;
    }

    /** Live dashboard streams, per login session. */
    public Holds streams() {
        return streams;
    }

    /**
     * Connections the process can hold waiting: three quarters of the open files left after a reserve, and no more
     * than a quarter of the heap allows; at least 64.
     */
    static int connectionBudget(long maxHeapBytes, long maxOpenFiles) {
        long byFiles = maxOpenFiles <= 0 ? 4096 : (maxOpenFiles - RESERVED_FILES) * 3 / 4;
        long byHeap = maxHeapBytes / 4 / BYTES_PER_HELD;
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE, Math.min(byFiles, byHeap)));
    }

    private static int quarter(int total) {
        return Math.max(1, total / 4);
    }

    private Holds holds(String kind, String words, String owner, int perOwner, int total, long retry) {
        Holds holds = new Holds(words, owner, perOwner, total, retry,
                limit -> Counter.builder("agentgate_held_rejected").description("Held requests refused with 429")
                        .tag("kind", kind).tag("limit", limit).register(registry).increment());
        Gauge.builder("agentgate_held", holds, Holds::held).description("Requests held open now, waiting")
                .tag("kind", kind).register(registry);
        return holds;
    }

    private static long maxOpenFiles() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }
}
