package io.agentgate.compliance;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.audit.AuditEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The EU AI Act report, record, checklist and Markdown export over the admin API (shared test database). */
@QuarkusTest
class ComplianceReportTest {

    @Inject
    AuditChainStatus chain;

    @BeforeEach
    void verifiedChain() {
        assertTrue(chain.refresh().result().valid(), "the shared test database's audit chain is intact");
    }

    /** A registered agent that has already acted once through the gate. */
    static String actingAgent(Map<String, Object> registration) {
        String key = Api.register(registration);
        agent(key).body(Map.of("action", "search_docs")).post("/api/v1/actions").then().statusCode(200);
        return (String) registration.get("name");
    }

    static JsonPath report(String name) {
        return admin().get("/api/v1/agents/" + name + "/compliance").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void completeRecordAndAGatedHighRiskAgentPassEveryArticle() {
        String name = actingAgent(Records.highAgent(uniqueName("complete"), true));
        admin().body(Records.complete()).put("/api/v1/agents/" + name + "/compliance").then().statusCode(200)
                .body("compliance_score", equalTo("7/7"));

        JsonPath r = report(name);
        assertEquals(name, r.getString("agent"));
        assertEquals("7/7", r.getString("compliance_score"));
        assertTrue(r.getBoolean("compliant"), r.prettify());
        assertEquals(List.of(), r.getList("gaps"));
        Map<String, Object> checks = r.getMap("checks");
        assertEquals(List.of("art9_risk_management", "art10_data_governance", "art11_technical_documentation",
                "art12_record_keeping", "art13_transparency", "art14_human_oversight", "art15_accuracy_robustness"),
                List.copyOf(checks.keySet()));
        for (String key : checks.keySet()) {
            assertTrue(r.getBoolean("checks." + key + ".passed"), key);
            assertEquals("declared+derived", r.getString("checks." + key + ".basis"), key);
            assertEquals("declared", r.getString("checks." + key + ".evidence[0].source"));
        }
        // Art. 12 and 14 rest on the system's state, and say what they read
        List<String> art12 = r.getList("checks.art12_record_keeping.evidence.fact");
        assertTrue(art12.get(1).startsWith("hash chain valid: "), art12.toString());
        assertTrue(art12.get(1).contains(" ago"), "the verification's age: " + art12);
        assertTrue(art12.get(2).contains("agentgate.audit.retention is 400 days"), art12.toString());
        assertTrue(art12.get(3).contains("latest action event"), art12.toString());
        List<String> art14 = r.getList("checks.art14_human_oversight.evidence.fact");
        assertTrue(art14.get(1).contains("approval required when action == 'execute_transaction', by "
                + "[alice@example.com]"), art14.toString());
        assertTrue(art14.get(2).contains("POST /api/v1/actions/{id}/decision"), art14.toString());
        assertTrue(art14.get(2).contains("TIMED_OUT after 5 min (approval.timeoutSeconds)"), art14.toString());
        assertEquals(List.of("declared", "derived", "derived", "derived"),
                r.getList("checks.art12_record_keeping.evidence.source"));

        // the stored record reads back, and the change is in the audit trail with who made it
        admin().get("/api/v1/agents/" + name + "/compliance/record").then().statusCode(200)
                .body("record.dataGovernance.met", equalTo(true))
                .body("record.responsible", equalTo("compliance@example.com"))
                .body("updatedBy", equalTo("admin"));
        assertEquals(1L, (long) QuarkusTransaction.requiringNew().call(() ->
                AuditEvent.count("agentName = ?1 and type = ?2", name, ComplianceService.UPDATED)));
    }

    @Test
    void incompleteRecordFailsWithGapsThatSayWhatToDo() {
        String name = actingAgent(Records.highAgent(uniqueName("incomplete"), true));
        JsonPath none = report(name);
        assertEquals("0/7", none.getString("compliance_score"));
        assertFalse(none.getBoolean("compliant"));
        assertTrue(none.getList("gaps.missing").contains("no compliance record stored for this agent"));

        admin().body(Records.only("riskManagement", "recordKeeping", "humanOversight"))
                .put("/api/v1/agents/" + name + "/compliance").then().statusCode(200);
        JsonPath r = report(name);
        assertEquals("3/7", r.getString("compliance_score"));
        assertFalse(r.getBoolean("compliant"));
        assertTrue(r.getBoolean("checks.art9_risk_management.passed"));
        assertFalse(r.getBoolean("checks.art10_data_governance.passed"));
        assertEquals(List.of("Art. 10", "Art. 11", "Art. 13", "Art. 15"), r.getList("gaps.article"));
        assertEquals(List.of("art10_data_governance", "art11_technical_documentation", "art13_transparency",
                "art15_accuracy_robustness"), r.getList("gaps.check"));
        Map<String, Object> art10 = r.getMap("gaps[0]");
        assertTrue(((String) art10.get("missing")).startsWith("not declared as met"), art10.toString());
        assertTrue(((String) art10.get("remedy")).contains("document which data the agent reads and sends"),
                art10.toString());
        assertTrue(((String) art10.get("remedy")).contains("PUT /api/v1/agents/" + name + "/compliance"),
                art10.toString());
    }

    @Test
    void highRiskAgentWithoutApprovalGateFailsHumanOversight() {
        String name = actingAgent(Records.highAgent(uniqueName("ungated"), false));
        admin().body(Records.complete()).put("/api/v1/agents/" + name + "/compliance").then().statusCode(200);
        JsonPath r = report(name);
        assertEquals("6/7", r.getString("compliance_score"));
        assertFalse(r.getBoolean("checks.art14_human_oversight.passed"));
        assertEquals(List.of(true, false, true), r.getList("checks.art14_human_oversight.evidence.ok"));
        assertEquals("approval not required; review policies that apply: none",
                r.getString("checks.art14_human_oversight.evidence[1].fact"));
        assertEquals(1, r.getList("gaps").size());
        assertEquals("Art. 14", r.getString("gaps[0].article"));
        assertTrue(r.getString("gaps[0].remedy").contains("set approval.required=true with at least one approver"));

        // the same agent as MEDIUM needs no gate
        Map<String, Object> medium = new HashMap<>(Records.highAgent(name, false));
        medium.put("riskLevel", "MEDIUM");
        admin().body(medium).put("/api/v1/agents/" + name).then().statusCode(200);
        assertTrue(report(name).getBoolean("checks.art14_human_oversight.passed"));
    }

    @Test
    void invalidRecordIsRefusedWithFieldErrorsAndStoresNothing() {
        String name = actingAgent(Records.highAgent(uniqueName("invalid"), true));
        Map<String, Object> body = Records.complete();
        body.put("riskManagement", Map.of("met", true, "evidence", "  "));
        body.put("dataGovernance", Map.of("met", true, "evidence", "x".repeat(2001)));
        admin().body(body).put("/api/v1/agents/" + name + "/compliance").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("dataGovernance.evidence", "riskManagement.evidence")))
                .body("errors[1].message", containsString("required when met is true"));
        admin().body("{\"riskManagement\":{\"met\":\"perhaps\"}}").put("/api/v1/agents/" + name + "/compliance")
                .then().statusCode(400).body("errors[0].field", equalTo("riskManagement.met"));
        admin().get("/api/v1/agents/" + name + "/compliance/record").then().statusCode(404);
        assertEquals(0L, (long) QuarkusTransaction.requiringNew().call(() ->
                AuditEvent.count("agentName = ?1 and type = ?2", name, ComplianceService.UPDATED)));
        admin().body(Records.complete()).put("/api/v1/agents/no-such-agent-x/compliance").then().statusCode(404);
    }

    @Test
    void onlyTheAdminTokenReadsOrWritesRecords() {
        String name = uniqueName("guarded");
        String key = Api.register(Records.highAgent(name, true));
        agent(key).get("/api/v1/agents/" + name + "/compliance").then().statusCode(403);
        agent(key).body(Records.complete()).put("/api/v1/agents/" + name + "/compliance").then().statusCode(403);
        io.restassured.RestAssured.given().get("/api/v1/agents/" + name + "/compliance").then().statusCode(401);
        io.restassured.RestAssured.given().get("/api/v1/compliance/checklist").then().statusCode(401);
    }

    @Test
    void markdownExportHasEveryCheckWithItsEvidence() {
        String name = actingAgent(Records.highAgent(uniqueName("export"), false));
        Map<String, Object> body = Records.complete();
        body.put("transparency", Map.of("met", true, "evidence", "Guide <script>alert(1)</script> | [x](http://evil)"));
        admin().body(body).put("/api/v1/agents/" + name + "/compliance").then().statusCode(200);
        JsonPath r = report(name);

        var response = admin().get("/api/v1/agents/" + name + "/compliance.md").then().statusCode(200)
                .contentType(containsString("text/markdown"))
                .header("Content-Disposition", containsString("attachment; filename=\"agentgate-compliance-" + name
                        + "-"))
                .header("Content-Disposition", containsString(".md\"")).extract();
        String md = response.asString();
        assertTrue(md.startsWith("# EU AI Act compliance report: " + MarkdownExport.text(name)), md);
        assertTrue(md.contains("| Compliance score | 6/7 articles |"), md);
        Map<String, Object> checks = r.getMap("checks");
        for (String key : checks.keySet()) {
            String article = r.getString("checks." + key + ".article");
            String title = r.getString("checks." + key + ".title");
            boolean passed = r.getBoolean("checks." + key + ".passed");
            assertTrue(md.contains("### " + article + " " + MarkdownExport.text(title) + ": "
                    + (passed ? "PASSED" : "FAILED")), key + " in\n" + md);
            List<Map<String, Object>> evidence = r.getList("checks." + key + ".evidence");
            for (Map<String, Object> e : evidence) {
                String line = "- [" + ((Boolean) e.get("ok") ? "x" : " ") + "] **"
                        + MarkdownExport.text((String) e.get("item")) + "** (" + e.get("source") + "): "
                        + MarkdownExport.text((String) e.get("fact"));
                assertTrue(md.contains(line), "evidence line\n" + line + "\nin\n" + md);
            }
        }
        assertTrue(md.contains("| Art. 14 | approval not required"), md);
        assertTrue(md.contains("## Governance checklist"), md);
        for (String section : List.of("Risk assessment", "Policy definition", "Technical controls", "Monitoring",
                "Compliance")) {
            assertTrue(md.contains("### " + section), section);
        }
        // what people typed cannot become HTML, links or table cells
        assertFalse(md.contains("<script>"), md);
        assertTrue(md.contains("Guide \\<script\\>alert(1)\\</script\\> \\| \\[x\\](http://evil)"), md);

        admin().get("/api/v1/compliance/checklist.md").then().statusCode(200)
                .contentType(containsString("text/markdown"))
                .header("Content-Disposition", containsString("agentgate-compliance-checklist-"))
                .body(containsString("# AgentGate governance checklist"))
                .body(containsString("| " + MarkdownExport.text(name) + " | HIGH | 6/7 | no | yes |"));
    }

    @Test
    void checklistJsonPerAgentAndOverall() {
        String gated = actingAgent(Records.highAgent(uniqueName("listed"), true));
        admin().body(Records.complete()).put("/api/v1/agents/" + gated + "/compliance").then().statusCode(200);
        String ungated = actingAgent(Records.highAgent(uniqueName("listed-open"), false));

        JsonPath one = admin().get("/api/v1/agents/" + gated + "/checklist").then().statusCode(200).extract()
                .jsonPath();
        assertEquals(gated, one.getString("agent"));
        assertTrue(one.getBoolean("complete"), one.prettify());
        assertEquals(List.of("risk_assessment", "policy_definition", "technical_controls", "monitoring", "compliance"),
                one.getList("sections.category"));
        for (int i = 0; i < 5; i++) {
            assertFalse(one.getList("sections[" + i + "].items").isEmpty(), "items in section " + i);
        }
        assertTrue(one.getList("sections[2].items.item").contains("Approval gate (Art. 14)"));
        assertTrue(one.getList("sections[3].items.item").contains("Audit chain intact (Art. 12)"));
        assertEquals("EU AI Act report", one.getString("sections[4].items[-1].item"));
        assertTrue(one.getString("sections[4].items[-1].evidence").startsWith("7/7"));

        JsonPath open = admin().get("/api/v1/agents/" + ungated + "/checklist").then().statusCode(200).extract()
                .jsonPath();
        assertFalse(open.getBoolean("complete"));
        assertFalse(open.getBoolean("sections[2].passed"), "technical controls");
        Map<String, Object> gate = open.getMap("sections[2].items.find { it.item == 'Approval gate (Art. 14)' }");
        assertEquals(false, gate.get("passed"));
        assertTrue(((String) gate.get("remedy")).contains("approval.required"));

        admin().get("/api/v1/compliance/checklist").then().statusCode(200)
                .body("sections.category", hasItem("technical_controls"))
                .body("sections.find { it.category == 'technical_controls' }.items.find { it.item.startsWith('Every HIGH') }.evidence",
                        containsString(ungated))
                .body("sections.find { it.category == 'technical_controls' }.items.find { it.item.startsWith('Every HIGH') }.evidence",
                        not(containsString(gated)))
                .body("agents.find { it.agent == '" + gated + "' }.compliance_score", equalTo("7/7"))
                .body("agents.find { it.agent == '" + gated + "' }.compliant", equalTo(true))
                .body("agents.find { it.agent == '" + ungated + "' }.record_on_file", equalTo(false));
    }
}
