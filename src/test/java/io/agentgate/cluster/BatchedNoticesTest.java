package io.agentgate.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.common.Cluster;
import io.agentgate.common.ClusterSettings;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmitted;
import io.agentgate.gate.ActionView;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A transaction's notices leave in one notification (the writer's batch of pending actions: one, not one per
 * action), only when it commits, in order, and the other instances read every notice of it.
 */
@QuarkusTest
class BatchedNoticesTest {

    @Inject
    Cluster cluster;

    @Inject
    ClusterSettings settings;

    @Inject
    ClusterNotifier notifier;

    @Inject
    ObjectMapper json;

    @Test
    void oneTransactionsNoticesLeaveAsOneNotificationWhenItCommits() throws Exception {
        assumeTrue(cluster.enabled(), "notices are sent only in a cluster (PostgreSQL)");
        try (Connection listener = listen()) {
            List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
            QuarkusTransaction.requiringNew().run(() -> ids.forEach(id -> notifier.submitted(pending(id))));
            List<String> payloads = receive(listener);
            assertEquals(1, payloads.size(), "one notification for the transaction: " + payloads);
            JsonNode notices = json.readTree(payloads.get(0));
            assertTrue(notices.isArray(), payloads.get(0));
            List<String> received = new ArrayList<>();
            notices.forEach(n -> received.add(n.path("id").asText()));
            assertEquals(ids.stream().map(UUID::toString).toList(), received, "every notice, in order");
        }
    }

    @Test
    void noticesOfARolledBackTransactionAreNeverSent() throws Exception {
        assumeTrue(cluster.enabled(), "notices are sent only in a cluster (PostgreSQL)");
        try (Connection listener = listen()) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    notifier.submitted(pending(UUID.randomUUID()));
                    throw new IllegalStateException("rolled back on purpose");
                });
            } catch (IllegalStateException expected) {
                // the transaction rolled back
            }
            assertEquals(List.of(), receive(listener));
        }
    }

    @Test
    void noticesPackUnderThePayloadLimitInOrder() {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            payloads.add("{\"from\":\"x\",\"id\":\"" + i + "\",\"pad\":\"" + "p".repeat(200) + "\"}");
        }
        List<String> packed = ClusterNotifier.pack(payloads);
        assertTrue(packed.size() > 1 && packed.size() < 10, "a few payloads, not 100: " + packed.size());
        List<String> again = new ArrayList<>();
        for (String p : packed) {
            assertTrue(p.getBytes(StandardCharsets.UTF_8).length <= ClusterNotifier.MAX_PAYLOAD, "under the limit");
            assertTrue(p.startsWith("[") && p.endsWith("]"), p);
            again.addAll(List.of(p.substring(1, p.length() - 1).split(",(?=\\{)")));
        }
        assertEquals(payloads, again);
        assertEquals(List.of("{\"a\":1}"), ClusterNotifier.pack(List.of("{\"a\":1}")), "one notice stays an object");
    }

    private static ActionSubmitted pending(UUID id) {
        Instant now = Instant.now();
        return new ActionSubmitted(new ActionView(id, "batched-agent", "update_record", ActionStatus.PENDING,
                List.of(), now, now.plusSeconds(60), null, null, null, null, null), List.of());
    }

    private Connection listen() throws Exception {
        Connection c = DriverManager.getConnection(System.getProperty("test-db.url"),
                System.getProperty("test-db.user", "postgres"), "");
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN \"" + settings.channel() + "\"");
        }
        return c;
    }

    /** What arrives within a second, only the test's own notices (the application's other ones are left out). */
    private static List<String> receive(Connection listener) throws Exception {
        List<String> payloads = new ArrayList<>();
        long until = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < until) {
            PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(200);
            if (got != null) {
                for (PGNotification n : got) {
                    if (n.getParameter().contains("batched-agent")) {
                        payloads.add(n.getParameter());
                    }
                }
            }
        }
        return payloads;
    }
}
