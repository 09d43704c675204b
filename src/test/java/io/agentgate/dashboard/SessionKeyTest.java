package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Issue 11, item 2: without a configured session key, one is generated once, kept in the database, never logged. */
@QuarkusTest
@TestProfile(SessionKeyTest.NoConfiguredKey.class)
class SessionKeyTest {

    static final Path LOG = Path.of("target", "session-key-test.log");

    public static class NoConfiguredKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.deleteIfExists(LOG);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            Map<String, String> config = new java.util.HashMap<>(Map.of(
                    "quarkus.http.auth.session.encryption-key", "",
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.category.\"io.quarkus.vertx.http\".level", "DEBUG"));
            if (System.getProperty("test-db.url") == null) {
                // a database of its own: the shared in-memory one holds what earlier test classes left
                config.put("quarkus.datasource.jdbc.url", "jdbc:h2:mem:session-key-test;DB_CLOSE_DELAY=-1");
            }
            return config;
        }
    }

    @Inject
    DataSource dataSource;

    @Inject
    SessionKey sessionKey;

    private String stored() throws Exception {
        try (var c = dataSource.getConnection();
                var s = c.prepareStatement("SELECT secret FROM server_secret WHERE name = 'session-key'");
                var rs = s.executeQuery()) {
            assertTrue(rs.next(), "the generated key is in the database");
            return rs.getString(1);
        }
    }

    @Test
    void theGeneratedKeyIsStrongStoredInTheDatabaseAndEncryptsTheSessions() throws Exception {
        String key = stored();
        assertEquals(key, sessionKey.key());
        assertTrue(key.matches("[0-9a-f]{64}"), "256 random bits");

        String email = Api.uniqueName("keyed") + "@example.com";
        Api.admin().body(Map.of("email", email, "password", "right-password-123", "roles", List.of("viewer")))
                .post("/api/v1/users").then().statusCode(201);
        Response login = Sessions.postLogin(email, "right-password-123");
        String cookie = login.cookie("agentgate-session");
        // what any instance (or this one after a restart) holding the stored key reads from the cookie
        String plain = decrypt(cookie, key);
        assertTrue(plain.endsWith(":" + email), plain);
        Sessions.login(email, "right-password-123").request().get("/dashboard").then().statusCode(200);
    }

    @Test
    void theKeyNeverReachesTheLog() throws Exception {
        String key = stored();
        String log = Files.readString(LOG);
        assertFalse(log.isEmpty());
        assertFalse(log.contains(key), "the session key is not logged");
        assertFalse(log.contains("temporary key"), "Quarkus never generates (and logs) a temporary key");
    }

    private static String decrypt(String cookie, String key) throws Exception {
        ByteBuffer data = ByteBuffer.wrap(Base64.getDecoder().decode(cookie.getBytes(StandardCharsets.UTF_8)));
        byte[] iv = new byte[data.get()];
        data.get(iv);
        byte[] encrypted = new byte[data.remaining()];
        data.get(encrypted);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] aes = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aes, "AES"), new GCMParameterSpec(128, iv));
        return new String(cipher.doFinal(encrypted), StandardCharsets.UTF_8);
    }
}
