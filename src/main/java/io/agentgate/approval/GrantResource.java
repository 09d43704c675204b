package io.agentgate.approval;

import io.agentgate.common.Roles;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Grants (standing approvals): list, read and revoke. Admin token, or a personal token of an approver or admin. */
@Path("/api/v1/grants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Grants", description = "Standing approvals given with an approval")
@SecurityRequirement(name = "bearer")
@RolesAllowed({ Roles.ADMIN, Roles.USER })
public class GrantResource {

    @Inject
    Grants grants;

    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(operationId = "listGrants", summary = "Grants, newest first",
            description = "Of one agent or all; with active=true only those that cover something now (not expired, "
                    + "used up, revoked, or suspended by a change of the policies).")
    @APIResponse(responseCode = "200", description = "The grants, each with its state and what it covers")
    @APIResponse(responseCode = "401", description = "No or bad token")
    @APIResponse(responseCode = "403", description = "An agent key, or a personal token of a viewer")
    public List<GrantView> list(@QueryParam("agent") String agent, @QueryParam("active") boolean active,
            @QueryParam("size") @DefaultValue("100") @Min(1) @Max(500) int size) {
        who();
        return grants.list(agent == null || agent.isBlank() ? null : agent.strip(), active, size);
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getGrant", summary = "One grant")
    @APIResponse(responseCode = "200", description = "The grant")
    @APIResponse(responseCode = "401", description = "No or bad token")
    @APIResponse(responseCode = "403", description = "An agent key, or a personal token of a viewer")
    @APIResponse(responseCode = "404", description = "No such grant")
    public GrantView get(@PathParam("id") UUID id) {
        who();
        return grants.get(id);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "revokeGrant", summary = "Revoke a grant",
            description = "From now on it lets nothing pass; audited as grant.revoked.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "401", description = "No or bad token")
    @APIResponse(responseCode = "403", description = "An agent key, or a personal token of a viewer")
    @APIResponse(responseCode = "404", description = "No such grant")
    @APIResponse(responseCode = "409", description = "Already revoked (the body says by whom and when)")
    public void revoke(@PathParam("id") UUID id) {
        grants.revoke(id, who());
    }

    /** The admin token, or a personal token of someone who may approve (a viewer reads and revokes nothing). */
    private String who() {
        if (!identity.hasRole(Roles.USER)) {
            return "admin-token";
        }
        List<String> roles = identity.getAttribute(Roles.USER_ROLES_ATTRIBUTE);
        if (roles == null || !(roles.contains("approver") || roles.contains("admin"))) {
            throw new ForbiddenException();
        }
        return identity.getPrincipal().getName();
    }
}
