package io.agentgate.common;

import io.agroal.api.AgroalPoolInterceptor;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The embedded H2 database keeps every commit it acknowledged whatever the operator's JDBC URL says: each new
 * connection sets {@code WRITE_DELAY 0} (the log is written at every commit) before anything uses it, so a URL without
 * the option, or with another delay, cannot lose acknowledged commits on kill -9. Its files are made readable by the
 * service's user only.
 */
@ApplicationScoped
public class EmbeddedDurability implements AgroalPoolInterceptor {

    private static final Logger LOG = Logger.getLogger(EmbeddedDurability.class);

    @Override
    public void onConnectionCreate(Connection connection) {
        try {
            if (isH2(connection)) {
                try (var s = connection.createStatement()) {
                    s.execute("SET WRITE_DELAY 0");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make the embedded database durable (SET WRITE_DELAY 0): "
                    + e.getMessage(), e);
        }
    }

    /** Owner-only permissions on the H2 file database's directory and files. */
    void protectFiles(@Observes StartupEvent event) {
        String url = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.jdbc.url", String.class).orElse("");
        Path base = fileDatabase(url);
        if (base == null || base.getParent() == null || !Files.isDirectory(base.getParent())) {
            return;
        }
        try {
            Path dir = base.getParent();
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            String name = base.getFileName().toString();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith(name))::iterator) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.warnf("could not restrict the permissions of the database files in %s: %s", base.getParent(),
                    e.getMessage());
        }
    }

    /** The base path of an H2 file URL ({@code jdbc:h2:file:./data/agentgate;...}, {@code jdbc:h2:./x}), else null. */
    static Path fileDatabase(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:h2:mem:") || lower.startsWith("jdbc:h2:tcp:")
                || lower.startsWith("jdbc:h2:ssl:")) {
            return null;
        }
        String rest = url.substring("jdbc:h2:".length());
        if (rest.toLowerCase(Locale.ROOT).startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        int semi = rest.indexOf(';');
        String path = semi < 0 ? rest : rest.substring(0, semi);
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    private static boolean isH2(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
    }
}
