package io.agentgate.policy;

import static io.agentgate.policy.TestActions.action;
import static io.agentgate.policy.TestActions.financialAdvisor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.ApprovalSettings;
import io.agentgate.policy.builtin.BuiltinOverride;
import io.agentgate.policy.builtin.TransactionLimitPolicy;
import io.agentgate.policy.expr.ExpressionException;
import io.agentgate.policy.expr.Expressions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    /** A policy that always objects with the given enforcement. */
    private record Fixed(String name, Enforcement enforcement) implements Policy {
        @Override
        public String description() {
            return "always " + enforcement.json();
        }

        @Override
        public Severity severity() {
            return Severity.LOW;
        }

        @Override
        public boolean appliesTo(AgentProfile agent) {
            return true;
        }

        @Override
        public Optional<Violation> check(ActionContext action) {
            return Optional.of(new Violation(name, Severity.LOW, enforcement, name + " objects"));
        }
    }

    /** A policy with a bug. */
    private record Throwing(String name) implements Policy {
        @Override
        public String description() {
            return "throws";
        }

        @Override
        public Severity severity() {
            return Severity.LOW;
        }

        @Override
        public Enforcement enforcement() {
            return Enforcement.AUDIT;
        }

        @Override
        public boolean appliesTo(AgentProfile agent) {
            return true;
        }

        @Override
        public Optional<Violation> check(ActionContext action) {
            throw new IllegalStateException("boom with secret 4111111111111111");
        }
    }

    private static final Policy THROWING = new Throwing("broken");

    private static Evaluation evaluate(Policy... policies) {
        return new PolicyEngine(List.of(policies)).evaluate(action(financialAdvisor(), "x", "{}"));
    }

    @Test
    void denyBeatsReviewAndEveryViolationIsKept() {
        Evaluation e = evaluate(new Fixed("r", Enforcement.REVIEW), new Fixed("d", Enforcement.DENY),
                new Fixed("a", Enforcement.AUDIT));
        assertEquals(Outcome.DENIED, e.outcome());
        assertEquals(3, e.violations().size());
    }

    @Test
    void reviewWithoutDenyIsPending() {
        assertEquals(Outcome.PENDING, evaluate(new Fixed("r", Enforcement.REVIEW), new Fixed("a",
                Enforcement.AUDIT)).outcome());
    }

    @Test
    void auditOnlyIsAllowedWithViolations() {
        Evaluation e = evaluate(new Fixed("a", Enforcement.AUDIT));
        assertEquals(Outcome.ALLOWED, e.outcome());
        assertEquals(List.of(new Violation("a", Severity.LOW, Enforcement.AUDIT, "a objects")), e.violations());
    }

    @Test
    void noPoliciesNoViolationsIsAllowed() {
        assertEquals(new Evaluation(Outcome.ALLOWED, List.of()), evaluate());
    }

    @Test
    void throwingPolicyDeniesWithoutLeakingItsMessage() {
        Evaluation e = evaluate(THROWING, new Fixed("a", Enforcement.AUDIT));
        assertEquals(Outcome.DENIED, e.outcome());
        Violation v = e.violations().stream().filter(x -> x.policy().equals("broken")).findFirst().orElseThrow();
        assertEquals(Enforcement.DENY, v.enforcement());
        assertEquals("Policy 'broken' could not check this action, so the action is denied (the server log has the "
                + "details)", v.reason());
        assertEquals(2, e.violations().size());
    }

    @Test
    void policiesOutOfScopeAreSkipped() {
        var declarative = new DeclarativePolicy("only-bots", null, Severity.LOW, Enforcement.DENY,
                new PolicyScope(List.of("bot"), List.of(), List.of()), Expressions.compile("true"), "no");
        assertEquals(Outcome.ALLOWED, evaluate(declarative).outcome());
    }

    @Test
    void approvalRuleMatchIsPendingWithApprovalRequiredViolation() {
        var engine = new PolicyEngine(List.of(new io.agentgate.policy.builtin.ApprovalRequiredPolicy(
                io.agentgate.policy.builtin.ApprovalRequiredPolicy.Settings.defaults())));
        var agent = TestActions.withApproval(financialAdvisor(), new ApprovalSettings(true,
                "action == 'execute_transaction'", List.of("alice@example.com"), 1, 300));
        Evaluation e = engine.evaluate(action(agent, "execute_transaction", "{}"));
        assertEquals(Outcome.PENDING, e.outcome());
        assertEquals(PolicyEngine.APPROVAL_REQUIRED, e.violations().get(0).policy());
        assertEquals(Outcome.ALLOWED, engine.evaluate(action(agent, "search", "{}")).outcome());
    }

    @Test
    void declarativeSetIsSwappedWholeAndNamesStayUnique() {
        var engine = new PolicyEngine(List.of(new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults())));
        var review = new DeclarativePolicy("big-refund", "Refunds above 500", Severity.HIGH, Enforcement.REVIEW,
                PolicyScope.ALL, Expressions.compile("action == 'refund' && context.amount > 500"), "Big refund");
        engine.replaceDeclarative(List.of(review));
        assertEquals(Outcome.PENDING, engine.evaluate(action(financialAdvisor(), "refund", "{\"amount\":600}"))
                .outcome());
        assertThrows(IllegalArgumentException.class, () -> engine.replaceDeclarative(List.of(
                new DeclarativePolicy("transaction-limit", null, Severity.LOW, Enforcement.AUDIT, PolicyScope.ALL,
                        Expressions.compile("true"), null))));
        assertEquals(List.of("transaction-limit", "big-refund"), engine.describe().stream()
                .map(PolicyDescription::name).toList());
        engine.replaceDeclarative(List.of());
        assertEquals(Outcome.ALLOWED, engine.evaluate(action(financialAdvisor(), "refund", "{\"amount\":600}"))
                .outcome());
    }

    @Test
    void governanceOverridesBuiltinsAndRejectsUnknownNames() {
        var engine = new PolicyEngine(List.of(new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults())));
        engine.applyGovernance(Map.of("transaction-limit",
                new BuiltinOverride(null, Enforcement.AUDIT, Severity.LOW, null, null, null)), List.of());
        Evaluation e = engine.evaluate(action(financialAdvisor(), "execute_transaction", "{\"amount\":5000}"));
        assertEquals(Outcome.ALLOWED, e.outcome());
        assertEquals(Enforcement.AUDIT, e.violations().get(0).enforcement());
        assertThrows(IllegalArgumentException.class, () -> engine.applyGovernance(Map.of("transaction-limt",
                new BuiltinOverride(null, null, null, null, null, null)), List.of()));
        // the failed apply left the previous set in effect
        assertEquals(Enforcement.AUDIT, engine.describe().get(0).enforcement());
    }

    @Test
    void describeGivesScopeAndKind() {
        var engine = new PolicyEngine(List.of(new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults())));
        PolicyDescription d = engine.describe().get(0);
        assertEquals(new PolicyDescription("transaction-limit",
                "A transaction's amount must not exceed the agent's maxTransactionAmount", Severity.HIGH,
                Enforcement.DENY, new PolicyScope(List.of(), List.of(), List.of("execute_transaction")), true), d);
    }

    @Test
    void approvalRuleValidationReportsPosition() {
        PolicyEngine.validateApprovalRule("action == 'execute_transaction' && context.amount > 100");
        var error = assertThrows(ExpressionException.class,
                () -> PolicyEngine.validateApprovalRule("action = 'x'"));
        assertEquals(1, error.line());
        assertTrue(error.column() > 0);
    }

    @Test
    void declarativeExpressionErrorFailsClosedWithItsEnforcement() {
        var policy = new DeclarativePolicy("big", null, Severity.HIGH, Enforcement.DENY, PolicyScope.ALL,
                Expressions.compile("context.amount > 500"), "Amount above 500");
        Evaluation e = evaluate(policy);
        assertEquals(Outcome.DENIED, e.outcome());
        assertTrue(e.violations().get(0).reason().startsWith("Amount above 500 (the expression could not be"
                + " evaluated: "), e.violations().get(0).reason());
    }
}
