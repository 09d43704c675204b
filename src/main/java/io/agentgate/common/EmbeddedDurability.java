package io.agentgate.common;

import io.agroal.api.AgroalPoolInterceptor;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The embedded H2 database keeps every commit it acknowledged whatever the operator's JDBC URL says: each new
 * connection sets {@code WRITE_DELAY 0} (the log is written at every commit) before anything uses it, so a URL without
 * the option, or with another delay, cannot lose acknowledged commits on kill -9. Its files (and only they) are made
 * readable by the service's user only.
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

    /**
     * Owner-only permissions on the H2 file database's own files. The directory and anything else in it are left as
     * the operator made them: it may be shared (a 1777 /tmp), and other files are not the database's.
     */
    void protectFiles(@Observes StartupEvent event) {
        String url = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.jdbc.url", String.class).orElse("");
        Path base = fileDatabase(url);
        if (base == null || base.getParent() == null || !Files.isDirectory(base.getParent())) {
            return;
        }
        Pattern own = databaseFiles(base.getFileName().toString());
        try (Stream<Path> files = Files.list(base.getParent())) {
            for (Path f : (Iterable<Path>) files.filter(p -> own.matcher(p.getFileName().toString()).matches()
                    && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.warnf("could not restrict the permissions of the database files in %s: %s", base.getParent(),
                    e.getMessage());
        }
    }

    /**
     * The names of the files H2 keeps for the database {@code name}: its store ({@code .mv.db}, the old {@code .h2.db}),
     * lock, trace and temporary files ({@code .123.temp.db}, {@code .mv.db.tempFile}, {@code .newFile}).
     */
    static Pattern databaseFiles(String name) {
        return Pattern.compile(Pattern.quote(name)
                + "\\.(?:mv\\.db|h2\\.db|lock\\.db|trace\\.db|trace\\.db\\.old|\\d+\\.temp\\.db|mv\\.db\\.tempFile|mv\\.db\\.newFile"
                + "|tempFile|newFile)");
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
