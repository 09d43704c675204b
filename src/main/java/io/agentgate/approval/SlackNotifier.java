package io.agentgate.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.approval.SlackDelivery.Kind;
import io.agentgate.approval.SlackDelivery.Status;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.OutboxPump;
import io.agentgate.gate.ActionDecided;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmitted;
import io.agentgate.common.NotFound;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Slack's half of the approver notice: a direct message to each approver Slack knows by email, posted after the
 * submitting transaction commits, and updated after their own vote and with the outcome wherever the action ended
 * (dashboard, mail link, API, timeout, Slack). Every call goes through {@link SlackOutbox} with retries, once across
 * instances, as the mail does. Nothing happens while Slack is not configured.
 */
@ApplicationScoped
public class SlackNotifier {

    private static final int BATCH = 50;
    private static final Logger LOG = Logger.getLogger(SlackNotifier.class);

    @Inject
    SlackApi api;

    @Inject
    SlackOutbox outbox;

    @Inject
    SlackDirectory directory;

    @Inject
    ActionQueries queries;

    @Inject
    LinkService links;

    @Inject
    Eligibility eligibility;

    @Inject
    Quorum quorum;

    @Inject
    AgentGateConfig config;

    @Inject
    ObjectMapper json;

    private final OutboxPump pump = new OutboxPump("slack", BATCH, n -> outbox.due(n), ids -> outbox.claim(ids),
            this::deliver, () -> {
            });

    void stop(@Observes ShutdownEvent event) {
        pump.stop();
    }

    /** In the submitting transaction: one post per person who may vote (the mail's recipients). */
    void enqueue(@Observes ActionSubmitted event) {
        if (!api.enabled() || event.action().status() != ActionStatus.PENDING) {
            return;
        }
        ask(event.action().id(), eligibility.recipients(event.approvers()));
    }

    /** In the transaction that made them approvers (submission, escalation): a post to each of these people. */
    void ask(UUID actionId, List<String> people) {
        if (!api.enabled()) {
            return;
        }
        for (String approver : people) {
            outbox.add(actionId, approver.strip().toLowerCase(Locale.ROOT), Kind.POST);
        }
    }

    /** In the deciding transaction, whoever decided: the outcome onto every message posted or still to post. */
    void enqueue(@Observes ActionDecided event) {
        if (!api.enabled()) {
            return;
        }
        for (String approver : outbox.posted(event.action().id())) {
            outbox.add(event.action().id(), approver, Kind.OUTCOME);
        }
    }

    void kick(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionSubmitted event) {
        if (api.enabled() && event.action().status() == ActionStatus.PENDING) {
            pump.kick();
        }
    }

    void kick(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionDecided event) {
        if (api.enabled()) {
            pump.kick();
        }
    }

    /** After a Slack vote that did not end the action: the voter's own message shows the vote. */
    @Transactional
    void voted(UUID actionId, String approver) {
        outbox.add(actionId, approver, Kind.VOTE);
    }

    /** Delivers soon, off the caller's thread (after a commit that queued deliveries). */
    void kick() {
        if (api.enabled()) {
            pump.kick();
        }
    }

    @Scheduled(every = "${agentgate.slack.poll-interval:5S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "slack-outbox")
    void poll() {
        if (api.enabled()) {
            drain();
        }
    }

    /** Delivers every due row this sender can claim; failures stay queued for their next attempt. */
    public void drain() {
        pump.drain();
    }

    private void deliver(long id) {
        SlackDelivery row = outbox.get(id);
        String agent = null;
        try {
            ActionDetail detail = queries.detail(row.actionId);
            agent = detail.agent();
            if (row.kind == Kind.POST) {
                post(row, detail);
            } else {
                update(row, detail);
            }
        } catch (SlackApi.Failure e) {
            var next = outbox.failed(row, e.getMessage(), e.retryAfter());
            LOG.warnf("slack %s %d for action %s failed (attempt %d): %s; next attempt at %s", row.kind, row.id,
                    row.actionId, row.attempts, e.error(), next);
        } catch (NotFound e) {
            outbox.obsolete(row, "the action is gone");
        } catch (RuntimeException e) {
            var next = outbox.failed(row, "the Slack call failed (the server log has the details)", null);
            LOG.warnf(e, "slack %s %d for action %s (agent %s) failed (attempt %d); next attempt at %s", row.kind,
                    row.id, row.actionId, agent, row.attempts, next);
        }
    }

    private void post(SlackDelivery row, ActionDetail detail) {
        if (detail.status() != ActionStatus.PENDING) {
            outbox.obsolete(row, "the action was already " + detail.status());
            LOG.infof("slack post %d for action %s dropped: the action is already %s", row.id, row.actionId,
                    detail.status());
            return;
        }
        Optional<String> user = directory.userOf(row.approver);
        if (user.isEmpty()) {
            outbox.obsolete(row, "no Slack user has this email");
            LOG.infof("slack post %d for action %s: the approver has no Slack account (mail only)", row.id,
                    row.actionId);
            return;
        }
        ApprovalSummary summary = summary(detail);
        String channel = api.openDirect(user.get());
        String dashboard = AgentGateConfig.external(config, "/dashboard/actions/" + detail.id());
        JsonNode posted = api.post(channel, SlackBlocks.text(summary), SlackBlocks.request(summary, dashboard, json));
        SlackMessage message = new SlackMessage();
        message.actionId = row.actionId;
        message.approver = row.approver;
        message.slackUser = user.get();
        message.channel = posted.path("channel").asText(channel);
        message.ts = posted.path("ts").asText();
        outbox.sent(row, detail.agent(), message);
        LOG.infof("slack post %d for action %s sent (attempt %d)", row.id, row.actionId, row.attempts);
    }

    private void update(SlackDelivery row, ActionDetail detail) {
        Optional<SlackMessage> message = outbox.message(row.actionId, row.approver);
        if (message.isEmpty()) {
            Status post = outbox.postStatus(row.actionId, row.approver);
            if (post == null || post == Status.OBSOLETE) {
                outbox.obsolete(row, "no message was posted");
                return;
            }
            // the post is still on its way (or being retried): update after it
            outbox.failed(row, "the message is not posted yet", null);
            return;
        }
        ApprovalSummary summary = summary(detail);
        Vote own = quorum.voteOf(row.actionId, row.approver).orElse(null);
        api.update(message.get().channel, message.get().ts, SlackBlocks.text(summary),
                SlackBlocks.state(summary, own, json));
        outbox.sent(row, detail.agent(), null);
        LOG.infof("slack %s %d for action %s sent (attempt %d)", row.kind, row.id, row.actionId, row.attempts);
    }

    @ActivateRequestContext
    ApprovalSummary summary(ActionDetail detail) {
        return links.summary(detail);
    }
}
