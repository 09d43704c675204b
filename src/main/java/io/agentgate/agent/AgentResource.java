package io.agentgate.agent;

import io.agentgate.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API for agents: register, list, read, change, rotate key. */
@Path("/api/v1/agents")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Agents", description = "Registering agents and their keys (admin token)")
@SecurityRequirement(name = "bearer")
public class AgentResource {

    private static final String ADMIN_ACTOR = "admin";

    @Inject
    AgentService agents;

    @POST
    @Operation(operationId = "createAgent", summary = "Register an agent", description = "Returns the agent with its API key, shown only here, and `warnings`: the approvers who "
            + "cannot vote (a disabled account, an account without the approver role, a group without an approver) "
            + "and why; they get no mail.")
    @APIResponse(responseCode = "201", description = "Registered; body has apiKey",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AgentView.class)))
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "An agent key, not the admin token")
    @APIResponse(responseCode = "409", description = "An agent with this name exists")
    @APIResponse(responseCode = "413", description = "Body over 1 MiB")
    public Response create(@Valid @NotNull AgentRequest body, @Context UriInfo uri) {
        AgentService.Registered registered = agents.create(body, ADMIN_ACTOR);
        return Response.created(uri.getAbsolutePathBuilder().path(registered.agent().name).build())
                .entity(AgentView.of(registered.agent(), registered.apiKey())
                        .withWarnings(agents.approverWarnings(registered.agent()))).build();
    }

    @GET
    @Operation(operationId = "listAgents", summary = "List agents", description = "Every registered agent, by name.")
    @APIResponse(responseCode = "200", description = "The agents")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "An agent key, not the admin token")
    public List<AgentView> list() {
        return agents.list().stream().map(a -> AgentView.of(a, null)).toList();
    }

    @GET
    @Path("{name}")
    @Operation(operationId = "getAgent", summary = "Get an agent")
    @APIResponse(responseCode = "200", description = "The agent")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "An agent key, not the admin token")
    @APIResponse(responseCode = "404", description = "No such agent")
    public AgentView get(@PathParam("name") String name) {
        return AgentView.of(agents.get(name), null);
    }

    @PUT
    @Path("{name}")
    @Operation(operationId = "updateAgent", summary = "Change an agent", description = "Replaces risk level, capabilities, limits and approval settings. The name cannot change. "
            + "The answer's `warnings` name the approvers who cannot vote, and why.")
    @APIResponse(responseCode = "200", description = "The changed agent, with warnings", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AgentView.class)))
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "An agent key, not the admin token")
    @APIResponse(responseCode = "404", description = "No such agent")
    public AgentView update(@PathParam("name") String name, @Valid @NotNull AgentRequest body) {
        Agent agent = agents.update(name, body, ADMIN_ACTOR);
        return AgentView.of(agent, null).withWarnings(agents.approverWarnings(agent));
    }

    @POST
    @Path("{name}/keys")
    @Operation(operationId = "rotateAgentKey", summary = "Rotate the agent's API key", description = "Issues a new key; the old one stops working at once.")
    @APIResponse(responseCode = "200", description = "The agent with its new apiKey")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "An agent key, not the admin token")
    @APIResponse(responseCode = "404", description = "No such agent")
    public AgentView rotateKey(@PathParam("name") String name) {
        AgentService.Registered registered = agents.rotateKey(name, ADMIN_ACTOR);
        return AgentView.of(registered.agent(), registered.apiKey());
    }
}
