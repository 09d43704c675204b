package io.agentgate.governance;

import io.agentgate.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reloading the governance file (admin), under the policies it defines. */
@Path("/api/v1/policies/reload")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Policies", description = "Policies and the violations they recorded")
@SecurityRequirement(name = "bearer")
public class GovernanceResource {

    @Inject
    GovernanceService governance;

    @POST
    @Operation(operationId = "reloadGovernance", summary = "Re-read the governance file",
            description = "Validates and compiles the whole file first; a bad file changes nothing and the answer says "
                    + "which entry and where. Agents created by the file are returned with their API keys.")
    @APIResponse(responseCode = "200", description = "Loaded: counts and the keys of newly created agents")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "422", description = "The file is invalid or no file is configured; old policies stay")
    public GovernanceService.Loaded reload() {
        return governance.reload();
    }
}
