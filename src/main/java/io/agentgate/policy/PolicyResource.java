package io.agentgate.policy;

import io.agentgate.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The policies in effect (admin); reloading them from the governance file is governance's. */
@Path("/api/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Policies", description = "Policies and the violations they recorded")
@SecurityRequirement(name = "bearer")
public class PolicyResource {

    @Inject
    PolicyEngine engine;

    @GET
    @Operation(operationId = "listPolicies", summary = "List the policies in effect", description = "Built-ins (as configured) then declarative policies, with severity, enforcement and scope.")
    @APIResponse(responseCode = "200", description = "The policies")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public List<PolicyDescription> list() {
        return engine.describe();
    }
}
