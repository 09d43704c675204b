package io.agentgate.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.AgentService;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.DomainException;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.NotFound;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionNotPending;
import io.agentgate.gate.ActionStatus;
import io.agentgate.policy.PolicyEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * What happens behind an approval link. Opening it (GET) only shows the action and a confirm form; confirming it
 * (POST) casts the approver's vote. A link that is malformed, tampered, foreign, used, expired, or for an action that
 * already ended decides nothing and says which.
 */
@ApplicationScoped
public class LinkService {

    /** Audit event type of a link being opened (a GET, which changes nothing else). */
    public static final String LINK_OPENED = "approval.link_opened";

    private static final Logger LOG = Logger.getLogger(LinkService.class);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    @Inject
    LinkSigner signer;

    @Inject
    Quorum quorum;

    @Inject
    AgentService agents;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    PolicyEngine policies;

    @Inject
    ObjectMapper json;

    @Inject
    ArgumentEdits edits;

    @Inject
    DecisionTransaction transactions;

    /** A link that may be confirmed, and the action it decides. */
    public record Confirmation(ApprovalSummary action, ApprovalLink link) {
    }

    /** A confirmed vote: the action after it, and whether this vote ended it. */
    public record Voted(ApprovalSummary action, ApprovalLink link, boolean decided) {
    }

    /** GET: checks the link and shows the action; records that the link was opened, nothing else. */
    @Transactional(dontRollbackOn = LinkRefused.class)
    public Confirmation open(UUID actionId, String approver, String token) {
        ApprovalLink link = verified(actionId, approver, token);
        DecisionTransaction.Snapshot seen = read(link);
        ActionDetail detail = seen.action();
        ApprovalSummary summary = summary(seen);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("intent", link.intent().word());
        try {
            precheck(link, seen, summary);
        } catch (LinkRefused refused) {
            details.put("refused", refused.refusal());
            audit.record(LINK_OPENED, detail.agent(), detail.id(), link.approver(), details);
            throw refused;
        }
        audit.record(LINK_OPENED, detail.agent(), detail.id(), link.approver(), details);
        return new Confirmation(summary, link);
    }

    /** POST: casts the link's vote, once. */
    public Voted confirm(UUID actionId, String approver, String token, String comment) {
        return confirm(actionId, approver, token, comment, null);
    }

    /**
     * An approval that refused its edited tool arguments: the confirm form again, with the text the approver sent
     * and why it was refused (nothing was decided).
     */
    public static final class EditNotAccepted extends RuntimeException {
        private final transient Confirmation confirmation;
        private final String toolArgs;
        private final int status;

        EditNotAccepted(Confirmation confirmation, String toolArgs, DomainException cause) {
            super(cause.getMessage(), cause);
            this.confirmation = confirmation;
            this.toolArgs = toolArgs;
            this.status = cause.status();
        }

        public Confirmation confirmation() {
            return confirmation;
        }

        public String toolArgs() {
            return toolArgs;
        }

        public int status() {
            return status;
        }
    }

    /** POST with the approve form's tool arguments (null or blank: as shown; otherwise approve with edits). */
    public Voted confirm(UUID actionId, String approver, String token, String comment, String toolArgs) {
        return confirm(actionId, approver, token, comment, toolArgs, null, null, null);
    }

    /**
     * As above, an approval granting as chosen on the form (no scope: no grant; a reject link grants nothing). One
     * {@link DecisionTransaction}: the read step, this link's checks on what it read, the write step; the page after
     * the vote is built from both, without reading again.
     */
    public Voted confirm(UUID actionId, String approver, String token, String comment, String toolArgs,
            String grantScope, String grantFor, String grantUses) {
        ApprovalLink link = verified(actionId, approver, token);
        DecisionTransaction.Snapshot seen = read(link);
        ApprovalSummary before = summary(seen);
        precheck(link, seen, before);
        try {
            Vote.checkComment(comment);
        } catch (InvalidRequest tooLong) {
            throw new LinkRefused(Refusal.BAD_COMMENT, "The comment " + tooLong.errors().get(0).message() + ".",
                    before);
        }
        Quorum.Tally tally;
        try {
            ActionStatus decision = link.intent().decision();
            boolean approve = decision == ActionStatus.APPROVED;
            var edited = approve ? edits.parse(toolArgs) : null;
            var grant = approve ? GrantRequest.fromForm(grantScope, grantFor, grantUses) : null;
            quorum.checkBallot(decision, comment, edited, grant);
            tally = quorum.cast(seen, link.approver(), decision, VoteChannel.MAIL, comment, link.nonce(), null, edited,
                    grant);
        } catch (InvalidRequest | EditRefused | EditUncheckable | ArgumentsFixed | GrantNeedsQuorum refused) {
            LOG.infof("action %s: edited tool arguments via link refused (%s)", link.actionId(), refused.slug());
            throw new EditNotAccepted(new Confirmation(before, link), toolArgs, refused);
        } catch (ActionNotPending | NotAnApprover | AlreadyVoted | SelfApproval lost) {
            // a concurrent vote, decision or timeout got there between the read step and the row lock
            DecisionTransaction.Snapshot now = read(link);
            precheck(link, now, summary(now));
            throw new IllegalStateException("vote refused but the action looks votable: " + lost.getMessage(), lost);
        }
        LOG.infof("action %s: %s via link (%d of %d approvals)", link.actionId(), link.intent().word(), tally.approvals(),
                tally.requiredApprovals());
        return new Voted(summary(seen, tally), link, tally.decided());
    }

