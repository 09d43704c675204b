package io.agentgate.approval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Roles;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionView;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An integration's decision on a pending action (chat bot, script): a vote of channel API, which ends the action
 * whatever the quorum. Lives with the other vote channels; the path stays under the actions it decides.
 */
@Path("/api/v1/actions/{id}/decision")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Actions", description = "Submitting actions and waiting for their decision")
@SecurityRequirement(name = "bearer")
public class DecisionResource {

    @Inject
    Quorum quorum;

    @Inject
    PersonalTokenVotes personalVotes;

    @Inject
    SecurityIdentity identity;

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.USER })
    @Operation(operationId = "decideAction", summary = "Decide a pending action (integrations)",
            description = "Admin token (final, decidedBy required), or a user's personal token (that user's vote: "
                    + "approvers and four eyes apply). The first decision wins. The audit records the credential "
                    + "apart from the name claimed. With APPROVED, `toolArgs` replaces the action's tool arguments "
                    + "(approve with edits): every policy evaluates them again, a deny refuses them (422), and with a "
                    + "quorum only the first approval may change them (409 afterwards). With APPROVED, `grant` "
                    + "(scope, for, maxUses) lets later submissions of the same agent and action (and arguments, for "
                    + "same-arguments) pass without a person; the answer carries `grantId`.")
    @APIResponse(responseCode = "200", description = "The decided action, with grantId when the approval granted")
    @APIResponse(responseCode = "400", description = "Invalid body; toolArgs that is not a JSON object, is over "
            + "256 KiB, comes with REJECTED, or is for an action without tool arguments; a grant with REJECTED or "
            + "longer than agentgate.grants.max-duration")
    @APIResponse(responseCode = "401", description = "No or bad admin token or personal token")
    @APIResponse(responseCode = "403", description = "An agent key; or a personal token of someone who may not vote "
            + "on it (role, approvers, own request)")
    @APIResponse(responseCode = "404", description = "No such action")
    @APIResponse(responseCode = "409", description = "No longer pending (the body says who decided and when); or an "
            + "edit after an approval already counted (tool-args-fixed); or a grant with an approval that does not "
            + "complete the quorum (grant-needs-quorum)")
    @APIResponse(responseCode = "422", description = "A deny policy refuses the edited toolArgs; the body lists the "
            + "violations. Nothing is stored and the action stays pending")
    public Decided decide(@PathParam("id") UUID id, @Valid @NotNull DecisionRequest body) {
        return Decided.of(decide(id, body.decision(), body.decidedBy(), body.comment(), body.toolArgs(),
                body.grant()));
    }

    /** One decision by the caller's credential: a personal token's vote, or the admin token's final word. */
    Quorum.Tally decide(UUID id, ActionStatus decision, String decidedBy, String comment, ObjectNode toolArgs,
            GrantRequest grant) {
        if (identity.hasRole(Roles.USER)) {
            return personalVotes.decide(id, identity, decision, comment, toolArgs, grant);
        }
        if (decidedBy == null || decidedBy.isBlank()) {
            throw new InvalidRequest("decidedBy", "must not be blank");
        }
        Vote.checkDecision(decision);
        return quorum.cast(id, decidedBy.trim(), decision, VoteChannel.API, comment, null, null, toolArgs, grant);
    }

    /** The decided action, and the grant the approval gave (absent when none). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Decided(@JsonUnwrapped ActionView action, UUID grantId) {

        static Decided of(Quorum.Tally tally) {
            return new Decided(tally.action(), tally.grantId());
        }
    }
}
