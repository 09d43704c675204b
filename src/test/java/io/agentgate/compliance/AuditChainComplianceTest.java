package io.agentgate.compliance;

import io.agentgate.TestDatabase;
import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.audit.AuditEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Art. 12 rests on the real audit trail: a row edited behind AgentGate's back fails it, on a database of its own
 * (the tampering never touches the shared test database).
 */
@QuarkusTest
@TestProfile(AuditChainComplianceTest.OwnDatabase.class)
class AuditChainComplianceTest {

    /** Own database, no governance file. */
    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("compliance-chain", "agentgate.governance-file", "");
        }
    }

    @Inject
    AuditChainStatus chain;

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

    @Test
    void brokenAuditChainFailsRecordKeepingUntilItIsRestored() throws Exception {
        // before any verification, a report starts one in the background and says so
        assertTrue(chain.peek().isEmpty());
        String name = ComplianceReportTest.actingAgent(Records.highAgent(uniqueName("chain"), true));
        admin().body(Records.complete()).put("/api/v1/agents/" + name + "/compliance").then().statusCode(200);
        JsonPath first = ComplianceReportTest.report(name);
        if (chain.peek().isEmpty()) {
            assertFalse(first.getBoolean("checks.art12_record_keeping.passed"));
            assertTrue(first.getString("checks.art12_record_keeping.evidence[1].fact").contains("not been verified"));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> chain.peek().isPresent());

        chain.refresh();
        JsonPath intact = ComplianceReportTest.report(name);
        assertTrue(intact.getBoolean("compliant"), intact.prettify());

        AuditEvent target = QuarkusTransaction.requiringNew().call(() -> AuditEvent.<AuditEvent>find(
                "agentName = ?1 and type = 'action.submitted'", name).firstResult());
        sql("UPDATE audit_event SET details = ? WHERE seq = ?", target.details.replace("search_docs", "s3arch_docs"),
                target.seq);
        try {
            // the cached result stands until the next verification...
            assertTrue(ComplianceReportTest.report(name).getBoolean("checks.art12_record_keeping.passed"));
            // ...which finds the edit
            admin().post("/api/v1/compliance/audit-verification").then().statusCode(200)
                    .body("result.valid", org.hamcrest.Matchers.equalTo(false))
                    .body("result.brokenAtSeq", org.hamcrest.Matchers.equalTo(target.seq.intValue()));
            JsonPath broken = ComplianceReportTest.report(name);
            assertFalse(broken.getBoolean("compliant"));
            assertEquals("6/7", broken.getString("compliance_score"));
            assertFalse(broken.getBoolean("checks.art12_record_keeping.passed"));
            assertEquals(List.of(true, false, true, true), broken.getList("checks.art12_record_keeping.evidence.ok"));
            String fact = broken.getString("checks.art12_record_keeping.evidence[1].fact");
            assertTrue(fact.startsWith("hash chain broken at event #" + target.seq + ": content does not match its "
                    + "hash: the event was edited; verified "), fact);
            assertTrue(fact.contains(" ago"), fact);
            assertEquals(1, broken.getList("gaps").size());
            assertEquals("Art. 12", broken.getString("gaps[0].article"));
            assertTrue(broken.getString("gaps[0].remedy").contains("treat it as an incident"));
            admin().get("/api/v1/compliance/checklist").then().statusCode(200)
                    .body("sections.find { it.category == 'monitoring' }.passed", org.hamcrest.Matchers.equalTo(false));
        } finally {
            sql("UPDATE audit_event SET details = ? WHERE seq = ?", target.details, target.seq);
        }
        assertTrue(chain.refresh().result().valid());
        assertTrue(ComplianceReportTest.report(name).getBoolean("compliant"));
    }
}
