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
    void pollsThatTimeOutOrAnswerAtOnceLeaveNoWaiterBehind() {
        String key = Api.gatedAgent(uniqueName("poll4"), null);
        String id = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().statusCode(202).extract().path("id");
        int before = waiters.size();
        agent(key).get("/api/v1/actions/" + id + "?wait=1").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("PENDING"));
        agent(key).get("/api/v1/actions/" + java.util.UUID.randomUUID() + "?wait=1").then().statusCode(404);
        await().atMost(Duration.ofSeconds(5)).until(() -> waiters.size() <= before);
    }

    @Test
    void aPollThatWouldWaitIsRefusedLikeAnyOther() {
        String owner = Api.gatedAgent(uniqueName("owner"), null);
        String stranger = Api.gatedAgent(uniqueName("stranger"), null);
        String id = agent(owner).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().statusCode(202).extract().path("id");
        String path = "/api/v1/actions/" + id + "?wait=5";
        agent(stranger).get(path).then().statusCode(404).contentType("application/problem+json");
        admin().get(path).then().statusCode(403).contentType("application/problem+json");
        agent("agk_not-a-key").get(path).then().statusCode(401).contentType("application/problem+json");
        io.restassured.RestAssured.given().get(path).then().statusCode(401).contentType("application/problem+json");
        agent(owner).get("/api/v1/actions/not-a-uuid?wait=5").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aPollWhoseClientHangsUpLeavesNoWaiterBehind() throws Exception {
        String key = Api.gatedAgent(uniqueName("hangup"), null);
        String id = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().statusCode(202).extract().path("id");
        int before = waiters.size();
        var url = new java.net.URL(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port);
        try (var socket = new java.net.Socket(url.getHost(), url.getPort())) {
            socket.getOutputStream().write(("GET /api/v1/actions/" + id + "?wait=60 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> waiters.size() > before);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.size() <= before);
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
