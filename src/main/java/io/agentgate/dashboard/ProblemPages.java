package io.agentgate.dashboard;

import io.agentgate.common.DomainException;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Problem;
import io.agentgate.common.TooBusy;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The dashboard's error pages: what the exception mappers of the dashboard's page resources answer (a domain
 * refusal with its own status, a role that may not, a form without its CSRF token), always a readable page.
 */
@RequestScoped
public class ProblemPages {

    @Inject
    DashboardFrames frames;

    @CheckedTemplate(basePath = "dashboard")
    static class Pages {
        static native TemplateInstance problem(Frame frame, int status, String title, String detail);
    }

    /** A refusal of the domain (no such action, a bad page link, a vote that cannot count, ...). */
    public Response refused(DomainException e) {
        Response page = page(e.status(), e.title(), words(e));
        return e instanceof TooBusy busy
                ? Response.fromResponse(page).header("Retry-After", busy.retryAfterSeconds()).build() : page;
    }

    /** The refusal in words for a page: a field error reads as a sentence ("The comment has at most ..."). */
    public static String words(DomainException e) {
        if (e instanceof InvalidRequest invalid && invalid.errors().size() == 1) {
            Problem.FieldError error = invalid.errors().get(0);
            return "The " + error.field() + " " + error.message() + ".";
        }
        return e.getMessage();
    }

    /** A page or form for another role. */
    public Response forbidden(ForbiddenException e) {
        Viewer viewer = frames.viewer();
        return page(403, "Not for your role", "This page is for admins. You are logged in as " + viewer.email() + " ("
                + viewer.roleName() + ").");
    }

    /** A form sent without this session's CSRF token: nothing was changed. */
    public Response csrfRefused() {
        return page(403, "Form expired", "The form was sent without its security token (or with another session's), "
                + "so nothing was changed. Go back, reload the page and try again.");
    }

    public Response page(int status, String title, String detail) {
        return html(status, Pages.problem(frames.frame(null), status, title, detail));
    }

    /** A rendered page with its status. */
    static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page.render()).build();
    }
}
