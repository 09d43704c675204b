package io.agentgate.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Issue 11, items 10 and 11: with an operator-chosen file URL that drops {@code WRITE_DELAY=0}, every commit is
 * still written at once, and the database files are the service user's only. Issue 21, finding 10: nothing else in
 * their directory, nor the directory itself, changes its permissions.
 */
@QuarkusTest
@TestProfile(EmbeddedDurabilityTest.OperatorUrl.class)
@DisabledIfSystemProperty(named = "quarkus.datasource.db-kind", matches = "postgresql",
        disabledReason = "the embedded H2 database's durability; the PostgreSQL build has no H2 (CrashUnderLoadIT covers it)")
class EmbeddedDurabilityTest {

    static final Path DIR = Path.of("target", "durability-test");
    /** Beside the database, not of it: one name even starts with the database's name. */
    static final List<String> OTHER_FILES = List.of("notes.txt", "db-backup-notes.txt", "db.mv.db.txt");

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
            try {
                // issue 21, finding 10: a shared directory (1777) with files that are not the database's
                Files.createDirectories(DIR);
                Files.setAttribute(DIR, "unix:mode", 01777);
                for (String other : OTHER_FILES) {
                    Files.writeString(DIR.resolve(other), "not the database's");
                    Files.setPosixFilePermissions(DIR.resolve(other), PosixFilePermissions.fromString("rw-r--r--"));
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
        List<Path> own = new ArrayList<>();
        try (var files = Files.list(DIR)) {
            files.filter(f -> !OTHER_FILES.contains(f.getFileName().toString())).forEach(own::add);
        }
        assertTrue(own.contains(DIR.resolve("db.mv.db")), own.toString());
        for (Path f : own) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
    }

    @Test
    void startUpLeavesTheDirectoryAndOtherFilesAsTheyWere() throws Exception {
        assertEquals(01777, (int) Files.getAttribute(DIR, "unix:mode") & 07777, "the shared directory keeps 1777");
        for (String other : OTHER_FILES) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(DIR.resolve(other))),
                    other);
        }
    }

    @Test
    void onlyH2sOwnFileNamesCount() {
        var own = EmbeddedDurability.databaseFiles("db");
        for (String name : List.of("db.mv.db", "db.trace.db", "db.lock.db", "db.h2.db", "db.7.temp.db",
                "db.mv.db.tempFile")) {
            assertTrue(own.matcher(name).matches(), name);
        }
        for (String name : OTHER_FILES) {
            assertFalse(own.matcher(name).matches(), name);
        }
        assertFalse(own.matcher("dbx.mv.db").matches());
    }

    @Test
    void fileUrlsAreRecognised() {
        assertEquals(Path.of("data/agentgate").toAbsolutePath(),
                EmbeddedDurability.fileDatabase("jdbc:h2:file:./data/agentgate;WRITE_DELAY=0"));
        assertEquals(null, EmbeddedDurability.fileDatabase("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"));
        assertEquals(null, EmbeddedDurability.fileDatabase("jdbc:postgresql://db/agentgate"));
    }
}
