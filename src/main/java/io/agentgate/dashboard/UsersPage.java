package io.agentgate.dashboard;

import io.agentgate.common.Conflict;
import io.agentgate.common.DomainException;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.SecurePage;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The Users page (admins): every account, creating one, and disabling, enabling or deleting one. Disabling and
 * deleting end the account's sessions on the server, on every instance (as the admin API does). Every form carries
 * the CSRF token.
 */
@Path(UsersPage.PATH)
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Viewer.ADMIN)
@SecurePage
@Tag(name = "Dashboard")
public class UsersPage {

    static final String PATH = "/dashboard/users";

    @Inject
    DashboardFrames frames;

    @Inject
    AccountService accounts;

    @Inject
    ProblemPages problems;

    /** A dashboard account as the users page shows it; {@code self}: the admin looking at the page. */
    public record UserRow(String email, List<String> roles, List<String> groups, Instant createdAt, boolean disabled,
            boolean self) {
    }

    @CheckedTemplate(basePath = "dashboard")
    static class Pages {
        static native TemplateInstance users(Frame frame, List<UserRow> users, String message, boolean failed,
                String email);
    }

    @GET
    @Operation(summary = "Dashboard accounts (admin)")
    public TemplateInstance list() {
        return page(null, false, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Create a dashboard account (admin); CSRF token required")
    public Response create(@RestForm String email, @RestForm String password, @RestForm List<String> roles,
            @RestForm String groups, @RestForm(CsrfTokens.FIELD) String csrf) {
        if (!frames.csrfValid(csrf)) {
            return problems.csrfRefused();
        }
        try {
            List<String> groupList = groups == null ? List.of()
                    : Arrays.stream(groups.split("[,\\s]+")).filter(g -> !g.isBlank()).toList();
            Account created = accounts.create(email, password, roles, groupList, frames.viewer().email());
            return ProblemPages.html(201, page("Created " + created.email + " (" + created.roles.replace(",", ", ")
                    + ").", false, null));
        } catch (DomainException e) {
            return ProblemPages.html(e.status(), page(e.getMessage(), true, email));
        }
    }

    @POST
    @Path("disable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Disable an account (admin): its sessions end, it cannot log in; CSRF token required")
    public Response disable(@RestForm String email, @RestForm(CsrfTokens.FIELD) String csrf) {
        return change(email, csrf, "disable", () -> {
            accounts.update(email, new AccountService.Change(null, null, true), frames.viewer().email());
            return "Disabled " + email + ": its sessions ended and it cannot log in until it is enabled again.";
        });
    }

    @POST
    @Path("enable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Enable a disabled account again (admin); CSRF token required")
    public Response enable(@RestForm String email, @RestForm(CsrfTokens.FIELD) String csrf) {
        return change(email, csrf, "enable", () -> {
            accounts.update(email, new AccountService.Change(null, null, false), frames.viewer().email());
            return "Enabled " + email + ": it may log in again.";
        });
    }

    @POST
    @Path("delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Delete an account (admin): its sessions and personal tokens end; CSRF token required")
    public Response delete(@RestForm String email, @RestForm(CsrfTokens.FIELD) String csrf) {
        return change(email, csrf, "delete", () -> {
            accounts.delete(email, frames.viewer().email());
            return "Deleted " + email + ": its sessions ended and its personal tokens no longer work.";
        });
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problems.forbidden(e);
    }

    /** One change of an account from a form; the admin's own account is not changed here (no locking oneself out). */
    private Response change(String email, String csrf, String verb, Change change) {
        if (!frames.csrfValid(csrf)) {
            return problems.csrfRefused();
        }
        try {
            if (email == null || email.isBlank()) {
                throw new InvalidRequest("email", "names no account");
            }
            if (email.strip().toLowerCase(Locale.ROOT).equals(frames.viewer().email().toLowerCase(Locale.ROOT))) {
                throw new Conflict("own-account", "Your own account", "You cannot " + verb + " your own account here; "
                        + "another admin can.", Map.of("email", email));
            }
            return ProblemPages.html(200, page(change.apply(), false, null));
        } catch (DomainException e) {
            return ProblemPages.html(e.status(), page(e.getMessage(), true, null));
        }
    }

    @FunctionalInterface
    private interface Change {
        String apply();
    }

    private TemplateInstance page(String message, boolean failed, String email) {
        String self = frames.viewer().email();
        List<UserRow> rows = accounts.list().stream().map(a -> new UserRow(a.email, a.roleList(), a.groupList(),
                a.createdAt, a.disabled, a.email.equalsIgnoreCase(self))).toList();
        return Pages.users(frames.frame(PATH), rows, message, failed, email);
    }
}
