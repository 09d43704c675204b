package io.agentgate.approval;

import io.agentgate.common.DomainException;
import java.util.Map;
import java.util.UUID;

/** Someone who is not among an action's approvers tried to vote on it. */
public class NotAnApprover extends DomainException {

    private final UUID actionId;

    public NotAnApprover(UUID actionId) {
        this(actionId, "This approver is not among the approvers of action " + actionId);
    }

    NotAnApprover(UUID actionId, String detail) {
        super(detail);
        this.actionId = actionId;
    }

    @Override
    public int status() {
        return 403;
    }

    @Override
    public String slug() {
        return "not-an-approver";
    }

    @Override
    public String title() {
        return "Not an approver of this action";
    }

    @Override
    public Map<String, Object> extensions() {
        return Map.of("actionId", actionId);
    }
}
