package io.agentgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.SubmitResponse;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the gateway tells an agent when it does not return the upstream's result: the words of denials, refusals,
 * the "still pending" answer and upstream failures, and AgentGate's keys in {@code _meta}.
 */
final class Refusals {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Prefix of AgentGate's keys in {@code _meta}. */
    static final String META = "io.agentgate/";
    /** The longest result kept in the audit trail's {@code action.result} event. */
    static final int AUDIT_RESULT_CHARS = 100_000;
    /** The longest outcome kept for replay (the column holds 1 MiB characters). */
    static final int REPLAY_CHARS = 1_000_000;

    private Refusals() {
    }

    static String denied(SubmitResponse answer) {
        List<Violation> deny = answer.violations().stream()
                .filter(v -> v.enforcement() == Enforcement.DENY).toList();
        return "Denied by policy (action " + answer.id() + "): " + describe(deny.isEmpty() ? answer.violations() : deny)
                + ". The tool did not run.";
    }

    static String refused(ActionView decided) {
        String comment = decided.comment() == null || decided.comment().isBlank() ? "" : ": " + decided.comment();
        return switch (decided.status()) {
            case REJECTED -> "Rejected by " + decided.decidedBy() + comment + " (action " + decided.id()
                    + "). The tool did not run.";
            case TIMED_OUT -> "Timed out: nobody decided before the deadline " + decided.deadline() + " (action "
                    + decided.id() + "); AgentGate fails closed. The tool did not run.";
            case CANCELLED -> "Cancelled by " + decided.decidedBy() + " (action " + decided.id()
                    + "). The tool did not run.";
            default -> "Action " + decided.id() + " is " + decided.status() + ". The tool did not run.";
        };
    }

    static String pending(ActionView view) {
        return "Held for approval: action " + view.id() + " is still PENDING (deadline " + view.deadline()
                + "). The tool has NOT run yet. Wait for the decision with agentgate_status {\"id\":\"" + view.id()
                + "\",\"wait\":60}; once it is APPROVED, repeat this exact call in this session and it runs once.";
    }

    static String stillRunning(UUID actionId) {
        return "The approved call (action " + actionId + ") is being sent to the upstream right now; repeat this call "
                + "in a moment for its outcome.";
    }

    static String upstreamFailed(String server, UUID actionId, String cause) {
        return "Upstream MCP server '" + server + "' failed: " + cause + " (action " + actionId + "). The call was "
                + "sent and may or may not have taken effect there.";
    }

    static Map<String, Object> meta(UUID actionId, String status) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(META + "actionId", actionId.toString());
        meta.put(META + "status", status);
        return meta;
    }

    static Map<String, Object> pendingMeta(ActionView view, String baseUrl, String pollUrl) {
        Map<String, Object> meta = meta(view.id(), "PENDING");
        meta.put(META + "deadline", String.valueOf(view.deadline()));
        meta.put(META + "dashboardUrl", baseUrl.replaceAll("/+$", "") + "/dashboard/actions/" + view.id());
        meta.put(META + "pollUrl", pollUrl);
        return meta;
    }

    /** What the records keep of an answer: the audit's text (cut) and the outcome stored for replay. */
    record Kept(String audit, String replay) {
    }

    /**
     * The answer's JSON for the audit trail and the replay column, written once and kept only up to what they hold
     * (the rest is counted, never copied): a large result costs no second copy of itself.
     */
    static Kept forRecords(JsonNode answer, UUID actionId) {
        Prefix prefix = new Prefix(REPLAY_CHARS);
        try {
            JSON.writeValue(prefix, answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String kept = prefix.kept.toString();
        String audit = prefix.total <= AUDIT_RESULT_CHARS ? kept
                : kept.substring(0, AUDIT_RESULT_CHARS) + "... (" + prefix.total + " characters, cut)";
        String replay = prefix.total <= REPLAY_CHARS ? kept
                : ToolResults.error("The call ran once (action " + actionId + "); its result (" + prefix.total
                        + " characters) is too large to replay.", meta(actionId, "REPLAY_TOO_LARGE")).toString();
        return new Kept(audit, replay);
    }

    /** A writer that keeps the first characters and counts them all. */
    private static final class Prefix extends Writer {
        private final StringBuilder kept = new StringBuilder();
        private final int max;
        private long total;

        Prefix(int max) {
            this.max = max;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            total += length;
            int room = max - kept.length();
            if (room > 0) {
                kept.append(chars, offset, Math.min(room, length));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static String describe(List<Violation> violations) {
        return violations.stream().map(v -> v.policy() + " (" + v.severity().name().toLowerCase() + "): " + v.reason())
                .collect(Collectors.joining("; "));
    }
}
