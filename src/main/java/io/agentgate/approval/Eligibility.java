package io.agentgate.approval;

import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.ApproverCheck;
import io.agentgate.common.DomainException;
import io.agentgate.gate.ActionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Who may vote on a pending action: the one rule every channel asks (mail link, dashboard, API decision with a
 * personal token, and the mail's recipient list). The action carries the approvers copied from its agent at
 * submission:
 * <ul>
 * <li>a named person ({@code alice@example.com}) votes without an account (mail-only approvers); with an account,
 * only while it is enabled and has the approver or admin role;</li>
 * <li>{@code group:<name>}: every enabled account in that group with the approver or admin role, as of the vote;</li>
 * <li>no approvers at all: every enabled account with the approver or admin role.</li>
 * </ul>
 * It also tells an agent's registration which of its approvers cannot vote ({@link ApproverCheck}).
 */
@ApplicationScoped
public class Eligibility implements ApproverCheck {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    @Inject
    ApproverDirectory directory;

    /** Why a person may not cast a vote on a pending action. */
    public enum Reason {
        /**
         * Not among the action's approvers (by name, group, or the approver role when it names none), or an account
         * that may not vote at all (disabled, or without the approver role).
         */
        NOT_APPROVER,
        /** Approving an action requested on their own behalf (four eyes); rejecting it stays possible. */
        OWN_REQUEST,
        /** One vote per approver per action, whatever the channel. */
        ALREADY_VOTED
    }

    /** A refusal and the words every channel shows for it (pages, mail link pages, the API's problem detail). */
    public record Ineligible(Reason reason, String message) {

        /** The refusal as the domain exception a vote throws (its message is the refusal's). */
        public DomainException exception(UUID actionId, Vote earlier) {
            return switch (reason) {
                case NOT_APPROVER -> new NotAnApprover(actionId, message);
                case OWN_REQUEST -> new SelfApproval(actionId, message);
                case ALREADY_VOTED -> new AlreadyVoted(earlier, message);
            };
        }
    }

    /**
     * The one check of who may cast this vote: not an approver, their own request (for an approval), or a vote
     * already cast ({@code earlier}, null when none), in that order. Empty: the vote may be cast. {@code approvers}
     * null: the approver list does not apply (an integration's decision with the admin token).
     */
    public Optional<Ineligible> refusal(List<String> approvers, String userId, String person, ActionStatus decision,
            ApprovalReads.VoteRow earlier) {
        Optional<String> notApprover = approvers == null ? Optional.empty() : notApprover(approvers, person);
        if (notApprover.isPresent()) {
            return Optional.of(new Ineligible(Reason.NOT_APPROVER, notApprover.get()));
        }
        if (decision == ActionStatus.APPROVED && SelfApproval.isOwnRequest(userId, person)) {
            return Optional.of(new Ineligible(Reason.OWN_REQUEST, "This action was requested on your behalf ("
                    + userId + "), so someone else has to approve it: no one approves their own request (four eyes). "
                    + "You may still reject it."));
        }
        if (earlier != null) {
            return Optional.of(new Ineligible(Reason.ALREADY_VOTED, "You already voted "
                    + (earlier.decision() == ActionStatus.APPROVED ? "approve" : "reject") + " at "
                    + UTC.format(earlier.votedAt()) + " (" + earlier.channel().toLowerCase(Locale.ROOT)
                    + "); each approver votes once."));
        }
        return Optional.empty();
    }

    public boolean mayVote(List<String> approvers, String person) {
        return notApprover(approvers, person).isEmpty();
    }

    /** Why this person is no approver of an action with these approvers, in words; empty when they are. */
    private Optional<String> notApprover(List<String> approvers, String person) {
        String notListed = "Only this action's approvers decide it: " + describe(approvers)
                + ". You are not (or no longer) among them, so your vote cannot count.";
        if (person == null || person.isBlank()) {
            return Optional.of(notListed);
        }
        String email = person.strip().toLowerCase(Locale.ROOT);
        Optional<ApproverDirectory.Person> account = directory.find(email);
        if (account.isPresent() && !account.get().mayVote()) {
            // whoever names them: an account that may not vote is refused on every channel
            return Optional.of(accountRefusal(account.get()) + ", so your vote cannot count.");
        }
        List<String> groups = new ArrayList<>();
        for (String approver : approvers) {
            if (isGroup(approver)) {
                groups.add(group(approver));
            } else if (approver.strip().equalsIgnoreCase(email)) {
                return Optional.empty();
            }
        }
        if (!approvers.isEmpty() && groups.isEmpty()) {
            return Optional.of(notListed);
        }
        boolean member = account.map(p -> approvers.isEmpty() || groups.stream().anyMatch(p.groups()::contains))
                .orElse(false);
        return member ? Optional.empty() : Optional.of(notListed);
    }

    private static String accountRefusal(ApproverDirectory.Person account) {
        return account.disabled() ? "The account " + account.email() + " is disabled"
                : "The account " + account.email() + " has the viewer role: viewers see every action but decide none, "
                        + "even where an agent names them as an approver";
    }

    /**
     * Approvers named on an agent that nobody can vote through: an account that is disabled or lacks the approver
     * role, or a group without an enabled approver. They get no mail, and their votes are refused.
     */
    @Override
    public List<ApproverWarning> warnings(List<String> approvers) {
        List<ApproverWarning> warnings = new ArrayList<>();
        for (String approver : approvers == null ? List.<String>of() : approvers) {
            if (isGroup(approver)) {
                if (directory.approversIn(group(approver)).isEmpty()) {
                    warnings.add(new ApproverWarning(approver, "no-approver-in-group", "No enabled account with the "
                            + "approver or admin role is in group " + group(approver) + ": nobody gets the mail or "
                            + "votes through it."));
                }
                continue;
            }
            directory.find(approver.strip().toLowerCase(Locale.ROOT)).filter(p -> !p.mayVote())
                    .ifPresent(p -> warnings.add(new ApproverWarning(approver, p.disabled() ? "account-disabled"
                            : "no-approver-role", accountRefusal(p) + ": it gets no mail and its votes are refused.")));
        }
        return warnings;
    }

    /**
     * Everyone who gets the approval mail: the named people, then the members of the named groups; never an account
     * that may not vote (disabled, or without the approver role).
     */
    public List<String> recipients(List<String> approvers) {
        if (approvers.isEmpty()) {
            return directory.allApprovers();
        }
        Set<String> nonVoters = directory.nonVoters();
        Set<String> people = new LinkedHashSet<>();
        for (String approver : approvers) {
            if (isGroup(approver)) {
                people.addAll(directory.approversIn(group(approver)));
            } else if (!nonVoters.contains(approver.strip().toLowerCase(Locale.ROOT))) {
                people.add(approver.strip());
            }
        }
        return List.copyOf(people);
    }

    /** Who decides, in words, for pages: "alice@example.com, group finance" or "any user with the approver role". */
    public static String describe(List<String> approvers) {
        if (approvers.isEmpty()) {
            return "any user with the approver role (the agent names no approvers)";
        }
        return String.join(", ", approvers.stream().map(a -> isGroup(a) ? "group " + group(a) : a).toList());
    }

    public static boolean isGroup(String approver) {
        return approver.startsWith(ApprovalSettings.GROUP_PREFIX);
    }

    private static String group(String approver) {
        return approver.substring(ApprovalSettings.GROUP_PREFIX.length()).strip().toLowerCase(Locale.ROOT);
    }
}
