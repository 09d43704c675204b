package io.agentgate.gate;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the MCP gateway forwards: the arguments to run, only for an action that may run. */
@QuarkusTest
class ToolArgsToRunTest {

    @Inject
    ActionQueries queries;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    private static UUID submit(String key, Map<String, Object> body, int status) {
        return UUID.fromString(agent(key).body(body).post("/api/v1/actions").then().statusCode(status)
                .extract().path("id"));
    }

    @Test
    void allowedActionRunsItsSubmittedArguments() throws Exception {
        String key = Api.openAgent(uniqueName("run"));
        UUID id = submit(key, Map.of("action", "search_knowledge_base", "toolName", "kb",
                "toolArgs", Map.of("q", "refunds", "limit", 5)), 200);
        assertEquals(json.readTree("{\"q\":\"refunds\",\"limit\":5}"),
                json.readTree(queries.toolArgsToRun(id).orElseThrow()));
        UUID bare = submit(key, Map.of("action", "search_knowledge_base"), 200);
        assertEquals(Optional.empty(), queries.toolArgsToRun(bare), "no tool arguments, nothing to forward");
    }

    @Test
    void pendingOrRejectedActionRunsNothingAndApprovedRunsItsArguments() {
        String key = Api.gatedAgent(uniqueName("run"), null);
        UUID approved = submit(key, Map.of("action", "book_meeting", "toolArgs", Map.of("room", "A")), 202);
        UUID rejected = submit(key, Map.of("action", "book_meeting", "toolArgs", Map.of("room", "B")), 202);
        assertEquals(Optional.empty(), queries.toolArgsToRun(approved), "pending: nothing may run yet");

        admin().body(Map.of("decision", "APPROVED", "decidedBy", "ops")).post("/api/v1/actions/" + approved
                + "/decision").then().statusCode(200);
        admin().body(Map.of("decision", "REJECTED", "decidedBy", "ops")).post("/api/v1/actions/" + rejected
                + "/decision").then().statusCode(200);

        assertEquals(Optional.of("{\"room\":\"A\"}"), queries.toolArgsToRun(approved));
        assertEquals(Optional.empty(), queries.toolArgsToRun(rejected));
        assertEquals(Optional.empty(), queries.toolArgsToRun(UUID.randomUUID()));
    }
}
