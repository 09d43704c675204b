package io.agentgate.approval;

import io.agentgate.common.Conflict;
import java.util.Map;
import java.util.UUID;

/** Edited tool arguments of an action whose agent no longer exists: no profile to check them against. */
public class EditUncheckable extends Conflict {

    EditUncheckable(UUID actionId, String agent) {
        super("edit-uncheckable", "Edited tool arguments cannot be checked", "Agent " + agent + " no longer exists, "
                + "so edited tool arguments cannot be checked against its profile: approve them as submitted, or "
                + "reject. Nothing was decided.", Map.of("actionId", actionId));
    }
}
