package io.agentgate.agent;

import io.agentgate.common.AgentGateConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The classic example's three agents, created on an empty database when {@code agentgate.demo-data=true}
 * (on in dev mode). Their API keys are printed once, here.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);

    @Inject
    AgentGateConfig config;

    @Inject
    AgentService agents;

    void load(@Observes StartupEvent event) {
        if (!config.demoData()) {
            return;
        }
        if (agents.count() > 0) {
            LOG.info("demo data: agents exist already; rotate a key with POST /api/v1/agents/{name}/keys to get a new one");
            return;
        }
        StringBuilder keys = new StringBuilder("demo agents created; their API keys (shown only now):");
        for (AgentRequest request : demoAgents()) {
            AgentService.Registered registered = agents.create(request, "system:demo-data");
            keys.append("\n  ").append(String.format("%-20s %-8s %s", registered.agent().name,
                    registered.agent().riskLevel, registered.apiKey()));
        }
        LOG.info(keys);
    }

    static List<AgentRequest> demoAgents() {
        return List.of(
                new AgentRequest("knowledge-base-qa", "Knowledge Base Q&A", RiskLevel.LOW, Capabilities.NONE,
                        BigDecimal.ZERO, null, new AgentRequest.Approval(false, null, List.of(), 1, null)),
                new AgentRequest("customer-support", "Customer Support Agent", RiskLevel.MEDIUM,
                        new Capabilities(true, true, false, true), new BigDecimal("500"), null,
                        new AgentRequest.Approval(true, "action == 'process_refund' && context.amount > 100",
                                List.of("support-lead@example.com"), 1, 900)),
                new AgentRequest("financial-advisor", "Financial Advisory Agent", RiskLevel.HIGH,
                        new Capabilities(true, true, false, true), new BigDecimal("1000"), null,
                        new AgentRequest.Approval(true, "action == 'execute_transaction'",
                                List.of("alice@example.com"), 1, 300)));
    }
}
