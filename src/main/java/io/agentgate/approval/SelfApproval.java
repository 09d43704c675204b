package io.agentgate.approval;

import io.agentgate.common.DomainException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The four-eyes rule: nobody approves an action requested on their own behalf (the action's {@code userId} is the
 * approver's email), whatever the channel. Rejecting it stays possible.
 */
public class SelfApproval extends DomainException {

    private final UUID actionId;

    SelfApproval(UUID actionId, String detail) {
        super(detail);
        this.actionId = actionId;
    }

    /** Whether the approver is the person the action was requested for (emails compared case-insensitively). */
    public static boolean isOwnRequest(String userId, String approver) {
        return userId != null && approver != null
                && userId.strip().toLowerCase(Locale.ROOT).equals(approver.strip().toLowerCase(Locale.ROOT));
    }

    @Override
    public int status() {
        return 403;
    }

    @Override
    public String slug() {
        return "self-approval";
    }

    @Override
    public String title() {
        return "No one approves their own request";
    }

    @Override
    public Map<String, Object> extensions() {
        return Map.of("actionId", actionId);
    }
}
