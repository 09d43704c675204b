package io.agentgate.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.dashboard.Sessions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 11, items 5, 9 and 10: hostile input gets 4xx answers, every answer has its headers once. */
@QuarkusTest
class HostileInputTest {

    @Test
    void aCursorOutOfTheDateRangeIsAReadable400Page() {
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        assertBadCursor(viewer, "/dashboard/pending", cursor("99999999999999999.0." + UUID.randomUUID()));
        assertBadCursor(viewer, "/dashboard/resolved", cursor("-99999999999.0." + UUID.randomUUID()));
        assertBadCursor(viewer, "/dashboard/timed-out", cursor("1700000000.5000000000." + UUID.randomUUID()));
    }

    @Test
    void garbageCursorsAreRefusedNotIgnored() {
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        for (String garbage : List.of("!!!", "abc", cursor("1700000000.0"), cursor("1700000000.0.not-a-uuid"),
                cursor("x.0." + UUID.randomUUID()), cursor("1700000000.0." + UUID.randomUUID() + ".extra"),
                "A".repeat(300))) {
            assertBadCursor(viewer, "/dashboard/pending", garbage);
        }
        // no cursor, or an empty one, is the first page; a real one is read
        assertEquals(200, viewer.request().get("/dashboard/pending?after=").statusCode());
        assertEquals(200, viewer.request().get("/dashboard/resolved?after="
                + cursor("1700000000.0." + UUID.randomUUID())).statusCode());
    }

    private static void assertBadCursor(Sessions session, String list, String after) {
        Response r = session.request().urlEncodingEnabled(true).queryParam("after", after).get(list);
        assertEquals(400, r.statusCode(), after + ": " + r.asString());
        assertTrue(r.contentType().startsWith("text/html"), r.contentType());
        assertTrue(r.asString().contains("This page link is not valid"), r.asString());
    }

    private static String cursor(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void badPercentEncodingInAFormIsA400() {
        Response r = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .urlEncodingEnabled(false).body("token=%ZZ&approver=a").post("/approval/" + UUID.randomUUID());
        assertEquals(400, r.statusCode(), r.asString());
    }

    @Test
    void aFormFieldOver2048CharactersGetsTheDocumented400Page() {
        String key = Api.gatedAgent(Api.uniqueName("long-comment"), null);
        String id = Api.agent(key).body(java.util.Map.of("action", "book_meeting")).post("/api/v1/actions").then()
                .statusCode(202).extract().path("id");
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        Response r = alice.form().formParam("csrf", alice.csrf).formParam("decision", "APPROVED")
                .formParam("comment", "x".repeat(5000)).post("/dashboard/actions/" + id + "/decision");
        assertEquals(400, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("text/html"), r.contentType());
    }

    @Test
    void badRequestBodiesNameNoJavaClasses() {
        String key = Api.openAgent(Api.uniqueName("hostile"));
        for (String body : List.of("{\"action\":\"a\",\"context\":\"x\"}", "{\"action\":[1]}",
                "{\"action\":\"a\",\"timeoutSeconds\":\"soon\"}", "{\"action\":\"a\",\"toolArgs\":5}", "{\"action\":",
                "[]")) {
            String answer = Api.agent(key).body(body).post("/api/v1/actions").then().statusCode(400).extract()
                    .asString();
            for (String leak : List.of("com.fasterxml", "java.", "ObjectNode", "SubmitRequest", "io.agentgate",
                    "`")) {
                assertTrue(!answer.contains(leak), leak + " in " + answer);
            }
        }
    }

    @Test
    void pagesCarryNosniffOnceAndTheApiIsNotCached() {
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        Response page = viewer.request().get("/dashboard");
        assertEquals(1, page.headers().getValues("X-Content-Type-Options").size(), page.headers().toString());
        Response login = given().get("/");
        assertEquals(1, login.headers().getValues("X-Content-Type-Options").size());
        Api.admin().body(java.util.Map.of("name", Api.uniqueName("nostore"), "riskLevel", "LOW"))
                .post("/api/v1/agents").then().statusCode(201).header("Cache-Control", "no-store");
        Api.admin().post("/api/v1/agents/" + "nobody-" + UUID.randomUUID() + "/keys").then()
                .header("Cache-Control", "no-store");
    }

    @Test
    void theTooLargeAnswerHasTheSecurityHeaders() {
        Response r = Api.admin().body("{\"name\":\"" + "x".repeat(1_100_000) + "\"}").post("/api/v1/agents");
        assertEquals(413, r.statusCode());
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertEquals("no-store", r.header("Cache-Control"));
        assertTrue(r.header("Content-Security-Policy") != null);
    }

    @Test
    void theLiveStreamHasACspAndIsNotCached() throws Exception {
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        var url = new java.net.URL(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                + "/dashboard/events");
        var http = (java.net.HttpURLConnection) url.openConnection();
        StringBuilder cookie = new StringBuilder();
        viewer.cookies().forEach((k, v) -> cookie.append(k).append('=').append(v).append("; "));
        http.setRequestProperty("Cookie", cookie.toString());
        http.setRequestProperty("Accept", "text/event-stream");
        http.setReadTimeout(5000);
        try {
            assertEquals(200, http.getResponseCode());
            assertEquals("no-store", http.getHeaderField("Cache-Control"));
            assertTrue(http.getHeaderField("Content-Security-Policy").contains("frame-ancestors 'none'"));
        } finally {
            http.disconnect();
        }
    }
}
