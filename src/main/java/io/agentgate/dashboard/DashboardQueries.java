package io.agentgate.dashboard;

import io.agentgate.approval.ApprovalReads;
import io.agentgate.approval.Eligibility;
import io.agentgate.audit.AuditReads;
import io.agentgate.common.Jdbc;
import io.agentgate.gate.ActionReads;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ViolationReads;
import io.agentgate.policy.Severity;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The dashboard's read side: lists, the overview's figures, an action's full record and the violation statistics,
 * asked of the read APIs of the features that own the tables ({@link ActionReads} and {@link ViolationReads} of the
 * gate, {@link ApprovalReads}, {@link AuditReads}); every change goes through their services. Each method uses one
 * connection and a fixed number of statements.
 */
@ApplicationScoped
public class DashboardQueries {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Clock clock;

    /** The overview: counts and the pending actions closest to their deadline; the median is null without decisions. */
    public record Overview(long pending, long timedOut24h, long violations24h, long decided24h,
            Duration medianTimeToDecision, int decisionsMeasured, List<ActionReads.Row> closest,
            Map<Severity, Long> violationsBySeverity24h) {
    }

    /** Everything the detail page shows. */
    public record ActionRecord(ActionReads.Row row, String context, String toolName, String toolArgs,
            String sessionId, String comment, Instant resultAt, List<String> approvers, int requiredApprovals,
            List<ApprovalReads.VoteRow> votes, List<ApprovalReads.MailRow> mails, List<AuditReads.Row> audit,
            ApprovalReads.FollowUpRow followUp, ApprovalReads.GrantRow grant) {

        public long approvals() {
            return votes.stream().filter(v -> v.decision() == ActionStatus.APPROVED).count();
        }

        /** Who decides, in words: named people and groups, or any approver when the agent names none. */
        public String approversInWords() {
            return Eligibility.describe(approvers);
        }
    }

    /** The violations page: totals by policy, severity and agent over a window, per day, and the latest ones. */
    public record ViolationStats(Instant since, long total, List<ViolationReads.Count> byPolicy,
            List<ViolationReads.Count> bySeverity, List<ViolationReads.Count> byAgent, List<ViolationReads.Count> perDay,
            List<ViolationReads.Recent> recent) {

        /** A day's count as a share of the busiest day, for its bar. */
        public long percent(ViolationReads.Count day) {
            long max = perDay.stream().mapToLong(ViolationReads.Count::count).max().orElse(0);
            return max == 0 ? 0 : Math.round(100.0 * day.count() / max);
        }
    }

    /** Per-agent activity for the agents page. */
    public record AgentActivity(long pending, long actions24h, long violations24h) {
    }

    public ActionListing.Page list(ListView view, ActionListing.Filter filter, String after, int size) {
        return withConnection(c -> ActionListing.page(c, view, filter, after, size));
    }

