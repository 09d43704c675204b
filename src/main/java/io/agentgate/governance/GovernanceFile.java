package io.agentgate.governance;

import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.Capabilities;
import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.builtin.BuiltinOverride;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The governance YAML file as written: agents to register, dashboard users, overrides of built-in policies and
 * declarative policies. Every section is optional; unknown keys are errors.
 *
 * <pre>{@code
 * agents:        # the fields of POST /api/v1/agents
 *   - name: financial-advisor
 *     displayName: Financial Advisory Agent
 *     riskLevel: HIGH
 *     capabilities: {writeData: true, sendExternalMessages: true, executeCode: false, financialTransactions: true}
 *     maxTransactionAmount: 1000
 *     allowedActions: [execute_transaction, search_knowledge_base]   # optional allow list
 *     approval: {required: true, rule: "action == 'execute_transaction'", approvers: [alice@example.com],
 *                requiredApprovals: 1, timeoutSeconds: 300}
 * users:
 *   - {email: alice@example.com, password: "...", roles: [approver], groups: [payments]}
 * builtins:      # enabled, enforcement, severity, agents, riskLevels; actions for the policies that have them
 *   transaction-limit: {enforcement: deny, severity: high}
 * policies:
 *   - name: large-refund-review
 *     description: Refunds above 500 need a human
 *     severity: high                  # default medium
 *     enforcement: review             # required: deny | review | audit
 *     scope: {agents: [customer-support], riskLevels: [MEDIUM, HIGH]}
 *     expression: "action == 'process_refund' && has(context.amount) && context.amount > 500"
 *     reason: "Refund above 500 needs review"
 * mcpServers:    # upstream MCP servers the gateway at /mcp governs, as in PUT /api/v1/mcp/servers/{name}
 *   github: {url: "https://mcp.example.com/github/mcp", headers: {Authorization: "Bearer ..."}}
 * }</pre>
 */
public record GovernanceFile(List<AgentSpec> agents, List<UserSpec> users, Map<String, BuiltinOverride> builtins,
        List<PolicySpec> policies, Map<String, McpServerSpec> mcpServers) {

    public GovernanceFile {
        mcpServers = mcpServers == null ? Map.of() : Map.copyOf(mcpServers);
        agents = agents == null ? List.of() : List.copyOf(agents);
        users = users == null ? List.of() : List.copyOf(users);
        builtins = builtins == null ? Map.of() : Map.copyOf(builtins);
        policies = policies == null ? List.of() : List.copyOf(policies);
    }

    /** An agent as in {@code POST /api/v1/agents}. */
    public record AgentSpec(String name, String displayName, RiskLevel riskLevel, Capabilities capabilities,
            BigDecimal maxTransactionAmount, List<String> allowedActions, ApprovalSpec approval) {

        public Capabilities capabilitiesOrNone() {
            return capabilities == null ? Capabilities.NONE : capabilities;
        }

        public ApprovalSettings approvalSettings() {
            return approval == null ? ApprovalSettings.NONE : approval.toSettings();
        }
    }

    /** An agent's approval block; {@code requiredApprovals} defaults to 1, {@code timeoutSeconds} to the default. */
    public record ApprovalSpec(boolean required, String rule, List<String> approvers, Integer requiredApprovals,
            Integer timeoutSeconds, String description, Integer remindAfterSeconds, Integer escalateAfterSeconds,
            List<String> escalateTo) {

        public ApprovalSettings toSettings() {
            return new ApprovalSettings(required, rule == null || rule.isBlank() ? null : rule,
                    approvers == null ? List.of() : List.copyOf(approvers),
                    requiredApprovals == null ? 1 : requiredApprovals, timeoutSeconds,
                    description == null || description.isBlank() ? null : description.strip(), remindAfterSeconds,
                    escalateAfterSeconds, escalateTo);
        }
    }

    /** A dashboard account; roles are viewer, approver, admin; groups are approver groups ({@code group:<name>}). */
    public record UserSpec(String email, String password, List<String> roles, List<String> groups) {
        public UserSpec {
            groups = groups == null ? List.of() : List.copyOf(groups);
        }

        @Override
        public String toString() {
            return "UserSpec[email=" + email + ", roles=" + roles + ", groups=" + groups + "]"; // never the password
        }
    }

    /** A declarative policy. */
    public record PolicySpec(String name, String description, Severity severity, Enforcement enforcement,
            ScopeSpec scope, String expression, String reason) {
    }

    /** An upstream MCP server: its Streamable HTTP URL and extra request headers (e.g. its own credentials). */
    public record McpServerSpec(String url, Map<String, String> headers) {

        @Override
        public String toString() {
            return "McpServerSpec[url=" + url + "]"; // never the header values
        }
    }

    /** Agents and risk levels a declarative policy covers; absent or empty means all. */
    public record ScopeSpec(List<String> agents, List<RiskLevel> riskLevels) {
    }
}
