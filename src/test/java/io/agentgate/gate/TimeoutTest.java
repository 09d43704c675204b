package io.agentgate.gate;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.agent.AgentService;
import io.agentgate.audit.AuditLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TimeoutTest {

    @Inject
    GateService gate;

    @Inject
    ActionQueries queries;

    @Inject
    AgentService agents;

    @Inject
    TimeoutScheduler timeouts;

    @Test
    void pendingActionTimesOutClosedAtItsDeadline() {
        String key = Api.gatedAgent(uniqueName("to"), null);
        String id = agent(key).body(Map.of("action", "book_meeting", "timeoutSeconds", 1))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id");
        Instant deadline = queries.view(UUID.fromString(id)).deadline();

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() ->
                queries.view(UUID.fromString(id)).status() == ActionStatus.TIMED_OUT);
        ActionView view = queries.view(UUID.fromString(id));
        assertEquals("system", view.decidedBy());
        long lateMs = Duration.between(deadline, view.decidedAt()).toMillis();
        assertTrue(lateMs >= 0 && lateMs < 1000, "timed out " + lateMs + " ms after the deadline");

        admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(409)
                .body("currentStatus", equalTo("TIMED_OUT"));
        assertEquals(1L, (long) QuarkusTransaction.requiringNew().call(() ->
                AuditLog.count(AuditLog.TIMED_OUT, UUID.fromString(id))));
    }

    @Test
    void actionDueBeyondTheTimerHorizonGetsItsTimerFromTheSweepAndTimesOutOnTime() {
        // the test profile's horizon is 2 s: a 4 s timeout is armed by a sweep about 2 s later, not at submission
        String key = Api.gatedAgent(uniqueName("far"), null);
        String id = agent(key).body(Map.of("action", "book_meeting", "timeoutSeconds", 4))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id");
        UUID action = UUID.fromString(id);
        Instant deadline = queries.view(action).deadline();
        assertFalse(timeouts.isArmed(action), "no timer for an action due beyond the horizon");

        await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20)).until(() ->
                timeouts.isArmed(action) || queries.view(action).status() != ActionStatus.PENDING);
        assertTrue(Instant.now().isAfter(deadline.minusSeconds(3)), "armed once the deadline came within the horizon");
        await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20)).until(() ->
                queries.view(action).status() == ActionStatus.TIMED_OUT);
        long lateMs = Duration.between(deadline, queries.view(action).decidedAt()).toMillis();
        assertTrue(lateMs >= 0 && lateMs < 1000, "timed out " + lateMs + " ms after the deadline");
        assertFalse(timeouts.isArmed(action), "the fired timer is forgotten");
    }

    @Test
    void overdueRowWrittenWhileTimersWereNotRunningIsExpiredByTheSweep() {
        String name = uniqueName("overdue");
        Api.gatedAgent(name, null);
        UUID agentId = agents.get(name).id;
        UUID id = UUID.randomUUID();
        // as if written before a crash: no timer was ever armed for it
        QuarkusTransaction.requiringNew().run(() -> {
            Action a = new Action();
            a.id = id;
            a.agentId = agentId;
            a.agentName = name;
            a.action = "book_meeting";
            a.context = "{}";
            a.status = ActionStatus.PENDING;
            a.createdAt = Instant.now().minusSeconds(600);
            a.deadline = Instant.now().minusSeconds(300);
            a.requestHash = "0".repeat(64);
            a.persist();
        });
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() ->
                queries.view(id).status() == ActionStatus.TIMED_OUT);
    }
}
