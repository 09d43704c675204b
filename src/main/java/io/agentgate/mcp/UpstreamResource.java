package io.agentgate.mcp;

import io.agentgate.common.NotFound;
import io.agentgate.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The admin's registry of upstream MCP servers whose tools the gateway shows to agents. */
@Path("/api/v1/mcp/servers")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "MCP gateway", description = "Upstream MCP servers governed by the gateway at /mcp")
@SecurityRequirement(name = "bearer")
public class UpstreamResource {

    static final String ADMIN_ACTOR = "admin";

    @Inject
    UpstreamRegistry registry;

    @GET
    @Operation(operationId = "listMcpServers", summary = "List upstream MCP servers",
            description = "Every registered upstream with its tools as agents see them (<server>__<tool>).")
    @APIResponse(responseCode = "200", description = "The upstreams")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public List<UpstreamView> list() {
        return registry.list();
    }

    @GET
    @Path("{name}")
    @Operation(operationId = "getMcpServer", summary = "Get an upstream MCP server")
    @APIResponse(responseCode = "200", description = "The upstream, whether it answered, and its tools")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such upstream")
    public UpstreamView get(@PathParam("name") String name) {
        return registry.view(name).orElseThrow(() -> new NotFound("No MCP server " + name));
    }

    @PUT
    @Path("{name}")
    @Operation(operationId = "putMcpServer", summary = "Register or replace an upstream MCP server",
            description = "Name: [a-z0-9]+. The URL must pass the SSRF guard (no loopback, link-local or private "
                    + "addresses unless agentgate.mcp.allow-private). AgentGate connects and lists the tools before "
                    + "answering; an upstream that does not answer stays registered, with reachable false and why.")
    @APIResponse(responseCode = "200", description = "Replaced",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UpstreamView.class)))
    @APIResponse(responseCode = "201", description = "Registered",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UpstreamView.class)))
    @APIResponse(responseCode = "400", description = "Invalid name, URL (or one the SSRF guard refuses) or headers")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "413", description = "Body over 1 MiB")
    public Response put(@PathParam("name") String name, @Valid @NotNull UpstreamRequest body) {
        UpstreamRegistry.Registered registered = registry.put(name, body, ADMIN_ACTOR, UpstreamServer.API);
        return Response.status(registered.created() ? 201 : 200).entity(registered.view()).build();
    }

    @DELETE
    @Path("{name}")
    @Operation(operationId = "deleteMcpServer", summary = "Remove an upstream MCP server",
            description = "Its tools disappear from every agent's list at once.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such upstream")
    public Response delete(@PathParam("name") String name) {
        registry.remove(name, ADMIN_ACTOR);
        return Response.noContent().build();
    }
}
