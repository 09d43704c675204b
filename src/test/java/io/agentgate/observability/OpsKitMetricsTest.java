package io.agentgate.observability;

import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the Grafana dashboard in {@code docker/} query metrics by name and label
 * value; this drives the events behind them and checks that the running app exports exactly
 * those names and the label values the alerts match on.
 */
@QuarkusTest
class OpsKitMetricsTest {

    private static final List<Path> OPS_KIT = List.of(
            Path.of("docker/prometheus/alerts.yml"), Path.of("docker/grafana/agentgate-dashboard.json"));

    /** Metrics the kit charts that are not exported yet; empty now that every one is. */
    private static final Set<String> ANNOUNCED = Set.of();

    private static final Pattern GATE_METRIC = Pattern.compile("\\bai_agent_[a-z_]+");

    @Test
    void everyGateMetricTheAlertsAndDashboardQueryIsExported() throws IOException {
        // An allow list without the action and no writeData: tool-access and capability deny it.
        String restricted = Api.register(Map.of("name", uniqueName("opskit-restricted"), "riskLevel", "MEDIUM",
                "allowedActions", List.of("search_knowledge_base")));
        agent(restricted).body(Map.of("action", "delete_records")).post("/api/v1/actions").then()
                .statusCode(200);
        // A pending action nobody decides: times out.
        String gated = Api.gatedAgent(uniqueName("opskit-gated"), null);
        String id = agent(gated).body(Map.of("action", "book_meeting", "timeoutSeconds", 1))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id");
        agent(gated).get("/api/v1/actions/" + id + "?wait=10").then().statusCode(200);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> exported = new TreeSet<>();
        for (String line : metrics.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }

        Set<String> queried = new TreeSet<>();
        for (Path file : OPS_KIT) {
            Matcher m = GATE_METRIC.matcher(Files.readString(file));
            while (m.find()) {
                queried.add(m.group());
            }
        }
        queried.removeAll(ANNOUNCED);
        assertTrue(queried.size() >= 5, "the ops kit queries " + queried);
        for (String name : queried) {
            assertTrue(exported.contains(name), name + " is queried in docker/ but not exported; exported: " + exported);
        }

        // The label values alerts.yml matches on.
        for (String label : List.of("policy_name=\"tool-access\"", "policy_name=\"capability\"", "status=\"timeout\"",
                "severity=\"high\"", "allowed=\"false\"")) {
            assertTrue(metrics.contains(label), "no exported series has " + label);
        }
    }
}
