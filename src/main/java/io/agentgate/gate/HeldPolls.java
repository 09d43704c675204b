package io.agentgate.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.AgentService;
import io.agentgate.agent.ApiKeys;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.HoldLimits;
import io.agentgate.common.Holds;
import io.agentgate.common.Problem;
import io.agentgate.common.TooBusy;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.arc.ManagedContext;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Holds long-polls ({@code GET /api/v1/actions/{id}?wait=N}) that will actually wait, with as little per poll as
 * the connection itself: a Vert.x route ahead of the JAX-RS and HTTP security chains, so a held poll keeps no
 * JAX-RS request context, no CDI request context, no security identity pipeline and no database session, only
 * its {@link ActionWaiters.Waiter} and a timer entry.
 *
 * <p>It takes a request only when it is sure to hold it: a whole {@code wait} above 0, an agent's API key that
 * names an agent, an id of that agent's action that is still pending. Everything else (no or bad key, admin token,
 * unknown or another agent's id, a bad {@code wait}, a terminal action, any failure before holding) goes on to
 * {@link ActionPollResource#get}, the documented endpoint, which answers it with the same body or problem+json.
 *
 * <p>Each held poll takes a place of {@link HoldLimits#polls()} (per agent and in total) before its waiter exists and
 * gives it back on every exit (decision, timeout, client gone, failure); past a limit the poll gets 429.
 */
@ApplicationScoped
public class HeldPolls {

    private static final Logger LOG = Logger.getLogger(HeldPolls.class);
    /** before Quarkus' HTTP security handlers (ordered at minus their priority, -300..-100), after body limits */
    static final int ROUTE_ORDER = -1000;
    static final String JSON = "application/json;charset=UTF-8";

    @Inject
    ActionQueries queries;

    @Inject
    AgentService agents;

    @Inject
    ActionWaiters waiters;

    @Inject
    AgentGateConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    HoldLimits limits;

    void install(@Observes Router router) {
        router.get("/api/v1/actions/:id").order(ROUTE_ORDER).handler(this::route);
    }

    private void route(RoutingContext ctx) {
        long hold = holdSeconds(ctx.request().getParam("wait"));
        String key = agentKey(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        UUID id = uuid(ctx.pathParam("id"));
        if (hold <= 0 || key == null || id == null) {
            ctx.next();
            return;
        }
        ctx.vertx().executeBlocking(() -> register(id, key), false).onComplete(started -> {
            Started poll = started.succeeded() ? started.result() : null;
            if (poll == null) {
                ctx.next();
            } else if (poll.refused() != null) {
                refuse(ctx, poll.refused());
            } else {
                hold(ctx, poll, hold);
            }
        });
    }

    /** A poll that waits (its waiter, registered before the pending state was read, and its place), or its refusal. */
    private record Started(ActionWaiters.Waiter waiter, UUID agentId, Holds.Slot slot, TooBusy refused) {
    }

    /** On a worker: null when the JAX-RS endpoint should answer instead. */
    private Started register(UUID id, String key) {
        AgentProfile agent = alone(() -> agents.profileForKey(key)).orElse(null);
        if (agent == null) {
            return null;
        }
        Holds.Slot slot;
        try {
            // the place is taken before the waiter exists, so a flood is refused before it costs a read
            slot = limits.polls().take(agent.id());
        } catch (TooBusy refused) {
            return new Started(null, agent.id(), null, refused);
        }
        ActionWaiters.Waiter waiter = waiters.register(id);
        try {
            ActionView now = alone(() -> queries.viewForAgent(id, agent.id()));
            if (!now.status().isTerminal()) {
                return new Started(waiter, agent.id(), slot, null);
            }
        } catch (RuntimeException e) {
            // not found, not this agent's, or a failure: the endpoint answers (and reports) it
        }
        waiters.remove(waiter);
        slot.release();
        return null;
    }

    private void hold(RoutingContext ctx, Started poll, long seconds) {
        HttpServerResponse response = ctx.response();
        ActionWaiters.Waiter waiter = poll.waiter();
        Context connection = ctx.vertx().getOrCreateContext();
        // the client hanging up ends the wait at once: waiter removed, place released, socket closed by Vert.x
        response.closeHandler(closed -> waiter.cancel(false));
        // a GET has no body to wait for: reading on lets Vert.x see the client hang up while the poll is held
        ctx.request().resume();
        // orTimeout's timer is one entry in the JDK's shared delay queue, removed when the waiter completes
        waiter.orTimeout(seconds, TimeUnit.SECONDS).whenComplete((decided, notDecided) -> {
            waiters.remove(waiter);
            poll.slot().release();
            if (response.closed() || response.ended()) {
                return;
            }
            if (decided != null) {
                // the decision completes the waiter on the committing thread: serialise and write on the event loop
                connection.runOnContext(v -> answer(response, decided));
            } else {
                Infrastructure.getDefaultWorkerPool().execute(() -> {
                    try {
                        answer(response, alone(() -> queries.viewForAgent(waiter.actionId, poll.agentId())));
                    } catch (RuntimeException e) {
                        failed(response, e);
                    }
                });
            }
        });
        if (response.closed()) {
            // gone while the poll was being registered: its close event came before the handler was there
            waiter.cancel(false);
        }
    }

    /**
     * 429 problem+json with Retry-After, and the connection closed after it (HTTP/1): a client that floods with
     * waiting polls must not keep its sockets either.
     */
    private void refuse(RoutingContext ctx, TooBusy refused) {
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        try {
            byte[] body = json.writeValueAsBytes(refused.toProblem());
            boolean http1 = ctx.request().version() != HttpVersion.HTTP_2;
            response.setStatusCode(429).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(refused.retryAfterSeconds()));
            if (http1) {
                response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            }
            response.end(Buffer.buffer(body)).onComplete(sent -> {
                if (http1) {
                    ctx.request().connection().close();
                }
            });
        } catch (JsonProcessingException | RuntimeException e) {
            failed(response, e);
        }
    }

    private void answer(HttpServerResponse response, ActionView view) {
        try {
            byte[] body = json.writeValueAsBytes(view);
            if (!response.closed() && !response.ended()) {
                response.putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Buffer.buffer(body));
            }
        } catch (JsonProcessingException | RuntimeException e) {
            failed(response, e);
        }
    }

    private void failed(HttpServerResponse response, Exception e) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "long-poll failed, incident %s", incident);
        if (response.closed() || response.ended()) {
            return;
        }
        try {
            byte[] body = json.writeValueAsBytes(new Problem("/problems/internal", "Internal error", 500,
                    "Something went wrong on our side; incident " + incident + " is in the server log", List.of(),
                    Map.of("incident", incident)));
            response.setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(Buffer.buffer(body));
        } catch (JsonProcessingException | RuntimeException again) {
            response.setStatusCode(500).end();
        }
    }

    /**
     * Runs a read in a CDI request context that ends with it, so its Hibernate session is closed at once instead
     * of living as long as the HTTP request that holds the poll.
     */
    static <T> T alone(Supplier<T> read) {
        ManagedContext requests = Arc.container().requestContext();
        InjectableContext.ContextState outer = requests.isActive() ? requests.getState() : null;
        if (outer != null) {
            requests.deactivate();
        }
        requests.activate();
        try {
            return read.get();
        } finally {
            requests.terminate();
            if (outer != null) {
                requests.activate(outer);
            }
        }
    }

    /** The hold in seconds, cut to max-wait; 0 for anything the endpoint answers itself (absent, 0, not a number). */
    private long holdSeconds(String wait) {
        if (wait == null || wait.isBlank()) {
            return 0;
        }
        try {
            long seconds = Long.parseLong(wait.trim());
            return seconds < 0 || seconds > Integer.MAX_VALUE ? 0 : Math.min(seconds, config.approval().maxWait().toSeconds());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String agentKey(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.startsWith(ApiKeys.PREFIX) ? token : null;
    }

    private static UUID uuid(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
