package io.agentgate.mcp;

import static io.agentgate.Api.admin;
import static org.hamcrest.Matchers.containsString;
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
import org.junit.jupiter.api.Test;

/**
 * Registering upstreams with the SSRF guard on (as in production): the admin API and the governance file's
 * {@code mcpServers}, with bad input refused and nothing stored.
 */
@QuarkusTest
@TestProfile(UpstreamRegistrationTest.Guarded.class)
class UpstreamRegistrationTest {

    static final Path FILE = Path.of("target", "mcp-governance-test.yaml");

    static final String FILE_WITH_SERVER = """
            mcpServers:
              docs:
                url: "https://docs.mcp.invalid/mcp"
                headers: {Authorization: "Bearer upstream-secret"}
            """;

    /** The guard on, and a governance file of its own that registers one upstream. */
    public static class Guarded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            write(FILE_WITH_SERVER);
            return TestDatabase.own("mcp-registration", "agentgate.mcp.allow-private", "false",
                    "agentgate.governance-file", FILE.toAbsolutePath().toString());
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
    void upstreamUrlsOnInternalAddressesAreRefused() {
        for (String url : new String[] {"http://127.0.0.1:8080/mcp", "http://169.254.169.254/latest/meta-data",
                "http://10.0.0.7/mcp", "http://[::1]/mcp"}) {
            admin().body(Map.of("url", url)).put("/api/v1/mcp/servers/internal").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].field", equalTo("url"))
                    .body("errors[0].message", containsString("agentgate.mcp.allow-private"));
        }
        admin().get("/api/v1/mcp/servers/internal").then().statusCode(404);
    }

    @Test
    void badNamesAndHeadersAreRefusedAndNothingIsStored() {
        admin().body(Map.of("url", "https://example.com/mcp")).put("/api/v1/mcp/servers/Not_Valid").then()
                .statusCode(400).body("errors[0].field", equalTo("name"));
        admin().body(Map.of("url", "https://example.com/mcp", "headers", Map.of("Mcp-Session-Id", "x")))
                .put("/api/v1/mcp/servers/hdr").then().statusCode(400)
                .body("errors.field", hasItem("headers.Mcp-Session-Id"));
        admin().body(Map.of("url", "ftp://example.com/mcp")).put("/api/v1/mcp/servers/ftp").then().statusCode(400);
        admin().get("/api/v1/mcp/servers").then().statusCode(200).body("name", not(hasItem("hdr")))
                .body("name", not(hasItem("ftp")));
        io.restassured.RestAssured.given().get("/api/v1/mcp/servers").then().statusCode(401);
    }

    @Test
    void governanceFileRegistersUpstreamsAndItsReloadRemovesThem() {
        // registered at start; its host does not resolve (yet), so it is unreachable and says why
        admin().get("/api/v1/mcp/servers/docs").then().statusCode(200)
                .body("source", equalTo("GOVERNANCE"))
                .body("reachable", equalTo(false))
                .body("headers", hasItem("Authorization"))
                .body(not(containsString("upstream-secret")));

        write(FILE_WITH_SERVER.replace("https://docs.mcp.invalid/mcp", "http://127.0.0.1:9/mcp"));
        admin().post("/api/v1/policies/reload").then().statusCode(422)
                .body("detail", containsString("MCP server 'docs'"))
                .body("detail", containsString("127.0.0.1"));
        admin().get("/api/v1/mcp/servers/docs").then().statusCode(200)
                .body("url", equalTo("https://docs.mcp.invalid/mcp"));

        write("mcpServers: {}\n");
        admin().post("/api/v1/policies/reload").then().statusCode(200);
        admin().get("/api/v1/mcp/servers/docs").then().statusCode(404);
    }
}
