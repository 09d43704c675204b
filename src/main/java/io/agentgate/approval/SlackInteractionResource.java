package io.agentgate.approval;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * Slack's interactivity request URL. Slack wants an answer within 3 seconds: the signature is checked at once, the
 * vote runs on a thread of its own, and the answer (an empty 200) goes out when the vote is cast or after 2.5 seconds,
 * whichever is first; the outcome reaches the message through the outbox either way. Answers 401 (problem+json) for
 * a missing, wrong or stale signature, and 404 while Slack approvals are not configured.
 */
@Path("/slack/interactions")
public class SlackInteractionResource {

    static final long ACK_MILLIS = 2500;
    private static final Logger LOG = Logger.getLogger(SlackInteractionResource.class);

    @Inject
    SlackInteractions interactions;

    // votes run off the event loop and are never tied to Slack's 3-second wait
    private final ExecutorService voting = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "agentgate-slack-vote");
        t.setDaemon(true);
        return t;
    });

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    // Slack's webhook, not part of the API clients call: kept out of /q/openapi (src/docs/slack.md documents it)
    @Operation(hidden = true)
    public CompletionStage<Response> interact(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature, byte[] body) {
        var press = interactions.verify(timestamp, signature, body == null ? new byte[0] : body);
        if (press.isEmpty()) {
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        return CompletableFuture.supplyAsync(() -> interactions.vote(press.get()), voting)
                .handle((refused, error) -> {
                    if (error != null) {
                        LOG.warnf(error, "action %s: slack vote failed", press.get().actionId());
                    }
                    return Response.ok().build();
                })
                .completeOnTimeout(Response.ok().build(), ACK_MILLIS, TimeUnit.MILLISECONDS);
    }
}
