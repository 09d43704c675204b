package io.agentgate.policy.pii;

import java.util.ArrayList;
import java.util.List;

/** What makes a run of digits a payment card: the grouping people write, the issuer's prefix and length, Luhn. */
final class PaymentCards {

    private PaymentCards() {
    }

    /**
     * Whether some run of consecutive digit groups of the candidate is a card: unseparated, or groups of four
     * with a shorter last group, or 4-6-5 / 4-6-4, with one separator throughout. Trying every run lets a card
     * that sits next to another number (a year, a quantity) still be found.
     */
    static boolean containsCard(String candidate) {
        List<String> groups = new ArrayList<>();
        List<Character> separators = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c == ' ' || c == '-') {
                groups.add(candidate.substring(from, i));
                separators.add(c);
                from = i + 1;
            }
        }
        groups.add(candidate.substring(from));
        for (int i = 0; i < groups.size(); i++) {
            StringBuilder digits = new StringBuilder();
            for (int j = i; j < groups.size() && digits.length() < 19; j++) {
                if (j > i && !separators.get(j - 1).equals(separators.get(i))) {
                    break;
                }
                digits.append(groups.get(j));
                if (cardLayout(groups.subList(i, j + 1)) && isPaymentCard(digits.toString())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean cardLayout(List<String> groups) {
        int n = groups.size();
        if (n == 1) {
            return true;
        }
        if (n == 3 && groups.get(0).length() == 4 && groups.get(1).length() == 6
                && (groups.get(2).length() == 5 || groups.get(2).length() == 4)) {
            return true;
        }
        for (int i = 0; i < n - 1; i++) {
            if (groups.get(i).length() != 4) {
                return false;
            }
        }
        return n >= 4 && groups.get(n - 1).length() <= 4;
    }

    /** 13-19 digits, a known issuer prefix and a valid Luhn check digit. */
    static boolean isPaymentCard(String digits) {
        int n = digits.length();
        return n >= 13 && n <= 19 && plausibleIssuer(digits) && luhnValid(digits);
    }

    static boolean luhnValid(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    private static boolean plausibleIssuer(String digits) {
        int n = digits.length();
        int p2 = Integer.parseInt(digits.substring(0, 2));
        int p3 = Integer.parseInt(digits.substring(0, 3));
        int p4 = Integer.parseInt(digits.substring(0, 4));
        if (digits.charAt(0) == '4') {
            return n == 13 || n == 16 || n == 19; // Visa
        }
        if (p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720) {
            return n == 16; // Mastercard
        }
        if (p2 == 34 || p2 == 37) {
            return n == 15; // American Express
        }
        if (p3 >= 300 && p3 <= 305 || p2 == 36 || p2 == 38 || p2 == 39) {
            return n >= 14; // Diners Club
        }
        if (p4 >= 3528 && p4 <= 3589) {
            return n >= 16; // JCB
        }
        if (p4 == 6011 || p3 >= 644 && p3 <= 649 || p2 == 65 || p2 == 62) {
            return n >= 16; // Discover, UnionPay
        }
        return p2 == 50 || p2 >= 56 && p2 <= 58 || p2 == 63 || p2 == 67; // Maestro ranges, 12-19 digits
    }
}
