package io.agentgate.approval;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Slack approvals, prefix {@code agentgate.slack}. Off unless both the bot token and the signing secret are set: then
 * approvers with a Slack account (matched by email) get a direct message with the buttons, and
 * {@code POST /slack/interactions} takes their votes.
 */
@ConfigMapping(prefix = "agentgate.slack")
public interface SlackSettings {

    /** The app's bot token ({@code xoxb-...}), sent as {@code Authorization: Bearer}. */
    Optional<String> botToken();

    /** The app's signing secret: the key of the {@code v0} signature on every interaction request. */
    Optional<String> signingSecret();

    /** Base address of Slack's Web API (a stand-in in tests). */
    @WithDefault("https://slack.com/api")
    String apiUrl();

    /** How often the Slack outbox is polled (behind the kick after each commit that queued a message). */
    @WithDefault("5S")
    Duration pollInterval();

    /** Wait before the first retry of a failed Slack call; doubles with every further failure. */
    @WithDefault("10S")
    Duration initialBackoff();

    /** Longest wait between two attempts. */
    @WithDefault("10M")
    Duration maxBackoff();

    /** How long a claimed row belongs to its sender; after that (a crashed sender) another may deliver it. */
    @WithDefault("2M")
    Duration lease();

    /** Longest wait for one Web API call. */
    @WithDefault("10S")
    Duration requestTimeout();

    /** How long an email to Slack user match (and back) is trusted before Slack is asked again. */
    @WithDefault("1H")
    Duration userCacheTtl();
}
