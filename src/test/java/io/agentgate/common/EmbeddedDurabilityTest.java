package io.agentgate.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Issue 11, items 10 and 11: with an operator-chosen file URL that drops {@code WRITE_DELAY=0}, every commit is
 * still written at once, and the database files are the service user's only.
 */
@QuarkusTest
@TestProfile(EmbeddedDurabilityTest.OperatorUrl.class)
@DisabledIfSystemProperty(named = "quarkus.datasource.db-kind", matches = "postgresql",
        disabledReason = "the embedded H2 database's durability; the PostgreSQL build has no H2 (CrashUnderLoadIT covers it)")
class EmbeddedDurabilityTest {

    static final Path DIR = Path.of("target", "durability-test");

    public static class OperatorUrl implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (Files.exists(DIR)) {
                    try (var files = Files.walk(DIR)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            // what an operator might set: no options at all (H2's default write delay is 500 ms)
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:file:./" + DIR + "/db",
                    "quarkus.datasource.username", "agentgate");
        }
    }

    @Inject
    DataSource dataSource;

    @Test
    void everyConnectionWritesEachCommitAtOnce() throws Exception {
        try (var c = dataSource.getConnection(); var s = c.createStatement();
                var rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                        + " WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertTrue(rs.next());
            assertEquals("0", rs.getString(1));
        }
    }

    @Test
    void theDatabaseFilesAreReadableByTheServiceUserOnly() throws Exception {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(DIR)));
        try (var files = Files.list(DIR)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                assertEquals("rw-------", perms, f.toString());
            }
        }
    }

    @Test
    void fileUrlsAreRecognised() {
        assertEquals(Path.of("data/agentgate").toAbsolutePath(),
                EmbeddedDurability.fileDatabase("jdbc:h2:file:./data/agentgate;WRITE_DELAY=0"));
        assertEquals(null, EmbeddedDurability.fileDatabase("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"));
        assertEquals(null, EmbeddedDurability.fileDatabase("jdbc:postgresql://db/agentgate"));
    }
}
