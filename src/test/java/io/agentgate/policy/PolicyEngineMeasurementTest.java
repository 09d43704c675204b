package io.agentgate.policy;

import static io.agentgate.policy.TestActions.action;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.builtin.ApprovalRequiredPolicy;
import io.agentgate.policy.builtin.BusinessHoursPolicy;
import io.agentgate.policy.builtin.CapabilityPolicy;
import io.agentgate.policy.builtin.CommonSettings;
import io.agentgate.policy.builtin.NoPiiExternalPolicy;
import io.agentgate.policy.builtin.RateLimitPolicy;
import io.agentgate.policy.builtin.ToolAccessPolicy;
import io.agentgate.policy.builtin.TransactionLimitPolicy;
import io.agentgate.governance.GovernanceLoader;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the demo policy set (all built-ins plus the demo governance file's declarative policy) 100k times
 * after warm-up and prints p50/p99 per evaluation. The figures are printed, not asserted (shared CI machines
 * vary); the outcomes are asserted on every call.
 */
class PolicyEngineMeasurementTest {

    @Test
    void evaluateDemoPolicySet() {
        Clock clock = Clock.fixed(TestActions.WEDNESDAY_NOON, ZoneOffset.UTC);
        var engine = new PolicyEngine(List.of(
                new NoPiiExternalPolicy(NoPiiExternalPolicy.Settings.defaults()),
                new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults()),
                new BusinessHoursPolicy(BusinessHoursPolicy.Settings.defaults(), clock),
                new CapabilityPolicy(CapabilityPolicy.Settings.defaults()),
                new ToolAccessPolicy(ToolAccessPolicy.Settings.defaults()),
                new RateLimitPolicy(new RateLimitPolicy.Settings(CommonSettings.of(Enforcement.DENY, Severity.MEDIUM),
                        Map.of("*:search_knowledge_base", RateLimitPolicy.Limit.parse("1000000/1m"))), clock),
                new ApprovalRequiredPolicy(ApprovalRequiredPolicy.Settings.defaults())));
        new GovernanceLoader().load("demo.yaml", """
                policies:
                  - name: large-refund-review
                    enforcement: review
                    severity: high
                    expression: "action == 'process_refund' && has(context.amount) && context.amount > 500"
                  - name: external-domain-audit
                    enforcement: audit
                    expression: "action == 'send_external_message' && has(context.channel) && context.channel != 'email'"
                """).applyTo(engine);
        var advisor = TestActions.withApproval(TestActions.agent("financial-advisor", RiskLevel.HIGH),
                new ApprovalSettings(true, "action == 'execute_transaction' && context.amount > 500",
                        List.of("alice@example.com"), 1, 300));
        List<ActionContext> actions = List.of(
                action(advisor, "execute_transaction", "{\"amount\": 250, \"recipient\": \"ACME Ltd\"}"),
                action(advisor, "execute_transaction", "{\"amount\": 750.5, \"recipient\": \"ACME Ltd\"}"),
                action(advisor, "send_external_message",
                        "{\"to\": \"client-42\", \"channel\": \"sms\", \"body\": \"Your portfolio review is on 2024-03-15 at 10:00.\"}"),
                action(advisor, "send_external_message",
                        "{\"to\": \"client-42\", \"body\": \"Card 4111 1111 1111 1111 was charged $1,234.56\"}"),
                action(advisor, "search_knowledge_base", "{\"query\": \"bond ladder v2.1.0 strategy\"}"),
                action(advisor, "process_refund", "{\"amount\": 900}"));
        List<Outcome> expected = List.of(Outcome.ALLOWED, Outcome.PENDING, Outcome.ALLOWED, Outcome.DENIED,
                Outcome.ALLOWED, Outcome.PENDING);

        for (int i = 0; i < 20_000; i++) {
            int k = i % actions.size();
            assertEquals(expected.get(k), engine.evaluate(actions.get(k)).outcome());
        }
        int n = 100_000;
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            int k = i % actions.size();
            long t0 = System.nanoTime();
            Evaluation e = engine.evaluate(actions.get(k));
            nanos[i] = System.nanoTime() - t0;
            if (e.outcome() != expected.get(k)) {
                assertEquals(expected.get(k), e.outcome(), "action " + k);
            }
        }
        for (int k = 0; k < actions.size(); k++) {
            long[] per = new long[n / actions.size()];
            for (int j = 0; j < per.length; j++) {
                per[j] = nanos[j * actions.size() + k];
            }
            Arrays.sort(per);
            System.out.printf(Locale.ROOT, "  action %d (%s): p50 %.1f us, p99 %.1f us%n", k,
                    actions.get(k).action(), per[per.length / 2] / 1e3, per[per.length * 99 / 100] / 1e3);
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "policy engine, %d policies, %d evaluations: p50 %.1f us, p99 %.1f us,"
                + " max %.1f us%n", engine.policies().size(), n, nanos[n / 2] / 1e3, nanos[n * 99 / 100] / 1e3,
                nanos[n - 1] / 1e3);
    }
}
