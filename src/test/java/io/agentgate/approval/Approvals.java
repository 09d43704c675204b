package io.agentgate.approval;

import static io.agentgate.Api.agent;
import static io.restassured.RestAssured.given;

import io.agentgate.Api;
import io.agentgate.audit.AuditLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Helpers of the approval tests: agents with unique approvers, submissions, link clicks. */
final class Approvals {

    private Approvals() {
    }

    /** A unique mailbox, so tests sharing one SMTP server read only their own mail. */
    static String mailbox(String who) {
        return Api.uniqueName(who) + "@example.com";
    }

    /** Registers an agent whose every action needs {@code required} approvals of the approvers; returns its key. */
    static String agentWith(List<String> approvers, int required) {
        Map<String, Object> approval = new HashMap<>(Map.of("required", true, "approvers", approvers,
                "requiredApprovals", required));
        return Api.register(Map.of("name", Api.uniqueName("mailed"), "displayName", "Payments Agent", "riskLevel",
                "HIGH", "approval", approval));
    }

    /** Submits an action and returns its id (it must be PENDING). */
    static UUID submit(String key, Map<String, Object> context) {
        return UUID.fromString(agent(key).body(Map.of("action", "book_meeting", "context", context))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id"));
    }

    static String status(String key, UUID id) {
        return agent(key).get("/api/v1/actions/" + id).then().statusCode(200).extract().path("status");
    }

    static Response open(Mails.Link link) {
        return given().redirects().follow(false).queryParam("approver", link.approver()).queryParam("token", link.token())
                .get(link.path());
    }

    static Response confirm(Mails.Link link, String comment) {
        var request = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("approver", link.approver()).formParam("token", link.token());
        if (comment != null) {
            request.formParam("comment", comment);
        }
        return request.post(link.path());
    }

    static long audits(String type, UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> AuditLog.count(type, id));
    }

    static List<Vote> votes(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> Vote.<Vote>list("actionId = ?1 order by id", id));
    }
}
