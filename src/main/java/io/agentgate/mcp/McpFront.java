package io.agentgate.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.agentgate.agent.AgentProfile;
import io.agentgate.common.BodyLimit;
import io.agentgate.common.Roles;
import io.netty.buffer.ByteBufInputStream;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;

/**
 * The door of {@code /mcp}, between Quarkus' HTTP security and the MCP server: a request naming a session
 * ({@code Mcp-Session-Id}) passes only with the key of the agent that opened it (any other key gets the same 404 as an
 * unknown session, and nothing changes); a POST whose body is JSON but no JSON-RPC message (an object, or a non-empty
 * batch of objects) is a 400 with a JSON-RPC error; refused credentials are answered in words. The tasks extension's
 * methods ({@code tasks/get}, ...) are answered here by {@link TaskMethods}.
 */
@ApplicationScoped
public class McpFront {

    /** After Quarkus' HTTP security handlers (ordered -300..-100), before the MCP server's route. */
    static final int ROUTE_ORDER = -50;
    static final String PATH = "/mcp";
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String LEGACY_MESSAGES = PATH + "/messages/:id";
    private static final JsonFactory JSON = new JsonFactory();

    @Inject
    SessionOwners owners;

    @Inject
    TaskMethods tasks;

    void install(@Observes Router router) {
        for (String path : new String[] {PATH, LEGACY_MESSAGES}) {
            router.post(path).order(ROUTE_ORDER)
                    .handler(BodyHandler.create(false).setBodyLimit(BodyLimit.MAX_BYTES));
            router.route(path).order(ROUTE_ORDER).failureHandler(this::refused);
        }
        router.route(PATH).order(ROUTE_ORDER + 1).handler(this::admit);
        router.post(LEGACY_MESSAGES).order(ROUTE_ORDER + 1).handler(this::admitLegacy);
        router.route(PATH + "/sse").order(ROUTE_ORDER).failureHandler(this::refused);
    }

    /**
     * The legacy SSE transport names its session in the path; the first message on it (the initialize, sent by the
     * agent that opened the stream and alone was told the path) binds it to that agent.
     */
    private void admitLegacy(RoutingContext ctx) {
        UUID agent = agentId(ctx);
        if (agent == null) {
            ctx.next();
            return;
        }
        String problem = shapeProblem(ctx.body().buffer());
        if (problem != null) {
            error(ctx, 400, -32600, "Invalid Request: " + problem);
        } else if (!owners.claim(ctx.pathParam("id"), agent)) {
            error(ctx, 404, -32001, "Session not found: start a new one with initialize");
        } else {
            ctx.next();
        }
    }

    private void admit(RoutingContext ctx) {
        AgentProfile profile = agent(ctx);
        UUID agent = profile == null ? null : profile.id();
        if (agent == null) {
            ctx.next(); // not an agent: the security policy refuses it before this point
            return;
        }
        boolean post = ctx.request().method() == HttpMethod.POST;
        if (post) {
            String problem = shapeProblem(ctx.body().buffer());
            if (problem != null) {
                error(ctx, 400, -32600, "Invalid Request: " + problem);
                return;
            }
            if (tasks.answered(ctx, profile)) {
                return; // a task belongs to its agent, not to a session: any session, of any instance, or none
            }
        }
        String session = ctx.request().getHeader(SESSION_HEADER);
        if (session == null) {
            if (post) {
                // an initialize: the MCP server names the new session in its answer's headers
                ctx.addHeadersEndHandler(v -> {
                    String opened = ctx.response().headers().get(SESSION_HEADER);
                    if (opened != null) {
                        owners.opened(opened, agent);
                    }
                });
            }
            ctx.next();
            return;
        }
        if (!owners.ownedBy(session, agent)) {
            error(ctx, 404, -32001, "Session not found: start a new one with initialize");
            return;
        }
        if (ctx.request().method() == HttpMethod.DELETE) {
            ctx.addEndHandler(ended -> {
                if (ctx.response().getStatusCode() / 100 == 2) {
                    owners.ended(session);
                }
            });
        }
        ctx.next();
    }

    /** Missing or refused credentials, in words (the MCP server would name the exception's class). */
    private void refused(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = failure instanceof ForbiddenException ? 403
                : failure instanceof AuthenticationException || failure instanceof UnauthorizedException ? 401
                : ctx.statusCode();
        if (ctx.response().ended() || status != 401 && status != 403) {
            ctx.next();
            return;
        }
        if (!ctx.request().isEnded()) {
            ctx.request().resume();
        }
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            error(ctx, 401, -32001, "Not authenticated: send an agent's API key as a bearer token");
        } else {
            error(ctx, 403, -32001, "Forbidden: only an agent, by its API key, may use /mcp");
        }
    }

    private static void error(RoutingContext ctx, int status, int code, String message) {
        JsonObject body = new JsonObject().put("jsonrpc", "2.0").putNull("id")
                .put("error", new JsonObject().put("code", code).put("message", message));
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("Cache-Control", "no-store").end(body.toBuffer());
    }

    private static UUID agentId(RoutingContext ctx) {
        AgentProfile agent = agent(ctx);
        return agent == null ? null : agent.id();
    }

    private static AgentProfile agent(RoutingContext ctx) {
        if (ctx.user() instanceof QuarkusHttpUser user
                && user.getSecurityIdentity().getAttribute(Roles.AGENT_ATTRIBUTE) instanceof AgentProfile agent) {
            return agent;
        }
        return null;
    }

    /**
     * Why a body is no JSON-RPC message, or null when it is one (or is not JSON at all: the MCP server answers that
     * with a parse error). Reads only the top level.
     */
    static String shapeProblem(Buffer body) {
        if (body == null || body.length() == 0) {
            return "the body is empty; send a JSON-RPC message (a JSON object)";
        }
        try (JsonParser parser = JSON.createParser((InputStream) new ByteBufInputStream(body.getByteBuf()))) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                return null;
            }
            if (first != JsonToken.START_ARRAY) {
                return "the body must be a JSON-RPC message (a JSON object), not " + describe(first);
            }
            int messages = 0;
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    return "a batch must hold JSON-RPC messages (JSON objects) only, not " + describe(t);
                }
                parser.skipChildren();
                messages++;
            }
            return messages == 0 ? "the batch is empty" : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> "that";
        };
    }
}
