package io.agentgate.policy.pii;

/** A kind of personal data the {@link PiiDetector} recognises; the label is what reasons and logs show. */
public enum PiiKind {
    EMAIL("email address"),
    PHONE_NUMBER("phone number"),
    PAYMENT_CARD("payment card number"),
    IBAN("IBAN"),
    US_SSN("US social security number"),
    UK_NINO("UK national insurance number");

    private final String label;

    PiiKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
