package io.agentgate.approval;

import io.agentgate.agent.AgentService;
import io.agentgate.agent.ApprovalSettings;
import io.agentgate.audit.AuditLog;
import io.agentgate.gate.ActionNotPending;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmitted;
import io.agentgate.gate.ActionWriter;
import io.agentgate.gate.GateService;
import io.agentgate.gate.PendingAction;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Parameters;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reminders and escalation of pending actions. At submission, an agent with {@code remindAfterSeconds} or
 * {@code escalateAfterSeconds} gets a {@link FollowUp} row in the submitting transaction. A periodic sweep
 * ({@code agentgate.approval.follow-up-interval}) takes each due step with one conditional UPDATE under the action's
 * row lock, queues its mail in the outbox and audits it in that same transaction: a step happens once, whether
 * several instances sweep or the due time passed while none ran (the first sweep after the start takes it).
 * <ul>
 * <li>reminder: one mail ({@value #REMINDER_KIND}) to each approver who may vote and has not; audited
 * {@value #REMINDED};</li>
 * <li>escalation: {@code escalateTo} become approvers of the action (they vote through their own signed links like
 * the others) and get the approval mail ({@value #ESCALATION_KIND}); audited {@value #ESCALATED}.</li>
 * </ul>
 * The deadline and the fail-closed timeout stay as they are. A step not yet due when the action ends is dropped.
 */
@ApplicationScoped
public class FollowUps {

    public static final String REMINDED = "approval.reminded";
    public static final String ESCALATED = "approval.escalated";
    public static final String REMINDER_KIND = "approval_reminder";
    public static final String ESCALATION_KIND = "approval_escalation";
    private static final int BATCH = 100;
    private static final Logger LOG = Logger.getLogger(FollowUps.class);

    @Inject
    Clock clock;

    @Inject
    AgentService agents;

    @Inject
    ActionWriter writer;

    @Inject
    GateService gate;

    @Inject
    Eligibility eligibility;

    @Inject
    MailOutbox outbox;

    @Inject
    AuditLog audit;

    @Inject
    ApprovalMailer mailer;

    @Inject
    SlackNotifier slack;

    /** In the submitting transaction: the follow-up row of a pending action whose agent reminds or escalates. */
    void schedule(@Observes ActionSubmitted event) {
        if (event.action().status() != ActionStatus.PENDING) {
            return;
        }
        // the profile the submission was evaluated with: no read of the agent per pending action
        ApprovalSettings settings = (event.agent() != null ? event.agent() : agents.get(event.action().agent())
                .profile()).approval();
        boolean escalates = settings.escalateAfterSeconds() != null && !settings.escalateTo().isEmpty();
        if (settings.remindAfterSeconds() == null && !escalates) {
            return;
        }
        Instant created = event.action().createdAt();
        FollowUp row = new FollowUp();
        row.actionId = event.action().id();
        Integer remind = settings.remindAfterSeconds();
        row.remindAt = remind == null ? null : created.plusSeconds(remind);
        row.escalateAt = escalates ? created.plusSeconds(settings.escalateAfterSeconds()) : null;
        row.escalateTo = escalates ? settings.escalateTo() : List.of();
        row.persist();
    }

    @Scheduled(every = "${agentgate.approval.follow-up-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "approval-follow-up")
    void poll() {
        sweep();
    }

    /** Takes every due step this instance can claim; returns how many it took (reminders plus escalations). */
    public int sweep() {
        int taken = 0;
        List<UUID> due;
        do {
            Instant now = now();
            due = QuarkusTransaction.requiringNew().call(() -> FollowUp.<FollowUp>find(
                    "remindAt <= ?1 or escalateAt <= ?1 order by actionId", now).page(0, BATCH).list().stream()
                    .map(f -> f.actionId).toList());
            int before = taken;
            for (UUID id : due) {
                try {
                    int steps = writer.call(() -> followUp(id));
                    if (steps > 0) {
                        taken += steps;
                        mailer.kick();
                        slack.kick();
                    }
                } catch (RuntimeException e) {
                    LOG.warnf(e, "reminder/escalation of action %s failed; the next sweep retries", id);
                }
            }
            if (taken == before) {
                break; // nothing of this batch could be taken (another instance has it): the next sweep goes on
            }
        } while (due.size() == BATCH);
        return taken;
    }

    /** In the writer's transaction, under the action's row lock: the due steps of one action. */
    private int followUp(UUID id) {
        Instant now = now();
        PendingAction action;
        try {
            action = gate.lockPending(id);
        } catch (ActionNotPending ended) {
            // over before its steps came: they never will
            FollowUp.update("remindAt = null, escalateAt = null where actionId = ?1", id);
            return 0;
        }
        int steps = 0;
        if (claim(id, "escalatedAt", "escalateAt", now)) {
            escalate(action, FollowUp.<FollowUp>findById(id).escalateTo);
            steps++;
        }
        if (claim(id, "remindedAt", "remindAt", now)) {
            remind(action);
            steps++;
        }
        return steps;
    }

    /**
     * The conditional UPDATE that takes a step: only one sweep, on any instance, sees it change a row. The due time
     * goes with it, so the sweep's query finds only steps still to come (by index, however many are done).
     */
    private static boolean claim(UUID id, String doneField, String dueField, Instant now) {
        return FollowUp.update(doneField + " = :now, " + dueField + " = null where actionId = :id and " + doneField
                + " is null and " + dueField + " <= :now", Parameters.with("now", now).and("id", id)) == 1;
    }

    private void remind(PendingAction action) {
        Set<String> voted = voters(action.id());
        List<String> recipients = eligibility.recipients(action.approvers()).stream()
                .filter(r -> !voted.contains(r.toLowerCase(Locale.ROOT))).toList();
        recipients.forEach(r -> outbox.add(action.id(), r, REMINDER_KIND));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("recipients", recipients);
        audit.record(REMINDED, action.agent(), action.id(), "system", details);
        LOG.infof("action %s: reminder to %d approvers who have not voted", action.id(), recipients.size());
    }

    private void escalate(PendingAction action, List<String> escalateTo) {
        Set<String> mailed = eligibility.recipients(action.approvers()).stream().map(r -> r.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        Set<String> voted = voters(action.id());
        List<String> approvers = gate.addApprovers(action, escalateTo);
        List<String> recipients = eligibility.recipients(escalateTo).stream()
                .filter(r -> !mailed.contains(r.toLowerCase(Locale.ROOT)))
                .filter(r -> !voted.contains(r.toLowerCase(Locale.ROOT))).toList();
        recipients.forEach(r -> outbox.add(action.id(), r, ESCALATION_KIND));
        slack.ask(action.id(), recipients);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("escalateTo", escalateTo);
        details.put("recipients", recipients);
        details.put("approvers", approvers);
        audit.record(ESCALATED, action.agent(), action.id(), "system", details);
        LOG.infof("action %s escalated to %s (%d mailed)", action.id(), escalateTo, recipients.size());
    }

    private static Set<String> voters(UUID actionId) {
        return Vote.<Vote>list("actionId", actionId).stream().map(v -> v.approver.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
