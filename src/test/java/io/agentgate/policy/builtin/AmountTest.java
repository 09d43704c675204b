package io.agentgate.policy.builtin;

import static io.agentgate.policy.TestActions.action;
import static io.agentgate.policy.TestActions.financialAdvisor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.policy.Enforcement;
import io.agentgate.policy.TestActions;
import io.agentgate.policy.Violation;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 2: amounts are read with bounded digits and exponent. {@code "1e5000000"} took 7.2 s of CPU
 * (expanded to five million digits for the reason) and then a 500 (the reason did not fit its column).
 */
class AmountTest {

    private final TransactionLimitPolicy policy = new TransactionLimitPolicy(TransactionLimitPolicy.Settings.defaults());

    private static Amount read(String json) {
        return Amount.of(TestActions.json("{\"amount\":" + json + "}").get("amount"));
    }

    @Test
    void ordinaryAmountsAreRead() {
        assertEquals(new BigDecimal("250.5"), read("\"250.50\"").value());
        assertEquals(new BigDecimal("5000"), read("5000").value());
        assertEquals(new BigDecimal("5000"), read("5e3").value());
        assertEquals(new BigDecimal("1000000"), read("\"1E+6\"").value());
        assertEquals(new BigDecimal("0.000001"), read("\" 1e-6 \"").value());
        assertEquals(BigDecimal.ZERO, read("\"0e-5000000\"").value());
        assertEquals(new BigDecimal("-12"), read("-12").value());
    }

    @Test
    void absurdAmountsAreOutOfRangeAtOnce() {
        String digits = "9".repeat(100_000);
        for (String absurd : List.of("1e5000000", "-1e5000000", "\"1e5000000\"", "\"-1E+5000000\"", "\"1e-5000000\"",
                "\"1e99999999999\"", "\"" + digits + "\"", "\"0." + digits + "\"", "9".repeat(999), "1e-300",
                "\"1" + "0".repeat(30) + "\"", "\"0.0000000000000000001\"")) {
            long started = System.nanoTime();
            Amount amount = read(absurd);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(Amount.Kind.OUT_OF_RANGE, amount.kind(), absurd.length() > 40 ? absurd.substring(0, 40) : absurd);
            assertTrue(millis < 100, absurd.length() + " characters read in " + millis + " ms");
        }
        assertEquals(Amount.Kind.NUMBER, read("\"" + "9".repeat(30) + "." + "9".repeat(18) + "\"").kind());
    }

    @Test
    void textThatIsNotADecimalIsNotANumber() {
        for (String text : List.of("\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"0x10\"", "\"1,000\"", "\"12 USD\"",
                "\"\"", "\"1e\"", "\".\"", "true", "[1]", "{}", "\"" + "x".repeat(100_000) + "\"")) {
            assertEquals(Amount.Kind.NOT_A_NUMBER, read(text).kind(), text.length() > 40 ? text.substring(0, 40) : text);
        }
    }

    @Test
    void anAbsurdAmountIsADenyingViolationInPlainWordsAndShort() {
        for (String absurd : List.of("1e5000000", "\"1e5000000\"", "\"-1e5000000\"", "\"1e-5000000\"",
                "\"" + "9".repeat(200_000) + "\"")) {
            long started = System.nanoTime();
            Violation v = policy.check(action(financialAdvisor(), "execute_transaction",
                    "{\"amount\":" + absurd + "}")).orElseThrow();
            assertTrue(System.nanoTime() - started < 100_000_000L, "checked in under 100 ms");
            assertEquals(Enforcement.DENY, v.enforcement());
            assertEquals("Transaction amount is out of range (at most 30 digits before the decimal point and 18 after "
                    + "it), so the limit $1000 cannot be checked", v.reason());
        }
        Violation nan = policy.check(action(financialAdvisor(), "execute_transaction", "{\"amount\":\"NaN\"}"))
                .orElseThrow();
        assertEquals("Transaction amount is not a number, so the limit $1000 cannot be checked", nan.reason());
        assertFalse(nan.reason().contains("Exception"));
    }

    @Test
    void everyReasonIsBounded() {
        String reason = "x".repeat(Violation.MAX_REASON - 2) + "\uD83D\uDE00" + "y".repeat(5000);
        Violation v = new Violation("p", io.agentgate.policy.Severity.LOW, Enforcement.AUDIT, reason);
        assertEquals("x".repeat(Violation.MAX_REASON - 2) + "…", v.reason(), "cut before the pair, not inside it");
        Violation plain = new Violation("p", io.agentgate.policy.Severity.LOW, Enforcement.AUDIT, "z".repeat(5000));
        assertEquals(Violation.MAX_REASON, plain.reason().length());
        assertEquals("short", new Violation("p", io.agentgate.policy.Severity.LOW, Enforcement.AUDIT, "short").reason());
    }
}
