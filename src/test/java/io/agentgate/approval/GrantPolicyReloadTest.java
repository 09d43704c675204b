package io.agentgate.approval;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.agentgate.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 22: a reload that changes the policies suspends the grants given under the old ones; one that does not, not. */
@QuarkusTest
@TestProfile(GrantPolicyReloadTest.OwnFile.class)
class GrantPolicyReloadTest {

    static final Path FILE = Path.of("target", "grant-policy-reload-test.yaml");

    static final String POLICIES = """
            agents:
              - name: reload-payer
                riskLevel: MEDIUM
                approval: {required: true, approvers: [alice@example.com]}
            policies:
              - name: no-deletes
                enforcement: deny
                severity: high
                expression: "action.startsWith('delete_')"
                reason: Deleting is not allowed
            """;

    /** Starts the service on a governance file of its own. */
    public static class OwnFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            write(POLICIES);
            return TestDatabase.own("grant-policy-reload", "agentgate.governance-file",
                    FILE.toAbsolutePath().toString());
        }
    }

    static void write(String text) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aReloadThatChangesThePoliciesSuspendsGrants() {
        String key = admin().post("/api/v1/agents/reload-payer/keys").then().statusCode(200).extract().path("apiKey");
        Map<String, Object> body = Map.of("action", "execute_transfer", "context", Map.of("amount", 40));
        UUID first = UUID.fromString(agent(key).body(body).post("/api/v1/actions").then().statusCode(202).extract()
                .path("id"));
        String grantId = admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com", "grant",
                Map.of("scope", "same-arguments", "for", "PT1H"))).post("/api/v1/actions/" + first + "/decision")
                .then().statusCode(200).extract().path("grantId");
        agent(key).body(body).post("/api/v1/actions").then().statusCode(200).body("grantId", equalTo(grantId));

        // the same policies again: the grant holds
        admin().post("/api/v1/policies/reload").then().statusCode(200);
        agent(key).body(body).post("/api/v1/actions").then().statusCode(200).body("grantId", equalTo(grantId));

        // a policy changed: the grant is suspended, the same call is held for a person
        write(POLICIES.replace("Deleting is not allowed", "Deleting is never allowed")
                .replace("action.startsWith('delete_')", "action.startsWith('delete_') || action == 'drop_table'"));
        admin().post("/api/v1/policies/reload").then().statusCode(200);
        agent(key).body(body).post("/api/v1/actions").then().statusCode(202);
        admin().get("/api/v1/grants/" + grantId).then().body("state", equalTo("suspended")).body("uses", equalTo(2));
        admin().get("/api/v1/grants?active=true").then().body("id", not(hasItem(grantId)));
    }
}
