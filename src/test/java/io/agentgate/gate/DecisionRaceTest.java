package io.agentgate.gate;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.TestClock;
import io.agentgate.audit.AuditLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DecisionRaceTest {

    @Inject
    GateService gate;

    @Inject
    ActionQueries queries;

    @Inject
    TestClock clock;

    @AfterEach
    void releaseClock() {
        clock.release();
    }

    private static long audits(String type, UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> AuditLog.count(type, id));
    }

    @Test
    void fiftyConcurrentDecisionsHaveExactlyOneWinner() throws Exception {
        String key = Api.gatedAgent(uniqueName("race"), null);
        String id = agent(key).body(Map.of("action", "book_meeting")).post("/api/v1/actions")
                .then().statusCode(202).extract().path("id");

        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                String decision = i % 2 == 0 ? "APPROVED" : "REJECTED";
                String approver = "approver" + i + "@example.com";
                answers.add(pool.submit(() -> {
                    start.await();
                    return admin().body(Map.of("decision", decision, "decidedBy", approver))
                            .post("/api/v1/actions/" + id + "/decision").statusCode();
                }));
            }
            start.countDown();
            int ok = 0;
            int conflict = 0;
            for (Future<Integer> f : answers) {
                int status = f.get();
                if (status == 200) {
                    ok++;
                } else if (status == 409) {
                    conflict++;
                }
            }
            assertEquals(1, ok, "exactly one decision wins");
            assertEquals(49, conflict, "every other decision is told it lost");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, audits(AuditLog.DECIDED, UUID.fromString(id)), "one decided audit event");
        String status = agent(key).get("/api/v1/actions/" + id).then().extract().path("status");
        assertTrue(status.equals("APPROVED") || status.equals("REJECTED"));
    }

    @Test
    void decisionExactlyAtTheDeadlineLosesToTheTimeout() throws Exception {
        String key = Api.gatedAgent(uniqueName("edge"), 60);
        UUID id = UUID.fromString(agent(key).body(Map.of("action", "book_meeting"))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id"));
        Instant deadline = queries.view(id).deadline();
        clock.pin(deadline);

        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                boolean decide = i % 2 == 0;
                results.add(pool.submit(() -> {
                    start.await();
                    if (decide) {
                        return admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com"))
                                .post("/api/v1/actions/" + id + "/decision").statusCode();
                    }
                    return gate.expire(id);
                }));
            }
            start.countDown();
            int expiredBySweeper = 0;
            for (Future<Object> f : results) {
                Object r = f.get();
                if (r instanceof Integer status) {
                    assertEquals(409, status, "no approval at the deadline");
                } else if (Boolean.TRUE.equals(r)) {
                    expiredBySweeper++;
                }
            }
            assertTrue(expiredBySweeper <= 1);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(ActionStatus.TIMED_OUT, queries.view(id).status());
        assertEquals(1, audits(AuditLog.TIMED_OUT, id));
        assertEquals(0, audits(AuditLog.DECIDED, id));
    }

    @Test
    void decisionJustBeforeTheDeadlineWinsAndTheTimeoutFindsNothing() {
        String key = Api.gatedAgent(uniqueName("edge2"), 60);
        UUID id = UUID.fromString(agent(key).body(Map.of("action", "book_meeting"))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id"));
        Instant deadline = queries.view(id).deadline();
        clock.pin(deadline.minusNanos(1_000));
        admin().body(Map.of("decision", "REJECTED", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
        clock.pin(deadline.plusSeconds(1));
        assertFalse(gate.expire(id), "a decided action never times out");
        assertEquals(ActionStatus.REJECTED, queries.view(id).status());
        assertEquals(0, audits(AuditLog.TIMED_OUT, id));
    }
}
