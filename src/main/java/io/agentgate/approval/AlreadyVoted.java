package io.agentgate.approval;

import io.agentgate.common.Conflict;
import java.util.LinkedHashMap;
import java.util.Map;

/** An approver votes once per action, whatever the channel; says what the earlier vote was. */
public class AlreadyVoted extends Conflict {

    private final transient Vote earlier;

    AlreadyVoted(Vote earlier, String detail) {
        super("already-voted", "Already voted", detail, state(earlier));
        this.earlier = earlier;
    }

    /** The vote this approver cast before. */
    public Vote earlier() {
        return earlier;
    }

    private static Map<String, Object> state(Vote vote) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("actionId", vote.actionId);
        state.put("votedBy", vote.approver);
        state.put("vote", vote.decision);
        state.put("votedAt", vote.votedAt.toString());
        return state;
    }
}
