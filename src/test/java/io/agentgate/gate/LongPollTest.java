package io.agentgate.gate;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LongPollTest {

    @Inject
    ActionWaiters waiters;

    @Test
    void longPollStartedBeforeTheDecisionReturnsRightAfterIt() throws Exception {
        String key = Api.gatedAgent(uniqueName("poll"), null);
        String id = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().statusCode(202).extract().path("id");
        int before = waiters.size();

        CompletableFuture<Long> answeredAt = new CompletableFuture<>();
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(() -> {
            Response r = agent(key).get("/api/v1/actions/" + id + "?wait=30");
            answeredAt.complete(System.nanoTime());
            return r;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> waiters.size() > before);

        long decidedAt = System.nanoTime();
        admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
        Response r = poll.get();
        long wakeMs = (answeredAt.get() - decidedAt) / 1_000_000;
        assertEquals(200, r.statusCode());
        assertEquals("APPROVED", r.path("status"));
        assertEquals("alice@example.com", r.path("decidedBy"));
        assertTrue(wakeMs < 1000, "long-poll answered " + wakeMs + " ms after the decision");
        System.out.printf("long-poll wake-up after decision (incl. decision round trip): %d ms%n", wakeMs);
    }

    @Test
    void longPollWithoutDecisionAnswersPendingAfterWait() {
        String key = Api.gatedAgent(uniqueName("poll2"), null);
        String id = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().statusCode(202).extract().path("id");
        long start = System.nanoTime();
        agent(key).get("/api/v1/actions/" + id + "?wait=1").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("PENDING"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 950 && ms < 3000, "held about 1 s, was " + ms + " ms");
    }

    @Test
    void longPollOnATerminalActionAnswersAtOnce() {
        String key = Api.openAgent(uniqueName("poll3"));
        String id = agent(key).body(Map.of("action", "x")).post("/api/v1/actions").then().extract().path("id");
        long start = System.nanoTime();
        agent(key).get("/api/v1/actions/" + id + "?wait=30").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("ALLOWED"));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1000);
    }

    @Test
    void manyConcurrentLongPollsAreAllWokenByTheirDecisions() throws Exception {
        String key = Api.gatedAgent(uniqueName("many"), null);
        int n = 200;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                    .then().statusCode(202).extract().path("id");
        }
        int before = waiters.size();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            var polls = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (String id : ids) {
                polls.add(pool.submit(() -> agent(key).get("/api/v1/actions/" + id + "?wait=30").path("status")));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> waiters.size() >= before + n);
            for (int i = 0; i < n; i++) {
                admin().body(Map.of("decision", i % 2 == 0 ? "APPROVED" : "REJECTED", "decidedBy", "a@example.com"))
                        .post("/api/v1/actions/" + ids[i] + "/decision").then().statusCode(200);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i % 2 == 0 ? "APPROVED" : "REJECTED", polls.get(i).get(5, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
