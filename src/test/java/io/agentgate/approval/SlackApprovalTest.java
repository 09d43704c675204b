package io.agentgate.approval;

import static io.agentgate.approval.Approvals.agentWith;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.status;
import static io.agentgate.approval.Approvals.submit;
import static io.agentgate.approval.Approvals.votes;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.TestDatabase;
import io.agentgate.audit.AuditResource;
import io.agentgate.dashboard.Sessions;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Approvals in Slack against {@link SlackApiStandIn}, a stand-in for Slack's Web API (Slack itself cannot be reached
 * from the build machines): the direct message, signed button presses, and the message following the decision
 * wherever it was made.
 */
@QuarkusTest
@TestProfile(SlackApprovalTest.WithSlack.class)
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class SlackApprovalTest {

    /** Slack on, pointed at the stand-in; quick polls and retries. */
    public static class WithSlack implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("slack",
                    "agentgate.slack.bot-token", SlackApiStandIn.BOT_TOKEN,
                    "agentgate.slack.signing-secret", SlackApiStandIn.SIGNING_SECRET,
                    "agentgate.slack.api-url", SlackApiStandIn.shared().apiUrl(),
                    "agentgate.slack.poll-interval", "200ms",
                    "agentgate.slack.initial-backoff", "200ms",
                    "agentgate.slack.max-backoff", "1S");
        }
    }

    static final SlackApiStandIn SLACK = SlackApiStandIn.shared();

    @Inject
    SlackOutbox outbox;

    @Inject
    SlackNotifier notifier;

    @Inject
    SlackDirectory directory;

    /** The one message this user got, once it arrived. */
    static SlackApiStandIn.Message dm(String userId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> SLACK.inbox(userId).size() == 1);
        return SLACK.inbox(userId).get(0);
    }

    /** The user's message once an update made it contain these words. */
    static SlackApiStandIn.Message dmSaying(String userId, String words) {
        await().atMost(Duration.ofSeconds(15)).until(() -> SLACK.inbox(userId).size() == 1
                && SLACK.inbox(userId).get(0).blocks().toString().contains(words));
        return SLACK.inbox(userId).get(0);
    }

    /** The ephemeral messages Slack was asked to show this user. */
    static List<String> toldTo(String userId) {
        return SLACK.calls("chat.postEphemeral").stream().filter(c -> c.args().path("user").asText().equals(userId))
                .map(c -> c.args().path("text").asText()).toList();
    }

    @Test
    void anApproverKnownToSlackGetsADirectMessageWithTheButtons() throws Exception {
        String alice = mailbox("slack-alice");
        String mailOnly = mailbox("slack-mail-only");
        String aliceId = SLACK.member(alice);
        String key = agentWith(List.of(alice, mailOnly), 1);
        UUID id = submit(key, Map.of("amount", 5000));

        SlackApiStandIn.Message message = dm(aliceId);
        String blocks = message.blocks().toString();
        assertTrue(blocks.contains("\"action_id\":\"approve\"") && blocks.contains("\"action_id\":\"reject\"")
                && blocks.contains("\"action_id\":\"approve_for_1h\""), blocks);
        assertTrue(blocks.contains("\"value\":\"" + id + "\""), blocks);
        assertTrue(blocks.contains("book_meeting") && blocks.contains("Deadline") && blocks.contains("0 of 1 approval"),
                blocks);
        // the reasons in the mail's words
        Mails.Received mail = Mails.awaitOne(alice);
        assertTrue(blocks.contains("Why it needs approval"), blocks);
        assertTrue(mail.text().contains("The agent's approval rule asks a person to decide this action"));
        assertTrue(blocks.contains("The agent's approval rule asks a person to decide this action"), blocks);
        assertTrue(message.text().contains("Approval needed: book_meeting"), message.text());
        assertTrue(SLACK.calls("users.lookupByEmail").stream().anyMatch(c -> c.args().path("email").asText()
                .equals(alice)));
        assertTrue(SLACK.calls("conversations.open").stream().anyMatch(c -> c.args().path("users").asText()
                .equals(aliceId)));
        // the approver Slack does not know is left to the mail
        await().atMost(Duration.ofSeconds(15)).until(() -> outbox.forAction(id).stream()
                .allMatch(d -> d.status != SlackDelivery.Status.PENDING && d.status != SlackDelivery.Status.SENDING));
        SlackDelivery toMailOnly = outbox.forAction(id).stream().filter(d -> d.approver.equals(mailOnly)).findFirst()
                .orElseThrow();
        assertEquals(SlackDelivery.Status.OBSOLETE, toMailOnly.status);
        assertEquals("no Slack user has this email", toMailOnly.lastError);
    }

    @Test
    void aSignedPressApprovesAndTheAuditNamesSlackAndTheApprover() {
        String alice = mailbox("slack-approver");
        String aliceId = SLACK.member(alice);
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("amount", 10));
        dm(aliceId);

        // Slack wants its answer within 3 seconds
        SlackPresses.press(aliceId, "approve", id).then().statusCode(200).time(lessThan(3000L));
        await().atMost(Duration.ofSeconds(5)).until(() -> "APPROVED".equals(status(key, id)));
        Vote vote = votes(id).get(0);
        assertEquals(VoteChannel.SLACK, vote.channel);
        assertEquals(alice, vote.approver);
        String audit = Api.admin().accept(AuditResource.NDJSON).get("/api/v1/audit?actionId=" + id + "&type="
                + Quorum.VOTE_EVENT).then().statusCode(200).extract().asString();
        assertTrue(audit.contains("\"channel\":\"SLACK\"") && audit.contains(alice)
                && audit.contains("slack-user:" + aliceId), audit);
        SlackApiStandIn.Message updated = dmSaying(aliceId, "approved by " + alice);
        assertTrue(!updated.blocks().toString().contains("\"action_id\":\"approve\""), "no buttons left");
    }

    @Test
    void aBadSignatureOrAStaleTimestampIsRefusedAndStoresNothing() {
        String alice = mailbox("slack-forged");
        String aliceId = SLACK.member(alice);
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("amount", 20));
        String body = SlackPresses.body(aliceId, "approve", id);

        SlackPresses.send(body, "not-the-signing-secret", Instant.now()).then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("signature does not match"));
        SlackPresses.send(body, SlackApiStandIn.SIGNING_SECRET, Instant.now().minus(Duration.ofMinutes(6))).then()
                .statusCode(401).body("detail", containsString("more than five minutes"));
        io.restassured.RestAssured.given().contentType("application/x-www-form-urlencoded").body(body)
                .post("/slack/interactions").then().statusCode(401).body("detail", containsString("no Slack signature"));
        // a genuine signature over another body: the body was changed
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        io.restassured.RestAssured.given().contentType("application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", timestamp).header("X-Slack-Signature", "v0=" + SlackSignature
                        .sign(SlackApiStandIn.SIGNING_SECRET, timestamp, "payload=%7B%7D".getBytes()))
                .body(body).post("/slack/interactions").then().statusCode(401);

        assertEquals("PENDING", status(key, id));
        assertEquals(0, votes(id).size());
        assertEquals(0, Approvals.audits(Quorum.VOTE_EVENT, id));
    }

    @Test
    void aNonApproverAndTheRequesterThemselvesAreRefusedInSlack() {
        String alice = mailbox("slack-requester");
        String carol = mailbox("slack-outsider");
        String aliceId = SLACK.member(alice);
        String carolId = SLACK.member(carol);
        String key = agentWith(List.of(alice), 1);
        UUID id = UUID.fromString(Api.agent(key).body(Map.of("action", "book_meeting", "context", Map.of("n", 1),
                "userId", alice)).post("/api/v1/actions").then().statusCode(202).extract().path("id"));
        dm(aliceId);

        SlackPresses.press(carolId, "approve", id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> !toldTo(carolId).isEmpty());
        assertTrue(toldTo(carolId).get(0).contains("Only this action's approvers decide it"), toldTo(carolId).get(0));

        SlackPresses.press(aliceId, "approve", id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> !toldTo(aliceId).isEmpty());
        assertTrue(toldTo(aliceId).get(0).contains("four eyes"), toldTo(aliceId).get(0));
        assertEquals("PENDING", status(key, id));
        assertEquals(0, votes(id).size());

        // rejecting one's own request stays possible, as on every channel
        SlackPresses.press(aliceId, "reject", id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "REJECTED".equals(status(key, id)));
        dmSaying(aliceId, "rejected by " + alice);
    }

    @Test
    void aQuorumOfTwoNeedsTwoPresses() {
        String alice = mailbox("slack-q-alice");
        String bob = mailbox("slack-q-bob");
        String aliceId = SLACK.member(alice);
        String bobId = SLACK.member(bob);
        String key = agentWith(List.of(alice, bob), 2);
        UUID id = submit(key, Map.of("amount", 7000));
        dm(aliceId);
        dm(bobId);

        SlackPresses.press(aliceId, "approve", id).then().statusCode(200);
        SlackApiStandIn.Message own = dmSaying(aliceId, "You voted approve");
        assertTrue(own.blocks().toString().contains("Still pending* (1 of 2 approvals)"), own.blocks().toString());
        assertEquals("PENDING", status(key, id));
        // once is once: her second press does not count twice
        SlackPresses.press(aliceId, "approve", id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> !toldTo(aliceId).isEmpty());
        assertTrue(toldTo(aliceId).get(0).contains("You already voted approve"), toldTo(aliceId).get(0));
        assertEquals("PENDING", status(key, id));

        SlackPresses.press(bobId, "approve", id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "APPROVED".equals(status(key, id)));
        dmSaying(aliceId, "approved by " + bob);
        dmSaying(bobId, "approved by " + bob);
        assertEquals(2, votes(id).size());
    }

    @Test
    void aDecisionOnTheDashboardUpdatesTheSlackMessage() {
        String approver = People.user("approver");
        String alice = mailbox("slack-watching");
        String aliceId = SLACK.member(alice);
        String key = agentWith(List.of(alice, approver), 1);
        UUID id = submit(key, Map.of("amount", 30));
        dm(aliceId);

        Sessions session = Sessions.login(approver, People.PASSWORD);
        assertEquals(303, session.form().formParam("csrf", session.csrf).formParam("decision", "APPROVED")
                .post("/dashboard/actions/" + id + "/decision").statusCode());
        SlackApiStandIn.Message updated = dmSaying(aliceId, "approved by " + approver);
        assertTrue(!updated.blocks().toString().contains("\"action_id\":\"reject\""), "the buttons are gone");
    }

    @Test
    void aTimeoutUpdatesTheSlackMessage() {
        String alice = mailbox("slack-late");
        String aliceId = SLACK.member(alice);
        String key = Api.register(Map.of("name", Api.uniqueName("slack-timeout"), "riskLevel", "HIGH", "approval",
                Map.of("required", true, "approvers", List.of(alice), "timeoutSeconds", 3)));
        UUID id = submit(key, Map.of("amount", 35));
        dm(aliceId);

        await().atMost(Duration.ofSeconds(15)).until(() -> "TIMED_OUT".equals(status(key, id)));
        dmSaying(aliceId, "timed out at");
        SlackPresses.press(aliceId, "approve", id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> !toldTo(aliceId).isEmpty());
        assertTrue(toldTo(aliceId).get(0).contains("timed out"), toldTo(aliceId).get(0));
        assertEquals(0, votes(id).size());
    }

    @Test
    void anEscalationAsksTheNewApproversInSlackToo() {
        String alice = mailbox("slack-first");
        String oncall = mailbox("slack-oncall");
        String oncallId = SLACK.member(oncall);
        String key = Api.register(Map.of("name", Api.uniqueName("slack-escalating"), "riskLevel", "HIGH", "approval",
                Map.of("required", true, "approvers", List.of(alice), "escalateAfterSeconds", 1, "escalateTo",
                        List.of(oncall))));
        UUID id = submit(key, Map.of("amount", 36));

        SlackApiStandIn.Message message = dm(oncallId);
        assertTrue(message.blocks().toString().contains("\"value\":\"" + id + "\""));
        SlackPresses.press(oncallId, "approve", id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "APPROVED".equals(status(key, id)));
    }

    @Test
    void rateLimitsAndServerErrorsOfSlackAreRetriedByTheOutbox() {
        String alice = mailbox("slack-limited");
        String aliceId = SLACK.member(alice);
        int before = SLACK.calls("chat.postMessage").size();
        SLACK.fail("chat.postMessage", new SlackApiStandIn.Fault(429, 1), new SlackApiStandIn.Fault(500, null));
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("amount", 40));

        dm(aliceId);
        var posts = SLACK.calls("chat.postMessage").subList(before, SLACK.calls("chat.postMessage").size());
        assertEquals(3, posts.size(), "a 429, a 500, then the post");
        assertTrue(Duration.between(posts.get(0).at(), posts.get(1).at()).toMillis() >= 950,
                "waited for Retry-After: " + Duration.between(posts.get(0).at(), posts.get(1).at()));
        SlackDelivery post = outbox.forAction(id).get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.forAction(id).get(0).status
                == SlackDelivery.Status.SENT);
        assertEquals(3, outbox.forAction(id).get(0).attempts, post.toString());
        // an update that fails is retried too
        SLACK.fail("chat.update", new SlackApiStandIn.Fault(500, null));
        SlackPresses.press(aliceId, "reject", id).then().statusCode(200);
        dmSaying(aliceId, "rejected by " + alice);
    }

    @Test
    void approveForOneHourGrantsTheSameCall() {
        String alice = mailbox("slack-grant");
        String aliceId = SLACK.member(alice);
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("amount", 50));
        dm(aliceId);

        SlackPresses.press(aliceId, "approve_for_1h", id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "APPROVED".equals(status(key, id)));
        String again = Api.agent(key).body(Map.of("action", "book_meeting", "context", Map.of("amount", 50)))
                .post("/api/v1/actions").then().statusCode(200).extract().path("status");
        assertEquals("ALLOWED", again);
        Api.agent(key).body(Map.of("action", "book_meeting", "context", Map.of("amount", 51)))
                .post("/api/v1/actions").then().statusCode(202);
        assertEquals(1, Approvals.audits(Grants.GIVEN_EVENT, id));
    }

    @Test
    void aMessageSentIsNotSentAgainByLaterPasses() {
        String alice = mailbox("slack-once");
        String aliceId = SLACK.member(alice);
        String key = agentWith(List.of(alice), 1);
        UUID id = submit(key, Map.of("amount", 60));
        dm(aliceId);
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.forAction(id).get(0).status
                == SlackDelivery.Status.SENT);

        // as after a restart: nothing cached, every pass reads the outbox again
        directory.forget();
        notifier.drain();
        notifier.drain();
        long posts = SLACK.calls("chat.postMessage").stream().filter(c -> c.args().path("channel").asText()
                .equals("D" + aliceId)).count();
        assertEquals(1, posts);
        assertEquals(1, SLACK.inbox(aliceId).size());
        assertEquals(1, Approvals.audits(SlackOutbox.SLACK_SENT, id));
    }
}
