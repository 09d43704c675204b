package io.agentgate.policy.builtin;

import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the built-in policies, {@code agentgate.policies.<policy>.<key>}. Every policy has
 * {@code enabled}, {@code enforcement} (deny|review|audit), {@code severity} (low|medium|high|critical),
 * {@code agents} and {@code risk-levels} (comma lists; absent means all; an agent must match both when both are
 * given). Policy-specific keys:
 * <ul>
 * <li>{@code no-pii-external.actions} (default send_external_message), {@code .default-region} (US);</li>
 * <li>{@code transaction-limit.actions} (execute_transaction);</li>
 * <li>{@code business-hours.actions} (execute_transaction,send_contract), {@code .risk-levels} (HIGH,CRITICAL),
 * {@code .zone} (UTC), {@code .start} (09:00), {@code .end} (17:00), {@code .days} (MON-FRI; ranges and lists
 * such as {@code MON,WED,FRI});</li>
 * <li>{@code capability.mapping."GLOB"=CAPABILITY}: adds to or replaces the default mapping
 * (send_external_message, execute_transaction, write_*, update_*, delete_*, execute_code, run_*); CAPABILITY is
 * writeData, sendExternalMessages, executeCode, financialTransactions, or {@code none} to drop an entry;</li>
 * <li>{@code rate-limit.limits."AGENT:ACTION"=N/WINDOW}, e.g. {@code "financial-advisor:execute_transaction"=10/1m};
 * either side may be {@code *}; see {@link RateLimitPolicy}.</li>
 * </ul>
 * An empty application.properties gives the contract's defaults.
 */
@ConfigMapping(prefix = "agentgate.policies")
public interface PoliciesConfig {

    NoPiiExternal noPiiExternal();

    TransactionLimit transactionLimit();

    BusinessHours businessHours();

    CapabilityCheck capability();

    ToolAccess toolAccess();

    RateLimit rateLimit();

    ApprovalRequired approvalRequired();

    /** {@code agentgate.policies.no-pii-external.*} */
    interface NoPiiExternal {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("deny")
        Enforcement enforcement();

        @WithDefault("high")
        Severity severity();

        Optional<List<String>> agents();

        Optional<List<RiskLevel>> riskLevels();

        @WithDefault("send_external_message")
        List<String> actions();

        @WithDefault("US")
        String defaultRegion();
    }

    /** {@code agentgate.policies.transaction-limit.*} */
    interface TransactionLimit {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("deny")
        Enforcement enforcement();

        @WithDefault("high")
        Severity severity();

        Optional<List<String>> agents();

        Optional<List<RiskLevel>> riskLevels();

        @WithDefault("execute_transaction")
        List<String> actions();
    }

    /** {@code agentgate.policies.business-hours.*} */
    interface BusinessHours {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("deny")
        Enforcement enforcement();

        @WithDefault("medium")
        Severity severity();

        Optional<List<String>> agents();

        @WithDefault("HIGH,CRITICAL")
        List<RiskLevel> riskLevels();

        @WithDefault("execute_transaction,send_contract")
        List<String> actions();

        @WithDefault("UTC")
        String zone();

        @WithDefault("09:00")
        String start();

        @WithDefault("17:00")
        String end();

        @WithDefault("MON-FRI")
        List<String> days();
    }

    /** {@code agentgate.policies.capability.*} */
    interface CapabilityCheck {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("deny")
        Enforcement enforcement();

        @WithDefault("high")
        Severity severity();

        Optional<List<String>> agents();

        Optional<List<RiskLevel>> riskLevels();

        /** Action glob to capability, on top of {@link CapabilityPolicy#DEFAULT_MAPPING}. */
        Map<String, String> mapping();
    }

    /** {@code agentgate.policies.tool-access.*} */
    interface ToolAccess {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("deny")
        Enforcement enforcement();

        @WithDefault("high")
        Severity severity();

        Optional<List<String>> agents();

        Optional<List<RiskLevel>> riskLevels();
    }

    /** {@code agentgate.policies.rate-limit.*} */
    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("deny")
        Enforcement enforcement();

        @WithDefault("medium")
        Severity severity();

        Optional<List<String>> agents();

        Optional<List<RiskLevel>> riskLevels();

        /** {@code "agent:action"} to {@code N/WINDOW}; empty by default. */
        Map<String, String> limits();
    }

    /** {@code agentgate.policies.approval-required.*} */
    interface ApprovalRequired {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("review")
        Enforcement enforcement();

        @WithDefault("medium")
        Severity severity();

        Optional<List<String>> agents();

        Optional<List<RiskLevel>> riskLevels();
    }

    static CommonSettings common(NoPiiExternal c) {
        return common(c.enabled(), c.enforcement(), c.severity(), c.agents(), c.riskLevels());
    }

    static CommonSettings common(TransactionLimit c) {
        return common(c.enabled(), c.enforcement(), c.severity(), c.agents(), c.riskLevels());
    }

    static CommonSettings common(BusinessHours c) {
        return common(c.enabled(), c.enforcement(), c.severity(), c.agents(), Optional.of(c.riskLevels()));
    }

    static CommonSettings common(CapabilityCheck c) {
        return common(c.enabled(), c.enforcement(), c.severity(), c.agents(), c.riskLevels());
    }

    static CommonSettings common(ToolAccess c) {
        return common(c.enabled(), c.enforcement(), c.severity(), c.agents(), c.riskLevels());
    }

    static CommonSettings common(RateLimit c) {
        return common(c.enabled(), c.enforcement(), c.severity(), c.agents(), c.riskLevels());
    }

    static CommonSettings common(ApprovalRequired c) {
        return common(c.enabled(), c.enforcement(), c.severity(), c.agents(), c.riskLevels());
    }

    private static CommonSettings common(boolean enabled, Enforcement enforcement, Severity severity,
            Optional<List<String>> agents, Optional<List<RiskLevel>> riskLevels) {
        return new CommonSettings(enabled, enforcement, severity, agents.orElse(List.of()),
                riskLevels.orElse(List.of()));
    }
}
