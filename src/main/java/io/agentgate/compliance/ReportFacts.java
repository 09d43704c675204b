package io.agentgate.compliance;

import io.agentgate.agent.AgentProfile;
import io.agentgate.audit.AuditTrail;
import io.agentgate.policy.Policy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What one agent's report rests on: its profile and record, the policies that apply, its trail and violations. */
record ReportFacts(AgentProfile agent, Optional<ComplianceRecord> record, List<Policy> applying,
        AuditTrail.AgentTrail trail, Map<String, Long> violations, Optional<AuditChainStatus.Snapshot> chain,
        Instant now) {

    Optional<Policy> applying(String name) {
        return applying.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
