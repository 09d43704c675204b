package io.agentgate.compliance;

import io.agentgate.dashboard.Sessions;
import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The printable compliance pages: rendering, escaping, headers and the admin's record form. */
@QuarkusTest
class CompliancePageTest {

    @Inject
    ComplianceService compliance;

    @Inject
    AuditChainStatus chain;

    @Test
    void agentPageShowsEveryCheckEscapedWithThePageHeadersAndTheFormForAdmins() {
        chain.refresh();
        String name = ComplianceReportTest.actingAgent(Records.highAgent(uniqueName("page"), true));
        Map<String, Object> body = Records.complete();
        body.put("technicalDocumentation", Map.of("met", true, "evidence", "<script>alert('x')</script> & more"));
        admin().body(body).put("/api/v1/agents/" + name + "/compliance").then().statusCode(200);

        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        String html = admin.request().get("/dashboard/compliance/" + name).then().statusCode(200)
                .contentType(ContentType.HTML)
                .header("Content-Security-Policy", equalTo("default-src 'self'; frame-ancestors 'none'; "
                        + "form-action 'self'; base-uri 'none'"))
                .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY").header("Cache-Control", "no-store")
                .extract().asString();
        assertTrue(html.contains("<title>Compliance: " + name + " · AgentGate</title>"), "the one layout");
        assertTrue(html.contains("<link rel=\"stylesheet\" href=\"/css/compliance.css\">"));
        for (Article a : Article.values()) {
            assertTrue(html.contains(a.label() + " " + a.title.replace(",", ",")), a.label());
        }
        assertTrue(html.contains("Score <strong>7/7</strong>"), html);
        assertFalse(html.contains("<script>"), "declared text is escaped");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), html);
        assertTrue(html.contains("<form method=\"post\" action=\"/dashboard/compliance/" + name + "\">"),
                "admin gets the form");
        assertTrue(html.contains("href=\"/dashboard/compliance\" aria-current=\"page\">Compliance</a>"),
                "in the dashboard's navigation");
        assertTrue(html.contains("name=\"riskManagement.met\" value=\"true\" checked"), "form shows the record");
        assertTrue(html.contains("/dashboard/compliance/" + name + "/report.md"));

        given().get("/css/compliance.css").then().statusCode(200).body(containsString("@media print"));
        admin.request().get("/dashboard/compliance/" + name + "/report.md").then().statusCode(200)
                .contentType(containsString("text/markdown")).body(containsString("### Art. 12 Record-keeping"));
    }

    @Test
    void viewersGetTheReportWithoutTheForm() {
        String name = ComplianceReportTest.actingAgent(Records.highAgent(uniqueName("viewer"), false));
        ComplianceReport report = compliance.report(name);
        String html = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD).request()
                .get("/dashboard/compliance/" + name).then().statusCode(200).extract().asString();
        assertFalse(html.contains("action=\"/dashboard/compliance/" + name + "\""), "no record form for viewers");
        assertTrue(html.contains("not compliant"));
        assertTrue(html.contains("no compliance record stored for this agent"));
        assertTrue(html.contains("Art. 14 Human oversight <span class=\"verdict verdict-fail\">failed</span>"), html);
        for (ComplianceReport.Gap gap : report.gaps()) {
            assertTrue(html.contains("<td>" + gap.article() + "</td>"), gap.toString());
        }
    }

    /** Issue 21, finding 14: {@code csrf=%&x=1} was a 500 (the form is decoded before the CSRF check runs). */
    @Test
    void aFormWithBrokenPercentEncodingIsA400NotA500() {
        String name = ComplianceReportTest.actingAgent(Records.highAgent(uniqueName("encoding"), true));
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        for (String body : List.of("csrf=%&x=1", "csrf=" + admin.csrf + "&responsible=%E", "x=%zz")) {
            var r = admin.form().urlEncodingEnabled(false).body(body).post("/dashboard/compliance/" + name);
            assertEquals(400, r.statusCode(), body + ": " + r.asString());
            assertTrue(r.asString().contains("not valid percent-encoding"), r.asString());
        }
        admin().get("/api/v1/agents/" + name + "/compliance/record").then().statusCode(404);
    }

    @Test
    void adminStoresTheRecordWithThePlainForm() {
        String name = ComplianceReportTest.actingAgent(Records.highAgent(uniqueName("form"), true));
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        var form = admin.form().formParam("csrf", admin.csrf)
                .formParam("riskManagement.met", "true").formParam("riskManagement.evidence", "RA-7")
                .formParam("humanOversight.met", "true").formParam("humanOversight.evidence", "Ops team, trained 2026-01")
                .formParam("dataGovernance.evidence", "draft only, not met")
                .formParam("responsible", "dpo@example.com");
        form.post("/dashboard/compliance/" + name).then().statusCode(303)
                .header("Location", endsWith("/dashboard/compliance/" + name + "?saved=true"));
        admin().get("/api/v1/agents/" + name + "/compliance/record").then().statusCode(200)
                .body("record.riskManagement.met", equalTo(true))
                .body("record.riskManagement.evidence", equalTo("RA-7"))
                .body("record.dataGovernance.met", equalTo(false))
                .body("record.dataGovernance.evidence", equalTo("draft only, not met"))
                .body("record.transparency.met", equalTo(false))
                .body("record.responsible", equalTo("dpo@example.com"));
        assertEquals(List.of(true, false, false, false, false, true, false), Records.FIELDS.stream()
                .map(f -> admin().get("/api/v1/agents/" + name + "/compliance").then().extract().jsonPath()
                        .getBoolean("checks." + Article.values()[Records.FIELDS.indexOf(f)].key + ".evidence[0].ok"))
                .toList());

        admin.form().formParam("responsible", "mallory@example.com")
                .post("/dashboard/compliance/" + name).then().statusCode(403);
        admin().get("/api/v1/agents/" + name + "/compliance/record").then()
                .body("record.responsible", equalTo("dpo@example.com"));
        String refused = admin.form().formParam("csrf", admin.csrf)
                .formParam("transparency.met", "true").formParam("transparency.evidence", " ")
                .post("/dashboard/compliance/" + name).then().statusCode(400).contentType(ContentType.HTML)
                .header("X-Frame-Options", "DENY").extract().asString();
        assertTrue(refused.contains("is required when met is true"), refused);
        assertTrue(refused.contains("name=\"transparency.met\" value=\"true\" checked"), "the submission is kept");
        admin().get("/api/v1/agents/" + name + "/compliance/record").then()
                .body("record.riskManagement.evidence", equalTo("RA-7"));
    }

    @Test
    void overviewListsAgentsAndOnlyDashboardSessionsGetIn() {
        String name = uniqueName("overview");
        String key = Api.register(Records.highAgent(name, true));
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        String html = viewer.request().get("/dashboard/compliance").then().statusCode(200)
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'")).extract().asString();
        assertTrue(html.contains("<h1>Governance checklist</h1>"));
        assertTrue(html.contains("<a href=\"/dashboard/compliance/" + name + "\">" + name + "</a>"), "agent listed");
        for (ComplianceReport.Category c : ComplianceReport.Category.values()) {
            assertTrue(html.contains("<h3>" + c.title + " "), c.title);
        }
        viewer.form().formParam("csrf", viewer.csrf).formParam("responsible", "x")
                .post("/dashboard/compliance/" + name).then().statusCode(403);
        // bearer credentials are API credentials, not dashboard sessions: sent to the login form
        given().redirects().follow(false).auth().oauth2(key).get("/dashboard/compliance").then().statusCode(302);
        given().redirects().follow(false).auth().oauth2(Api.ADMIN_TOKEN).get("/dashboard/compliance/" + name)
                .then().statusCode(302);
        given().redirects().follow(false).get("/dashboard/compliance/" + name).then().statusCode(302);
    }
}
