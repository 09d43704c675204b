package io.agentgate.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A STAND-IN for Slack's Web API (Slack itself cannot be reached from the build machines): a real HTTP server in the
 * test JVM that answers the methods AgentGate calls as Slack documents them. Every answer is HTTP 200 with
 * {@code {"ok":true,...}} or {@code {"ok":false,"error":"..."}}; a request without {@code Authorization: Bearer} and
 * the app's bot token gets {@code not_authed}/{@code invalid_auth}; writes must be JSON; a scripted fault answers
 * HTTP 429 with {@code Retry-After} (rate limited) or HTTP 500. It keeps the messages it holds per channel and ts, so
 * tests read what an approver would see.
 */
final class SlackApiStandIn {

    static final String BOT_TOKEN = "xoxb-standin-0000000000-abcdefghijklmnop";
    static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

    /** One call as it arrived: the Web API method and its arguments (query parameters or JSON body). */
    record Call(String method, JsonNode args, Instant at) {
    }

    /** A message in a channel, as it now reads. */
    record Message(String channel, String ts, String text, JsonNode blocks, int updates) {
    }

    /** A fault to answer a method with instead of the real answer: HTTP 429 with Retry-After, or 500. */
    record Fault(int status, Integer retryAfterSeconds) {
    }

    private static SlackApiStandIn shared;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, String> userByEmail = new ConcurrentHashMap<>();
    private final Map<String, String> emailByUser = new ConcurrentHashMap<>();
    private final Map<String, Message> messages = new ConcurrentHashMap<>();
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000_100L);
    private final AtomicLong users = new AtomicLong();

    private SlackApiStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", this::handle);
        server.start();
    }

    /** The one stand-in of the test JVM, started on first use. */
    static synchronized SlackApiStandIn shared() {
        if (shared == null) {
            try {
                shared = new SlackApiStandIn();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    /** A Slack workspace member with this email; returns their user id. */
    String member(String email) {
        String id = "U" + String.format("%08d", users.incrementAndGet());
        userByEmail.put(email.toLowerCase(), id);
        emailByUser.put(id, email);
        return id;
    }

    /** The next answers to {@code method} are these faults, in order. */
    void fail(String method, Fault... next) {
        faults.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(List.of(next));
    }

    List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /** Messages in the direct-message channel of this user. */
    List<Message> inbox(String userId) {
        return messages.values().stream().filter(m -> m.channel().equals("D" + userId)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestURI().getPath().substring("/api/".length());
        try (exchange) {
            Deque<Fault> scripted = faults.get(method);
            Fault fault = scripted == null ? null : scripted.poll();
            JsonNode args = args(exchange);
            calls.add(new Call(method, args, Instant.now()));
            if (fault != null) {
                if (fault.retryAfterSeconds() != null) {
                    exchange.getResponseHeaders().add("Retry-After", fault.retryAfterSeconds().toString());
                }
                byte[] body = (fault.status() == 429 ? "" : "<html>Internal Server Error</html>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(fault.status(), body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            answer(exchange, answer(method, exchange.getRequestHeaders().getFirst("Authorization"), args));
        }
    }

    private ObjectNode answer(String method, String authorization, JsonNode args) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return error("not_authed");
        }
        if (!authorization.equals("Bearer " + BOT_TOKEN)) {
            return error("invalid_auth");
        }
        if (args == null) {
            return error("invalid_json");
        }
        return switch (method) {
            case "users.lookupByEmail" -> {
                String id = userByEmail.get(args.path("email").asText().toLowerCase());
                yield id == null ? error("users_not_found") : ok().set("user", user(id));
            }
            case "users.info" -> {
                String id = args.path("user").asText();
                yield emailByUser.containsKey(id) ? ok().set("user", user(id)) : error("user_not_found");
            }
            case "conversations.open" -> {
                String id = args.path("users").asText();
                yield emailByUser.containsKey(id) ? ok().set("channel", json.createObjectNode().put("id", "D" + id))
                        : error("user_not_found");
            }
            case "chat.postMessage" -> {
                if (!args.hasNonNull("channel") || !(args.hasNonNull("text") || args.hasNonNull("blocks"))) {
                    yield error("no_text");
                }
                String ts = ts();
                String channel = args.path("channel").asText();
                messages.put(channel + "/" + ts, new Message(channel, ts, args.path("text").asText(),
                        args.path("blocks"), 0));
                yield ok().put("channel", channel).put("ts", ts).set("message", args);
            }
            case "chat.update" -> {
                String key = args.path("channel").asText() + "/" + args.path("ts").asText();
                Message old = messages.get(key);
                if (old == null) {
                    yield error("message_not_found");
                }
                messages.put(key, new Message(old.channel(), old.ts(), args.path("text").asText(), args.path("blocks"),
                        old.updates() + 1));
                yield ok().put("channel", old.channel()).put("ts", old.ts());
            }
            case "chat.postEphemeral" -> args.hasNonNull("user") && args.hasNonNull("channel")
                    ? ok().put("message_ts", ts()) : error("invalid_arguments");
            default -> error("unknown_method");
        };
    }

    private ObjectNode user(String id) {
        ObjectNode user = json.createObjectNode().put("id", id).put("name", "member-" + id);
        user.putObject("profile").put("email", emailByUser.get(id));
        return user;
    }

    private String ts() {
        long micros = clock.incrementAndGet();
        return micros / 1_000_000 + "." + String.format("%06d", micros % 1_000_000);
    }

    private ObjectNode ok() {
        return json.createObjectNode().put("ok", true);
    }

    private ObjectNode error(String error) {
        return json.createObjectNode().put("ok", false).put("error", error);
    }

    /** GET query parameters, or a POST's JSON body; null for a POST body that is not JSON. */
    private JsonNode args(HttpExchange exchange) throws IOException {
        if ("GET".equals(exchange.getRequestMethod())) {
            ObjectNode args = json.createObjectNode();
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    args.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return args;
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (type == null || !type.startsWith("application/json")) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private void answer(HttpExchange exchange, ObjectNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
