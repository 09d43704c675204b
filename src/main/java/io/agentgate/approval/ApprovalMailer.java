package io.agentgate.approval;

import io.agentgate.approval.ApprovalLink.Intent;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.OutboxPump;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmitted;
import io.agentgate.gate.ActionQueries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.TimeoutException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Mails each approver of a pending action an Approve and a Reject link. The outbox rows are written in the
 * submitting transaction (so a committed PENDING action always has its mail queued), and sent after commit: kicked
 * at once on a worker thread (the agent's request never waits for SMTP), with a scheduled poll as the safety net
 * that also retries failures with exponential backoff. Meters: {@code agentgate_mail_outbox_pending} (gauge),
 * {@code agentgate_mail_sent_total} and {@code agentgate_mail_failures_total}.
 */
@ApplicationScoped
@Startup // its meters are in /q/metrics from the start, before the first mail
public class ApprovalMailer {

    public static final String KIND = "approval_request";
    public static final String OUTBOX_PENDING = "agentgate_mail_outbox_pending";
    public static final String FAILURES = "agentgate_mail_failures";
    public static final String SENT = "agentgate_mail_sent";
    private static final int BATCH = 50;
    private static final Logger LOG = Logger.getLogger(ApprovalMailer.class);
    /** A qualified Java class name or an exception's simple name. */
    private static final Pattern JAVA_WORDS = Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*|\\b\\w*(?:Exception|Error)\\b");
    /** Marks a transaction that queued mail, so it kicks the sender once when it commits. */
    private static final Object KICK = new Object();

    /** What the approver mail shows. */
    public record ApprovalMail(ApprovalSummary action, String approver, String approveUrl, String rejectUrl,
            String dashboardUrl) {
    }

    @CheckedTemplate(basePath = "approval")
    static class Mails {
        /** {@code templates/approval/request.html} and {@code request.txt}: both parts of one mail. */
        static native MailTemplateInstance request(ApprovalMail mail);
    }

    @Inject
    MailOutbox outbox;

    @Inject
    ActionQueries queries;

    @Inject
    LinkService links;

    @Inject
    LinkSigner signer;

    @Inject
    AgentGateConfig config;

    @Inject
    Eligibility eligibility;

    @Inject
    MailSettings settings;

    @Inject
    TransactionSynchronizationRegistry transactions;

    private final AtomicLong open = new AtomicLong();
    private final OutboxPump pump = new OutboxPump("mail", BATCH, n -> outbox.due(n), ids -> outbox.claim(ids), this::deliver,
            () -> open.set(outbox.open()));
    // made with the bean: the scheduler may poll before the application's start-up observers have run
    private final Counter failures;
    private final Counter sent;

    @Inject
    public ApprovalMailer(MeterRegistry registry) {
        registry.gauge(OUTBOX_PENDING, open);
        failures = Counter.builder(FAILURES).description("Approver mails the SMTP server did not accept (each attempt)")
                .register(registry);
        sent = Counter.builder(SENT).description("Approver mails accepted by the SMTP server").register(registry);
    }

    void stop(@Observes ShutdownEvent event) {
        pump.stop();
    }

    /**
     * In the submitting transaction: one outbox row per person who may vote (named, or in a named group). A
     * transaction that queued mail kicks the sender once after it commits (a batch of many submissions, one kick);
     * one that queued none (no one to ask) kicks nothing.
     */
    void enqueue(@Observes ActionSubmitted event) {
        if (event.action().status() != ActionStatus.PENDING) {
            return;
        }
        boolean queued = false;
        for (String approver : eligibility.recipients(event.approvers())) {
            outbox.add(event.action().id(), approver, KIND);
            queued = true;
        }
        if (queued && transactions.getResource(KICK) == null) {
            transactions.putResource(KICK, Boolean.TRUE);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        // send now, off the committing thread; kicks that arrive while one is queued fold into it
                        pump.kick();
                    }
                }
            });
        }
    }

    @Scheduled(every = "${agentgate.mail.poll-interval:5S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "mail-outbox")
    void poll() {
        drain();
    }

    /** Sends soon, off the caller's thread: after a commit that queued mail (reminders, escalations). */
    void kick() {
        pump.kick();
    }

    /** Sends every due row this sender can claim; failures stay queued for their next attempt. */
    public void drain() {
        pump.drain();
    }

    /** Delivers a claimed row. */
    private void deliver(long id) {
        OutboxMail mail = outbox.get(id);
        try {
            ActionDetail detail = queries.detail(mail.actionId);
            if (detail.status() != ActionStatus.PENDING) {
                outbox.obsolete(mail);
                LOG.infof("mail %d for action %s dropped: the action is already %s", mail.id, mail.actionId,
                        detail.status());
                return;
            }
            send(mail, detail);
            outbox.sent(mail, detail.agent()).whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.warnf(error, "mail %d for action %s was sent but not marked sent; it goes again after its lease",
                            mail.id, mail.actionId);
                }
            });
            sent.increment();
            LOG.infof("mail %d for action %s sent (attempt %d)", mail.id, mail.actionId, mail.attempts);
        } catch (RuntimeException e) {
            failures.increment();
            String error = inWords(e);
            var next = outbox.failed(mail, error);
            LOG.warnf("mail %d for action %s failed (attempt %d): %s: %s; next attempt at %s", mail.id, mail.actionId,
                    mail.attempts, e.getClass().getName(), e.getMessage(), next);
        }
    }

    /** The failure as the dashboard's mail list shows it: the server's words, never a Java class name. */
    static String inWords(RuntimeException e) {
        if (e instanceof TimeoutException) {
            return "the mail server did not answer in time";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() || JAVA_WORDS.matcher(message).find()
                ? "the mail could not be sent (the server log has the details)" : message;
    }

    @ActivateRequestContext
    void send(OutboxMail mail, ActionDetail detail) {
        ApprovalSummary summary = links.summary(detail);
        String approve = url(detail.id(), mail.recipient, Intent.APPROVE, detail);
        String reject = url(detail.id(), mail.recipient, Intent.REJECT, detail);
        String dashboard = AgentGateConfig.external(config, "/dashboard/actions/" + detail.id());
        Mails.request(new ApprovalMail(summary, mail.recipient, approve, reject, dashboard))
                .to(mail.recipient)
                .subject(subjectPrefix(mail.kind) + "Approval needed: " + summary.action() + " by " + summary.agent()
                        + " (" + summary.quorum() + ")")
                .send().await().atMost(settings.sendTimeout());
    }

    /** A reminder or an escalation says so first; the links and the rest are those of the approval mail. */
    static String subjectPrefix(String kind) {
        return switch (kind) {
            case FollowUps.REMINDER_KIND -> "Reminder: ";
            case FollowUps.ESCALATION_KIND -> "Escalated to you: ";
            default -> "";
        };
    }

    /** A fresh signed link; links are never stored, only the nonce of one that was used. */
    private String url(UUID actionId, String approver, Intent intent, ActionDetail detail) {
        String token = signer.sign(actionId, approver, intent, detail.deadline());
        return AgentGateConfig.external(config, "/approval/" + actionId + "?approver="
                + URLEncoder.encode(approver, StandardCharsets.UTF_8) + "&token=" + token);
    }
}
