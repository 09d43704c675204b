package io.agentgate.policy.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PiiDetectorTest {

    private final PiiDetector detector = new PiiDetector("US");

    @ParameterizedTest(name = "{1} in \"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
            Write to jane.doe+billing@example.co.uk today           | EMAIL
            contact: a_b@sub.mail-host.org.                         | EMAIL
            Call (415) 555-2671 after lunch                         | PHONE_NUMBER
            Call 202-456-1111                                       | PHONE_NUMBER
            our London office: +44 20 7946 0958                     | PHONE_NUMBER
            Berlin +49 30 901820                                    | PHONE_NUMBER
            card 4111 1111 1111 1111 exp 12/27                      | PAYMENT_CARD
            card 4111111111111111                                   | PAYMENT_CARD
            MC 5500-0000-0000-0004                                  | PAYMENT_CARD
            Amex 3782 822463 10005                                  | PAYMENT_CARD
            Discover 6011111111111117, thanks                       | PAYMENT_CARD
            paid with 4012888888881881 2024                         | PAYMENT_CARD
            IBAN DE89 3704 0044 0532 0130 00 please                 | IBAN
            iban: GB82WEST12345698765432                            | IBAN
            FR1420041010050500013M02606 IS THE ACCOUNT              | IBAN
            nl91 abna 0417 1643 00                                  | IBAN
            SSN 536-22-1234                                         | US_SSN
            ssn: 536221234                                          | US_SSN
            his number is 078 05 1121                               | US_SSN
            NINO AB 12 34 56 C                                      | UK_NINO
            ni JG103759A                                            | UK_NINO
            """)
    void findsEachKind(String text, PiiKind kind) {
        assertEquals(Set.of(kind), detector.scan(text.strip()));
    }

    @ParameterizedTest(name = "nothing in \"{0}\"")
    @ValueSource(strings = {
            "Order 4111111111111112 shipped",               // fails Luhn
            "order no. 1234567890123456",                   // fails Luhn
            "ref 9999 9999 9999 9995",                      // Luhn-valid, no issuer starts with 9
            "due 2024-03-15, paid 15/03/2024",
            "total $1,234.56 incl. VAT",
            "price 1234567.89 EUR",
            "version 1.2.3.4 on Windows v10.0.19045",
            "at 2024-03-15T10:30:00.123Z (epoch 1710498600123)",
            "at 2024-03-15 10:30:00",
            "id 550e8400-e29b-41d4-a716-446655440000",
            "from 192.168.100.200 and 10.0.0.1",
            "ZIP 94105 or 94105-1234",
            "IBAN DE89 3704 0044 0532 0130 01",             // bad check digits
            "GB82WEST12345698765431",
            "SSN 000-12-3456, 666-12-3456, 912-12-3456, 536-00-1234, 536-22-0000",
            "ssn 123-45-6789",                              // the well-known example number
            "QQ123456C and AB123456E and BG123456A",        // invalid prefix, suffix, unallocated prefix
            "ab 12 34 56 c",                                // lower case: words, not a NINO
            "user@localhost or npm install left-pad@1.3.0",
            "quantity 12, amount 250.50, page 3 of 7",
            "tracking 1Z999AA10123456784",
    })
    void ignoresNearMisses(String text) {
        assertEquals(Set.of(), detector.scan(text));
    }

    @Test
    void scansEveryStringOfNestedJsonAndReportsAllKinds() throws Exception {
        JsonNode json = new ObjectMapper().readTree("""
                {"to":"client","body":{"lines":["Hi,", "mail me at bob@example.com"]},
                 "attachments":[{"note":"card 5500 0000 0000 0004"}, {"n": 4111111111111111}],
                 "amount": 250, "ok": true, "nothing": null}
                """);
        assertEquals(EnumSet.of(PiiKind.EMAIL, PiiKind.PAYMENT_CARD), detector.scan(json));
    }

    @Test
    void cardSentAsJsonNumberIsFoundButAmountsAreNot() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertEquals(Set.of(PiiKind.PAYMENT_CARD), detector.scan(mapper.readTree("{\"pan\": 4111111111111111}")));
        assertEquals(Set.of(), detector.scan(mapper.readTree("{\"amount\": 4111111111111112, \"x\": 1.5}")));
    }

    @Test
    void cardIsNotAlsoReportedAsPhoneNumber() {
        assertEquals(Set.of(PiiKind.PAYMENT_CARD), detector.scan("4111-1111-1111-1111"));
    }

    @Test
    void defaultRegionDecidesNationalNumbers() {
        String ukNational = "ring 020 7946 0958";
        assertEquals(Set.of(), detector.scan(ukNational));
        assertEquals(Set.of(PiiKind.PHONE_NUMBER), new PiiDetector("gb").scan(ukNational));
    }

    @Test
    void unknownRegionIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PiiDetector("XX"));
    }

    @Test
    void luhnAndLayoutRules() {
        assertEquals(true, PaymentCards.luhnValid("79927398713"));
        assertEquals(false, PaymentCards.luhnValid("79927398710"));
        assertEquals(false, PaymentCards.containsCard("4111-1111 1111-1111"));
        assertEquals(false, PaymentCards.containsCard("41 1111 1111 1111 11"));
    }
}
