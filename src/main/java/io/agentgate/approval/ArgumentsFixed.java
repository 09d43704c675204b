package io.agentgate.approval;

import io.agentgate.common.Conflict;
import java.util.Map;
import java.util.UUID;

/**
 * The quorum rule of approve with edits: once an approval is counted, the tool arguments are fixed, so every
 * approval that counts approved the same arguments. Approve them as they stand, or reject.
 */
public class ArgumentsFixed extends Conflict {

    ArgumentsFixed(UUID actionId, long approvals, String editedBy) {
        super("tool-args-fixed", "Tool arguments can no longer be changed", (approvals == 1 ? "1 approval" : approvals
                + " approvals") + " of action " + actionId + " already counted for the tool arguments as they stand"
                + (editedBy == null ? "" : " (as " + editedBy + " changed them)") + ". With a quorum only the first "
                + "approval may change them: approve them as they stand, or reject. Nothing was decided.",
                Map.of("actionId", actionId, "approvals", approvals));
    }
}
