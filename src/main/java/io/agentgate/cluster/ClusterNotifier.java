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
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Tells the other instances what this one committed: {@code pg_notify} runs in the transaction that fires the event
 * (the writer's batch, an agent change), so PostgreSQL sends it exactly when that transaction commits and never
 * when it rolls back. Off (H2, one instance) it does nothing.
 */
@ApplicationScoped
public class ClusterNotifier {

    /** PostgreSQL refuses payloads of 8000 bytes and more; past this a decision goes without its state. */
    static final int MAX_PAYLOAD = 7000;

    @Inject
    Cluster cluster;

    @Inject
    ClusterSettings settings;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

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

    /** In the caller's transaction when there is one (its connection is the enlisted one), else at once. */
    private void send(String type, String payload) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, settings.channel());
            ps.setString(2, payload);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("notice " + type + " could not be sent: " + e.getMessage(), e);
        }
    }
}
