package io.agentgate.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.agent.AgentCache;
import io.agentgate.common.Cluster;
import io.agentgate.common.ClusterSettings;
import io.agentgate.dashboard.AccountDirectory;
import io.agentgate.dashboard.LiveUpdates;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.ActionWaiters;
import io.agentgate.gate.ActionQueries;
import io.agentgate.governance.GovernanceService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Receives the other instances' notices on a connection of its own ({@code LISTEN}, JDBC driver's
 * {@link PGConnection#getNotifications(int)}) and acts on them here: wakes long-polls of decided actions, feeds open
 * dashboard pages, drops the agent cache, applies reloaded policies. A lost connection is reopened with backoff;
 * notices sent meanwhile are covered by {@link #resync()}, which re-reads the actions someone waits for and, after
 * a reconnect, drops the caches and tells pages to re-read.
 */
@ApplicationScoped
public class ClusterListener {

    private static final Logger LOG = Logger.getLogger(ClusterListener.class);
    static final String APPLICATION_NAME = "agentgate-listener";
    private static final int POLL_MILLIS = 250;
    /** The connection is checked this often: a silently dropped one delivers nothing and throws nothing. */
    private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int RESYNC_CHUNK = 500;

    @Inject
    Clock clock;

    @Inject
    Cluster cluster;

    @Inject
    ClusterSettings settings;

    @Inject
    ObjectMapper json;

    @Inject
    ActionWaiters waiters;

    @Inject
    ActionQueries queries;

    @Inject
    LiveUpdates live;

    @Inject
    AgentCache agents;

    @Inject
    AccountDirectory accounts;

    @Inject
    GovernanceService governance;

    private volatile boolean running;
    private volatile boolean missedSome;
    private volatile Connection current;
    private Thread thread;

    @Inject
    MeterRegistry registry;

    void start(@Observes StartupEvent event) {
        // how many long-polls this instance holds: what a decision elsewhere must reach
        registry.gauge("agentgate_long_polls", waiters, ActionWaiters::size);
        if (!cluster.enabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "agentgate-cluster-listener");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        Thread t = thread;
        if (t != null) {
            closeQuietly(current);
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the listener holds a live connection (health, tests). */
    public boolean connected() {
        return current != null;
    }

    private void loop() {
        long delay = 100;
        boolean first = true;
        while (running) {
            try (Connection c = connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + quoted(settings.channel()));
                }
                current = c;
                LOG.infof("cluster: listening on %s as instance %s", settings.channel(), cluster.instanceId());
                if (!first) {
                    missedSome = true; // notices sent while we were away: resync() catches up
                }
                first = false;
                delay = 100;
                listen(c);
            } catch (SQLException | RuntimeException e) {
                current = null;
                if (!running) {
                    return;
                }
                LOG.warnf("cluster: listener connection lost (%s); reconnecting in %d ms", e.getMessage(), delay);
                missedSome = true;
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
                delay = Math.min(delay * 2, settings.maxReconnectDelay().toMillis());
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastPing = System.nanoTime();
        while (running) {
            PGNotification[] notices = pg.getNotifications(POLL_MILLIS);
            if (notices != null) {
                for (PGNotification n : notices) {
                    handle(n.getParameter());
                }
            }
            if (System.nanoTime() - lastPing > PING_NANOS) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                lastPing = System.nanoTime();
            }
        }
    }

    /** One payload: a notice, or a JSON array of the notices one transaction sent (see ClusterNotifier). */
    void handle(String payload) {
        String own = "{\"from\":\"" + cluster.instanceId() + "\"";
        if (payload != null && (payload.startsWith(own) || payload.startsWith("[" + own))) {
            return; // this instance's own transaction (one transaction's notices all come from its instance)
        }
        Notice[] notices;
        try {
            notices = payload != null && payload.startsWith("[") ? json.readValue(payload, Notice[].class)
                    : new Notice[] {json.readValue(payload, Notice.class)};
        } catch (Exception e) {
            LOG.warnf("cluster: unreadable notice ignored (%d characters)", payload == null ? 0 : payload.length());
            return;
        }
        for (Notice notice : notices) {
            handle(notice);
        }
    }

    private void handle(Notice notice) {
        if (cluster.instanceId().equals(notice.from())) {
            return;
        }
        try {
            switch (notice.type()) {
                case Notice.SUBMITTED -> live.relay(new LiveUpdates.LiveEvent(Notice.SUBMITTED, notice.id(),
                        notice.agent(), notice.action(), notice.status(), clock.instant()));
                case Notice.DECIDED -> {
                    if (waiters.isWaitingFor(notice.id())) {
                        waiters.complete(notice.view() != null ? notice.view() : queries.view(notice.id()));
                    }
                    live.relay(new LiveUpdates.LiveEvent(Notice.DECIDED, notice.id(), notice.agent(),
                            notice.action(), notice.status(), clock.instant()));
                }
                case Notice.AGENT -> agents.invalidateAll();
                case Notice.ACCOUNTS -> accounts.invalidate();
                case Notice.POLICIES -> governance.applyPolicies();
                default -> LOG.debugf("cluster: notice of unknown type %s ignored", notice.type());
            }
        } catch (RuntimeException e) {
            // one bad notice must not stop the listener; resync() covers a waiter it could not wake
            LOG.warnf(e, "cluster: notice %s for %s from %s failed", notice.type(), notice.id(), notice.from());
        }
    }

    /**
     * The safety net behind the notices: answers waiters whose action another instance decided, and after a
     * reconnect drops the agent and account caches, re-applies policies and tells open pages to re-read their lists.
     */
    @Scheduled(every = "${agentgate.cluster.resync-interval:1S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "cluster-resync")
    void resync() {
        if (!running) {
            return;
        }
        if (missedSome && current != null) {
            missedSome = false;
            agents.invalidateAll();
            accounts.invalidate();
            governance.applyPolicies();
            live.relay(new LiveUpdates.LiveEvent("resync", null, null, null, null, clock.instant()));
            LOG.infof("cluster: caught up after a reconnect (agent and account caches dropped, policies re-applied)");
        }
        List<UUID> ids = new ArrayList<>(waiters.waitingFor());
        for (int from = 0; from < ids.size(); from += RESYNC_CHUNK) {
            for (UUID id : queries.decidedAmong(ids.subList(from, Math.min(ids.size(), from + RESYNC_CHUNK)))) {
                ActionView view = queries.view(id);
                waiters.complete(view);
            }
        }
    }

    private Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        Properties props = new Properties();
        config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(u -> props.setProperty("user", u));
        config.getOptionalValue("quarkus.datasource.password", String.class)
                .ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", APPLICATION_NAME);
        props.setProperty("tcpKeepAlive", "true");
        // the driver itself, not DriverManager: the application's class loader is not the one DriverManager scans
        Connection c = new org.postgresql.Driver().connect(config.getValue("quarkus.datasource.jdbc.url", String.class),
                props);
        if (c == null) {
            throw new SQLException("quarkus.datasource.jdbc.url is not a PostgreSQL URL");
        }
        return c;
    }

    /** The channel is configuration, not input; quoted as an identifier all the same. */
    private static String quoted(String channel) {
        return '"' + channel.replace("\"", "\"\"") + '"';
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing to stop
            }
        }
    }
}
