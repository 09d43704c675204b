package io.agentgate.audit;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A trail written by the version before the audit key, as the V18 migration leaves it: three events chained the old
 * way (plain SHA-256, no key id), the head after them with no key id, and one row an even older version left without
 * a position. The application verifies the old part as unkeyed, chains on keyed from the upgrade point, and catches
 * keyed events rewritten as unkeyed ones.
 */
@QuarkusTest
@TestProfile(AuditKeyUpgradeTest.OwnDatabase.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditKeyUpgradeTest {

    static final int UNKEYED = 4;

    /** Own database, nothing written at start (no governance file); the unkeyed part pinned as src/docs/audit.md advises. */
    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("audit-upgrade", "agentgate.governance-file", "",
                    "agentgate.audit.last-unkeyed-seq", String.valueOf(UNKEYED));
        }
    }

    /** Three events chained the old way (SHA-256, no key id), the head after them, and one unchained row. */
    private void writeUnkeyedChain() {
        try (Connection c = dataSource.getConnection()) {
            String prev = AuditHash.GENESIS;
            Instant at = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
            for (int i = 1; i <= 4; i++) {
                AuditEvent e = new AuditEvent();
                e.eventId = UUID.randomUUID();
                e.occurredAt = at.plusSeconds(i);
                e.type = "agent.created";
                e.agentName = "old-agent-" + i;
                e.actor = "admin";
                e.details = "{\"version\":\"before the audit key\",\"i\":" + i + "}";
                boolean chained = i < 4;
                if (chained) {
                    e.seq = (long) i;
                    e.prevHash = prev;
                    e.hash = AuditHash.unkeyed(e);
                    prev = e.hash;
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (event_id, occurred_at, type,"
                        + " agent_name, actor, details, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setObject(1, e.eventId);
                    ps.setObject(2, e.occurredAt.atOffset(ZoneOffset.UTC));
                    ps.setString(3, e.type);
                    ps.setString(4, e.agentName);
                    ps.setString(5, e.actor);
                    ps.setString(6, e.details);
                    ps.setObject(7, e.seq);
                    ps.setString(8, e.prevHash);
                    ps.setString(9, e.hash);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE audit_chain_head SET seq = 3, hash = ?, key_id = NULL WHERE seq = 0")) {
                ps.setString(1, prev);
                assertEquals(1, ps.executeUpdate(), "nothing was chained before");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the old database: " + e.getMessage(), e);
        }
    }

    @Inject
    AuditKeys keys;

    @Inject
    AuditLog audit;

    @Inject
    DataSource dataSource;

    private void sql(String statement, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static List<AuditEvent> chain() {
        return QuarkusTransaction.requiringNew().call(() -> AuditEvent.<AuditEvent>list("seq is not null order by seq"));
    }

    @Test
    @Order(1)
    void theOldChainVerifiesAsUnkeyedAndTheChainGoesOnKeyedAfterTheMarker() {
        writeUnkeyedChain();
        audit.chainUnchained(null); // as at the start of the upgraded version
        List<AuditEvent> before = chain();
        assertEquals(UNKEYED, before.size(), "the unchained row was chained at start, unkeyed like its version");
        assertTrue(before.stream().allMatch(e -> e.keyId == null));
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(true)).body("events", equalTo(UNKEYED))
                .body("unkeyedUpToSeq", equalTo(UNKEYED));

        String key = Api.openAgent(uniqueName("upgraded"));
        agent(key).body(Map.of("action", "search")).post("/api/v1/actions").then().statusCode(200);
        List<AuditEvent> after = chain();
        AuditEvent marker = after.get(UNKEYED);
        assertEquals(AuditLog.KEYED, marker.type);
        assertEquals(keys.current().id(), marker.keyId);
        assertTrue(marker.details.contains("\"unkeyedUpToSeq\":" + UNKEYED), marker.details);
        assertTrue(after.subList(UNKEYED, after.size()).stream().allMatch(e -> keys.current().id().equals(e.keyId)));
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(true))
                .body("events", equalTo(after.size())).body("unkeyedUpToSeq", equalTo(UNKEYED));
    }

    @Test
    @Order(2)
    void editingAnUnkeyedEventIsStillCaught() throws Exception {
        AuditEvent second = chain().get(1);
        sql("UPDATE audit_event SET details = ? WHERE seq = 2", "{\"edited\":true}");
        try {
            admin().get("/api/v1/audit/verify").then().body("valid", equalTo(false)).body("brokenAtSeq", equalTo(2))
                    .body("reason", containsString("edited"));
        } finally {
            sql("UPDATE audit_event SET details = ? WHERE seq = 2", second.details);
        }
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(true));
    }

    @Test
    @Order(3)
    void keyedEventsRewrittenAsUnkeyedAreCaught() throws Exception {
        long head = chain().size();
        sql("CREATE TABLE audit_saved AS SELECT * FROM audit_event WHERE seq > " + UNKEYED);
        String headHash = chain().get((int) head - 1).hash;
        try {
            // the whole keyed chain (and the head) passed off as unkeyed: the pinned boundary catches it (without
            // the pin this would read as a longer unkeyed prefix: see ChainCheckTest and src/docs/audit.md)
            rewriteAsUnkeyed(UNKEYED + 1, head);
            admin().get("/api/v1/audit/verify").then().body("valid", equalTo(false))
                    .body("brokenAtSeq", equalTo(UNKEYED + 1))
                    .body("reason", containsString("agentgate.audit.last-unkeyed-seq is " + UNKEYED));
        } finally {
            sql("DELETE FROM audit_event WHERE seq > " + UNKEYED);
            sql("INSERT INTO audit_event SELECT * FROM audit_saved");
            sql("DROP TABLE audit_saved");
            sql("UPDATE audit_chain_head SET hash = ?, key_id = ?", headHash, keys.current().id());
        }
        admin().get("/api/v1/audit/verify").then().body("valid", equalTo(true));
    }

    /** Rechains events {@code from..head} as unkeyed (plain SHA-256, no key id) and moves the head. */
    private static void rewriteAsUnkeyed(long from, long head) {
        QuarkusTransaction.requiringNew().run(() -> {
            List<AuditEvent> events = AuditEvent.list("seq >= ?1 order by seq", from);
            assertEquals(head, events.get(events.size() - 1).seq);
            String prev = events.get(0).prevHash;
            for (AuditEvent e : events) {
                e.prevHash = prev;
                e.keyId = null;
                e.hash = AuditHash.unkeyed(e);
                prev = e.hash;
            }
            AuditChainHead row = AuditChainHead.findById(AuditChainHead.ID);
            row.hash = prev;
            row.keyId = null;
        });
        assertNull(QuarkusTransaction.requiringNew().call(() ->
                AuditEvent.<AuditEvent>find("seq", from).firstResult().keyId));
    }
}
