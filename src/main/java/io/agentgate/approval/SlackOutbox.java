package io.agentgate.approval;

import io.agentgate.approval.SlackDelivery.Kind;
import io.agentgate.approval.SlackDelivery.Status;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.Backoff;
import io.agentgate.common.OutboxRows;
import io.agentgate.gate.ActionWriter;
import io.agroal.api.AgroalDataSource;
import io.quarkus.panache.common.Parameters;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Slack outbox table, kept as the mail outbox is ({@link MailOutbox}): rows are added in the transaction that
 * makes them necessary, a sender claims a row with one conditional UPDATE (so two senders, on one instance or
 * several, never both deliver it), then marks it sent or failed with the next attempt pushed out by exponential
 * backoff, or by Slack's {@code Retry-After} when that is later. Each method but {@link #add} is a transaction of its
 * own.
 */
@ApplicationScoped
public class SlackOutbox {

    /** Audit event type of a Slack call that succeeded (a message posted or updated). */
    public static final String SLACK_SENT = "slack.sent";

    @Inject
    Clock clock;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SlackSettings settings;

    @Inject
    AuditLog audit;

    @Inject
    ActionWriter writer;

    private OutboxRows rows;

    @PostConstruct
    void init() {
        rows = new OutboxRows(dataSource, "slack_outbox");
    }

    /** Queues a delivery, once per action, approver and kind (a second one of the same kind adds nothing). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void add(UUID actionId, String approver, Kind kind) {
        if (SlackDelivery.count("actionId = ?1 and approver = ?2 and kind = ?3", actionId, approver, kind) > 0) {
            return;
        }
        SlackDelivery row = new SlackDelivery();
        row.actionId = actionId;
        row.approver = approver;
        row.kind = kind;
        row.status = Status.PENDING;
        row.attempts = 0;
        row.createdAt = now();
        row.nextAttemptAt = row.createdAt;
        row.persist();
    }

    /** The approvers whose direct message for this action was or may still be posted. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> posted(UUID actionId) {
        return SlackDelivery.<SlackDelivery>list("actionId = ?1 and kind = ?2 and status <> ?3", actionId, Kind.POST,
                Status.OBSOLETE).stream().map(d -> d.approver).toList();
    }

    public List<Long> due(int limit) {
        return rows.due(now(), limit);
    }

    /** Takes due rows for this sender in one commit; returns those it got. */
    public List<Long> claim(List<Long> ids) {
        return writer.call(() -> ids.stream().filter(this::claimNow).toList());
    }

    private boolean claimNow(long id) {
        Instant now = now();
        return SlackDelivery.update("status = :sending, claimedUntil = :lease, attempts = attempts + 1 where id = :id "
                + "and ((status = :pending and nextAttemptAt <= :now) or (status = :sending and claimedUntil <= :now))",
                Parameters.with("sending", Status.SENDING).and("lease", now.plus(settings.lease())).and("id", id)
                        .and("pending", Status.PENDING).and("now", now)) == 1;
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public SlackDelivery get(long id) {
        return SlackDelivery.findById(id);
    }

    /** The message of an action for an approver, if it was posted. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<SlackMessage> message(UUID actionId, String approver) {
        return SlackMessage.of(actionId, approver);
    }

    /** The state of the POST row of an action and approver (null: none). */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Status postStatus(UUID actionId, String approver) {
        return SlackDelivery.<SlackDelivery>find("actionId = ?1 and approver = ?2 and kind = ?3", actionId, approver,
                Kind.POST).firstResultOptional().map(d -> d.status).orElse(null);
    }

    /**
     * The call succeeded: marks the row sent and audits it, and for a post stores where the message is (message not
     * null), all in one commit.
     */
    public void sent(SlackDelivery row, String agentName, SlackMessage message) {
        writer.call(() -> {
            int updated = SlackDelivery.update("status = ?1, sentAt = ?2, claimedUntil = null, lastError = null "
                    + "where id = ?3 and status = ?4", Status.SENT, now(), row.id, Status.SENDING);
            if (updated == 1) {
                if (message != null && SlackMessage.of(message.actionId, message.approver).isEmpty()) {
                    message.postedAt = now();
                    message.persist();
                }
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("kind", row.kind);
                details.put("approver", row.approver);
                details.put("attempts", row.attempts);
                details.put("outboxId", row.id);
                audit.record(SLACK_SENT, agentName, row.actionId, "system", details);
            }
            return null;
        });
    }

    /**
     * The attempt failed: back to PENDING with the error, due again after the backoff or {@code atLeast} (Slack's
     * Retry-After), whichever is later. Returns when.
     */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Instant failed(SlackDelivery row, String error, Duration atLeast) {
        Duration wait = Backoff.after(row.attempts, settings.initialBackoff(), settings.maxBackoff());
        if (atLeast != null && atLeast.compareTo(wait) > 0) {
            wait = atLeast;
        }
        Instant next = now().plus(wait);
        String message = error == null ? "unknown error" : error;
        SlackDelivery.update("status = ?1, nextAttemptAt = ?2, claimedUntil = null, lastError = ?3 where id = ?4 "
                + "and status = ?5", Status.PENDING, next, message.length() > MailOutbox.MAX_ERROR
                        ? message.substring(0, MailOutbox.MAX_ERROR) : message, row.id, Status.SENDING);
        return next;
    }

    /** Nothing left to do for this row; the reason is kept for operators. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void obsolete(SlackDelivery row, String why) {
        SlackDelivery.update("status = ?1, claimedUntil = null, lastError = ?2 where id = ?3 and status = ?4",
                Status.OBSOLETE, why, row.id, Status.SENDING);
    }

    /** Rows not yet delivered (pending or being sent). */
    public long open() {
        return rows.open();
    }

    /** Rows of one action, oldest first (tests, operations). */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<SlackDelivery> forAction(UUID actionId) {
        return SlackDelivery.list("actionId = ?1 order by id", actionId);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
