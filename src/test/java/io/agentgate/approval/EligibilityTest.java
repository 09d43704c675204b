package io.agentgate.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.agent.ApproverCheck;
import io.agentgate.gate.ActionStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one rule of who may vote, without a database: a directory of five people. */
class EligibilityTest {

    private final Eligibility eligibility = new Eligibility();

    EligibilityTest() {
        Map<String, ApproverDirectory.Person> people = Map.of(
                "ann@x.test", new ApproverDirectory.Person("ann@x.test", true, Set.of("finance")),
                "vic@x.test", new ApproverDirectory.Person("vic@x.test", false, Set.of("finance")),
                "ola@x.test", new ApproverDirectory.Person("ola@x.test", true, Set.of("legal")),
                "pat@x.test", new ApproverDirectory.Person("pat@x.test", true, Set.of()),
                "dee@x.test", new ApproverDirectory.Person("dee@x.test", true, Set.of("finance"), true));
        eligibility.directory = new ApproverDirectory() {
            public Optional<Person> find(String email) {
                return Optional.ofNullable(people.get(email));
            }

            public List<String> approversIn(String group) {
                return people.values().stream().filter(p -> p.mayVote() && p.groups().contains(group))
                        .map(Person::email).sorted().toList();
            }

            public List<String> allApprovers() {
                return people.values().stream().filter(Person::mayVote).map(Person::email).sorted().toList();
            }

            public Set<String> nonVoters() {
                return people.values().stream().filter(p -> !p.mayVote()).map(Person::email)
                        .collect(java.util.stream.Collectors.toSet());
            }
        };
    }

    @Test
    void namedPeopleVoteEvenWithoutAnAccount() {
        assertTrue(eligibility.mayVote(List.of("someone@partner.test"), "Someone@Partner.test"));
        assertFalse(eligibility.mayVote(List.of("someone@partner.test"), "ann@x.test"));
    }

    @Test
    void groupMembersWithTheApproverRoleVote() {
        List<String> approvers = List.of("group:finance");
        assertTrue(eligibility.mayVote(approvers, "ann@x.test"));
        assertFalse(eligibility.mayVote(approvers, "vic@x.test"), "a viewer in the group decides nothing");
        assertFalse(eligibility.mayVote(approvers, "ola@x.test"), "another group");
        assertEquals(List.of("ann@x.test"), eligibility.recipients(approvers));
        assertEquals(List.of("pat@x.test", "ann@x.test"), eligibility.recipients(List.of("pat@x.test",
                "group:finance", "ann@x.test")), "named first, each person once");
    }

    @Test
    void noApproversMeansAnyApprover() {
        assertTrue(eligibility.mayVote(List.of(), "pat@x.test"));
        assertFalse(eligibility.mayVote(List.of(), "vic@x.test"));
        assertFalse(eligibility.mayVote(List.of(), "stranger@x.test"));
        assertEquals(List.of("ann@x.test", "ola@x.test", "pat@x.test"), eligibility.recipients(List.of()));
        assertEquals("any user with the approver role (the agent names no approvers)", Eligibility.describe(List.of()));
        assertEquals("pat@x.test, group finance", Eligibility.describe(List.of("pat@x.test", "group:finance")));
    }

    @Test
    void aNamedAccountThatMayNotVoteIsRefusedAndGetsNoMail() {
        List<String> approvers = List.of("vic@x.test", "dee@x.test", "ann@x.test", "someone@partner.test");
        assertFalse(eligibility.mayVote(approvers, "vic@x.test"), "a viewer named directly");
        assertFalse(eligibility.mayVote(approvers, "DEE@x.test"), "a disabled account named directly");
        assertTrue(eligibility.mayVote(approvers, "ann@x.test"));
        assertFalse(eligibility.mayVote(List.of("group:finance"), "dee@x.test"), "disabled, in the group");
        assertEquals(List.of("ann@x.test", "someone@partner.test"), eligibility.recipients(approvers));
        assertEquals(List.of("ann@x.test"), eligibility.recipients(List.of("group:finance")));
        assertTrue(eligibility.refusal(approvers, null, "dee@x.test", ActionStatus.REJECTED, null).orElseThrow()
                .message().contains("is disabled"));
        assertTrue(eligibility.refusal(approvers, null, "vic@x.test", ActionStatus.REJECTED, null).orElseThrow()
                .message().contains("viewer role"));
        assertTrue(eligibility.refusal(null, null, "vic@x.test", ActionStatus.APPROVED, null).isEmpty(),
                "the admin token's decision (no approver list) names anyone");
    }

    @Test
    void theRegistrationWarnsOfApproversNobodyCanVoteThrough() {
        List<ApproverCheck.ApproverWarning> warnings = eligibility.warnings(List.of("vic@x.test", "dee@x.test",
                "ann@x.test", "someone@partner.test", "group:finance", "group:empty"));
        assertEquals(List.of("vic@x.test", "dee@x.test", "group:empty"),
                warnings.stream().map(ApproverCheck.ApproverWarning::approver).toList());
        assertEquals(List.of("no-approver-role", "account-disabled", "no-approver-in-group"),
                warnings.stream().map(ApproverCheck.ApproverWarning::reason).toList());
        assertTrue(eligibility.warnings(null).isEmpty());
    }
}
