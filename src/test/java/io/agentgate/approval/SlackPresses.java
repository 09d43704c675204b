package io.agentgate.approval;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Button presses as Slack sends them to the interactivity request URL: a form field payload, signed v0. */
final class SlackPresses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SlackPresses() {
    }

    /** The form body of a block_actions interaction: this user pressed this button on this action's message. */
    static String body(String userId, String button, UUID actionId) {
        ObjectNode payload = JSON.createObjectNode().put("type", "block_actions").put("api_app_id", "A0STANDIN")
                .put("trigger_id", "1.2.3").put("response_url", "https://hooks.slack.com/actions/T0/1/x");
        payload.putObject("user").put("id", userId).put("username", "member-" + userId).put("team_id", "T0STANDIN");
        payload.putObject("team").put("id", "T0STANDIN").put("domain", "standin");
        payload.putObject("container").put("type", "message").put("message_ts", "1700000000.000101")
                .put("channel_id", "D" + userId).put("is_ephemeral", false);
        payload.putObject("channel").put("id", "D" + userId).put("name", "directmessage");
        ObjectNode action = payload.putArray("actions").addObject().put("action_id", button).put("block_id", "decision")
                .put("value", actionId.toString()).put("type", "button").put("action_ts", "1700000001.000200");
        action.putObject("text").put("type", "plain_text").put("text", button);
        return "payload=" + URLEncoder.encode(payload.toString(), StandardCharsets.UTF_8);
    }

    /** Posts a body signed with the secret at this time, exactly as Slack signs it. */
    static Response send(String body, String secret, Instant at) {
        String timestamp = Long.toString(at.getEpochSecond());
        String signature = "v0=" + SlackSignature.sign(secret, timestamp, body.getBytes(StandardCharsets.UTF_8));
        return given().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", signature).body(body)
                .post("/slack/interactions");
    }

    /** A genuine press, signed now with the app's secret. */
    static Response press(String userId, String button, UUID actionId) {
        return send(body(userId, button, actionId), SlackApiStandIn.SIGNING_SECRET, Instant.now());
    }
}
