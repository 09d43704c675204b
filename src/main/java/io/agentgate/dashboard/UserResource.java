package io.agentgate.dashboard;

import io.agentgate.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API for dashboard accounts. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Users", description = "Dashboard accounts (admin token)")
@SecurityRequirement(name = "bearer")
public class UserResource {

    @Inject
    AccountService accounts;

    /** Body of account creation. */
    public record UserRequest(@NotBlank @Size(max = 320) String email, @NotNull @Size(max = 200) String password,
            @NotEmpty List<String> roles, @Size(max = 50) List<String> groups) {
    }

    /** Body of an account change: every field optional. */
    public record UserChange(@Size(max = 200) String password, List<String> roles, Boolean disabled) {
    }

    /** An account as shown: never the password hash. */
    public record UserView(String email, List<String> roles, List<String> groups, Instant createdAt,
            boolean disabled) {
        static UserView of(Account a) {
            return new UserView(a.email, a.roleList(), a.groupList(), a.createdAt, a.disabled);
        }
    }

    @POST
    @Operation(operationId = "createUser", summary = "Create a dashboard account", description = "Roles: viewer, approver, admin. Password at least 12 characters (stored as bcrypt). "
            + "Groups (optional): approver groups an agent names as group:<name> in its approvers.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "Invalid email, password or roles")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "409", description = "An account with this email exists")
    public Response create(@Valid @NotNull UserRequest body) {
        Account account = accounts.create(body.email(), body.password(), body.roles(), body.groups(), "admin");
        return Response.status(201).entity(UserView.of(account)).build();
    }

    @PUT
    @Path("{email}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateUser", summary = "Change a dashboard account", description = "New password, roles or disabled. A new password "
            + "or disabling ends every session of the account at once; a disabled account cannot log in and its "
            + "personal tokens stop working.")
    @APIResponse(responseCode = "200", description = "The account")
    @APIResponse(responseCode = "400", description = "Invalid password or roles")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such account")
    public UserView update(@PathParam("email") String email, @Valid @NotNull UserChange body) {
        return UserView.of(accounts.update(email,
                new AccountService.Change(body.password(), body.roles(), body.disabled()), "admin"));
    }

    @DELETE
    @Path("{email}")
    @Operation(operationId = "deleteUser", summary = "Delete a dashboard account", description = "Its sessions and personal tokens end with it.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such account")
    public Response delete(@PathParam("email") String email) {
        accounts.delete(email, "admin");
        return Response.noContent().build();
    }

    @GET
    @Operation(operationId = "listUsers", summary = "List dashboard accounts")
    @APIResponse(responseCode = "200", description = "The accounts")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public List<UserView> list() {
        return accounts.list().stream().map(UserView::of).toList();
    }
}
