package io.agentgate.approval;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agentgate.common.DomainException;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Problem;
import io.agentgate.common.Roles;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.SubmitRequest;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Many decisions in one call: each id is decided as if it came alone to {@code POST /api/v1/actions/{id}/decision}
 * (eligibility, quorum, four eyes, its own audit), and a failing item fails alone with its problem in the results.
 */
@Path("/api/v1/decisions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Actions", description = "Submitting actions and waiting for their decision")
@SecurityRequirement(name = "bearer")
public class BatchDecisionResource {

    /** The most ids one call decides. */
    public static final int MAX_IDS = 200;

    private static final Logger LOG = Logger.getLogger(BatchDecisionResource.class);

    @Inject
    DecisionResource decisions;

    @Inject
    SecurityIdentity identity;

    /** Body of {@code POST /api/v1/decisions}. */
    public record BatchRequest(@NotNull @Size(min = 1, max = MAX_IDS) List<@NotNull UUID> ids,
            @NotNull ActionStatus decision, @Size(max = 320) @Pattern(regexp = SubmitRequest.ONE_LINE,
                    message = SubmitRequest.ONE_LINE_MESSAGE) String decidedBy,
            @Size(max = Vote.MAX_COMMENT) String comment) {
    }

    /** One item's outcome: its HTTP status and the action, or the problem it alone ran into. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(UUID id, int status, ActionView action, Problem problem) {
    }

    /** Every item's outcome, in the order of the ids. */
    public record BatchResults(List<Result> results) {
    }

    @POST
    @RolesAllowed({ Roles.ADMIN, Roles.USER })
    @Operation(operationId = "decideActions", summary = "Decide many pending actions (integrations)",
            description = "Each id is decided on its own as by POST /api/v1/actions/{id}/decision: admin token (final, "
                    + "decidedBy required) or a personal token (that user's vote: approvers, four eyes and the quorum "
                    + "apply). One item failing (already decided, not an approver, unknown) fails alone: its result "
                    + "carries its status and problem, and the others are decided.")
    @APIResponse(responseCode = "200", description = "One result per id: status 200 with the action, or the item's "
            + "4xx status with its problem")
    @APIResponse(responseCode = "400", description = "Invalid body (no ids, more than 200, a bad decision, no "
            + "decidedBy with the admin token); nothing was decided")
    @APIResponse(responseCode = "401", description = "No or bad admin token or personal token")
    @APIResponse(responseCode = "403", description = "An agent key")
    public BatchResults decide(@Valid @NotNull BatchRequest body) {
        Vote.checkDecision(body.decision());
        if (!identity.hasRole(Roles.USER) && (body.decidedBy() == null || body.decidedBy().isBlank())) {
            throw new InvalidRequest("decidedBy", "must not be blank with the admin token");
        }
        List<Result> results = new ArrayList<>(body.ids().size());
        for (UUID id : body.ids()) {
            results.add(one(id, body));
        }
        return new BatchResults(results);
    }

    private Result one(UUID id, BatchRequest body) {
        try {
            ActionView action = decisions.decide(id, body.decision(), body.decidedBy(), body.comment(), null, null)
                    .action();
            return new Result(id, 200, action, null);
        } catch (DomainException e) {
            return new Result(id, e.status(), null, e.toProblem());
        } catch (io.quarkus.security.ForbiddenException e) {
            return new Result(id, 403, null, Problem.of(403, "forbidden", "Forbidden",
                    "This credential may not decide action " + id));
        } catch (RuntimeException e) {
            LOG.errorf(e, "batch decision of action %s failed", id);
            return new Result(id, 500, null, Problem.of(500, "internal", "Internal error",
                    "Action " + id + " could not be decided; the others were decided on their own"));
        }
    }
}
