package io.agentgate.policy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.agent.Capability;
import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesConfigTest {

    private static PoliciesConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(PoliciesConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(PoliciesConfig.class);
    }

    @Test
    void emptyConfigurationGivesTheContractDefaults() {
        PoliciesConfig c = config(Map.of());
        assertEquals(NoPiiExternalPolicy.Settings.defaults(), NoPiiExternalPolicy.Settings.from(c.noPiiExternal()));
        assertEquals(TransactionLimitPolicy.Settings.defaults(),
                TransactionLimitPolicy.Settings.from(c.transactionLimit()));
        assertEquals(BusinessHoursPolicy.Settings.defaults(), BusinessHoursPolicy.Settings.from(c.businessHours()));
        assertEquals(CapabilityPolicy.Settings.defaults(), CapabilityPolicy.Settings.from(c.capability()));
        assertEquals(ToolAccessPolicy.Settings.defaults().common(), PoliciesConfig.common(c.toolAccess()));
        assertEquals(RateLimitPolicy.Settings.defaults(), RateLimitPolicy.Settings.from(c.rateLimit()));
        assertEquals(ApprovalRequiredPolicy.Settings.defaults().common(), PoliciesConfig.common(c.approvalRequired()));
    }

    @Test
    void everySettingCanBeConfigured() {
        PoliciesConfig c = config(Map.ofEntries(
                Map.entry("agentgate.policies.transaction-limit.enforcement", "review"),
                Map.entry("agentgate.policies.transaction-limit.severity", "critical"),
                Map.entry("agentgate.policies.transaction-limit.agents", "a,b"),
                Map.entry("agentgate.policies.transaction-limit.risk-levels", "HIGH,critical"),
                Map.entry("agentgate.policies.transaction-limit.actions", "pay,refund"),
                Map.entry("agentgate.policies.no-pii-external.enabled", "false"),
                Map.entry("agentgate.policies.no-pii-external.default-region", "GB"),
                Map.entry("agentgate.policies.business-hours.zone", "Europe/Paris"),
                Map.entry("agentgate.policies.business-hours.start", "08:30"),
                Map.entry("agentgate.policies.business-hours.days", "MON-SAT"),
                Map.entry("agentgate.policies.capability.mapping.\"publish_*\"", "sendExternalMessages"),
                Map.entry("agentgate.policies.capability.mapping.\"run_*\"", "none"),
                Map.entry("agentgate.policies.rate-limit.limits.\"financial-advisor:execute_transaction\"", "10/1M")));
        var tl = TransactionLimitPolicy.Settings.from(c.transactionLimit());
        assertEquals(new CommonSettings(true, Enforcement.REVIEW, Severity.CRITICAL, List.of("a", "b"),
                List.of(RiskLevel.HIGH, RiskLevel.CRITICAL)), tl.common());
        assertEquals(List.of("pay", "refund"), tl.actions());
        var pii = NoPiiExternalPolicy.Settings.from(c.noPiiExternal());
        assertFalse(pii.common().enabled());
        assertEquals("GB", pii.defaultRegion());
        var bh = BusinessHoursPolicy.Settings.from(c.businessHours());
        assertEquals(LocalTime.of(8, 30), bh.start());
        assertEquals(6, bh.days().size());
        assertEquals("Europe/Paris", bh.zone().getId());
        var cap = CapabilityPolicy.Settings.from(c.capability());
        assertEquals(Capability.SEND_EXTERNAL_MESSAGES, cap.mapping().get("publish_*"));
        assertFalse(cap.mapping().containsKey("run_*"));
        assertTrue(cap.mapping().containsKey("write_*"));
        var rl = RateLimitPolicy.Settings.from(c.rateLimit());
        assertEquals(Map.of("financial-advisor:execute_transaction",
                new RateLimitPolicy.Limit(10, Duration.ofMinutes(1))), rl.limits());
    }
}