    /** The signature and the URL's action and approver; nothing about the action's state yet. */
    private ApprovalLink verified(UUID actionId, String approver, String token) {
        ApprovalLink link;
        try {
            link = signer.verify(token);
        } catch (LinkRejected e) {
            LOG.infof("approval link for action %s refused: %s (%s)", actionId, e.getReason(), e.getMessage());
            if (e.getReason() == LinkRejected.Reason.MALFORMED) {
                throw new LinkRefused(Refusal.MALFORMED, "The link is damaged or incomplete (" + e.getMessage()
                        + "). Open it from the mail again, or copy the whole address. Nothing was decided.", null);
            }
            throw new LinkRefused(Refusal.TAMPERED, "The link's signature does not match: it was changed, or it was "
                    + "signed with a key that is no longer accepted. Nothing was decided.", null);
        }
        if (approver == null || approver.isBlank()) {
            throw new LinkRefused(Refusal.MALFORMED, "The link is incomplete: it does not say whose it is.", null);
        }
        if (!link.actionId().equals(actionId)) {
            LOG.infof("approval link for action %s used on action %s: refused", link.actionId(), actionId);
            throw new LinkRefused(Refusal.FOREIGN, "This link was issued for a different action than the one in its "
                    + "address. Nothing was decided.", null);
        }
        if (!link.approver().equals(approver)) {
            LOG.infof("approval link of another approver used on action %s: refused", actionId);
            throw new LinkRefused(Refusal.FOREIGN, "This link was issued to a different approver than the one in its "
                    + "address. Nothing was decided.", null);
        }
        return link;
    }

    /** The decision's read step for this link's vote. */
    private DecisionTransaction.Snapshot read(ApprovalLink link) {
        try {
            return transactions.read(link.actionId(), new DecisionTransaction.Voter(link.approver(),
                    link.intent().decision(), link.nonce(), true));
        } catch (NotFound e) {
            throw new LinkRefused(Refusal.UNKNOWN_ACTION, "There is no action " + link.actionId() + ".", null);
        }
    }

    /**
     * Every reason a genuine link may not be used now, on what the read step saw without locking (the vote checks
     * again under the lock).
     */
    private void precheck(ApprovalLink link, DecisionTransaction.Snapshot seen, ApprovalSummary summary) {
        ActionDetail detail = seen.action();
        Optional<Vote> own = seen.voteOf(link.approver());
        if (detail.status() != ActionStatus.PENDING) {
            String yours = own.map(v -> " You voted " + word(v.decision) + " at " + UTC.format(v.votedAt) + ".")
                    .orElse("");
            if (detail.status() == ActionStatus.TIMED_OUT) {
                throw new LinkRefused(Refusal.TIMED_OUT, "The action " + summary.outcome() + "." + yours, summary);
            }
            throw new LinkRefused(Refusal.DECIDED, "The action was already " + summary.outcome() + "." + yours, summary);
        }
        if (own.isPresent() && link.nonce().equals(own.get().linkNonce)) {
            throw new LinkRefused(Refusal.USED, "You used this link to " + word(own.get().decision) + " at "
                    + UTC.format(own.get().votedAt) + "; a link works once. The action is still pending ("
                    + summary.quorum() + ").", summary);
        }
        Instant now = clock.instant();
        if (link.expiredAt(now)) {
            throw new LinkRefused(Refusal.EXPIRED, "This link expired at " + UTC.format(link.expiry())
                    + ". Nothing was decided.", summary);
        }
        Optional<Eligibility.Ineligible> refused = seen.ineligible();
        if (refused.isPresent()) {
            Eligibility.Ineligible why = refused.get();
            throw switch (why.reason()) {
                case NOT_APPROVER -> new LinkRefused(Refusal.NOT_APPROVER, why.message() + " Nothing was decided.",
                        summary);
                case OWN_REQUEST -> new LinkRefused(Refusal.SELF_APPROVAL, why.message() + " Nothing was decided.",
                        summary);
                case ALREADY_VOTED -> new LinkRefused(Refusal.VOTED, why.message() + " The action is still pending ("
                        + summary.quorum() + ").", summary);
            };
        }
    }

    /** The action as approvers see it, as the read step saw it. */
    private ApprovalSummary summary(DecisionTransaction.Snapshot seen) {
        return summary(seen.action(), seen.agent(), seen.approvals(), seen.latestEdit());
    }

    /** The action as approvers see it after this vote: the read step's snapshot with the write step's result. */
    private ApprovalSummary summary(DecisionTransaction.Snapshot seen, Quorum.Tally tally) {
        return summary(seen.action().with(tally.action()), seen.agent(), tally.approvals(),
                Optional.ofNullable(tally.latestEdit()));
    }

    private ApprovalSummary summary(ActionDetail detail, AgentProfile agent, long approvals,
            Optional<Vote> latestEdit) {
        Map<String, String> declarative = new HashMap<>();
        policies.describe().stream().filter(p -> !p.builtIn()).forEach(p -> declarative.put(p.name(), p.description()));
        return ApprovalSummary.of(detail, agent, approvals, clock.instant(), json, declarative::get)
                .withToolArgs(ArgumentEdits.shown(detail, latestEdit).orElse(null), json);
    }

    /** The action as approvers see it, as of now (read in transactions of their own). */
    ApprovalSummary summary(ActionDetail detail) {
        AgentProfile agent;
        try {
            agent = agents.get(detail.agent()).profile();
        } catch (NotFound e) {
            agent = null;
        }
        Map<String, String> declarative = new HashMap<>();
        policies.describe().stream().filter(p -> !p.builtIn()).forEach(p -> declarative.put(p.name(), p.description()));
        return ApprovalSummary.of(detail, agent, quorum.approvals(detail.id()), clock.instant(), json,
                declarative::get).withToolArgs(edits.shown(detail.id()).orElse(null), json);
    }

    private static String word(ActionStatus decision) {
        return decision == ActionStatus.APPROVED ? "approve" : "reject";
    }
}
