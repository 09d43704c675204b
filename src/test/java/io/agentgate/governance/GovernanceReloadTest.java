package io.agentgate.governance;

import io.agentgate.TestDatabase;
import static io.agentgate.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(GovernanceReloadTest.OwnFile.class)
class GovernanceReloadTest {

    static final Path FILE = Path.of("target", "governance-reload-test.yaml");

    static final String GOOD = """
            agents:
              - name: reload-agent
                riskLevel: MEDIUM
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
            write(GOOD);
            return TestDatabase.own("governance-reload", "agentgate.governance-file",
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
    void badExpressionKeepsTheOldPoliciesAndSaysWhere() {
        admin().get("/api/v1/agents/reload-agent").then().statusCode(200);
        admin().get("/api/v1/policies").then().body("name", hasItem("no-deletes"));

        write(GOOD.replace("action.startsWith('delete_')", "action.startsWith('delete_') && contxt.x")
                .replace("no-deletes", "no-deletes-v2"));
        admin().post("/api/v1/policies/reload").then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("governance-reload-test.yaml"))
                .body("detail", containsString("policy 'no-deletes-v2'"))
                .body("detail", containsString("contxt"));
        admin().get("/api/v1/policies").then().body("name", hasItem("no-deletes"))
                .body("name", not(hasItem("no-deletes-v2")));

        write(GOOD.replace("no-deletes", "no-deletes-v2") + """
                users:
                  - {email: new.approver@example.com, password: "a-long-enough-password", roles: [approver]}
                """.replace("users:", "users:") );
        admin().post("/api/v1/policies/reload").then().statusCode(200).body("policies", equalTo(1));
        admin().get("/api/v1/policies").then().body("name", hasItem("no-deletes-v2"))
                .body("name", not(hasItem("no-deletes")));
        admin().get("/api/v1/users").then().body("email", hasItem("new.approver@example.com"));
    }

    @Test
    void brokenYamlIsRefusedWithItsLine() {
        write(GOOD + "policies: [\n");
        admin().post("/api/v1/policies/reload").then().statusCode(422)
                .body("detail", containsString("line"));
        write(GOOD);
        admin().post("/api/v1/policies/reload").then().statusCode(200);
    }
}
