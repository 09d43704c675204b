package io.agentgate.gate;

import io.agentgate.audit.AuditLog;
import io.agentgate.common.Backoff;
import io.agentgate.common.OutboxRows;
import io.agentgate.gate.OutboxCallback.Status;
import io.agroal.api.AgroalDataSource;
import io.quarkus.panache.common.Parameters;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The callback outbox table: rows added in the deciding transaction, claimed by one conditional UPDATE (so no two
 * senders deliver one row at once), then marked delivered, retried with exponential backoff, or given up.
 */
@ApplicationScoped
public class CallbackOutbox {

    public static final String DELIVERED = "callback.delivered";
    public static final String FAILED = "callback.failed";
    static final int MAX_ERROR = 2000;

    @Inject
    Clock clock;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    WebhookSettings settings;

    @Inject
    AuditLog audit;

    private OutboxRows rows;

    @PostConstruct
    void init() {
        rows = new OutboxRows(dataSource, "callback_outbox");
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(UUID actionId, String agentName, String url, String payload) {
        OutboxCallback row = new OutboxCallback();
        row.actionId = actionId;
        row.agentName = agentName;
        row.url = url;
        row.webhookId = "msg_" + UUID.randomUUID().toString().replace("-", "");
        row.payload = payload;
        row.status = Status.PENDING;
        row.createdAt = now();
        row.nextAttemptAt = row.createdAt;
        row.persist();
    }

    public List<Long> due(int limit) {
        return rows.due(now(), limit);
    }

    /** Takes a due row; false when another sender took it first or it is no longer due. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public OutboxCallback claim(long id) {
        Instant now = now();
        int claimed = OutboxCallback.update("status = :sending, claimedUntil = :lease, attempts = attempts + 1 "
                + "where id = :id and ((status = :pending and nextAttemptAt <= :now) or (status = :sending and "
                + "claimedUntil <= :now))", dueParams(now).and("lease", now.plus(settings.lease())).and("id", id));
        return claimed == 1 ? OutboxCallback.findById(id) : null;
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void delivered(OutboxCallback row, int httpStatus) {
        int updated = OutboxCallback.update("status = ?1, deliveredAt = ?2, claimedUntil = null, lastStatus = ?3, "
                + "lastError = null where id = ?4 and status = ?5", Status.DELIVERED, now(), httpStatus, row.id,
                Status.SENDING);
        if (updated == 1) {
            audit.record(DELIVERED, row.agentName, row.actionId, "system", details(row, httpStatus, null));
        }
    }

    /** The attempt failed: retried after the backoff, or given up after the last attempt. Returns the new status. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Status failed(OutboxCallback row, Integer httpStatus, String error) {
        String message = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        boolean giveUp = row.attempts >= settings.maxAttempts();
        Status next = giveUp ? Status.FAILED : Status.PENDING;
        int updated = OutboxCallback.update("status = ?1, nextAttemptAt = ?2, claimedUntil = null, lastStatus = ?3, "
                + "lastError = ?4 where id = ?5 and status = ?6", next,
                now().plus(Backoff.after(row.attempts, settings.initialBackoff(), settings.maxBackoff())), httpStatus,
                message, row.id, Status.SENDING);
        if (updated == 1 && giveUp) {
            audit.record(FAILED, row.agentName, row.actionId, "system", details(row, httpStatus, message));
        }
        return next;
    }

    public long open() {
        return rows.open();
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<OutboxCallback> forAction(UUID actionId) {
        return OutboxCallback.list("actionId = ?1 order by id", actionId);
    }

    private static Parameters dueParams(Instant now) {
        return Parameters.with("pending", Status.PENDING).and("sending", Status.SENDING).and("now", now);
    }

    private static Map<String, Object> details(OutboxCallback row, Integer httpStatus, String error) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", row.url);
        details.put("webhookId", row.webhookId);
        details.put("attempts", row.attempts);
        details.put("httpStatus", httpStatus);
        if (error != null) {
            details.put("error", error);
        }
        return details;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
