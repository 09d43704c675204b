package io.agentgate.approval;

import static io.agentgate.Api.admin;
import static io.agentgate.approval.Approvals.agentWith;
import static io.agentgate.approval.Approvals.audits;
import static io.agentgate.approval.Approvals.confirm;
import static io.agentgate.approval.Approvals.mailbox;
import static io.agentgate.approval.Approvals.open;
import static io.agentgate.approval.Approvals.status;
import static io.agentgate.approval.Approvals.submit;
import static io.agentgate.approval.Approvals.votes;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.audit.AuditLog;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = GreenMailServer.class, scope = TestResourceScope.GLOBAL)
class QuorumTest {

    @Test
    void twoOfTwoNeedsBothApprovers() throws Exception {
        String alice = mailbox("alice");
        String bob = mailbox("bob");
        String key = agentWith(List.of(alice, bob), 2);
        UUID id = submit(key, Map.of("amount", 5000));
        Mails.Received toAlice = Mails.awaitOne(alice);
        Mails.Received toBob = Mails.awaitOne(bob);
        assertTrue(toAlice.text().contains("0 of 2 approvals"));
        assertTrue(toAlice.subject().contains("0 of 2 approvals"), toAlice.subject());

        confirm(toAlice.approve(), "ok from finance").then().statusCode(200)
                .body(containsString("Your approval is recorded")).body(containsString("1 of 2 approvals"));
        assertEquals("PENDING", status(key, id));
        open(toBob.approve()).then().statusCode(200).body(containsString("1 of 2 approvals"));
        // alice cannot count twice, not even with her other link
        confirm(toAlice.approve(), null).then().statusCode(409).body(containsString("This link was already used"));
        confirm(toAlice.reject(), null).then().statusCode(409).body(containsString("You already voted approve"));
        assertEquals("PENDING", status(key, id));

        confirm(toBob.approve(), null).then().statusCode(200).body(containsString("Action approved"))
                .body(containsString("2 of 2 approvals"));
        assertEquals("APPROVED", status(key, id));
        assertEquals(List.of(alice, bob), votes(id).stream().map(v -> v.approver).toList());
        assertEquals(2, audits(Quorum.VOTE_EVENT, id));
        assertEquals(1, audits(AuditLog.DECIDED, id));
    }

    @Test
    void twoApproversClickingAtOnceEndConsistently() throws Exception {
        for (int round = 0; round < 5; round++) {
            String alice = mailbox("alice");
            String bob = mailbox("bob");
            String key = agentWith(List.of(alice, bob), 2);
            UUID id = submit(key, Map.of("round", round));
            Mails.Link a = Mails.awaitOne(alice).approve();
            Mails.Link b = Mails.awaitOne(bob).approve();
            List<Integer> codes = together(() -> confirm(a, null).statusCode(), () -> confirm(b, null).statusCode());
            assertEquals(List.of(200, 200), codes, "both votes count");
            assertEquals("APPROVED", status(key, id), "without the row lock both would see 1 of 2 and stay pending");
            assertEquals(2, votes(id).size());
            assertEquals(1, audits(AuditLog.DECIDED, id));
        }
    }

    @Test
    void approveAndRejectAtOnceEndRejected() throws Exception {
        for (int round = 0; round < 3; round++) {
            String alice = mailbox("alice");
            String bob = mailbox("bob");
            String key = agentWith(List.of(alice, bob), 2);
            UUID id = submit(key, Map.of("round", round));
            Mails.Link a = Mails.awaitOne(alice).approve();
            Mails.Link b = Mails.awaitOne(bob).reject();
            List<Integer> codes = together(() -> confirm(a, null).statusCode(), () -> confirm(b, null).statusCode());
            assertEquals(200, codes.get(1), "the reject always counts");
            assertTrue(codes.get(0) == 200 || codes.get(0) == 409, "the approve counts or finds it rejected");
            assertEquals("REJECTED", status(key, id));
            assertEquals(1, audits(AuditLog.DECIDED, id));
        }
    }

    @Test
    void integrationDecisionIsFinalAndRecordedAsAnApiVote() throws Exception {
        String alice = mailbox("alice");
        String bob = mailbox("bob");
        String key = agentWith(List.of(alice, bob), 2);
        UUID id = submit(key, Map.of("amount", 1));
        confirm(Mails.awaitOne(alice).approve(), null).then().statusCode(200);
        admin().body(Map.of("decision", "APPROVED", "decidedBy", "chatops-bot", "comment", "approved in #payments"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200).body("status", equalTo("APPROVED"))
                .body("decidedBy", equalTo("chatops-bot"));
        List<Vote> votes = votes(id);
        assertEquals(2, votes.size());
        assertEquals(VoteChannel.API, votes.get(1).channel);
        assertEquals("approved in #payments", votes.get(1).comment);
        // an approver who voted by mail votes once, in every channel
        UUID next = submit(key, Map.of("amount", 2));
        await(alice, 2);
        confirm(Mails.read(GreenMailServer.to(alice).get(1)).approve(), null).then().statusCode(200);
        admin().body(Map.of("decision", "REJECTED", "decidedBy", alice))
                .post("/api/v1/actions/" + next + "/decision").then().statusCode(409)
                .body("type", equalTo("/problems/already-voted"));
        assertEquals("PENDING", status(key, next));
    }

    private static void await(String mailbox, int count) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> GreenMailServer.to(mailbox).size() >= count);
    }

    @SafeVarargs
    private static List<Integer> together(java.util.concurrent.Callable<Integer>... calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.length);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (var call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : futures) {
                codes.add(f.get());
            }
            return codes;
        } finally {
            pool.shutdownNow();
        }
    }
}
