package io.agentgate.observability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agentgate.Api;
import io.agentgate.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: with the management interface built in ({@code -Dquarkus.management.enabled=true}), metrics, health and
 * the OpenAPI document are served on the management port only, and the main port keeps the API and the pages. The
 * default build (every other test) serves them on the main port.
 */
@QuarkusTest
@TestProfile(ManagementInterfaceTest.Management.class)
class ManagementInterfaceTest {

    /** The management interface on a free port (the test default 9001 may be taken by another build). */
    public static class Management implements QuarkusTestProfile {

        static final int PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            // a database of its own, as every test profile has (the shared one belongs to the default profile)
            return TestDatabase.own("management", "quarkus.management.enabled", "true",
                    "quarkus.management.test-port", Integer.toString(PORT), "quarkus.management.host", "localhost");
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String management(String path) {
        return "http://localhost:" + Management.PORT + path;
    }

    @Test
    void metricsAreServedOnTheManagementPortAndNotOnTheMainPort() {
        String key = Api.openAgent(Api.uniqueName("management"));
        Api.agent(key).body(Map.of("action", "search_knowledge_base")).post("/api/v1/actions").then()
                .statusCode(200);
        given().get(management("/q/metrics")).then().statusCode(200)
                .body(containsString("ai_agent_actions_total"));
        given().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void healthAndTheOpenApiDocumentMoveToTheManagementPortToo() {
        for (String path : List.of("/q/health/live", "/q/health/ready")) {
            given().get(management(path)).then().statusCode(200).body("status", equalTo("UP"));
            given().get(path).then().statusCode(404);
        }
        given().accept("application/json").get(management("/q/openapi?format=json")).then().statusCode(200)
                .body("info.title", equalTo("AgentGate API"));
        given().get("/q/openapi").then().statusCode(404);
    }

    @Test
    void theMainPortKeepsTheApiAndThePages() {
        Api.admin().get("/api/v1/agents").then().statusCode(200);
        given().get("/").then().statusCode(200).body(containsString("j_security_check"));
        given().get(management("/api/v1/agents")).then().statusCode(404);
    }
}
