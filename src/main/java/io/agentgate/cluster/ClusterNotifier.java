package io.agentgate.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.agent.AgentCache;
import io.agentgate.common.Cluster;
import io.agentgate.common.ClusterSettings;
import io.agentgate.dashboard.AccountDirectory;
import io.agentgate.gate.ActionDecided;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionSubmitted;
import io.agentgate.governance.GovernanceService;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the other instances what this one committed: {@code pg_notify} runs in the transaction that fires the event
 * (the writer's batch, an agent change), so PostgreSQL sends it exactly when that transaction commits and never
 * when it rolls back. A transaction's notices go out in one statement just before it commits, packed several to a
 * payload: the writer's batch of pending actions costs one round trip, not one per action. Off (H2, one instance) it
 * does nothing.
 */
@ApplicationScoped
public class ClusterNotifier {

    /** PostgreSQL refuses payloads of 8000 bytes and more; past this a decision goes without its state. */
    static final int MAX_PAYLOAD = 7000;
    /** The transaction's queued notices, as a resource of the transaction. */
    private static final Object QUEUED = new Object();

    @Inject
    Cluster cluster;

    @Inject
    ClusterSettings settings;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    @Inject
    TransactionSynchronizationRegistry transactions;

    void submitted(@Observes ActionSubmitted event) {
        // only a new pending action changes a dashboard list; allowed and denied ones cost nothing here
        if (cluster.enabled() && event.action().status() == ActionStatus.PENDING) {
            send(Notice.of(cluster.instanceId(), Notice.SUBMITTED, event.action()));
        }
    }

    void decided(@Observes ActionDecided event) {
        if (cluster.enabled()) {
            Notice notice = Notice.of(cluster.instanceId(), Notice.DECIDED, event.action());
            String full = write(notice.withView(event.action()));
            send(notice.type(), full.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD ? full : write(notice));
        }
    }

    void agentChanged(@Observes AgentCache.AgentChanged event) {
        if (cluster.enabled()) {
            send(Notice.of(cluster.instanceId(), Notice.AGENT));
        }
    }

    void accountsChanged(@Observes AccountDirectory.AccountsChanged event) {
        if (cluster.enabled()) {
            send(Notice.of(cluster.instanceId(), Notice.ACCOUNTS));
        }
    }

    void policiesReloaded(@Observes GovernanceService.PoliciesReloaded event) {
        if (cluster.enabled()) {
            send(Notice.of(cluster.instanceId(), Notice.POLICIES));
        }
    }

    private void send(Notice notice) {
        send(notice.type(), write(notice));
    }

    private String write(Notice notice) {
        try {
            return json.writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("notice " + notice.type() + " cannot be written", e);
        }
    }

    /**
     * In the caller's transaction when there is one: queued, and the transaction's notices go out together just
     * before it commits (see {@link #sendAll}). Without a transaction, at once.
     */
    private void send(String type, String payload) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            sendAll(List.of(payload));
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> queued = (List<String>) transactions.getResource(QUEUED);
        if (queued == null) {
            List<String> created = new ArrayList<>();
            transactions.putResource(QUEUED, created);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
                        sendAll(created);
                    }
                }

                @Override
                public void afterCompletion(int status) {
                }
            });
            queued = created;
        }
        queued.add(payload);
    }

    /**
     * One statement for all of a transaction's notices (the writer's batch: one per pending action and decision):
     * packed into as few payloads as fit under {@link #MAX_PAYLOAD}, a JSON array each when it holds several.
     */
    private void sendAll(List<String> payloads) {
        List<String> packed = pack(payloads);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, p) FROM unnest(?) AS p")) {
            ps.setString(1, settings.channel());
            ps.setArray(2, c.createArrayOf("text", packed.toArray()));
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(payloads.size() + " notices could not be sent: " + e.getMessage(), e);
        }
    }

    /** The payloads in order, several to a JSON array while it stays under {@link #MAX_PAYLOAD} bytes. */
    static List<String> pack(List<String> payloads) {
        List<String> packed = new ArrayList<>();
        List<String> group = new ArrayList<>();
        int bytes = 2;
        for (String p : payloads) {
            int size = p.getBytes(StandardCharsets.UTF_8).length + 1;
            if (!group.isEmpty() && bytes + size > MAX_PAYLOAD) {
                packed.add(group.size() == 1 ? group.get(0) : "[" + String.join(",", group) + "]");
                group.clear();
                bytes = 2;
            }
            group.add(p);
            bytes += size;
        }
        if (!group.isEmpty()) {
            packed.add(group.size() == 1 ? group.get(0) : "[" + String.join(",", group) + "]");
        }
        return packed;
    }
}
