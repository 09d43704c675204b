package io.agentgate.governance;

import io.agentgate.policy.DeclarativePolicy;
import static io.agentgate.policy.TestActions.action;
import static io.agentgate.policy.TestActions.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.Capabilities;
import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Outcome;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.PolicyScope;
import io.agentgate.policy.Severity;
import io.agentgate.policy.builtin.TransactionLimitPolicy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GovernanceLoaderTest {

    static final String GOOD = """
            agents:
              - name: financial-advisor
                displayName: Financial Advisory Agent
                riskLevel: HIGH
                capabilities: {writeData: true, sendExternalMessages: true, executeCode: false, financialTransactions: true}
                maxTransactionAmount: 1000
                approval: {required: true, rule: "action == 'execute_transaction'", approvers: [alice@example.com, "group:payments"], requiredApprovals: 1, timeoutSeconds: 300,
                           description: Every transaction is signed off by a person}
              - name: customer-support
                riskLevel: medium
                allowedActions: [process_refund, search_knowledge_base]
            users:
              - {email: alice@example.com, password: "s3cret-pass", roles: [approver], groups: [payments]}
            builtins:
              transaction-limit: {enforcement: review, severity: critical}
            policies:
              - name: large-refund-review
                description: Refunds above 500 need a human
                severity: high
                enforcement: review
                scope: {agents: [customer-support], riskLevels: [MEDIUM, HIGH]}
                expression: "action == 'process_refund' && has(context.amount) && context.amount > 500"
                reason: "Refund above 500 needs review"
            """;

    private final GovernanceLoader loader = new GovernanceLoader();

    private String error(String yaml) {
        return assertThrows(GovernanceFileException.class, () -> loader.load("governance.yaml", yaml)).getMessage();
    }

    /** Issue 21, findings 2 and 15: bad values are named in JSON words, and a limit is bounded like the API's. */
    @Test
    void badValuesAreNamedWithoutJavaClassNames() {
        for (String value : List.of("maxTransactionAmount: lots", "maxTransactionAmount: [1]",
                "capabilities: 5", "approval: {required: true, timeoutSeconds: soon}", "allowedActions: {a: 1}",
                "approval: {required: true, requiredApprovals: 1e5000000}")) {
            String message = error("agents:\n  - name: a\n    riskLevel: LOW\n    " + value + "\n");
            assertTrue(message.startsWith("governance.yaml: agent 'a': '"), value + " -> " + message);
            assertFalse(message.matches("(?s).*(`|java\\.|io\\.agentgate|Exception|BigDecimal|Integer).*"),
                    value + " -> " + message);
        }
        for (String limit : List.of("1e5000000", "\"1e5000000\"", "1234567890123456", "0.00001")) {
            long started = System.nanoTime();
            String message = error("agents:\n  - name: a\n    riskLevel: LOW\n    maxTransactionAmount: " + limit
                    + "\n");
            assertTrue(System.nanoTime() - started < 1_000_000_000L, "refused at once");
            assertEquals("governance.yaml: agent 'a': 'maxTransactionAmount' has at most 15 digits before the decimal "
                    + "point and 4 after it", message);
        }
    }

    @Test
    void goodFileLoadsEverySection(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("governance.yaml");
        Files.writeString(file, GOOD);
        Governance g = loader.load(file);
        var advisor = g.file().agents().get(0);
        assertEquals(RiskLevel.HIGH, advisor.riskLevel());
        assertEquals(new Capabilities(true, true, false, true), advisor.capabilitiesOrNone());
        assertEquals(0, new BigDecimal("1000").compareTo(advisor.maxTransactionAmount()));
        assertEquals(new ApprovalSettings(true, "action == 'execute_transaction'",
                List.of("alice@example.com", "group:payments"), 1, 300, "Every transaction is signed off by a person"),
                advisor.approvalSettings());
        assertEquals(List.of("payments"), g.file().users().get(0).groups());
        var support = g.file().agents().get(1);
        assertEquals(RiskLevel.MEDIUM, support.riskLevel());
        assertEquals(Capabilities.NONE, support.capabilitiesOrNone());
        assertEquals(ApprovalSettings.NONE, support.approvalSettings());
        assertEquals(List.of("approver"), g.file().users().get(0).roles());
        assertTrue(!g.file().users().get(0).toString().contains("s3cret"));
        assertEquals(Enforcement.REVIEW, g.file().builtins().get("transaction-limit").enforcement());
        DeclarativePolicy p = g.policies().get(0);
        assertEquals("large-refund-review", p.name());
        assertEquals("Refunds above 500 need a human", p.description());
        assertEquals(Severity.HIGH, p.severity());
        assertEquals(new PolicyScope(List.of("customer-support"), List.of(RiskLevel.MEDIUM, RiskLevel.HIGH),
                List.of()), p.scope());
    }

    @Test
    void loadedGovernanceDrivesTheEngine() {
        Governance g = loader.load("governance.yaml", GOOD);
        var engine = new PolicyEngine(List.of(new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults())));
        g.applyTo(engine);
        var support = agent("customer-support", RiskLevel.MEDIUM);
        var e = engine.evaluate(action(support, "process_refund", "{\"amount\": 600}"));
        assertEquals(Outcome.PENDING, e.outcome());
        assertEquals("Refund above 500 needs review", e.violations().get(0).reason());
        assertEquals(Outcome.ALLOWED, engine.evaluate(action(support, "process_refund", "{}")).outcome());
        assertEquals(Enforcement.REVIEW, engine.evaluate(action(agent("financial-advisor", RiskLevel.HIGH),
                "execute_transaction", "{\"amount\": 5000}")).violations().get(0).enforcement());
    }

    @Test
    void anAgentsReminderAndEscalationAreReadFromTheFile() {
        Governance g = loader.load("governance.yaml", """
                agents:
                  - name: payments
                    riskLevel: HIGH
                    approval: {required: true, approvers: [alice@example.com], timeoutSeconds: 3600,
                               remindAfterSeconds: 900, escalateAfterSeconds: 1800, escalateTo: ["group:oncall", bob@example.com]}
                """);
        ApprovalSettings settings = g.file().agents().get(0).approvalSettings();
        assertEquals(900, settings.remindAfterSeconds());
        assertEquals(1800, settings.escalateAfterSeconds());
        assertEquals(List.of("group:oncall", "bob@example.com"), settings.escalateTo());
    }

    @Test
    void emptyFileIsEmptyGovernance() {
        Governance g = loader.load("governance.yaml", "");
        assertTrue(g.policies().isEmpty() && g.file().agents().isEmpty() && g.file().builtins().isEmpty());
    }

    @Test
    void badYamlNamesFileLineAndColumn() {
        String message = error("""
                policies:
                  - name: a
                    expression: "true"
                   enforcement: deny
                """);
        assertTrue(message.startsWith("governance.yaml: "), message);
        assertTrue(message.matches("(?s).*\\(line 4, column \\d+\\)"), message);
    }

    @Test
    void badExpressionNamesPolicyAndCelPosition() {
        String message = error("""
                policies:
                  - name: large-refund-review
                    enforcement: review
                    expression: "has(contxt.amount)"
                """);
        assertEquals("governance.yaml: policy 'large-refund-review': expression error at 1:5: undeclared reference"
                + " to 'contxt'", message);
    }

    @Test
    void badApprovalRuleNamesAgent() {
        String message = error("""
                agents:
                  - name: bot
                    riskLevel: LOW
                    approval: {required: true, rule: "action =="}
                """);
        assertTrue(message.startsWith("governance.yaml: agent 'bot': approval rule: expression error at 1:"),
                message);
    }

    @Test
    void unknownKeyIsAnErrorWithEntryAndPosition() {
        String message = error("""
                policies:
                  - name: large-refund-review
                    enforcement: review
                    expresion: "true"
                """);
        assertTrue(message.startsWith("governance.yaml: policy 'large-refund-review': unknown key 'expresion'"),
                message);
        assertTrue(message.endsWith("(line 4, column 5)"), message);
        String root = error("agent:\n  - name: x\n");
        assertTrue(root.startsWith("governance.yaml: unknown key 'agent'"), root);
        assertTrue(error("agents:\n  - name: x\n    riskLevel: LOW\n    capabilities: {writData: true}\n")
                .startsWith("governance.yaml: agent 'x': unknown key 'writData'"));
    }

    @Test
    void badValuesAreErrors() {
        assertTrue(error("policies:\n  - {name: p, enforcement: block, expression: 'true'}\n")
                .startsWith("governance.yaml: policy 'p': 'enforcement': "));
        assertTrue(error("agents:\n  - {name: a, riskLevel: EXTREME}\n").startsWith("governance.yaml: agent 'a': "));
        assertTrue(error("policies:\n  - {name: p, expression: 'true'}\n").contains("'enforcement' is required"));
        assertTrue(error("users:\n  - {email: bob@example.com, password: x, roles: [root]}\n")
                .contains("unknown role 'root'"));
        assertTrue(error("builtins:\n  transaction-limt: {enabled: false}\n")
                .startsWith("governance.yaml: built-in 'transaction-limt': no such built-in policy"));
        assertTrue(error("builtins:\n  tool-access: {actions: [x]}\n").contains("has no 'actions' setting"));
    }

    @Test
    void duplicateNamesAreErrors() {
        assertEquals("governance.yaml: policy 'p': duplicate policy name", error("""
                policies:
                  - {name: p, enforcement: deny, expression: "true"}
                  - {name: p, enforcement: audit, expression: "false"}
                """));
        assertTrue(error("policies:\n  - {name: capability, enforcement: deny, expression: 'true'}\n")
                .contains("taken by a built-in"));
        assertTrue(error("agents:\n  - {name: a, riskLevel: LOW}\n  - {name: a, riskLevel: HIGH}\n")
                .contains("duplicate agent name"));
        assertTrue(error("policies:\n  - name: p\n    name: q\n").contains("Duplicate field 'name'"));
    }
}
