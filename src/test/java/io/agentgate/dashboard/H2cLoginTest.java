package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a login POST that arrives as an h2c upgrade (HTTP/1.1 with {@code Upgrade: h2c}, as {@code curl --http2}
 * sends it over plain http) logs in or is refused like any other login, and is counted by the throttle; it used to
 * answer 500 for a wrong password.
 */
@QuarkusTest
class H2cLoginTest {

    private static final String PASSWORD = "right-password-123";

    /** What curl saw: the status and headers of the last answer (after the 101), and the protocol it ended on. */
    record Answer(int status, String location, String headers, boolean upgraded) {
    }

    @Test
    void aWrongPasswordOverAnH2cUpgradeGoesBackToTheLoginForm() throws Exception {
        String email = newUser();
        Answer wrong = h2cLogin(email, "wrong-password-1");
        assertTrue(wrong.upgraded(), "the request was upgraded to HTTP/2: " + wrong.headers());
        assertEquals(302, wrong.status(), wrong.headers());
        assertEquals("/?error=login", wrong.location());
        assertFalse(wrong.headers().contains("agentgate-session="), wrong.headers());
    }

    @Test
    void theRightPasswordOverAnH2cUpgradeLogsIn() throws Exception {
        String email = newUser();
        Answer right = h2cLogin(email, PASSWORD);
        assertTrue(right.upgraded(), right.headers());
        assertEquals(302, right.status(), right.headers());
        assertEquals("/dashboard", right.location());
        assertTrue(right.headers().contains("agentgate-session="), right.headers());
    }

    @Test
    void wrongPasswordsOverH2cAreCountedByTheThrottle() throws Exception {
        String email = newUser();
        for (int i = 0; i < 5; i++) {
            assertEquals("/?error=login", h2cLogin(email, "wrong-password-" + i).location());
        }
        Answer right = h2cLogin(email, PASSWORD);
        assertEquals(302, right.status(), right.headers());
        assertTrue(right.location().contains("error=throttled"), right.headers());
        assertFalse(right.headers().contains("agentgate-session="), right.headers());
        // the same account over HTTP/1.1 is locked as well
        var http1 = Sessions.postLogin(email, PASSWORD);
        assertTrue(http1.header("Location").contains("error=throttled"), http1.header("Location"));
    }

    private static String newUser() {
        String email = Api.uniqueName("h2c") + "@example.com";
        Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of("viewer")))
                .post("/api/v1/users").then().statusCode(201);
        return email;
    }

    /** {@code curl --http2} over plain http: HTTP/1.1 with Connection: Upgrade, HTTP2-Settings and Upgrade: h2c. */
    private static Answer h2cLogin(String email, String password) throws IOException, InterruptedException {
        assumeTrue(curl() || "true".equals(System.getenv("CI")), "curl is not installed (apt-get install curl)");
        Path headers = Files.createTempFile("h2c-login", ".txt");
        try {
            List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--http2",
                    "--max-time", "20", "--output", "/dev/null", "--dump-header", headers.toString(),
                    "--data-urlencode", "j_username=" + email, "--data-urlencode", "j_password=" + password,
                    "http://localhost:" + RestAssured.port + "/j_security_check"));
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
            assertEquals(0, curl.exitValue(), output);
            String all = Files.readString(headers);
            // curl writes the 101 and then the HTTP/2 answer; the last status line is the answer
            int status = 0;
            String location = null;
            boolean upgraded = false;
            for (String line : all.split("\r?\n")) {
                if (line.startsWith("HTTP/")) {
                    status = Integer.parseInt(line.split(" ")[1].strip());
                    upgraded |= line.startsWith("HTTP/2");
                    location = null;
                } else if (line.toLowerCase().startsWith("location:")) {
                    location = line.substring("location:".length()).strip();
                }
            }
            return new Answer(status, location, all, upgraded);
        } finally {
            Files.deleteIfExists(headers);
        }
    }

    private static boolean curl() {
        try {
            return new ProcessBuilder("curl", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
