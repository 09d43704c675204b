package io.agentgate.compliance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Request bodies for the compliance tests. */
final class Records {

    static final List<String> FIELDS = List.of("riskManagement", "dataGovernance", "technicalDocumentation",
            "recordKeeping", "transparency", "humanOversight", "accuracyRobustness");

    private Records() {
    }

    /** Every article declared met, with evidence that names its field. */
    static Map<String, Object> complete() {
        Map<String, Object> body = new HashMap<>();
        for (String f : FIELDS) {
            body.put(f, Map.of("met", true, "evidence", "Doc " + f + " v1, reviewed 2026-01-15"));
        }
        body.put("responsible", "compliance@example.com");
        return body;
    }

    /** Only the given articles declared met. */
    static Map<String, Object> only(String... met) {
        Map<String, Object> body = new HashMap<>();
        for (String f : met) {
            body.put(f, Map.of("met", true, "evidence", "Doc " + f));
        }
        return body;
    }

    /** A HIGH agent that can send messages and move money, with or without an approval gate. */
    static Map<String, Object> highAgent(String name, boolean approvalGate) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "displayName", "Payments Agent",
                "riskLevel", "HIGH",
                "capabilities", Map.of("writeData", true, "sendExternalMessages", true, "executeCode", false,
                        "financialTransactions", true),
                "maxTransactionAmount", 1000));
        if (approvalGate) {
            body.put("approval", Map.of("required", true, "rule", "action == 'execute_transaction'",
                    "approvers", List.of("alice@example.com"), "requiredApprovals", 1, "timeoutSeconds", 300));
        }
        return body;
    }
}