    public Overview overview() {
        Instant now = clock.instant();
        Instant dayAgo = now.minus(Duration.ofHours(24));
        return withConnection(c -> {
            long pending = ActionReads.count(c, ActionStatus.PENDING);
            long timedOut = ActionReads.endedSince(c, ActionStatus.TIMED_OUT, dayAgo);
            long violations = ViolationReads.count(c, dayAgo, null);
            long decided = ActionReads.decidedByPeopleSince(c, dayAgo);
            // median over the latest 1000 decisions by a person in the last 7 days
            List<Duration> times = new ArrayList<>(ActionReads.timesToDecision(c, now.minus(Duration.ofDays(7)), 1000));
            times.sort(null);
            int n = times.size();
            Duration median = n == 0 ? null
                    : n % 2 == 1 ? times.get(n / 2) : times.get(n / 2 - 1).plus(times.get(n / 2)).dividedBy(2);
            ActionListing.Page closest = ActionListing.page(c, ListView.PENDING, ActionListing.Filter.NONE, null, 5);
            Map<Severity, Long> bySeverity = new LinkedHashMap<>();
            for (Severity s : List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)) {
                bySeverity.put(s, ViolationReads.count(c, s, dayAgo));
            }
            return new Overview(pending, timedOut, violations, decided, median, n, closest.rows(), bySeverity);
        });
    }

    /** Pending and timed-out counts for the list tabs (both small, indexed ranges). */
    public Map<ListView, Long> tabCounts() {
        Instant dayAgo = clock.instant().minus(Duration.ofHours(24));
        return withConnection(c -> {
            Map<ListView, Long> counts = new LinkedHashMap<>();
            counts.put(ListView.PENDING, ActionReads.count(c, ActionStatus.PENDING));
            counts.put(ListView.TIMED_OUT, ActionReads.endedSince(c, ActionStatus.TIMED_OUT, dayAgo));
            return counts;
        });
    }

    public Optional<ActionRecord> action(UUID id) {
        return withConnection(c -> {
            Optional<ActionReads.Detail> found = ActionReads.detail(c, id);
            if (found.isEmpty()) {
                return Optional.<ActionRecord>empty();
            }
            ActionReads.Detail d = found.get();
            return Optional.of(new ActionRecord(d.row(), d.context(), d.toolName(), d.toolArgs(), d.row().sessionId(),
                    d.comment(), d.resultAt(), d.approvers(), d.requiredApprovals(), ApprovalReads.votes(c, id),
                    ApprovalReads.mails(c, id), AuditReads.ofAction(c, id), ApprovalReads.followUp(c, id),
                    ApprovalReads.grant(c, d.grantId())));
        });
    }

    /** Violation statistics since {@code days} days ago, and the latest violations matching the filters. */
    public ViolationStats violations(int days, String policy, Severity severity, String agent) {
        Instant now = clock.instant();
        Instant since = now.minus(Duration.ofDays(days));
        return withConnection(c -> {
            List<ViolationReads.Count> perDay = new ArrayList<>();
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            for (int i = Math.min(days, 14) - 1; i >= 0; i--) {
                LocalDate day = today.minusDays(i);
                Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
                perDay.add(new ViolationReads.Count(day.toString(),
                        ViolationReads.count(c, from, from.plus(Duration.ofDays(1)))));
            }
            var latest = new ViolationReads.Latest(blankToNull(policy), severity, blankToNull(agent), 50);
            return new ViolationStats(since, ViolationReads.count(c, since, null),
                    ViolationReads.countBy(c, ViolationReads.Group.POLICY, since),
                    ViolationReads.countBy(c, ViolationReads.Group.SEVERITY, since),
                    ViolationReads.countBy(c, ViolationReads.Group.AGENT, since), perDay,
                    ViolationReads.latest(c, since, latest));
        });
    }

    /** Pending now, actions and violations in the last 24 h, per agent name. */
    public Map<String, AgentActivity> agentActivity() {
        Instant dayAgo = clock.instant().minus(Duration.ofHours(24));
        return withConnection(c -> {
            Map<String, Long> pending = ActionReads.countByAgent(c, ActionStatus.PENDING);
            Map<String, Long> actions = ActionReads.submittedSinceByAgent(c, dayAgo);
            Map<String, Long> violations = ViolationReads.countByAgent(c, dayAgo);
            Set<String> names = new TreeSet<>(pending.keySet());
            names.addAll(actions.keySet());
            names.addAll(violations.keySet());
            Map<String, AgentActivity> byAgent = new LinkedHashMap<>();
            for (String name : names) {
                byAgent.put(name, new AgentActivity(pending.getOrDefault(name, 0L), actions.getOrDefault(name, 0L),
                        violations.getOrDefault(name, 0L)));
            }
            return byAgent;
        });
    }

    /** The latest actions of one agent, whatever their status. */
    public List<ActionReads.Row> recentActions(String agent, int limit) {
        return withConnection(c -> ActionReads.withViolations(c, ActionReads.listing().agent(agent)
                .sortedBy(ActionReads.Sort.CREATED_AT, false).limit(limit).read(c)));
    }

    /** Names of the policies that ever objected, for the policy filter. */
    public List<String> policyNames() {
        return withConnection(ViolationReads::policyNames);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private <T> T withConnection(Jdbc.Work<T> work) {
        return Jdbc.withConnection(dataSource, "dashboard query", work);
    }
}
