package io.agentgate.common;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.agentgate.client.ApiClient;
import io.agentgate.client.ApiException;
import io.agentgate.client.api.ActionsApi;
import io.agentgate.client.api.AgentsApi;
import io.agentgate.client.model.ActionStatus;
import io.agentgate.client.model.ActionView;
import io.agentgate.client.model.AgentRequest;
import io.agentgate.client.model.AgentView;
import io.agentgate.client.model.Approval;
import io.agentgate.client.model.Decided;
import io.agentgate.client.model.DecisionRequest;
import io.agentgate.client.model.Problem;
import io.agentgate.client.model.ResultRequest;
import io.agentgate.client.model.RiskLevel;
import io.agentgate.client.model.SubmitRequest;
import io.agentgate.client.model.SubmitResponse;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is good enough to generate a client from: the build stores it (target/openapi), the
 * openapi-generator makes a Java client of it before the tests compile, and this test drives the API with that client.
 */
@QuarkusTest
class OpenApiClientTest {

    @TestHTTPResource("/")
    URI base;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void servedDocumentIsTheOneTheClientWasGeneratedFrom() throws Exception {
        JsonNode built = json.readTree(Files.readString(Path.of("target/openapi/openapi.json")));
        JsonNode served = json.readTree(given().accept("application/json").get("/q/openapi?format=json").asString());
        assertTrue(built.equals(served), "the served /q/openapi differs from target/openapi/openapi.json, which the "
                + "test client was generated from (./mvnw process-classes stores and generates both again)");
    }

    @Test
    void everyOperationHasAStableUniqueIdAndEveryErrorIsAProblem() throws Exception {
        JsonNode doc = json.readTree(given().accept("application/json").get("/q/openapi?format=json").asString());
        Set<String> ids = new HashSet<>();
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String where = op.getKey() + " " + path.getKey();
            assertTrue(op.getValue().hasNonNull("operationId"), where + " has no operationId");
            assertTrue(ids.add(op.getValue().get("operationId").asText()), where + ": duplicate operationId");
            op.getValue().get("responses").properties().forEach(r -> {
                if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                    assertEquals("#/components/schemas/Problem", r.getValue().at("/content/application~1problem+json"
                            + "/schema/$ref").asText(), where + " " + r.getKey());
                } else if (!r.getKey().equals("204")) {
                    assertFalse(r.getValue().path("content").isEmpty(), where + " " + r.getKey() + " has no schema");
                }
            });
        }));
        assertFalse(doc.get("paths").has("/dashboard"), "HTML pages are not part of the API document");
        Set<String> internals = Set.of("TemplateInstance", "Template", "SectionHelper", "EngineImpl", "ValueResolver",
                "MultivaluedMapStringString", "StreamingOutput", "AtomicLong", "ObjectNode", "JsonNode", "Charset");
        doc.at("/components/schemas").fieldNames().forEachRemaining(name -> assertFalse(
                name.contains(".") || internals.contains(name), "framework type in the components: " + name));
        assertEquals("object", doc.at("/components/schemas/SubmitRequest/properties/context").has("$ref")
                ? doc.at("/components/schemas/JsonObject/type").asText()
                : doc.at("/components/schemas/SubmitRequest/properties/context/type").asText());
    }

    @Test
    void generatedClientSubmitsWaitsDecidesAndReports() throws Exception {
        AgentsApi agents = new AgentsApi(client(Api.ADMIN_TOKEN));
        ActionsApi admin = new ActionsApi(client(Api.ADMIN_TOKEN));
        String name = Api.uniqueName("generated-client");
        AgentView created = agents.createAgent(new AgentRequest().name(name).riskLevel(RiskLevel.MEDIUM)
                .approval(new Approval().required(true).rule("action == 'schedule_payment'")
                        .approvers(List.of("alice@example.com")).requiredApprovals(1).timeoutSeconds(300)));
        assertNotNull(created.getApiKey());
        ActionsApi agent = new ActionsApi(client(created.getApiKey()));

        SubmitResponse submitted = agent.submitAction(new SubmitRequest().action("schedule_payment")
                .context(Map.of("amount", 120, "recipient", "ACME")).toolArgs(Map.of("invoice", "INV-7"))
                .idempotencyKey(Api.uniqueName("generated")));
        assertEquals(ActionStatus.PENDING, submitted.getStatus(), () -> submitted.getViolations().toString());
        assertNotNull(submitted.getDeadline());
        assertEquals("approval-required", submitted.getViolations().get(0).getPolicy());

        CompletableFuture<ActionView> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.getAction(submitted.getId(), 30);
            } catch (ApiException e) {
                throw new IllegalStateException(e);
            }
        });
        Decided decided = admin.decideAction(submitted.getId(), new DecisionRequest()
                .decision(ActionStatus.APPROVED).decidedBy("alice@example.com").comment("ok"));
        assertEquals(ActionStatus.APPROVED, decided.getStatus());
        ActionView woken = poll.get(20, TimeUnit.SECONDS);
        assertEquals(ActionStatus.APPROVED, woken.getStatus());
        assertEquals("alice@example.com", woken.getDecidedBy());

        agent.reportResult(submitted.getId(), new ResultRequest().result("scheduled").durationMs(42L));

        ApiException conflict = assertThrows(ApiException.class, () -> admin.decideAction(submitted.getId(),
                new DecisionRequest().decision(ActionStatus.REJECTED).decidedBy("bob@example.com")));
        assertEquals(409, conflict.getCode());
        Problem problem = json.readValue(conflict.getResponseBody(), Problem.class);
        assertEquals(409, problem.getStatus());
        assertNotNull(problem.getTitle());
    }

    private ApiClient client(String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(base.toString().replaceAll("/+$", ""));
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return client;
    }
}
