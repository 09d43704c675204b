package io.agentgate.approval;

import io.agentgate.common.Conflict;
import java.util.Map;
import java.util.UUID;

/** A grant asked with an approval that does not complete the quorum: nothing is recorded, the approver may vote without it. */
public class GrantNeedsQuorum extends Conflict {

    GrantNeedsQuorum(UUID actionId, long approvals, int required) {
        super("grant-needs-quorum", "Only the approval that completes the quorum may grant", "Action " + actionId
                + " needs " + required + " approvals and has " + approvals + "; this approval would not decide it, "
                + "so it cannot grant. Nothing was recorded: approve without a grant, and let the last approver grant",
                Map.of("actionId", actionId, "approvals", approvals, "requiredApprovals", required));
    }
}
