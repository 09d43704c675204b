package io.agentgate.dashboard;

import io.agentgate.approval.ArgumentEdits;
import io.agentgate.approval.Eligibility;
import io.agentgate.approval.GrantRequest;
import io.agentgate.approval.Quorum;
import io.agentgate.approval.VoteChannel;
import io.agentgate.common.DomainException;
import io.agentgate.gate.ActionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Approve and reject from the dashboard: a vote through approval's {@link Quorum} with channel DASHBOARD, so the
 * quorum, who may vote ({@link Eligibility}), one vote per approver and the conditional decision are the same as for
 * mail links. A vote that cannot count throws its domain exception; the dashboard's mapper shows it on the page.
 */
@ApplicationScoped
public class DashboardDecisions {

    private static final Logger LOG = Logger.getLogger(DashboardDecisions.class);

    @Inject
    Quorum quorum;

    @Inject
    Eligibility eligibility;

    @Inject
    ArgumentEdits edits;

    @Inject
    AccountService accounts;

    /** What the action's page says after a vote: the message, and whether it reports success. */
    public record Outcome(String message, boolean ok) {
    }

    /**
     * Casts the viewer's vote; the tally says whether it decided the action.
     *
     * @throws DomainException when the vote cannot count: the decision or comment, who may vote (the account's role
     *                         included, asked of {@link Eligibility} by the quorum), or an action no longer pending
     */
    public Quorum.Tally decide(UUID id, Viewer viewer, ActionStatus decision, String comment) {
        return decide(id, viewer, decision, comment, null);
    }

    /** As above; {@code toolArgs} is the approve form's editor text: an approval with edits when it changes them. */
    public Quorum.Tally decide(UUID id, Viewer viewer, ActionStatus decision, String comment, String toolArgs) {
        return decide(id, viewer, decision, comment, toolArgs, null);
    }

    /**
     * As above, and an approval may grant ({@code grant} null: none; a reject ignores the form's choice). The account's
     * sign-on identity (for the audit's credential) is read in the decision's one read transaction, which joins this
     * one; the write happens on the gate's writer.
     */
    @Transactional(dontRollbackOn = DomainException.class)
    public Quorum.Tally decide(UUID id, Viewer viewer, ActionStatus decision, String comment, String toolArgs,
            GrantRequest grant) {
        // the form posts the editor with either button: only an approval takes it
        Quorum.Tally tally = quorum.cast(id, viewer.email(), decision, VoteChannel.DASHBOARD, comment, null,
                credential(viewer),
                decision == ActionStatus.APPROVED ? edits.parse(toolArgs) : null,
                decision == ActionStatus.APPROVED ? grant : null);
        LOG.infof("action %s: %s in the dashboard by an approver (%d of %d)", id, decision, tally.approvals(),
                tally.requiredApprovals());
        return tally;
    }

    /**
     * The credential the vote's audit event names: an account of the identity provider with its issuer and subject
     * (who the person is there), any other the dashboard session (null: the channel's own name).
     */
    private String credential(Viewer viewer) {
        return accounts.find(viewer.email()).filter(a -> a.idpSubject != null)
                .map(a -> credential(a.idpIssuer, a.idpSubject)).orElse(null);
    }

    /** The audit's credential of a dashboard session opened through the identity provider. */
    static String credential(String issuer, String subject) {
        return "oidc-session; iss=" + issuer + "; sub=" + subject;
    }

    /**
     * The buttons this viewer gets on a pending action and, when one is missing, why (null when both are there):
     * reject without approve is the four-eyes rule.
     */
    public record Controls(boolean approve, boolean reject, String reason) {
    }

    public Controls controls(DashboardQueries.ActionRecord action, Viewer viewer) {
        if (action.row().status() != ActionStatus.PENDING) {
            return new Controls(false, false, null);
        }
        var own = action.votes().stream().filter(v -> v.approver().equals(viewer.email())).findFirst().orElse(null);
        // no vote at all (the account's role, not an approver, voted already), then no approval (their own request)
        Optional<Eligibility.Ineligible> none = eligibility.refusal(action.approvers(), action.row().userId(),
                viewer.email(), ActionStatus.REJECTED, own);
        if (none.isPresent()) {
            return new Controls(false, false, none.get().message());
        }
        return eligibility.refusal(action.approvers(), action.row().userId(), viewer.email(), ActionStatus.APPROVED,
                own).map(r -> new Controls(false, true, r.message())).orElse(new Controls(true, true, null));
    }
}
