package io.agentgate.approval;

import io.agentgate.common.Roles;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionView;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * A decision by API with a user's personal token: one vote of that user (channel TOKEN), under the same rules as the
 * dashboard ({@link Eligibility}: an enabled account with the approver or admin role, one of the action's approvers,
 * never their own request, one vote each); the quorum counts it. The audit names the token that voted.
 */
@ApplicationScoped
public class PersonalTokenVotes {

    @Inject
    Quorum quorum;

    /** The credential the audit records for a personal token. */
    public static String credential(Object tokenId) {
        return "personal-token:" + tokenId;
    }

    public ActionView decide(UUID actionId, SecurityIdentity user, ActionStatus decision, String comment) {
        return decide(actionId, user, decision, comment, null, null).action();
    }

    /**
     * As above, approving with edits when {@code toolArgs} is not null, and granting when {@code grant} is not null
     * (see {@link Quorum#cast}).
     */
    public Quorum.Tally decide(UUID actionId, SecurityIdentity user, ActionStatus decision, String comment,
            com.fasterxml.jackson.databind.node.ObjectNode toolArgs, GrantRequest grant) {
        Vote.checkDecision(decision);
        // the account's role is part of who may vote (Eligibility, which the quorum asks): a viewer decides nothing
        String email = user.getPrincipal().getName();
        return quorum.cast(actionId, email, decision, VoteChannel.TOKEN, comment, null,
                credential(user.getAttribute(Roles.TOKEN_ID_ATTRIBUTE)), toolArgs, grant);
    }
}
