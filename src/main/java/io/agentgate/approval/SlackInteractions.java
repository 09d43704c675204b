package io.agentgate.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.common.DomainException;
import io.agentgate.common.NotFound;
import io.agentgate.gate.ActionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A button pressed in an approver's direct message ({@code block_actions}), as Slack posts it to
 * {@code /slack/interactions}. The signature is checked first; the Slack user is then mapped to an approver by the
 * email of their Slack profile, and the vote is cast through the one entry point of every channel
 * ({@link Quorum#cast}, channel {@link VoteChannel#SLACK}): the same eligibility, four eyes, quorum, grants and audit
 * as mail and dashboard. A refusal is told to the presser alone ({@code chat.postEphemeral}).
 */
@ApplicationScoped
public class SlackInteractions {

    /** What "Approve for 1 hour" grants: exactly this call (same agent, action and arguments), for an hour. */
    static final GrantRequest HOUR = new GrantRequest(GrantScope.SAME_ARGUMENTS, Duration.ofHours(1), null);

    private static final Logger LOG = Logger.getLogger(SlackInteractions.class);

    @Inject
    SlackApi api;

    @Inject
    SlackSettings settings;

    @Inject
    SlackDirectory directory;

    @Inject
    SlackNotifier notifier;

    @Inject
    Quorum quorum;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    /** One button press: who, which button, on which action, in which channel. */
    record Press(String userId, String channel, String button, UUID actionId) {
    }

    /**
     * Checks the request is Slack's and fresh, and reads the press from it; nothing is stored before this returns.
     *
     * @return empty for an interaction that decides nothing (another type, the dashboard link button)
     * @throws SlackRequestRefused a missing, wrong or stale signature (401)
     * @throws NotFound            Slack approvals are not configured here
     */
    Optional<Press> verify(String timestamp, String signature, byte[] body) {
        if (!api.enabled()) {
            throw new NotFound("Slack approvals are not configured on this server (agentgate.slack.bot-token and "
                    + "agentgate.slack.signing-secret).");
        }
        String refusal = SlackSignature.refusal(settings.signingSecret().orElseThrow(), timestamp, signature, body,
                clock.instant());
        if (refusal != null) {
            LOG.infof("slack interaction refused: %s", refusal);
            throw new SlackRequestRefused(refusal + " Nothing was decided.");
        }
        JsonNode payload = payload(new String(body, StandardCharsets.UTF_8));
        if (payload == null || !"block_actions".equals(payload.path("type").asText())) {
            return Optional.empty();
        }
        JsonNode action = payload.path("actions").path(0);
        String button = action.path("action_id").asText();
        if (!button.equals(SlackBlocks.APPROVE) && !button.equals(SlackBlocks.APPROVE_FOR_HOUR)
                && !button.equals(SlackBlocks.REJECT)) {
            return Optional.empty();
        }
        UUID actionId;
        try {
            actionId = UUID.fromString(action.path("value").asText());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String channel = payload.path("channel").path("id").asText(payload.path("container").path("channel_id")
                .asText(null));
        return Optional.of(new Press(payload.path("user").path("id").asText(), channel, button, actionId));
    }

    /**
     * Casts the press's vote. Returns what the presser is told when it was refused (also sent to them in Slack), or
     * null when it counted.
     */
    @ActivateRequestContext
    String vote(Press press) {
        Optional<String> email;
        try {
            email = directory.emailOf(press.userId());
        } catch (SlackApi.Failure e) {
            return tell(press, "AgentGate could not ask Slack who you are (" + e.error() + "). Nothing was decided; "
                    + "please press the button again in a minute.");
        }
        if (email.isEmpty()) {
            return tell(press, "Your Slack profile shows no email, so AgentGate cannot tell which approver you are. "
                    + "Nothing was decided.");
        }
        ActionStatus decision = press.button().equals(SlackBlocks.REJECT) ? ActionStatus.REJECTED
                : ActionStatus.APPROVED;
        GrantRequest grant = press.button().equals(SlackBlocks.APPROVE_FOR_HOUR) ? HOUR : null;
        Quorum.Tally tally;
        try {
            tally = quorum.cast(press.actionId(), email.get(), decision, VoteChannel.SLACK, null, null,
                    "slack-user:" + press.userId(), null, grant);
        } catch (DomainException refused) {
            LOG.infof("action %s: slack vote refused (%s)", press.actionId(), refused.slug());
            return tell(press, refused.getMessage() + (refused.getMessage().contains("Nothing was decided") ? ""
                    : " Nothing was decided."));
        }
        LOG.infof("action %s: %s via slack (%d of %d approvals)", press.actionId(), decision, tally.approvals(),
                tally.requiredApprovals());
        if (!tally.decided()) {
            notifier.voted(press.actionId(), email.get());
            notifier.kick();
        }
        return null;
    }

    private String tell(SlackInteractions.Press press, String words) {
        if (press.channel() != null) {
            try {
                api.ephemeral(press.channel(), press.userId(), SlackBlocks.escape(words));
            } catch (RuntimeException e) {
                LOG.warnf("action %s: the refusal could not be shown in Slack: %s", press.actionId(), e.getMessage());
            }
        }
        return words;
    }

    /** The {@code payload} field of the form body, as JSON; null when there is none or it is not JSON. */
    private JsonNode payload(String form) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("payload")) {
                try {
                    return json.readTree(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IOException | IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
