package io.agentgate.mcp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;

/** {@code agentgate_mcp_upstream_call_seconds{server,outcome}}: time of each call sent to an upstream. */
@ApplicationScoped
public class GatewayMetrics {

    @Inject
    MeterRegistry registry;

    void upstreamCall(String server, String outcome, long nanos) {
        Timer.builder("agentgate_mcp_upstream_call")
                .description("Calls the MCP gateway sent to an upstream server, by outcome (ok, error, failure)")
                .tag("server", server).tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
