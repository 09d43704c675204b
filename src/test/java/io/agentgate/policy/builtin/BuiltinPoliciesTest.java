package io.agentgate.policy.builtin;

import static io.agentgate.policy.TestActions.action;
import static io.agentgate.policy.TestActions.agent;
import static io.agentgate.policy.TestActions.at;
import static io.agentgate.policy.TestActions.financialAdvisor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.Capabilities;
import io.agentgate.agent.Capability;
import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.TestActions;
import io.agentgate.policy.Violation;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BuiltinPoliciesTest {

    private static final Clock FIXED = Clock.fixed(TestActions.WEDNESDAY_NOON, ZoneOffset.UTC);

    // --- no-pii-external

    @Test
    void piiInOutgoingMessageIsDeniedNamingTheKinds() {
        var policy = new NoPiiExternalPolicy(NoPiiExternalPolicy.Settings.defaults());
        Violation v = policy.check(action(financialAdvisor(), "send_external_message",
                "{\"body\":\"card 4111 1111 1111 1111, write to bob@example.com\"}")).orElseThrow();
        assertEquals(new Violation("no-pii-external", Severity.HIGH, Enforcement.DENY,
                "Outgoing message contains PII: email address, payment card number"), v);
    }

    @Test
    void piiRulesOnlyTheListedActionsAndCleanMessagesPass() {
        var policy = new NoPiiExternalPolicy(NoPiiExternalPolicy.Settings.defaults());
        assertTrue(policy.check(action(financialAdvisor(), "search_knowledge_base",
                "{\"q\":\"bob@example.com\"}")).isEmpty());
        assertTrue(policy.check(action(financialAdvisor(), "send_external_message",
                "{\"body\":\"Your order 4111111111111112 ships on 2024-03-15\"}")).isEmpty());
    }

    @Test
    void piiInToolArgumentsCounts() {
        var policy = new NoPiiExternalPolicy(NoPiiExternalPolicy.Settings.defaults());
        var a = new io.agentgate.policy.ActionContext(financialAdvisor(), "send_external_message",
                TestActions.json("{}"), "mailer", TestActions.json("{\"to\":\"+44 20 7946 0958\"}"), null, null,
                TestActions.WEDNESDAY_NOON);
        assertEquals("Outgoing message contains PII: phone number", policy.check(a).orElseThrow().reason());
    }

    // --- transaction-limit

    @Test
    void amountAboveLimitIsDeniedWithContractReason() {
        var policy = new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults());
        var v = policy.check(action(financialAdvisor(), "execute_transaction", "{\"amount\":5000}")).orElseThrow();
        assertEquals(new Violation("transaction-limit", Severity.HIGH, Enforcement.DENY,
                "Transaction $5000 exceeds limit $1000"), v);
        assertEquals("Transaction $1000.5 exceeds limit $1000", policy.check(action(financialAdvisor(),
                "execute_transaction", "{\"amount\":\"1000.50\"}")).orElseThrow().reason());
        assertEquals("Transaction $5000 exceeds limit $1000", policy.check(action(financialAdvisor(),
                "execute_transaction", "{\"amount\":5000.0}")).orElseThrow().reason());
    }

    @Test
    void amountAtLimitMissingOrNoLimitPasses() {
        var policy = new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults());
        assertTrue(policy.check(action(financialAdvisor(), "execute_transaction", "{\"amount\":1000}")).isEmpty());
        assertTrue(policy.check(action(financialAdvisor(), "execute_transaction", "{}")).isEmpty());
        assertTrue(policy.check(action(financialAdvisor(), "refund", "{\"amount\":5000}")).isEmpty());
        var unlimited = TestActions.withLimit(financialAdvisor(), null);
        assertFalse(policy.appliesTo(unlimited));
        assertTrue(policy.check(action(unlimited, "execute_transaction", "{\"amount\":1e9}")).isEmpty());
    }

    @Test
    void nonNumericAmountFailsClosed() {
        var policy = new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults());
        var v = policy.check(action(financialAdvisor(), "execute_transaction", "{\"amount\":\"lots\"}"));
        assertTrue(v.orElseThrow().reason().contains("not a number"));
    }

    @Test
    void amountsFormatWithoutTrailingZeros() {
        assertEquals("5000", TransactionLimitPolicy.format(new BigDecimal("5000.00")));
        assertEquals("250.5", TransactionLimitPolicy.format(new BigDecimal("250.50")));
        assertEquals("1000000", TransactionLimitPolicy.format(new BigDecimal("1E+6")));
    }

    // --- business-hours

    @Test
    void outsideBusinessHoursIsDeniedOnlyForListedActionsOfHighRiskAgents() {
        var policy = new BusinessHoursPolicy(BusinessHoursPolicy.Settings.defaults(), FIXED);
        Instant saturday = Instant.parse("2024-03-16T12:00:00Z");
        Instant wednesdayEvening = Instant.parse("2024-03-13T17:00:00Z");
        var high = financialAdvisor();
        assertEquals(new Violation("business-hours", Severity.MEDIUM, Enforcement.DENY,
                "Action 'execute_transaction' requested outside business hours (09:00-17:00 UTC MON-FRI)"),
                policy.check(at(high, "execute_transaction", "{}", saturday)).orElseThrow());
        assertTrue(policy.check(at(high, "send_contract", "{}", wednesdayEvening)).isPresent());
        assertTrue(policy.check(at(high, "send_contract", "{}", Instant.parse("2024-03-13T09:00:00Z"))).isEmpty());
        assertTrue(policy.check(at(high, "search", "{}", saturday)).isEmpty());
        assertFalse(policy.appliesTo(agent("helper", RiskLevel.MEDIUM)));
        assertTrue(policy.appliesTo(agent("ops", RiskLevel.CRITICAL)));
    }

    @Test
    void businessHoursUseTheClockWhenRequestTimeIsAbsentAndHonourZone() {
        var settings = new BusinessHoursPolicy.Settings(CommonSettings.of(Enforcement.DENY, Severity.MEDIUM),
                List.of("execute_transaction"), java.time.ZoneId.of("Europe/Berlin"), java.time.LocalTime.of(9, 0),
                java.time.LocalTime.of(17, 0), BusinessHoursPolicy.parseDays("MON-FRI"));
        // 16:30 UTC on Wednesday is 17:30 in Berlin: closed there.
        Clock late = Clock.fixed(Instant.parse("2024-03-13T16:30:00Z"), ZoneOffset.UTC);
        var policy = new BusinessHoursPolicy(settings, late);
        assertTrue(policy.check(at(financialAdvisor(), "execute_transaction", "{}", null)).isPresent());
        assertTrue(new BusinessHoursPolicy(settings, FIXED)
                .check(at(financialAdvisor(), "execute_transaction", "{}", null)).isEmpty());
    }

    @Test
    void overnightWindowCountsForTheDayItOpened() {
        var settings = new BusinessHoursPolicy.Settings(CommonSettings.of(Enforcement.DENY, Severity.MEDIUM),
                List.of("x"), ZoneOffset.UTC, java.time.LocalTime.of(22, 0), java.time.LocalTime.of(6, 0),
                BusinessHoursPolicy.parseDays("FRI"));
        var policy = new BusinessHoursPolicy(settings, FIXED);
        var a = financialAdvisor();
        assertTrue(policy.check(at(a, "x", "{}", Instant.parse("2024-03-15T23:00:00Z"))).isEmpty()); // Fri night
        assertTrue(policy.check(at(a, "x", "{}", Instant.parse("2024-03-16T05:59:00Z"))).isEmpty()); // Sat early
        assertTrue(policy.check(at(a, "x", "{}", Instant.parse("2024-03-16T23:00:00Z"))).isPresent()); // Sat night
    }

    @Test
    void dayListsAndRanges() {
        assertEquals(java.util.EnumSet.of(java.time.DayOfWeek.FRIDAY, java.time.DayOfWeek.SATURDAY,
                java.time.DayOfWeek.SUNDAY, java.time.DayOfWeek.MONDAY), BusinessHoursPolicy.parseDays("fri-mon"));
        assertEquals(java.util.EnumSet.of(java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.WEDNESDAY),
                BusinessHoursPolicy.parseDays("Monday, WED"));
        assertThrows(IllegalArgumentException.class, () -> BusinessHoursPolicy.parseDays("MON-FUN"));
    }

    // --- capability

    @Test
    void actionNeedingAMissingCapabilityIsDenied() {
        var policy = new CapabilityPolicy(CapabilityPolicy.Settings.defaults());
        var readOnly = TestActions.withCapabilities(agent("reader", RiskLevel.LOW), Capabilities.NONE);
        assertEquals(new Violation("capability", Severity.HIGH, Enforcement.DENY,
                "Action 'write_file' needs capability writeData, which agent 'reader' lacks"),
                policy.check(action(readOnly, "write_file", "{}")).orElseThrow());
        assertTrue(policy.check(action(readOnly, "run_script", "{}")).orElseThrow().reason()
                .contains("executeCode"));
        assertTrue(policy.check(action(readOnly, "send_external_message", "{}")).isPresent());
        assertTrue(policy.check(action(readOnly, "execute_transaction", "{}")).isPresent());
        assertTrue(policy.check(action(readOnly, "search_knowledge_base", "{}")).isEmpty());
        assertTrue(policy.check(action(readOnly, "rewrite_file", "{}")).isEmpty()); // globs match whole names
        assertTrue(policy.check(action(financialAdvisor(), "delete_record", "{}")).isEmpty());
    }

    @Test
    void capabilityMappingIsConfigurable() {
        var mapping = new java.util.LinkedHashMap<>(CapabilityPolicy.DEFAULT_MAPPING);
        mapping.put("publish_?", Capability.SEND_EXTERNAL_MESSAGES);
        var policy = new CapabilityPolicy(new CapabilityPolicy.Settings(
                CommonSettings.of(Enforcement.AUDIT, Severity.LOW), mapping));
        var readOnly = TestActions.withCapabilities(agent("reader", RiskLevel.LOW), Capabilities.NONE);
        assertEquals(Enforcement.AUDIT, policy.check(action(readOnly, "publish_x", "{}")).orElseThrow()
                .enforcement());
        assertTrue(policy.check(action(readOnly, "publish_xy", "{}")).isEmpty());
    }

    // --- tool-access

    @Test
    void onlyAgentsWithAnAllowListAreCheckedAndThenEverythingElseIsDenied() {
        var policy = new ToolAccessPolicy(ToolAccessPolicy.Settings.defaults());
        assertFalse(policy.appliesTo(financialAdvisor()));
        var bot = TestActions.withAllowedActions(agent("bot", RiskLevel.LOW), List.of("search", "summarize"));
        assertTrue(policy.appliesTo(bot));
        assertTrue(policy.check(action(bot, "search", "{}")).isEmpty());
        assertEquals(new Violation("tool-access", Severity.HIGH, Enforcement.DENY,
                "Action 'delete_all' is not in the allowed actions of agent 'bot'"),
                policy.check(action(bot, "delete_all", "{}")).orElseThrow());
        assertEquals("Tool 'shell' is not in the allowed actions of agent 'bot'",
                policy.check(TestActions.tool(bot, "search", "shell")).orElseThrow().reason());
        assertTrue(policy.check(TestActions.tool(bot, "search", "summarize")).isEmpty());
        var none = TestActions.withAllowedActions(agent("mute", RiskLevel.LOW), List.of());
        assertTrue(policy.check(action(none, "search", "{}")).isPresent());
    }

    // --- rate-limit

    @Test
    void rateLimitSlidesPerAgentAndAction() {
        var policy = new RateLimitPolicy(new RateLimitPolicy.Settings(
                CommonSettings.of(Enforcement.DENY, Severity.MEDIUM),
                Map.of("financial-advisor:execute_transaction", RateLimitPolicy.Limit.parse("2/1m"))), FIXED);
        var a = financialAdvisor();
        Instant t0 = TestActions.WEDNESDAY_NOON;
        assertTrue(policy.check(at(a, "execute_transaction", "{}", t0)).isEmpty());
        assertTrue(policy.check(at(a, "execute_transaction", "{}", t0.plusSeconds(10))).isEmpty());
        Optional<Violation> third = policy.check(at(a, "execute_transaction", "{}", t0.plusSeconds(20)));
        assertEquals("Rate limit exceeded: more than 2 'execute_transaction' actions per 1m for agent "
                + "'financial-advisor'", third.orElseThrow().reason());
        assertTrue(policy.check(at(a, "search", "{}", t0.plusSeconds(20))).isEmpty());
        assertTrue(policy.check(at(agent("other", RiskLevel.LOW), "execute_transaction", "{}", t0)).isEmpty());
        // the first admitted action leaves the window at t0 + 60s
        assertTrue(policy.check(at(a, "execute_transaction", "{}", t0.plusSeconds(59))).isPresent());
        assertTrue(policy.check(at(a, "execute_transaction", "{}", t0.plusSeconds(60))).isEmpty());
        assertTrue(policy.check(at(a, "execute_transaction", "{}", t0.plusSeconds(61))).isPresent());
    }

    @Test
    void rateLimitWildcardsCountEachAgentSeparately() {
        var policy = new RateLimitPolicy(new RateLimitPolicy.Settings(
                CommonSettings.of(Enforcement.DENY, Severity.MEDIUM),
                Map.of("*:send_email", RateLimitPolicy.Limit.parse("1/1H"))), FIXED);
        assertTrue(policy.check(action(agent("a", RiskLevel.LOW), "send_email", "{}")).isEmpty());
        assertTrue(policy.check(action(agent("b", RiskLevel.LOW), "send_email", "{}")).isEmpty());
        assertTrue(policy.check(action(agent("a", RiskLevel.LOW), "send_email", "{}")).isPresent());
    }

    @Test
    void noLimitsMeansNotApplicable() {
        var policy = new RateLimitPolicy(RateLimitPolicy.Settings.defaults(), FIXED);
        assertFalse(policy.appliesTo(financialAdvisor()));
    }

    @Test
    void rateLimitSyntax() {
        assertEquals(new RateLimitPolicy.Limit(10, Duration.ofMinutes(1)), RateLimitPolicy.Limit.parse("10/1M"));
        assertEquals(new RateLimitPolicy.Limit(5, Duration.ofMillis(500)), RateLimitPolicy.Limit.parse("5/500ms"));
        assertEquals(new RateLimitPolicy.Limit(3, Duration.ofHours(2)), RateLimitPolicy.Limit.parse("3 / PT2H"));
        assertThrows(IllegalArgumentException.class, () -> RateLimitPolicy.Limit.parse("ten per minute"));
        assertThrows(IllegalArgumentException.class, () -> RateLimitPolicy.Limit.parse("0/1m"));
        assertThrows(IllegalArgumentException.class, () -> new RateLimitPolicy.Settings(
                CommonSettings.of(Enforcement.DENY, Severity.MEDIUM), Map.of("no-colon", RateLimitPolicy.Limit
                        .parse("1/1s"))));
    }

    @Test
    void rateLimitAdmitsExactlyNUnderConcurrency() throws Exception {
        var policy = new RateLimitPolicy(new RateLimitPolicy.Settings(
                CommonSettings.of(Enforcement.DENY, Severity.MEDIUM),
                Map.of("financial-advisor:*", RateLimitPolicy.Limit.parse("100/1h"))), FIXED);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int i = 0; i < 400; i++) {
                pool.submit(() -> {
                    start.await();
                    if (policy.check(action(financialAdvisor(), "x", "{}")).isEmpty()) {
                        admitted.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(100, admitted.get());
    }

    // --- approval-required

    @Test
    void approvalRuleMatchSendsToReviewNamingTheRule() {
        var policy = new ApprovalRequiredPolicy(ApprovalRequiredPolicy.Settings.defaults());
        var a = TestActions.withApproval(financialAdvisor(), new ApprovalSettings(true,
                "action == 'execute_transaction'", List.of("alice@example.com"), 1, 300));
        assertTrue(policy.appliesTo(a));
        assertEquals(new Violation("approval-required", Severity.MEDIUM, Enforcement.REVIEW,
                "Approval rule matched: action == 'execute_transaction'"),
                policy.check(action(a, "execute_transaction", "{}")).orElseThrow());
        assertTrue(policy.check(action(a, "search", "{}")).isEmpty());
    }

    @Test
    void approvalWithoutRuleCoversEveryActionAndNotRequiredCoversNone() {
        var policy = new ApprovalRequiredPolicy(ApprovalRequiredPolicy.Settings.defaults());
        var always = TestActions.withApproval(financialAdvisor(), new ApprovalSettings(true, null, List.of(), 1, null));
        assertEquals("Agent 'financial-advisor' requires human approval for every action",
                policy.check(action(always, "search", "{}")).orElseThrow().reason());
        assertFalse(policy.appliesTo(financialAdvisor()));
    }

    @Test
    void approvalRuleThatCannotBeEvaluatedOrCompiledStillRequiresApproval() {
        var policy = new ApprovalRequiredPolicy(ApprovalRequiredPolicy.Settings.defaults());
        var missingKey = TestActions.withApproval(financialAdvisor(), new ApprovalSettings(true,
                "context.amount > 100", List.of(), 1, null));
        var v = policy.check(action(missingKey, "search", "{}")).orElseThrow();
        assertEquals(Enforcement.REVIEW, v.enforcement());
        assertTrue(v.reason().startsWith("Approval rule could not be evaluated"), v.reason());
        var broken = TestActions.withApproval(financialAdvisor(), new ApprovalSettings(true, "action ==", List.of(),
                1, null));
        assertTrue(policy.check(action(broken, "search", "{}")).orElseThrow().reason()
                .startsWith("Approval rule is invalid (expression error at 1:"));
    }

    // --- scope and overrides

    @Test
    void scopeByAgentNameAndRiskLevel() {
        var common = new CommonSettings(true, Enforcement.DENY, Severity.HIGH, List.of("financial-advisor"),
                List.of(RiskLevel.HIGH));
        var policy = new TransactionLimitPolicy(new TransactionLimitPolicy.Settings(common,
                List.of("execute_transaction")));
        assertTrue(policy.appliesTo(financialAdvisor()));
        assertFalse(policy.appliesTo(agent("financial-advisor", RiskLevel.LOW)));
        assertFalse(policy.appliesTo(agent("other", RiskLevel.HIGH)));
        var disabled = policy.withOverride(new BuiltinOverride(false, null, null, null, null, null));
        assertFalse(disabled.appliesTo(financialAdvisor()));
    }

    @Test
    void overrideChangesOnlyTheGivenSettings() {
        var policy = new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults())
                .withOverride(new BuiltinOverride(null, Enforcement.REVIEW, Severity.CRITICAL, null, null,
                        List.of("pay")));
        var v = policy.check(action(financialAdvisor(), "pay", "{\"amount\":2000}")).orElseThrow();
        assertEquals(Enforcement.REVIEW, v.enforcement());
        assertEquals(Severity.CRITICAL, v.severity());
        assertTrue(policy.check(action(financialAdvisor(), "execute_transaction", "{\"amount\":2000}")).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new ToolAccessPolicy(ToolAccessPolicy.Settings.defaults())
                .withOverride(new BuiltinOverride(null, null, null, null, null, List.of("x"))));
    }
}
