package io.agentgate.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Slack's Web API over plain HTTP ({@code java.net.http}): {@code Authorization: Bearer <bot token>}, JSON bodies for
 * writes, query parameters for reads, and Slack's answers: {@code {"ok":true,...}} or {@code {"ok":false,"error":..}},
 * HTTP 429 with {@code Retry-After} when rate limited. Every failure is a {@link Failure} naming Slack's error.
 */
@ApplicationScoped
public class SlackApi {

    /** A Web API call that did not succeed; {@code retryAfter} is Slack's rate-limit wait, when it gave one. */
    public static final class Failure extends RuntimeException {
        private final String error;
        private final transient Duration retryAfter;

        Failure(String method, String error, Duration retryAfter) {
            super("Slack " + method + " failed: " + error);
            this.error = error;
            this.retryAfter = retryAfter;
        }

        /** Slack's error code ({@code users_not_found}, {@code ratelimited}, {@code http_500}, ...). */
        public String error() {
            return error;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    @Inject
    SlackSettings settings;

    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** Both the bot token and the signing secret are set: Slack approvals are on. */
    public boolean enabled() {
        return settings.botToken().filter(t -> !t.isBlank()).isPresent()
                && settings.signingSecret().filter(s -> !s.isBlank()).isPresent();
    }

    /** {@code users.lookupByEmail}: the Slack user id of this email; empty when Slack knows no such user. */
    public Optional<String> userByEmail(String email) {
        try {
            return Optional.of(read("users.lookupByEmail", "email", email).path("user").path("id").asText());
        } catch (Failure f) {
            if ("users_not_found".equals(f.error())) {
                return Optional.empty();
            }
            throw f;
        }
    }

    /** {@code users.info}: the email of a Slack user's profile; empty when it shows none or there is no such user. */
    public Optional<String> emailOf(String userId) {
        try {
            String email = read("users.info", "user", userId).path("user").path("profile").path("email").asText("");
            return email.isBlank() ? Optional.empty() : Optional.of(email);
        } catch (Failure f) {
            if ("user_not_found".equals(f.error())) {
                return Optional.empty();
            }
            throw f;
        }
    }

    /** {@code conversations.open}: the direct-message channel with this user. */
    public String openDirect(String userId) {
        ObjectNode body = json.createObjectNode().put("users", userId);
        return write("conversations.open", body).path("channel").path("id").asText();
    }

    /** {@code chat.postMessage}: posts and answers the message's channel and ts. */
    public JsonNode post(String channel, String text, JsonNode blocks) {
        ObjectNode body = json.createObjectNode().put("channel", channel).put("text", text);
        body.set("blocks", blocks);
        return write("chat.postMessage", body);
    }

    /** {@code chat.update}: replaces the text and blocks of a posted message. */
    public void update(String channel, String ts, String text, JsonNode blocks) {
        ObjectNode body = json.createObjectNode().put("channel", channel).put("ts", ts).put("text", text);
        body.set("blocks", blocks);
        write("chat.update", body);
    }

    /** {@code chat.postEphemeral}: a message only this user sees, in this channel. */
    public void ephemeral(String channel, String userId, String text) {
        write("chat.postEphemeral", json.createObjectNode().put("channel", channel).put("user", userId)
                .put("text", text));
    }

    private JsonNode read(String method, String name, String value) {
        URI uri = URI.create(base() + method + "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        return send(method, request(uri).GET().build());
    }

    private JsonNode write(String method, ObjectNode body) {
        HttpRequest request = request(URI.create(base() + method))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        return send(method, request);
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + settings.botToken().orElse(""));
    }

    private String base() {
        String url = settings.apiUrl();
        return url.endsWith("/") ? url : url + "/";
    }

    private JsonNode send(String method, HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Failure(method, "unreachable (" + e.getClass().getSimpleName() + ")", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(method, "interrupted", null);
        }
        if (response.statusCode() == 429) {
            Duration wait = response.headers().firstValue("Retry-After").map(SlackApi::seconds).orElse(null);
            throw new Failure(method, "ratelimited", wait);
        }
        if (response.statusCode() != 200) {
            throw new Failure(method, "http_" + response.statusCode(), null);
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (IOException e) {
            throw new Failure(method, "invalid_response", null);
        }
        if (!answer.path("ok").asBoolean(false)) {
            throw new Failure(method, answer.path("error").asText("unknown_error"), null);
        }
        return answer;
    }

    private static Duration seconds(String header) {
        try {
            return Duration.ofSeconds(Math.max(0, Math.min(3600, Long.parseLong(header.strip()))));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
