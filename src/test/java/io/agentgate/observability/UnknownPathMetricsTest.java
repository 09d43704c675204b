package io.agentgate.observability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 9: 150 unauthenticated 413 answers on made-up paths filled Micrometer's cap on uri tags, so real
 * endpoints got no series. Unknown paths now share one tag whatever the status. A fresh instance, so the cap starts
 * empty and the real endpoint's series is new after the flood.
 */
@QuarkusTest
@TestProfile(UnknownPathMetricsTest.FreshRegistry.class)
class UnknownPathMetricsTest {

    public static class FreshRegistry implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("unknown-path-metrics", "quarkus.http.test-port", "0");
        }
    }

    @Test
    void madeUpPathsDoNotCrowdRealEndpointsOutOfTheMetrics() throws IOException {
        // more distinct paths than the cap on uri tags (100)
        for (int i = 0; i < 150; i++) {
            assertEquals(413, oversizedPost("/made-up/" + i + "/path"));
            if (i % 5 == 0) {
                given().get("/no-such-page-" + i).then().statusCode(404);
                given().post("/api/v1/no-such-" + i).then().statusCode(404);
            }
        }
        Api.admin().get("/api/v1/policies").then().statusCode(200);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> series = metrics.lines().filter(l -> l.startsWith("http_server_requests_seconds_count{"))
                .toList();
        assertTrue(series.stream().anyMatch(l -> l.contains("uri=\"/api/v1/policies\"") && l.contains("status=\"200\"")),
                "the real endpoint has its series: " + series);
        assertTrue(series.stream().noneMatch(l -> l.contains("made-up") || l.contains("no-such")), series.toString());
        assertTrue(series.stream().anyMatch(l -> l.contains("uri=\"UNKNOWN\"") && l.contains("status=\"413\"")),
                series.toString());
        assertTrue(series.stream().anyMatch(l -> l.contains("uri=\"NOT_FOUND\"") && l.contains("status=\"404\"")),
                series.toString());
    }

    /** A POST announcing a body over the 1 MiB limit, sent without it: the gate answers 413 from the headers. */
    private static int oversizedPost(String path) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder status = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                status.append((char) c);
            }
            return Integer.parseInt(status.toString().split(" ")[1]);
        }
    }
}
