package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 8: 40 parallel wrong passwords for one account used to be checked against bcrypt all 40 times,
 * because each was counted only after its check. The attempt is now counted first, atomically: at most
 * {@code max-failures} (5) reach the check, the rest are answered as throttled. On H2 the count is in memory; run
 * with {@code -Ppostgresql} it is the shared {@code login_attempt} row of a cluster.
 */
@QuarkusTest
class ParallelLoginGuessesTest {

    private static final int GUESSES = 40;
    private static final int MAX_FAILURES = 5;
    private static final String PASSWORD = "right-password-123";

    @TestHTTPResource("/j_security_check")
    URI login;

    @Inject
    PasswordChecks checks;

    @Test
    void fortyParallelWrongPasswordsReachTheBcryptCheckAtMostFiveTimesAndTheRestAreThrottled() throws Exception {
        String email = Api.uniqueName("guessed") + "@example.com";
        Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of("viewer")))
                .post("/api/v1/users").then().statusCode(201);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(GUESSES);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < GUESSES; i++) {
                String form = "j_username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                        + "&j_password=wrong-password-" + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(login).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() + " " + r.headers().firstValue("Location").orElse("");
                }));
            }
            start.countDown();
            int wrong = 0;
            int throttled = 0;
            for (Future<String> answer : answers) {
                String a = answer.get();
                assertTrue(a.startsWith("302 "), a);
                if (a.contains("error=throttled")) {
                    throttled++;
                } else if (a.contains("error=login")) {
                    wrong++;
                }
            }
            assertEquals(MAX_FAILURES, checks.of(email), "logins that reached the bcrypt check");
            assertEquals(MAX_FAILURES, wrong, "answered as a wrong password");
            assertEquals(GUESSES - MAX_FAILURES, throttled, "answered as throttled, unchecked");
        } finally {
            pool.shutdownNow();
        }
        // the right password is refused too now, without a check
        Response right = Sessions.postLogin(email, PASSWORD);
        assertTrue(right.header("Location").contains("error=throttled"), right.header("Location"));
        assertNull(right.cookie("agentgate-session"));
        assertEquals(MAX_FAILURES, checks.of(email));
    }

    @Test
    void aSuccessfulLoginClearsTheCountSoFourWrongThenRightThenFourWrongNeverLocks() {
        String email = Api.uniqueName("forgetful") + "@example.com";
        Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of("viewer")))
                .post("/api/v1/users").then().statusCode(201);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < MAX_FAILURES - 1; i++) {
                assertTrue(Sessions.postLogin(email, "wrong-" + i).header("Location").contains("error=login"));
            }
            Sessions.login(email, PASSWORD);
        }
        assertEquals(2 * MAX_FAILURES, checks.of(email), "every attempt within the limit is checked");
    }
}
