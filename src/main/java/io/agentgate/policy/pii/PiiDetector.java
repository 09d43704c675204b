package io.agentgate.policy.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iban4j.CountryCode;
import org.iban4j.IbanUtil;

/**
 * Finds personal data in text and in every string of a JSON tree, and reports only the kinds found, never the
 * values.
 *
 * <p>Each kind is validated, not just pattern-matched, so order numbers, dates, prices, versions, timestamps,
 * UUIDs and addresses do not trip it:
 * <ul>
 * <li>emails: local part, {@code @}, a dotted domain with an alphabetic top-level label;</li>
 * <li>phone numbers: libphonenumber {@code findNumbers} with {@link Leniency#VALID}, national numbers of the
 * default region and international ({@code +..}) numbers of any region;</li>
 * <li>payment cards: 13-19 digits, unseparated or in groups of four (or the 4-6-5 / 4-6-4 Amex/Diners layout)
 * with one consistent space or dash, Luhn-valid and with a plausible issuer prefix;</li>
 * <li>IBANs: iban4j country length, BBAN structure and mod-97 check digits, with or without spaces;</li>
 * <li>US SSNs: {@code AAA-GG-SSSS} or {@code AAA GG SSSS} outside the never-issued ranges (area 000, 666,
 * 900-999, group 00, serial 0000, and the known advertising numbers), or nine bare digits right after an
 * "SSN"/"social security" label;</li>
 * <li>UK NINOs: upper-case, two prefix letters allowed by HMRC (first not D F I Q U V, second not D F I O Q U V,
 * not BG GB KN NK NT TN ZZ), six digits, suffix A-D, optionally spaced in pairs.</li>
 * </ul>
 * A span claimed by a card, IBAN or national-id match is not reported again as a phone number.
 * Instances are immutable and thread-safe.
 */
