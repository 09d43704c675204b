package io.agentgate.approval;

import io.agentgate.approval.OutboxMail.Status;
import io.agentgate.audit.AuditLog;
import io.agentgate.gate.ActionWriter;
import io.agentgate.common.Backoff;
import io.agentgate.common.OutboxRows;
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
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The mail outbox table. Rows are added in the transaction that makes the mail necessary; a sender claims a row with
 * one conditional UPDATE (so two senders, on one instance or several, never both send it), then marks it sent or
 * failed with the next attempt pushed out by exponential backoff. Each method but {@link #add} is a transaction of
 * its own.
 */
@ApplicationScoped
public class MailOutbox {

    /** Audit event type of a mail accepted by the SMTP server. */
    public static final String MAIL_SENT = "mail.sent";
    static final int MAX_ERROR = 2000;

    @Inject
    Clock clock;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MailSettings settings;

    @Inject
    AuditLog audit;

    @Inject
    ActionWriter writer;

    private OutboxRows rows;

    @PostConstruct
    void init() {
        rows = new OutboxRows(dataSource, "mail_outbox");
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(UUID actionId, String recipient, String kind) {
        OutboxMail mail = new OutboxMail();
        mail.actionId = actionId;
        mail.recipient = recipient;
        mail.kind = kind;
        mail.status = Status.PENDING;
        mail.attempts = 0;
        mail.createdAt = now();
        mail.nextAttemptAt = mail.createdAt;
        mail.persist();
    }

    /** Rows due now: pending ones whose time has come, and claimed ones whose sender's lease ran out. */
    public List<Long> due(int limit) {
        return rows.due(now(), limit);
    }

    /**
     * Takes due rows for this sender in one commit (through the gate's writer, with whatever else is waiting);
     * returns those it got: a row that is no longer due, or that another sender took first, is left out.
     */
    public List<Long> claim(List<Long> ids) {
        return writer.call(() -> ids.stream().filter(this::claimNow).toList());
    }

    private boolean claimNow(long id) {
        Instant now = now();
        return OutboxMail.update("status = :sending, claimedUntil = :lease, attempts = attempts + 1 where id = :id and "
                + "((status = :pending and nextAttemptAt <= :now) or (status = :sending and claimedUntil <= :now))",
                Parameters.with("sending", Status.SENDING).and("lease", now.plus(settings.lease())).and("id", id)
                        .and("pending", Status.PENDING).and("now", now)) == 1;
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public OutboxMail get(long id) {
        return OutboxMail.findById(id);
    }

    /**
     * The SMTP server accepted the mail: marks it sent and audits it, in one transaction, committed by the writer
     * with other work; the sender goes on without waiting (a crash before that commit re-sends after the lease).
     */
    public CompletionStage<Void> sent(OutboxMail mail, String agentName) {
        return writer.submit(() -> {
            sentNow(mail, agentName);
            return null;
        });
    }

    private void sentNow(OutboxMail mail, String agentName) {
        Instant now = now();
        int updated = OutboxMail.update("status = ?1, sentAt = ?2, claimedUntil = null, lastError = null "
                + "where id = ?3 and status = ?4", Status.SENT, now, mail.id, Status.SENDING);
        if (updated == 1) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kind", mail.kind);
            details.put("recipient", mail.recipient);
            details.put("attempts", mail.attempts);
            details.put("outboxId", mail.id);
            audit.record(MAIL_SENT, agentName, mail.actionId, "system", details);
        }
    }

    /** The attempt failed: back to PENDING with the error, due again after the backoff. Returns when. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Instant failed(OutboxMail mail, String error) {
        Instant next = now().plus(backoff(mail.attempts));
        String message = error == null ? "unknown error" : error;
        OutboxMail.update("status = ?1, nextAttemptAt = ?2, claimedUntil = null, lastError = ?3 where id = ?4 and status = ?5",
                Status.PENDING, next, message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message, mail.id,
                Status.SENDING);
        return next;
    }

    /** The action ended before the mail went out. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void obsolete(OutboxMail mail) {
        OutboxMail.update("status = ?1, claimedUntil = null where id = ?2 and status = ?3", Status.OBSOLETE, mail.id,
                Status.SENDING);
    }

    /** Rows not yet sent (pending or being sent). */
    public long open() {
        return rows.open();
    }

    /** Rows of one action, oldest first (tests, operations). */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<OutboxMail> forAction(UUID actionId) {
        return OutboxMail.list("actionId = ?1 order by id", actionId);
    }

    /** initial-backoff * 2^(attempts-1), at most max-backoff. */
    Duration backoff(int attempts) {
        return Backoff.after(attempts, settings.initialBackoff(), settings.maxBackoff());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
