package io.agentgate.policy.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * An amount read from agent input with bounded size, digits and exponent, so that no number, however written, takes
 * long to read, compare or print: {@code 1e5000000} is out of range at once instead of being expanded to five million
 * digits. A JSON number or a numeric string; at most {@value #MAX_INTEGER_DIGITS} digits before the decimal point and
 * {@value #MAX_FRACTION_DIGITS} after it (trailing zeros do not count).
 *
 * @param value the amount without trailing zeros, when {@code kind} is {@link Kind#NUMBER}
 * @param kind  what the input was
 */
record Amount(BigDecimal value, Kind kind) {

    static final int MAX_INTEGER_DIGITS = 30;
    static final int MAX_FRACTION_DIGITS = 18;
    /** Longer numeric text is out of range without being parsed (parsing long digit strings is quadratic). */
    static final int MAX_TEXT = 64;
    /** Decimal notation only: no NaN, Infinity, hexadecimal, or grouping. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");

    enum Kind {
        NUMBER,
        NOT_A_NUMBER,
        OUT_OF_RANGE
    }

    private static final Amount NOT_A_NUMBER = new Amount(null, Kind.NOT_A_NUMBER);
    private static final Amount OUT_OF_RANGE = new Amount(null, Kind.OUT_OF_RANGE);

    /** Reads a JSON number or numeric string; anything else is not a number. */
    static Amount of(JsonNode node) {
        if (node.isNumber()) {
            return number(node);
        }
        if (node.isTextual()) {
            return text(node.textValue().strip());
        }
        return NOT_A_NUMBER;
    }

    private static Amount number(JsonNode node) {
        if (node.isIntegralNumber()) {
            // a long, or a BigInteger of at most the parser's number length: bitLength is cheap, digits are not
            if (node.canConvertToLong()) {
                return bounded(BigDecimal.valueOf(node.longValue()));
            }
            return node.bigIntegerValue().bitLength() > 4 * MAX_INTEGER_DIGITS ? OUT_OF_RANGE
                    : bounded(new BigDecimal(node.bigIntegerValue()));
        }
        if (node.isBigDecimal()) {
            BigDecimal value = node.decimalValue();
            return value.unscaledValue().bitLength() > 4 * (MAX_INTEGER_DIGITS + MAX_FRACTION_DIGITS) ? OUT_OF_RANGE
                    : bounded(value);
        }
        // JSON floats are read as doubles: beyond the double range they are infinite
        double d = node.doubleValue();
        return Double.isFinite(d) ? bounded(BigDecimal.valueOf(d)) : OUT_OF_RANGE;
    }

    private static Amount text(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            return NOT_A_NUMBER;
        }
        if (text.length() > MAX_TEXT) {
            return OUT_OF_RANGE;
        }
        try {
            return bounded(new BigDecimal(text));
        } catch (NumberFormatException e) {
            // an exponent beyond what BigDecimal holds
            return OUT_OF_RANGE;
        }
    }

    /** Checks the digits without expanding the number: precision and scale are counts, not digits. */
    private static Amount bounded(BigDecimal value) {
        if (value.signum() == 0) {
            return new Amount(BigDecimal.ZERO, Kind.NUMBER);
        }
        long integerDigits = (long) value.precision() - value.scale();
        if (integerDigits > MAX_INTEGER_DIGITS) {
            return OUT_OF_RANGE;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > MAX_FRACTION_DIGITS) {
            return OUT_OF_RANGE;
        }
        return new Amount(stripped.scale() < 0 ? stripped.setScale(0) : stripped, Kind.NUMBER);
    }
}
