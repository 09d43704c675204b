package io.agentgate.audit;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.agentgate.Api;
import io.agentgate.TestClock;
import io.agentgate.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rotating the audit key: events chained under key 1, then key 2 set as the current key with key 1 kept in
 * previous-keys. The rotation is the configuration the running application sees ({@link AuditKeys} replaced for one
 * test), on a database of its own.
 */
@QuarkusTest
@TestProfile(AuditKeyRotationTest.OwnDatabase.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditKeyRotationTest {

    /** The test profile's agentgate.audit.key. */
    static final String KEY_1 = "test-audit-key-0123456789abcdef0123456789a";
    static final String KEY_2 = "rotated-audit-key-abcdefghijklmnopqrstuvwxyz-0123";
    static final String ID_1 = new AuditKeys(KEY_1, List.of()).current().id();
    static final String ID_2 = new AuditKeys(KEY_2, List.of()).current().id();

    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("audit-rotation", "agentgate.governance-file", "",
                    "agentgate.audit.retention", "30d", "agentgate.audit.prune-interval", "off");
        }
    }

    @Inject
    AuditLog audit;

    @Inject
    AuditRetention retention;

    @Inject
    TestClock clock;

    private void record(int n, String type) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < n; i++) {
                audit.record(type, null, null, "test", Map.of("i", i));
            }
        });
    }

    private static long count(String where, Object... params) {
        return QuarkusTransaction.requiringNew().call(() -> AuditEvent.count(where, params));
    }

    @Test
    @Order(1)
    void eventsOfAnOlderKeyVerifyWhileItIsKeptAndAreReportedUnverifiableWithoutIt() {
        assertNotEquals(ID_1, ID_2);
        String agentKey = Api.openAgent(uniqueName("rotation"));
        record(4, "test.key1");
        agent(agentKey).body(Map.of("action", "search")).post("/api/v1/actions").then().statusCode(200);
        long underKey1 = count("keyId", ID_1);
        assertEquals(count("seq is not null"), underKey1, "every event so far under the test profile's key");
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(true)).body("events", equalTo((int) underKey1));

        // key 2 becomes the current key, key 1 stays for verification
        QuarkusMock.installMockForType(new AuditKeys(KEY_2, List.of(KEY_1)), AuditKeys.class);
        record(3, "test.key2");
        agent(agentKey).body(Map.of("action", "search")).post("/api/v1/actions").then().statusCode(200);
        long underKey2 = count("keyId", ID_2);
        assertEquals(3 + 1, underKey2, "new events, also through the gate's write path, under key 2");
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(true))
                .body("events", equalTo((int) (underKey1 + underKey2))).body("unverifiable", nullValue());
        String lastLine = admin().accept(AuditResource.NDJSON).get("/api/v1/audit?type=test.key2").then()
                .extract().asString().lines().reduce((a, b) -> b).orElseThrow();
        assertEquals(ID_2, AuditTrailTest.readTreeStatic(lastLine).get("keyId").asText());

        // key 1 dropped from the verification set: its part of the chain can no longer be vouched for
        QuarkusMock.installMockForType(new AuditKeys(KEY_2, List.of()), AuditKeys.class);
        admin().get("/api/v1/audit/verify").then().statusCode(200)
                .body("valid", equalTo(false))
                .body("brokenAtSeq", equalTo(1))
                .body("unverifiable", equalTo((int) underKey1))
                .body("events", equalTo((int) (underKey1 + underKey2)))
                .body("reason", allOf(containsString("cannot be verified: events 1.." + underKey1 + " ("
                        + underKey1 + ") under key " + ID_1), containsString("the other " + underKey2
                        + " events verify")));
    }

    @Test
    @Order(2)
    void aCheckpointSignedWithTheOlderKeyVerifiesAfterTheRotationAndTheKeyCanGoOnceNothingIsUnderIt() {
        // key 1 is current again (the replacement ended with the test before): prune everything behind a
        // checkpoint signed with key 1
        clock.pin(Instant.now().plus(Duration.ofDays(60)));
        try {
            assertEquals(count("seq is not null"), retention.prune());
        } finally {
            clock.release();
        }
        long checkpointSeq = QuarkusTransaction.requiringNew().call(() ->
                AuditCheckpoint.<AuditCheckpoint>find("order by upToSeq desc").firstResult().upToSeq);
        assertEquals(ID_1, QuarkusTransaction.requiringNew().call(() ->
                AuditCheckpoint.<AuditCheckpoint>find("order by upToSeq desc").firstResult().keyId));

        QuarkusMock.installMockForType(new AuditKeys(KEY_2, List.of(KEY_1)), AuditKeys.class);
        record(2, "test.after-prune");
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(true))
                .body("checkpointSeq", equalTo((int) checkpointSeq));

        QuarkusMock.installMockForType(new AuditKeys(KEY_2, List.of()), AuditKeys.class);
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(false))
                .body("reason", containsString("is signed with audit key " + ID_1 + ", which is not configured"));

        // once retention pruned the last event under key 1 (behind a checkpoint signed with key 2), key 1 can go
        QuarkusMock.installMockForType(new AuditKeys(KEY_2, List.of(KEY_1)), AuditKeys.class);
        clock.pin(Instant.now().plus(Duration.ofDays(120)));
        try {
            retention.prune();
        } finally {
            clock.release();
        }
        QuarkusMock.installMockForType(new AuditKeys(KEY_2, List.of()), AuditKeys.class);
        assertEquals(0, count("keyId = ?1", ID_1));
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(true));
    }
}
