package io.agentgate.mcp;

import java.time.Instant;
import java.util.List;

/**
 * A registered upstream as the admin API shows it: header names only (their values are secrets), the tools it
 * listed as agents see them, and whether it answered the last time.
 *
 * @param tools   the names agents call, {@code <server>__<tool>}
 * @param problem why the upstream could not be reached the last time, or null
 */
public record UpstreamView(String name, String url, List<String> headers, String source, boolean reachable,
        String problem, List<String> tools, Instant createdAt, Instant updatedAt, String updatedBy) {
}
