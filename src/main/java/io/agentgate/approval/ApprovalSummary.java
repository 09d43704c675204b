package io.agentgate.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.agent.AgentProfile;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionStatus;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * An action as the approver mail and the approval pages show it. Every string is raw: the HTML templates escape it.
 *
 * @param context          the agent's context, pretty-printed JSON
 * @param triggering       the violations that sent the action to approval (enforcement review)
 * @param why              the triggering violations in plain words: the approval rule's or the policy's
 *                         description instead of an expression
 * @param otherViolations  audit-only violations, shown for context
 * @param deadlineRelative "in 4 minutes" or "2 minutes ago", as of rendering
 * @param toolArgs         the tool arguments to approve (an edit in force, or the approved edit), pretty JSON; null
 *                         when the action has none
 * @param originalToolArgs the tool arguments as submitted, pretty JSON, only when an approver changed them
 * @param toolArgsEditedBy who changed them, only when someone did
 */
public record ApprovalSummary(UUID id, String agent, String agentDisplayName, String riskLevel, String action,
        String toolName, String context, List<Violation> triggering, List<Why> why, List<Violation> otherViolations,
        String deadlineUtc, String deadlineRelative, long approvals, int requiredApprovals, ActionStatus status,
        String decidedBy, String decidedAtUtc, String decisionComment, String toolArgs, String originalToolArgs,
        String toolArgsEditedBy) {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** One reason an action waits for a person, as approvers read it. */
    public record Why(String policy, Severity severity, String text) {
    }

    /**
     * @param descriptions a declarative policy's plain-language description by name (null for built-ins, whose
     *                     reasons are already written for people)
     */
    static ApprovalSummary of(ActionDetail detail, AgentProfile agent, long approvals, Instant now,
            ObjectMapper json, Function<String, String> descriptions) {
        var view = detail.view();
        List<Violation> triggering = view.violations().stream().filter(v -> v.enforcement() == Enforcement.REVIEW)
                .toList();
        return new ApprovalSummary(view.id(), view.agent(),
                agent == null || agent.displayName() == null ? view.agent() : agent.displayName(),
                agent == null ? "unknown" : agent.riskLevel().name(), view.action(), oneLine(detail.toolName()),
                pretty(detail.context(), json), triggering,
                triggering.stream().map(v -> new Why(v.policy(), v.severity(), plain(v, agent, descriptions))).toList(),
                view.violations().stream().filter(v -> v.enforcement() != Enforcement.REVIEW).toList(),
                view.deadline() == null ? "-" : UTC.format(view.deadline()),
                view.deadline() == null ? "-" : relative(Duration.between(now, view.deadline())),
                approvals, detail.requiredApprovals(), view.status(), oneLine(view.decidedBy()),
                view.decidedAt() == null ? null : UTC.format(view.decidedAt()), oneLine(view.comment()), null, null,
                null);
    }

    /** This summary with the tool arguments the approver sees (none when {@code shown} is null). */
    ApprovalSummary withToolArgs(ArgumentEdits.Shown shown, ObjectMapper json) {
        if (shown == null) {
            return this;
        }
        return new ApprovalSummary(id, agent, agentDisplayName, riskLevel, action, toolName, context, triggering, why,
                otherViolations, deadlineUtc, deadlineRelative, approvals, requiredApprovals, status, decidedBy,
                decidedAtUtc, decisionComment, pretty(shown.current(), json),
                shown.edited() ? pretty(shown.submitted(), json) : null, oneLine(shown.editedBy()));
    }

    private static String plain(Violation v, AgentProfile agent, Function<String, String> descriptions) {
        if (v.policy().equals(PolicyEngine.APPROVAL_REQUIRED)) {
            String described = agent == null || agent.approval() == null ? null : agent.approval().description();
            return described != null ? described : "The agent's approval rule asks a person to decide this action";
        }
        String described = descriptions.apply(v.policy());
        return described == null || described.isBlank() ? v.reason() : described;
    }

    /** "1 of 2 approvals". */
    public String quorum() {
        return approvals + " of " + requiredApprovals + (requiredApprovals == 1 ? " approval" : " approvals");
    }

    public boolean pending() {
        return status == ActionStatus.PENDING;
    }

    /** The outcome in words: "approved by alice@example.com at 2025-01-01 10:00:00 UTC", "timed out at ...". */
    public String outcome() {
        return switch (status) {
            case PENDING -> "pending";
            case TIMED_OUT -> "timed out at " + decidedAtUtc + " without a decision";
            case CANCELLED -> "cancelled by the agent at " + decidedAtUtc;
            case ALLOWED, DENIED -> status.name().toLowerCase() + " at submission";
            default -> status.name().toLowerCase() + " by " + decidedBy + " at " + decidedAtUtc;
        };
    }

    /**
     * The context as pretty JSON: strings stay inside their quotes on one line (JSON escapes control characters; the
     * Unicode line and paragraph separators are escaped here too), so an agent cannot write lines of the mail.
     */
    static String pretty(String context, ObjectMapper json) {
        if (context == null) {
            return "{}";
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(context))
                    .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\u0085", "\\u0085");
        } catch (JsonProcessingException e) {
            return "(not JSON)";
        }
    }

    /** Agent- or person-supplied text shown inline: every line break or other control character becomes a space. */
    static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) || cp == 0x2028
                || cp == 0x2029 ? ' ' : cp));
        return out.toString();
    }

    /** A duration in words, to the minute past one minute: "in 4 minutes", "in 1 hour 5 minutes", "3 minutes ago". */
    static String relative(Duration d) {
        boolean past = d.isNegative();
        long s = Math.abs(d.toSeconds());
        String words;
        if (s < 60) {
            words = s + (s == 1 ? " second" : " seconds");
        } else if (s < 3600) {
            long m = s / 60;
            words = m + (m == 1 ? " minute" : " minutes");
        } else if (s < 86_400) {
            long h = s / 3600;
            long m = s % 3600 / 60;
            words = h + (h == 1 ? " hour" : " hours") + (m == 0 ? "" : " " + m + (m == 1 ? " minute" : " minutes"));
        } else {
            long days = s / 86_400;
            long h = s % 86_400 / 3600;
            words = days + (days == 1 ? " day" : " days") + (h == 0 ? "" : " " + h + (h == 1 ? " hour" : " hours"));
        }
        return past ? words + " ago" : "in " + words;
    }
}
