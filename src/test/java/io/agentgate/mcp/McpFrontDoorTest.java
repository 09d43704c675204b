package io.agentgate.mcp;

import static io.agentgate.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 21 at the door of /mcp: a session belongs to the agent that opened it (6), a body that is no JSON-RPC message
 * is a 400 with a JSON-RPC error, not a 500 (14), and errors say what happened in words, never a Java class (15).
 */
@QuarkusTest
class McpFrontDoorTest {

    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
             "capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}""";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    private static final String CALL = """
            {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"agentgate_request",
             "arguments":{"action":"search_knowledge_base","context":{"query":"%s"}}}}""";
    /** A Java class name: a dotted package and a class, or a bare ...Exception / ...Error. */
    static final Pattern JAVA_CLASS = Pattern.compile("\\b([a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*|\\b\\w+(Exception|Error)\\b");

    @TestHTTPResource("/")
    URI base;

    private static RequestSpecification mcp(String key, String session) {
        RequestSpecification spec = given().auth().oauth2(key).contentType(ContentType.JSON)
                .accept("application/json, text/event-stream");
        return session == null ? spec : spec.header("Mcp-Session-Id", session);
    }

    private static String open(String key) {
        String session = mcp(key, null).body(INITIALIZE).post("/mcp").then().statusCode(200).extract()
                .header("Mcp-Session-Id");
        assertNotNull(session);
        mcp(key, session).body(INITIALIZED).post("/mcp").then().statusCode(202);
        return session;
    }

    private static long actions(String agent) {
        return Api.admin().get("/api/v1/actions?agent=" + agent).then().statusCode(200).extract()
                .<List<?>>path("items").size();
    }

    @Test
    void anotherAgentWithTheSessionIdGets404AndTheSessionStaysItsOwners() {
        String a = uniqueName("owner");
        String b = uniqueName("intruder");
        String keyA = Api.openAgent(a);
        String keyB = Api.openAgent(b);
        String session = open(keyA);

        mcp(keyB, session).body(LIST).post("/mcp").then().statusCode(404)
                .body(not(containsString("agentgate_request")));
        mcp(keyB, session).body(CALL.formatted("from b")).post("/mcp").then().statusCode(404);
        mcp(keyB, session).get("/mcp").then().statusCode(404);
        mcp(keyB, session).delete("/mcp").then().statusCode(404);
        assertEquals(0, actions(a));
        assertEquals(0, actions(b));

        // A's session is untouched: it lists, calls and ends as before
        mcp(keyA, session).body(LIST).post("/mcp").then().statusCode(200)
                .body(containsString("agentgate_request"));
        mcp(keyA, session).body(CALL.formatted("from a")).post("/mcp").then().statusCode(200)
                .body(containsString("ALLOWED"));
        assertEquals(1, actions(a));
        mcp(keyA, session).delete("/mcp").then().statusCode(200);
        mcp(keyA, session).body(LIST).post("/mcp").then().statusCode(404);
    }

    @Test
    void anUnknownSessionAndAForeignOneLookTheSame() {
        String keyA = Api.openAgent(uniqueName("owner"));
        String keyB = Api.openAgent(uniqueName("prober"));
        String session = open(keyA);
        Response foreign = mcp(keyB, session).body(LIST).post("/mcp");
        Response unknown = mcp(keyB, "no-such-session").body(LIST).post("/mcp");
        assertEquals(404, foreign.statusCode());
        assertEquals(unknown.statusCode(), foreign.statusCode());
        assertEquals(unknown.body().asString(), foreign.body().asString());
    }

    @Test
    void theLegacySseSessionIsBoundToTheAgentThatInitializedIt() throws Exception {
        String keyA = Api.openAgent(uniqueName("sse-owner"));
        String keyB = Api.openAgent(uniqueName("sse-intruder"));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(base.resolve("/mcp/sse"))
                .header("Authorization", "Bearer " + keyA).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = stream.body()) {
            String endpoint = lines.filter(l -> l.startsWith("data:")).findFirst().orElseThrow().substring(5).trim();
            String path = URI.create(endpoint).getRawPath();
            assertTrue(path.startsWith("/mcp/messages/"), endpoint);
            mcp(keyA, null).body(INITIALIZE).post(path).then().statusCode(200);
            mcp(keyB, null).body(LIST).post(path).then().statusCode(404);
            mcp(keyA, null).body(LIST).post(path).then().statusCode(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "1", "\"x\"", "[1]", "true", "[{\"jsonrpc\":\"2.0\"}, 2]"})
    void aBodyThatIsNoJsonRpcMessageIsA400(String body) {
        String key = Api.openAgent(uniqueName("shapes"));
        for (String session : new String[] {null, open(key)}) {
            String answer = mcp(key, session).body(body).post("/mcp").then().statusCode(400)
                    .contentType(containsString("application/json"))
                    .body("jsonrpc", equalTo("2.0"))
                    .body("error.code", equalTo(-32600))
                    .extract().asString();
            assertFalse(JAVA_CLASS.matcher(answer).find(), answer);
        }
    }

    @Test
    void refusalsAtTheDoorNameNoJavaClass() {
        // the admin token is a credential but not an agent's
        String forbidden = given().auth().oauth2(Api.ADMIN_TOKEN).contentType(ContentType.JSON)
                .accept("application/json, text/event-stream").body(INITIALIZE).post("/mcp").then().statusCode(403)
                .extract().asString();
        assertFalse(JAVA_CLASS.matcher(forbidden).find(), forbidden);
        String unauthorized = given().auth().oauth2("agk_not-a-key").contentType(ContentType.JSON)
                .accept("application/json, text/event-stream").body(INITIALIZE).post("/mcp").then().statusCode(401)
                .extract().asString();
        assertFalse(JAVA_CLASS.matcher(unauthorized).find(), unauthorized);
        String noKey = given().contentType(ContentType.JSON).accept("application/json, text/event-stream")
                .body("null").post("/mcp").then().statusCode(401).extract().asString();
        assertFalse(JAVA_CLASS.matcher(noKey).find(), noKey);
    }
}
