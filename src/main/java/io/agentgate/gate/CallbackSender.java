package io.agentgate.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.agent.Agent;
import io.agentgate.common.OutboxPump;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * POSTs the terminal decision of a pending action to its {@code callbackUrl}, signed the Standard Webhooks way with
 * the agent's {@code whsec_} secret. Queued in the deciding transaction, sent after commit (kicked at once, polled
 * as a safety net), retried with backoff; at least once, so receivers dedupe on {@code webhook-id}. Meters:
 * {@code agentgate_callback_outbox_pending}, {@code agentgate_callback_delivered_total},
 * {@code agentgate_callback_failures_total}.
 */
@ApplicationScoped
public class CallbackSender {

    public static final String OUTBOX_PENDING = "agentgate_callback_outbox_pending";
    public static final String FAILURES = "agentgate_callback_failures";
    public static final String DELIVERIES = "agentgate_callback_delivered";
    private static final Logger LOG = Logger.getLogger(CallbackSender.class);
    private static final int BATCH = 50;

    @Inject
    CallbackOutbox outbox;

    @Inject
    WebhookSettings settings;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry registry;

    private final AtomicLong open = new AtomicLong();
    private final OutboxPump pump = new OutboxPump("callbacks", BATCH, n -> outbox.due(n), ids -> ids, this::claimAndDeliver,
            () -> open.set(outbox.open()));
    private Counter failures;
    private Counter deliveries;

    void start(@Observes StartupEvent event) {
        registry.gauge(OUTBOX_PENDING, open);
        failures = Counter.builder(FAILURES).description("Callback attempts that failed").register(registry);
        deliveries = Counter.builder(DELIVERIES).description("Callbacks delivered (2xx)").register(registry);
    }

    void stop(@Observes ShutdownEvent event) {
        pump.stop();
    }

    /** In the deciding transaction: queue the callback if the action asked for one. */
    void enqueue(@Observes ActionDecided event) {
        String url = event.callbackKnown() ? event.callbackUrl() : Action.<Action>findByIdOptional(event.action().id())
                .map(a -> a.callbackUrl).orElse(null);
        if (url == null) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "action.decided");
        body.put("timestamp", event.action().decidedAt());
        body.put("data", event.action());
        try {
            outbox.add(event.action().id(), event.action().agent(), url, json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("callback payload not serialisable", e);
        }
    }

    void kick(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionDecided event) {
        pump.kick();
    }

    @Scheduled(every = "${agentgate.webhooks.poll-interval:5S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "callback-outbox")
    void poll() {
        drain();
    }

    /** Delivers every due row this sender can claim. */
    public void drain() {
        pump.drain();
    }

    private void claimAndDeliver(long id) {
        OutboxCallback row = outbox.claim(id);
        if (row != null) {
            deliver(row);
        }
    }

    private void deliver(OutboxCallback row) {
        Object checked = CallbackTargets.resolve(row.url, settings.allowPrivate());
        if (checked instanceof String refusal) {
            fail(row, null, "callback URL refused: " + refusal);
            return;
        }
        try {
            String secret = secretOf(row.agentName);
            long timestamp = clock.instant().getEpochSecond();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("User-Agent", "AgentGate-Webhooks/1");
            headers.put("webhook-id", row.webhookId);
            headers.put("webhook-timestamp", Long.toString(timestamp));
            headers.put("webhook-signature", WebhookSignature.sign(secret, row.webhookId, timestamp, row.payload));
            // connect to the address that was checked, not to a second DNS answer
            int status = PinnedPost.post((CallbackTargets.Target) checked, headers, row.payload, settings.timeout());
            if (status / 100 == 2) {
                outbox.delivered(row, status);
                deliveries.increment();
                LOG.infof("callback %s for action %s delivered (HTTP %d, attempt %d)", row.webhookId, row.actionId,
                        status, row.attempts);
            } else {
                fail(row, status, "HTTP " + status);
            }
        } catch (IOException | RuntimeException e) {
            fail(row, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }

    }

    private void fail(OutboxCallback row, Integer status, String error) {
        failures.increment();
        OutboxCallback.Status next = outbox.failed(row, status, error);
        LOG.warnf("callback %s for action %s failed (attempt %d): %s; now %s", row.webhookId, row.actionId,
                row.attempts, error, next);
    }

    @jakarta.enterprise.context.control.ActivateRequestContext
    String secretOf(String agentName) {
        return Agent.findByName(agentName).map(a -> a.webhookSecret)
                .orElseThrow(() -> new IllegalStateException("agent " + agentName + " is gone"));
    }
}
