package io.agentgate.approval;

import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.AgentService;
import io.agentgate.common.DomainException;
import io.agentgate.common.NotFound;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The two transactions of every decision, whatever its channel (API, personal token, mail link, dashboard, batch
 * item): one {@linkplain #read read step} and one {@linkplain #write write step}. Nothing else a decision does opens a
 * transaction.
 * <ol>
 * <li><b>Read</b>: the action with its violations, every vote on it, the agent's profile and whether the voter may
 * vote, in one read-only transaction. The channel checks what it can on this snapshot (link used or expired, who may
 * vote, an edit against the policies) and refuses there, before the writer is asked for anything.</li>
 * <li><b>Write</b>: on the gate's writer, in its batch transaction: lock the row, check again under the lock, insert
 * the vote, make the transition, write the audit, give the grant ({@link Quorum#count}). The link's nonce is stored
 * with the vote, which is what makes the link single-use.</li>
 * </ol>
 * What the voter sees afterwards is built from the snapshot and the write's result; nothing is read again.
 */
@ApplicationScoped
public class DecisionTransaction {

    @Inject
    ActionQueries queries;

    @Inject
    AgentService agents;

    @Inject
    Eligibility eligibility;

    @Inject
    ActionWriter writer;

    @Inject
    Clock clock;

    /**
     * A vote about to be cast, as far as the read step needs it: who, which way, the link's nonce (null: not a link),
     * and whether the action's approver list applies (not to an integration's decision with the admin token).
     */
    public record Voter(String approver, ActionStatus decision, String nonce, boolean approversApply) {
    }

    /**
     * What the read step saw. {@code votes} are every vote on the action, oldest first; {@code agent} is null when the
     * agent no longer exists; {@code ineligible} is the voter's refusal as of this read (empty while the action was
     * not pending: the status answers first).
     */
    public record Snapshot(ActionDetail action, List<Vote> votes, AgentProfile agent,
            Optional<Eligibility.Ineligible> ineligible, Instant readAt) {

        public UUID id() {
            return action.id();
        }

        public boolean pending() {
            return action.status() == ActionStatus.PENDING;
        }

        public long approvals() {
            return approvals(votes);
        }

        /** This approver's vote, on any channel. */
        public Optional<Vote> voteOf(String approver) {
            return votes.stream().filter(v -> v.approver.equals(approver)).findFirst();
        }

        /** The earlier vote that makes another one by this voter a second: the link's own, else the person's. */
        public Optional<Vote> earlier(String approver, String nonce) {
            return earlier(votes, approver, nonce);
        }

        /** The latest vote that changed the tool arguments. */
        public Optional<Vote> latestEdit() {
            return latestEdit(votes);
        }

        static long approvals(List<Vote> votes) {
            return votes.stream().filter(v -> v.decision == ActionStatus.APPROVED).count();
        }

        static Optional<Vote> earlier(List<Vote> votes, String approver, String nonce) {
            return votes.stream().filter(v -> nonce != null && nonce.equals(v.linkNonce)).findFirst()
                    .or(() -> votes.stream().filter(v -> v.approver.equals(approver)).findFirst());
        }

        static Optional<Vote> latestEdit(List<Vote> votes) {
            return votes.stream().filter(v -> v.toolArgs != null).max(Comparator.comparing(v -> v.id));
        }
    }

    /**
     * The read step: one read-only transaction.
     *
     * @throws NotFound when there is no such action
     */
    @Transactional(dontRollbackOn = DomainException.class)
    public Snapshot read(UUID actionId, Voter voter) {
        ActionDetail action = queries.detail(actionId);
        List<Vote> votes = votesOn(actionId);
        AgentProfile agent;
        try {
            agent = agents.get(action.agent()).profile();
        } catch (NotFound gone) {
            agent = null;
        }
        Optional<Eligibility.Ineligible> ineligible = Optional.empty();
        if (voter != null && action.status() == ActionStatus.PENDING) {
            ineligible = eligibility.refusal(voter.approversApply() ? action.approvers() : null, action.userId(),
                    voter.approver(), voter.decision(),
                    Snapshot.earlier(votes, voter.approver(), voter.nonce()).map(Vote::row).orElse(null));
        }
        return new Snapshot(action, votes, agent, ineligible, clock.instant());
    }

    /**
     * The write step: {@code work} runs on the gate's writer in its batch transaction, and this returns once that
     * transaction has committed (with the work's result, or its refusal).
     */
    public <T> T write(Supplier<T> work) {
        return writer.call(work);
    }

    /** Every vote on an action, oldest first, in the caller's transaction. */
    static List<Vote> votesOn(UUID actionId) {
        return Vote.list("actionId = ?1 order by id", actionId);
    }
}
