package io.agentgate.common;

import io.agroal.api.AgroalDataSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Whether this instance shares its database with others (PostgreSQL, see {@link ClusterSettings#mode()}), and the
 * id that tells its own notifications from the others'. Features ask this one bean, so H2 stays a single instance
 * with every per-instance store in memory.
 */
@ApplicationScoped
public class Cluster {

    private static final Logger LOG = Logger.getLogger(Cluster.class);

    @Inject
    ClusterSettings settings;

    @Inject
    AgroalDataSource dataSource;

    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
    private boolean enabled;

    @PostConstruct
    void init() {
        enabled = switch (settings.mode().toLowerCase(Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            case "auto" -> onPostgresql();
            default -> throw new IllegalStateException("agentgate.cluster.mode must be auto, on or off, not '"
                    + settings.mode() + "'");
        };
        if (enabled && !onPostgresql()) {
            throw new IllegalStateException("agentgate.cluster.mode=on needs PostgreSQL (the -Ppostgresql build)");
        }
        LOG.infof("cluster mode %s (instance %s)", enabled ? "on: shared state in PostgreSQL, events by NOTIFY"
                : "off: one instance", instanceId);
    }

    /** True when several instances may share the database: shared stores and cross-instance events are on. */
    public boolean enabled() {
        return enabled;
    }

    /** This instance's id, carried in every notification it sends (random per start). */
    public String instanceId() {
        return instanceId;
    }

    private boolean onPostgresql() {
        try (Connection c = dataSource.getConnection()) {
            return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot tell the database kind: " + e.getMessage(), e);
        }
    }
}
