package io.agentgate;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;

/** Small helpers for tests that drive the HTTP API. */
public final class Api {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private Api() {
    }

    public static RequestSpecification admin() {
        return given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    public static RequestSpecification agent(String apiKey) {
        return given().auth().oauth2(apiKey).contentType(ContentType.JSON);
    }

    /** A unique agent name, so tests sharing one database do not collide. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers an agent and returns its API key. */
    public static String register(Map<String, Object> body) {
        return admin().body(body).post("/api/v1/agents").then().statusCode(201).extract().path("apiKey");
    }

    /** A LOW agent with no approval: every action ALLOWED. */
    public static String openAgent(String name) {
        return register(Map.of("name", name, "riskLevel", "LOW"));
    }

    /** An agent whose every action needs approval by the given approvers. */
    public static String gatedAgent(String name, Integer timeoutSeconds) {
        Map<String, Object> approval = new java.util.HashMap<>(Map.of("required", true,
                "approvers", java.util.List.of("alice@example.com", "bob@example.com")));
        if (timeoutSeconds != null) {
            approval.put("timeoutSeconds", timeoutSeconds);
        }
        return register(Map.of("name", name, "riskLevel", "HIGH", "approval", approval));
    }
}
