package io.agentgate.dashboard;

import io.agentgate.approval.AlreadyVoted;
import io.agentgate.approval.ArgumentEdits;
import io.agentgate.approval.ArgumentsFixed;
import io.agentgate.approval.EditRefused;
import io.agentgate.approval.EditUncheckable;
import io.agentgate.approval.Eligibility;
import io.agentgate.approval.NotAnApprover;
import io.agentgate.approval.Quorum;
import io.agentgate.approval.SelfApproval;
import io.agentgate.approval.VoteChannel;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.NotFound;
import io.agentgate.gate.ActionNotPending;
import io.agentgate.gate.ActionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Approve and reject from the dashboard: a vote through approval's {@link Quorum} with channel DASHBOARD, so the
 * quorum, the four-eyes rule, one vote per approver and the conditional decision are the same as for mail links.
 */
@ApplicationScoped
public class DashboardDecisions {

    static final int MAX_COMMENT = 2000;
    private static final Logger LOG = Logger.getLogger(DashboardDecisions.class);

    @Inject
    Quorum quorum;

    @Inject
    Eligibility eligibility;

    @Inject
    ArgumentEdits edits;

    /** What became of a vote: shown on the action's page; {@code status} is the page's HTTP status. */
    public record Outcome(int status, String message, boolean decided) {
        public boolean ok() {
            return status < 300;
        }
    }

    public Outcome decide(UUID id, Viewer viewer, ActionStatus decision, String comment) {
        return decide(id, viewer, decision, comment, null);
    }

    /** As above; {@code toolArgs} is the approve form's editor text: an approval with edits when it changes them. */
    public Outcome decide(UUID id, Viewer viewer, ActionStatus decision, String comment, String toolArgs) {
        if (!viewer.mayDecide()) {
            return new Outcome(403, "Your role (" + viewer.roleName() + ") may look at actions but not decide them.",
                    false);
        }
        if (decision != ActionStatus.APPROVED && decision != ActionStatus.REJECTED) {
            return new Outcome(400, "Choose approve or reject.", false);
        }
        if (comment != null && comment.length() > MAX_COMMENT) {
            return new Outcome(400, "A comment has at most " + MAX_COMMENT + " characters; this one has "
                    + comment.length() + ". Nothing was decided.", false);
        }
        String verb = decision == ActionStatus.APPROVED ? "approved" : "rejected";
        try {
            // the form posts the editor with either button: only an approval takes it
            Quorum.Tally tally = quorum.cast(id, viewer.email(), decision, VoteChannel.DASHBOARD, comment, null, null,
                    decision == ActionStatus.APPROVED ? edits.parse(toolArgs) : null);
            LOG.infof("action %s: %s in the dashboard by an approver (%d of %d)", id, verb, tally.approvals(),
                    tally.requiredApprovals());
            if (tally.decided()) {
                return new Outcome(200, "You " + verb + " it: the action is now " + tally.action().status() + ".", true);
            }
            return new Outcome(200, "Your approval is recorded: " + tally.approvals() + " of "
                    + tally.requiredApprovals() + " approvals. The action stays pending until the others decide.",
                    false);
        } catch (ActionNotPending e) {
            // a lost race or an old page: the message names the winner and when
            return new Outcome(409, e.getMessage() + ". Your vote was not counted.", false);
        } catch (AlreadyVoted e) {
            return new Outcome(409, "You already voted " + e.earlier().decision + " on this action ("
                    + e.earlier().channel.name().toLowerCase() + "); each approver votes once.", false);
        } catch (NotAnApprover e) {
            return new Outcome(403, "You are not among this action's approvers, so your vote cannot count.", false);
        } catch (SelfApproval e) {
            return new Outcome(403, "This action was requested on your behalf, so someone else has to approve it: "
                    + "no one approves their own request (four eyes). You may still reject it.", false);
        } catch (NotFound e) {
            return new Outcome(404, "There is no such action.", false);
        } catch (InvalidRequest e) {
            return new Outcome(400, "The tool arguments " + e.errors().get(0).message() + ". Nothing was decided.",
                    false);
        } catch (EditRefused | EditUncheckable | ArgumentsFixed e) {
            return new Outcome(e.status(), e.getMessage(), false);
        }
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
        if (!viewer.mayDecide()) {
            return new Controls(false, false, ("You are logged in as a viewer: viewers see every action "
                    + "but decide none. Approvers and admins decide."));
        }
        if (!eligibility.mayVote(action.approvers(), viewer.email())) {
            return new Controls(false, false, ("Only this action's approvers decide it: "
                    + Eligibility.describe(action.approvers()) + "."));
        }
        var own = action.votes().stream().filter(v -> v.approver().equals(viewer.email())).findFirst();
        if (own.isPresent()) {
            return new Controls(false, false, ("You voted " + own.get().decision() + " ("
                    + own.get().channel().toLowerCase() + "); each approver votes once."));
        }
        if (SelfApproval.isOwnRequest(action.row().userId(), viewer.email())) {
            return new Controls(false, true, ("This action was requested on your behalf ("
                    + action.row().userId() + "), so someone else has to approve it: no one approves their own "
                    + "request (four eyes). You may still reject it."));
        }
        return new Controls(true, true, null);
    }
}
