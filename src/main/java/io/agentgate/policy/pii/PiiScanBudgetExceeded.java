package io.agentgate.policy.pii;

/** A text too large (in phone-like characters) to scan for personal data within the detector's budget. */
public class PiiScanBudgetExceeded extends RuntimeException {

    private final int budget;

    public PiiScanBudgetExceeded(int budget) {
        super("over " + budget + " characters of number-like text to scan for personal data");
        this.budget = budget;
    }

    public int budget() {
        return budget;
    }
}
