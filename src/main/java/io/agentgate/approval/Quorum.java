package io.agentgate.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.InvalidRequest;
import io.agentgate.gate.ActionNotPending;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.GateService;
import io.agentgate.gate.PendingAction;
import io.agentgate.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Counts votes: {@code requiredApprovals} distinct approvals approve, any reject rejects, an integration's decision
 * (channel API) is final. Votes on one action are serialised by a row lock on the action taken before counting, and
 * the final transition is the gate's conditional UPDATE.
 */
@ApplicationScoped
public class Quorum {

    /** Audit event type of every vote. */
    public static final String VOTE_EVENT = "approval.vote";

    private static final Logger LOG = Logger.getLogger(Quorum.class);

    @Inject
    GateService gate;

    @Inject
    AuditLog audit;

    @Inject
    Eligibility eligibility;

    @Inject
    ArgumentEdits edits;

    @Inject
    Grants grants;

    @Inject
    DecisionTransaction transactions;

    /**
     * The state after a vote: the action, the approvals so far, whether this vote ended it, and the grant it gave
     * (null: none).
     */
    public record Tally(ActionView action, long approvals, int requiredApprovals, boolean decided, UUID grantId,
            Vote latestEdit) {
    }

    /** Approvals so far of an action and the quorum it needs. */
    @Transactional
    public long approvals(UUID actionId) {
        return Vote.approvals(actionId);
    }

    /** The vote an approver cast on an action, if any. */
    @Transactional
    public Optional<Vote> voteOf(UUID actionId, String approver) {
        return Vote.of(actionId, approver);
    }

    /**
     * Records one approver's vote and, when it settles the action, decides it.
     *
     * @param nonce the nonce of the link that carried the vote (channel MAIL), else null
     * @throws ActionNotPending when the action already ended (the transaction still commits a timeout it found due)
     * @throws NotAnApprover    when a MAIL or DASHBOARD voter is not among the action's approvers
     * @throws AlreadyVoted     when this approver (or this link) already voted
     * @throws SelfApproval     when the approver is the person the action was requested for (four eyes)
     */
    public Tally cast(UUID actionId, String approver, ActionStatus decision, VoteChannel channel, String comment,
            String nonce) {
        return cast(actionId, approver, decision, channel, comment, nonce, null);
    }

    /**
     * As {@link #cast(UUID, String, ActionStatus, VoteChannel, String, String)}, naming the credential that cast the
     * vote in the audit (null: the channel's own, e.g. the admin token for API). Every vote reaches the database
     * through the gate's writer, committed with whatever else is waiting.
     */
    public Tally cast(UUID actionId, String approver, ActionStatus decision, VoteChannel channel, String comment,
            String nonce, String credential) {
        return cast(actionId, approver, decision, channel, comment, nonce, credential, null);
    }

    /**
     * As above, approving with edits: {@code toolArgs} (null: none) replaces the action's tool arguments. Who may vote
     * is checked first, then every policy checks the edit ({@link ArgumentEdits#review}); an edit equal to the
     * arguments in force is a plain approval. With a quorum only the first approval may change them, so every approval
     * that counts approved the arguments that run; an integration's final decision (channel API) may always.
     *
     * @throws InvalidRequest  toolArgs with a reject, too long, or on an action without tool arguments
     * @throws EditRefused     a deny policy refuses the edit (nothing stored)
     * @throws ArgumentsFixed  an approval already counted for the arguments as they stand
     */
    public Tally cast(UUID actionId, String approver, ActionStatus decision, VoteChannel channel, String comment,
            String nonce, String credential, ObjectNode toolArgs) {
        return cast(actionId, approver, decision, channel, comment, nonce, credential, toolArgs, null);
    }

    /**
     * As above, and an approval that decides the action may also grant ({@link Grants}): only an approval that is
     * eligible, and with a quorum only the one that completes it. One {@link DecisionTransaction}: its read step, the
     * checks on what it read, then its write step.
     *
     * @throws InvalidRequest a grant with a reject, or one longer than {@code agentgate.grants.max-duration}
     * @throws GrantNeedsQuorum a grant with an approval that does not complete the quorum (nothing stored)
     */
    public Tally cast(UUID actionId, String approver, ActionStatus decision, VoteChannel channel, String comment,
            String nonce, String credential, ObjectNode toolArgs, GrantRequest grant) {
        checkBallot(decision, comment, toolArgs, grant);
        DecisionTransaction.Snapshot seen = transactions.read(actionId,
                new DecisionTransaction.Voter(approver, decision, nonce, channel != VoteChannel.API));
        return cast(seen, approver, decision, channel, comment, nonce, credential, toolArgs, grant);
    }

    /** What a vote carries, checked before anything is read: the same refusals on every channel. */
    void checkBallot(ActionStatus decision, String comment, ObjectNode toolArgs, GrantRequest grant) {
        Vote.checkDecision(decision);
        grants.check(grant, decision);
        if (toolArgs != null && decision != ActionStatus.APPROVED) {
            throw new InvalidRequest(ArgumentEdits.FIELD, "only an approval may change the tool arguments; a reject "
                    + "carries none");
        }
        Vote.checkComment(comment);
    }

