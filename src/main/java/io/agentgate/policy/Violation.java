package io.agentgate.policy;

/**
 * One policy's objection to one action, as stored and as shown in JSON. The reason is cut to {@value #MAX_REASON}
 * characters: it may quote what an agent sent, and it is stored with the action.
 */
public record Violation(String policy, Severity severity, Enforcement enforcement, String reason) {

    public static final int MAX_REASON = 1000;

    public Violation {
        reason = bounded(reason);
    }

    /** The reason as stored: at most {@link #MAX_REASON} characters, cut on a character boundary with an ellipsis. */
    public static String bounded(String reason) {
        if (reason == null || reason.length() <= MAX_REASON) {
            return reason;
        }
        int end = MAX_REASON - 1;
        if (Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end) + "…";
    }
}