public final class PiiDetector {

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![\\w-])");
    // Candidate digit runs; the group layout is checked in code.
    private static final Pattern CARD = Pattern.compile("(?<![\\p{Alnum}.,/-])\\d(?:[ -]?\\d){12,22}(?![\\p{Alnum}]|[.,/-]\\d)");
    private static final Pattern IBAN = Pattern.compile("(?<![A-Z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){10,32}");
    private static final Pattern SSN = Pattern.compile("(?<![\\p{Alnum}-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\p{Alnum}]|-\\d)");
    private static final Pattern SSN_LABELLED = Pattern.compile(
            "(?i)(?:\\bssn|social security(?: number| no\\.?)?)\\s*(?:#|no\\.?|number)?\\s*[:=]?\\s*(\\d{9})(?!\\d)");
    private static final Pattern NINO = Pattern.compile(
            "(?<![A-Za-z0-9])([A-Z])([A-Z]) ?(\\d{2}) ?(\\d{2}) ?(\\d{2}) ?([A-D])(?![A-Za-z0-9])");
    private static final Set<String> NINO_UNALLOCATED = Set.of("BG", "GB", "KN", "NK", "NT", "TN", "ZZ");
    private static final Set<String> SSN_ADVERTISING = Set.of("078051120", "219099999", "123456789");

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    /** @param defaultRegion ISO 3166 region for numbers written without {@code +} and a country code, e.g. "US" */
    public PiiDetector(String defaultRegion) {
        String region = defaultRegion == null ? "" : defaultRegion.trim().toUpperCase(Locale.ROOT);
        if (!phones.getSupportedRegions().contains(region)) {
            throw new IllegalArgumentException("unknown phone region '" + defaultRegion + "'");
        }
        this.defaultRegion = region;
    }

    public String defaultRegion() {
        return defaultRegion;
    }

    /** The kinds of PII in any string (and any long integral number) of the tree; empty when none or null. */
    public Set<PiiKind> scan(JsonNode node) {
        Set<PiiKind> found = EnumSet.noneOf(PiiKind.class);
        budget.set(new int[] {0});
        try {
            scanInto(node, found);
        } finally {
            budget.remove();
        }
        return found;
    }

    /** The kinds of PII in one text; empty when none or null. */
    public Set<PiiKind> scan(String text) {
        Set<PiiKind> found = EnumSet.noneOf(PiiKind.class);
        budget.set(new int[] {0});
        try {
            scanInto(text, found);
        } finally {
            budget.remove();
        }
        return found;
    }

    /**
     * Characters of phone-like text one scan hands to libphonenumber, at most: every window is bounded, so a scan is
     * linear in its input, and this caps its cost ({@link PiiScanBudgetExceeded} beyond, the caller fails closed).
     */
    public static final int PHONE_SCAN_BUDGET = 16_000;
    /** Long runs of phone-like characters are scanned in windows this long, overlapping by half. */
    static final int PHONE_WINDOW = 64;

    /** Phone characters scanned so far in the current scan (one scan runs on one thread). */
    private final ThreadLocal<int[]> budget = new ThreadLocal<>();

    private void scanInto(JsonNode node, Set<PiiKind> found) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            scanInto(node.textValue(), found);
        } else if (node.isIntegralNumber()) {
            // A card number sent as a JSON number; shorter numbers are amounts and ids, not PII we can validate.
            String digits = node.bigIntegerValue().abs().toString();
            if (digits.length() >= 13 && digits.length() <= 19 && PaymentCards.isPaymentCard(digits)) {
                found.add(PiiKind.PAYMENT_CARD);
            }
        } else if (node.isContainerNode()) {
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    scanInto(it.next().getValue(), found);
                }
            } else {
                for (JsonNode child : node) {
                    scanInto(child, found);
                }
            }
        }
    }

    private void scanInto(String text, Set<PiiKind> found) {
        if (text == null || text.isEmpty()) {
            return;
        }
        if (text.indexOf('@') >= 0 && EMAIL.matcher(text).find()) {
            found.add(PiiKind.EMAIL);
        }
        int digits = countDigits(text);
        if (digits < 6) {
            return; // every other kind needs at least six digits (a NINO has six)
        }
        List<int[]> claimed = new ArrayList<>();
        findCards(text, found, claimed);
        findIbans(text, found, claimed);
        findSsns(text, found, claimed);
        findNinos(text, found, claimed);
        findPhones(text, found, claimed);
    }

    private void findCards(String text, Set<PiiKind> found, List<int[]> claimed) {
        Matcher m = CARD.matcher(text);
        while (m.find()) {
            if (PaymentCards.containsCard(m.group())) {
                found.add(PiiKind.PAYMENT_CARD);
                claimed.add(new int[] {m.start(), m.end()});
            }
        }
    }

    private void findIbans(String text, Set<PiiKind> found, List<int[]> claimed) {
        String upper = text.toUpperCase(Locale.ROOT);
        Matcher m = IBAN.matcher(upper);
        while (m.find()) {
            String candidate = m.group();
            String compact = candidate.replace(" ", "");
            CountryCode country = CountryCode.getByCode(compact.substring(0, 2));
            if (country == null || !IbanUtil.isSupportedCountry(country)) {
                continue;
            }
            int length = IbanUtil.getIbanLength(country);
            // The candidate may have swallowed a following word: validate exactly the country's length.
            if (compact.length() >= length && IbanUtil.isValid(compact.substring(0, length))) {
                found.add(PiiKind.IBAN);
                claimed.add(new int[] {m.start(), m.end()});
            }
        }
    }

    private void findSsns(String text, Set<PiiKind> found, List<int[]> claimed) {
        Matcher m = SSN.matcher(text);
        while (m.find()) {
            if (validSsn(m.group(1), m.group(3), m.group(4))) {
                found.add(PiiKind.US_SSN);
                claimed.add(new int[] {m.start(), m.end()});
            }
        }
        Matcher labelled = SSN_LABELLED.matcher(text);
        while (labelled.find()) {
            String d = labelled.group(1);
            if (validSsn(d.substring(0, 3), d.substring(3, 5), d.substring(5))) {
                found.add(PiiKind.US_SSN);
                claimed.add(new int[] {labelled.start(1), labelled.end(1)});
            }
        }
    }

    static boolean validSsn(String area, String group, String serial) {
        int a = Integer.parseInt(area);
        return a != 0 && a != 666 && a < 900 && !group.equals("00") && !serial.equals("0000")
                && !SSN_ADVERTISING.contains(area + group + serial);
    }

    private void findNinos(String text, Set<PiiKind> found, List<int[]> claimed) {
        Matcher m = NINO.matcher(text);
        while (m.find()) {
            char first = m.group(1).charAt(0);
            char second = m.group(2).charAt(0);
            String prefix = m.group(1) + m.group(2);
            if ("DFIQUV".indexOf(first) < 0 && "DFIOQUV".indexOf(second) < 0 && !NINO_UNALLOCATED.contains(prefix)) {
                found.add(PiiKind.UK_NINO);
                claimed.add(new int[] {m.start(), m.end()});
            }
        }
    }

    /**
     * libphonenumber scans only the runs of phone-like characters that hold at least seven digits, with some
     * context on each side (its letter-adjacency and time-stamp checks read it): the full scan of every string
     * is what made policy evaluation slow, and no phone number lives outside such a run.
     */
    private void findPhones(String text, Set<PiiKind> found, List<int[]> claimed) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (!isPhoneChar(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            int digits = 0;
            while (i < n && isPhoneChar(text.charAt(i))) {
                if (Character.isDigit(text.charAt(i))) {
                    digits++;
                }
                i++;
            }
            if (digits >= MIN_PHONE_DIGITS && !overlaps(claimed, start, i)) {
                // a long run is read in overlapping windows: a phone number is far shorter than half a window
                int end = i;
                for (int w = start; w < end; w += PHONE_WINDOW / 2) {
                    int wEnd = Math.min(end, w + PHONE_WINDOW);
                    if (findPhone(text, w, wEnd, found, claimed) || wEnd == end) {
                        if (found.contains(PiiKind.PHONE_NUMBER)) {
                            return;
                        }
                        break;
                    }
                }
            }
        }
    }

    /** libphonenumber on one bounded window of a run, with some context on each side. */
    private boolean findPhone(String text, int start, int end, Set<PiiKind> found, List<int[]> claimed) {
        if (countDigits(text.substring(start, end)) < MIN_PHONE_DIGITS || !phoneDigitsBeyondDates(text, start, end)) {
            return false;
        }
        int from = Math.max(0, start - PHONE_CONTEXT);
        String run = text.substring(from, Math.min(text.length(), end + PHONE_CONTEXT));
        int[] spent = budget.get();
        if (spent != null) {
            spent[0] += run.length();
            if (spent[0] > PHONE_SCAN_BUDGET) {
                throw new PiiScanBudgetExceeded(PHONE_SCAN_BUDGET);
            }
        }
        for (PhoneNumberMatch match : phones.findNumbers(run, defaultRegion, Leniency.VALID, Long.MAX_VALUE)) {
            if (!overlaps(claimed, from + match.start(), from + match.end())) {
                found.add(PiiKind.PHONE_NUMBER);
                return true;
            }
        }
        return false;
    }

    private static final int MIN_PHONE_DIGITS = 7;
    /** ISO and day/month dates, which libphonenumber would reject anyway at a high price. */
    private static final Pattern DATE_IN_RUN = Pattern.compile(
            "\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}");

    /** Whether the run still holds seven digits once the dates in it are taken out. */
    private static boolean phoneDigitsBeyondDates(String text, int start, int end) {
        String rest = DATE_IN_RUN.matcher(text.substring(start, end)).replaceAll(" ");
        return countDigits(rest) >= MIN_PHONE_DIGITS;
    }
    private static final int PHONE_CONTEXT = 12;

    private static boolean isPhoneChar(char c) {
        return c >= '0' && c <= '9' || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+'
                || c == '/' || c == '\u00A0' || c == '\u2010' || c == '\u2011' || c == '\u2013';
    }

    private static boolean overlaps(List<int[]> spans, int start, int end) {
        for (int[] span : spans) {
            if (start < span[1] && span[0] < end) {
                return true;
            }
        }
        return false;
    }

    private static int countDigits(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                n++;
            }
        }
        return n;
    }
}