    /**
     * As above, on what the caller's read step saw (a link checks its own refusals on it first): refuses what the
     * snapshot already refuses (an action no longer pending, a voter who may not vote, an edit a policy denies), then
     * the write step. Who may vote is answered before the edit: someone who may not learns nothing of what the
     * policies say of it.
     */
    Tally cast(DecisionTransaction.Snapshot seen, String approver, ActionStatus decision, VoteChannel channel,
            String comment, String nonce, String credential, ObjectNode toolArgs, GrantRequest grant) {
        UUID actionId = seen.id();
        if (!seen.pending()) {
            throw ActionNotPending.of(seen.action().view());
        }
        if (seen.ineligible().isPresent()) {
            throw seen.ineligible().get().exception(actionId, seen.earlier(approver, nonce).orElse(null));
        }
        ArgumentEdits.Edit edit = toolArgs == null ? null : edits.review(seen.action(), seen.agent(), toolArgs);
        List<Violation> violations = seen.action().violations();
        return transactions.write(() -> count(actionId, violations, approver, decision, channel, comment, nonce,
                credential, edit, grant));
    }

    /** {@link #cast} on the writer, in its batch transaction; no refusal marks that transaction for rollback. */
    private Tally count(UUID actionId, List<Violation> violations, String approver, ActionStatus decision,
            VoteChannel channel, String comment, String nonce, String credential, ArgumentEdits.Edit edit,
            GrantRequest grant) {
        Vote.checkDecision(decision);
        Vote.checkComment(comment);
        // the violations as the read step saw them: they never change after submission
        PendingAction action = gate.lockPending(actionId, violations);
        // the votes as they stand under the lock, read once: the checks below and the count all come from them
        List<Vote> votes = DecisionTransaction.votesOn(actionId);
        // this link's vote, or this approver's on any channel; the API channel (admin token) is the integration's
        // final word: the approver list does not apply to it
        Vote earlier = DecisionTransaction.Snapshot.earlier(votes, approver, nonce).orElse(null);
        Optional<Eligibility.Ineligible> refused = eligibility.refusal(
                channel == VoteChannel.API ? null : action.approvers(), action.userId(), approver, decision,
                earlier == null ? null : earlier.row());
        if (refused.isPresent()) {
            throw refused.get().exception(actionId, earlier);
        }
        long before = DecisionTransaction.Snapshot.approvals(votes);
        // approve with edits: what this approval approves, and whether it changes the arguments in force
        Vote inForce = decision == ActionStatus.APPROVED
                ? DecisionTransaction.Snapshot.latestEdit(votes).orElse(null) : null;
        boolean changes = edit != null
                && !edits.same(edit.toolArgs(), inForce != null ? inForce.toolArgs : edit.submitted());
        if (changes && channel != VoteChannel.API && before > 0) {
            throw new ArgumentsFixed(actionId, before, inForce == null ? null : inForce.approver);
        }
        if (grant != null && channel != VoteChannel.API && before + 1 < action.requiredApprovals()) {
            throw new GrantNeedsQuorum(actionId, before, action.requiredApprovals());
        }
        Vote vote = new Vote();
        vote.toolArgs = changes ? edit.toolArgs() : null;
        vote.actionId = actionId;
        vote.approver = approver;
        vote.decision = decision;
        vote.channel = channel;
        vote.comment = comment == null || comment.isBlank() ? null : comment.strip();
        vote.linkNonce = nonce;
        vote.votedAt = action.now();
        vote.persist();
        Vote.getEntityManager().flush();

        long approvals = before + (decision == ActionStatus.APPROVED ? 1 : 0);
        boolean decides = channel == VoteChannel.API || decision == ActionStatus.REJECTED
                || approvals >= action.requiredApprovals();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("approver", approver);
        details.put("vote", decision);
        details.put("channel", channel);
        // who the credential is, apart from the name it claims (approver): the admin token records any decidedBy
        details.put("credential", credential != null ? credential : switch (channel) {
            case API -> "admin-token";
            case MAIL -> "approval-link";
            case DASHBOARD -> "dashboard-session";
            case TOKEN -> "personal-token";
            case SLACK -> "slack-user";
        });
        details.put("comment", vote.comment);
        details.put("approvals", approvals);
        details.put("requiredApprovals", action.requiredApprovals());
        details.put("decides", decides);
        if (changes) {
            details.put("toolArgs", edits.tree(edit.toolArgs()));
            details.put("originalToolArgs", edits.tree(edit.submitted()));
            details.put("toolArgsEditedBy", approver);
            details.put("editViolations", edit.violations());
        } else if (inForce != null) {
            details.put("approvesToolArgsEditedBy", inForce.approver);
        }
        audit.record(VOTE_EVENT, action.agent(), actionId, approver, details);
        LOG.infof("action %s: vote %s via %s (%d of %d approvals)%s", actionId, decision, channel, approvals,
                action.requiredApprovals(), decides ? ", decides" : "");
        // the edit that runs: this vote's, or the one in force (which by construction differs from the submitted)
        Vote edited = changes ? vote : inForce;
        ActionView view;
        if (!decides) {
            view = action.detail().view();
        } else if (edited != null && (edit == null || !edits.same(edited.toolArgs, edit.submitted()))) {
            view = gate.approveEdited(action, approver, vote.comment,
                    new GateService.ToolArgsChange(edited.toolArgs, edited.approver));
        } else {
            view = gate.conclude(action, decision, approver, vote.comment);
        }
        UUID grantId = null;
        if (grant != null && decides && view.status() == ActionStatus.APPROVED) {
            grantId = grants.give(action.detail().with(view), approver, grant, (String) details.get("credential")).id;
        }
        return new Tally(view, approvals, action.requiredApprovals(), decides, grantId, edited);
    }
}
