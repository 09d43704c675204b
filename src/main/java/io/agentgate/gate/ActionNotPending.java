package io.agentgate.gate;

import io.agentgate.common.Conflict;
import java.util.LinkedHashMap;
import java.util.Map;

/** A decision, cancel or result arrived for an action whose state does not allow it; says what the state is. */
public class ActionNotPending extends Conflict {

    public ActionNotPending(Action action, String detail) {
        super("action-not-pending", "Action is not pending", detail, state(action));
    }

    /** The refusal as read outside the row lock (a decision's read step saw the action already ended). */
    public static ActionNotPending of(ActionView view) {
        Action action = new Action();
        action.id = view.id();
        action.status = view.status();
        action.decidedBy = view.decidedBy();
        action.decidedAt = view.decidedAt();
        return of(action);
    }

    public static ActionNotPending of(Action action) {
        String detail = switch (action.status) {
            case TIMED_OUT -> "Action " + action.id + " timed out at " + action.decidedAt;
            case ALLOWED, DENIED -> "Action " + action.id + " was " + action.status + " at submission; nothing to decide";
            case PENDING -> "Action " + action.id + " is still pending";
            default -> "Action " + action.id + " was already " + action.status + " by " + action.decidedBy + " at "
                    + action.decidedAt;
        };
        return new ActionNotPending(action, detail);
    }

    private static Map<String, Object> state(Action action) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("actionId", action.id);
        state.put("currentStatus", action.status);
        if (action.decidedBy != null) {
            state.put("decidedBy", action.decidedBy);
        }
        if (action.decidedAt != null) {
            state.put("decidedAt", action.decidedAt.toString());
        }
        return state;
    }
}
