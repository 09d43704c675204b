package io.agentgate.policy.expr;

import static io.agentgate.policy.TestActions.action;
import static io.agentgate.policy.TestActions.financialAdvisor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.TestActions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpressionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"250", "250.5", "1e3"})
    void numbersCompareWhetherJsonSentIntOrDouble(String amount) {
        var e = Expressions.compile("context.amount > 100 && context.amount >= 100.0 && context.amount < 5000");
        assertTrue(e.test(action(financialAdvisor(), "x", "{\"amount\": " + amount + "}")));
    }

    @Test
    void equalityAcrossIntAndDouble() {
        var e = Expressions.compile("context.amount == 250");
        assertTrue(e.test(action(financialAdvisor(), "x", "{\"amount\": 250.0}")));
        assertFalse(e.test(action(financialAdvisor(), "x", "{\"amount\": 250.5}")));
    }

    @Test
    void hasGuardsMissingKeys() {
        var e = Expressions.compile("has(context.amount) && context.amount > 100");
        assertFalse(e.test(action(financialAdvisor(), "x", "{}")));
        assertTrue(e.test(action(financialAdvisor(), "x", "{\"amount\": 101}")));
    }

    @Test
    void unguardedMissingKeyIsAnEvaluationErrorNotFalse() {
        var e = Expressions.compile("context.amount > 100");
        var error = assertThrows(ExpressionEvaluationException.class,
                () -> e.test(action(financialAdvisor(), "x", "{}")));
        assertTrue(error.getMessage().contains("amount"), error.getMessage());
    }

    @Test
    void comparingStringWithNumberIsAnEvaluationError() {
        var e = Expressions.compile("context.amount > 100");
        assertThrows(ExpressionEvaluationException.class,
                () -> e.test(action(financialAdvisor(), "x", "{\"amount\": \"lots\"}")));
    }

    /** Issue 21, finding 15: evaluation errors end up in violations' reasons, so they say no Java class names. */
    @Test
    void evaluationErrorsAreInPlainWords() {
        var toInt = Expressions.compile("int(context.amount) > 5");
        assertEquals("not a number: \"abc\"", assertThrows(ExpressionEvaluationException.class,
                () -> toInt.test(action(financialAdvisor(), "x", "{\"amount\":\"abc\"}"))).getMessage());
        String huge = "9".repeat(100_000);
        String message = assertThrows(ExpressionEvaluationException.class,
                () -> toInt.test(action(financialAdvisor(), "x", "{\"amount\":\"" + huge + "\"}"))).getMessage();
        assertTrue(message.length() < 1100, "a quoted value is cut: " + message.length());
        for (String expression : List.of("int(context.amount) > 5", "double(context.amount) > 5.0",
                "context.amount + 1 > 5", "context.amount > 5", "context.a[5] == 1")) {
            for (String context : List.of("{\"amount\":\"1e5000000\"}", "{\"amount\":1e5000000}",
                    "{\"amount\":9223372036854775807}", "{\"amount\":\"x\"}", "{\"a\":[1]}")) {
                try {
                    Expressions.compile(expression).test(action(financialAdvisor(), "x", context));
                } catch (ExpressionEvaluationException e) {
                    assertFalse(e.getMessage().matches("(?s).*(Exception|java\\.|\\w+\\.\\w+\\.[A-Z]).*"),
                            expression + " on " + context + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void readsNestedContextListsAndNulls() {
        var e = Expressions.compile(
                "context.recipient.country == 'DE' && 'vip' in context.tags && context.note == null"
                        + " && context.items.exists(i, i.qty > 2)");
        assertTrue(e.test(action(financialAdvisor(), "x", """
                {"recipient":{"country":"DE"},"tags":["vip"],"note":null,"items":[{"qty":1},{"qty":3}]}""")));
    }

    @Test
    void readsAgentFields() {
        var e = Expressions.compile("agent.name == 'financial-advisor' && agent.riskLevel == 'HIGH'"
                + " && agent.capabilities.financialTransactions && agent.maxTransactionAmount == 1000"
                + " && !has(agent.allowedActions)");
        assertTrue(e.test(action(financialAdvisor(), "execute_transaction", "{}")));
        var allowList = Expressions.compile("action in agent.allowedActions");
        var restricted = TestActions.withAllowedActions(TestActions.agent("bot", RiskLevel.LOW), List.of("search"));
        assertTrue(allowList.test(action(restricted, "search", "{}")));
        assertFalse(allowList.test(action(restricted, "delete_all", "{}")));
    }

    @Test
    void compileErrorCarriesLineAndColumn() {
        var error = assertThrows(ExpressionException.class,
                () -> Expressions.compile("action == 'x' && contxt.amount > 1"));
        assertEquals(1, error.line());
        assertEquals(18, error.column());
        assertEquals("expression error at 1:18: undeclared reference to 'contxt'", error.getMessage());
    }

    @Test
    void syntaxErrorOnSecondLine() {
        var error = assertThrows(ExpressionException.class,
                () -> Expressions.compile("action == 'x' &&\n  context.amount >"));
        assertEquals(2, error.line());
        assertTrue(error.column() > 0, error.getMessage());
    }

    @Test
    void nonBoolResultIsRejectedAtCompileTime() {
        var error = assertThrows(ExpressionException.class, () -> Expressions.compile("action + '!'"));
        assertTrue(error.detail().contains("bool"), error.getMessage());
    }

    @Test
    void emptyExpressionIsRejected() {
        assertThrows(ExpressionException.class, () -> Expressions.compile("  "));
    }
}
