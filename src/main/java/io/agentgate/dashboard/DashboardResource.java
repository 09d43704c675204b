package io.agentgate.dashboard;

import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.AgentService;
import io.agentgate.approval.ArgumentEdits;
import io.agentgate.approval.GrantRequest;
import io.agentgate.approval.Quorum;
import io.agentgate.common.DomainException;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.NotFound;
import io.agentgate.common.SecurePage;
import io.agentgate.gate.ActionNotPending;
import io.agentgate.gate.ActionReads;
import io.agentgate.gate.ActionStatus;
import io.agentgate.policy.Severity;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.smallrye.mutiny.Multi;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * The reviewer dashboard's pages. Every path needs a session (quarkus.http.auth.permission.dashboard); deciding needs
 * the approver or admin role and, per action, being one of its approvers. Forms carry a CSRF token.
 */
@Path("/dashboard")
@Produces(MediaType.TEXT_HTML)
@SecurePage
@Tag(name = "Dashboard", description = "Reviewer pages (HTML, form login)")
public class DashboardResource {

    @Inject
    DashboardFrames frames;

    @Inject
    DashboardQueries queries;

    @Inject
    DashboardDecisions decisions;

    @Inject
    DashboardSettings settings;

    @Inject
    AgentService agents;

    @Inject
    AccountService accounts;

    @Inject
    LiveUpdates live;

    @Inject
    SessionStamps stamps;

    @Inject
    ProviderLogout providerLogout;

    @Inject
    ArgumentEdits edits;

    @Inject
    ProblemPages problems;

    @Inject
    SecurityIdentity identity;

    @Inject
    RoutingContext rc;

    /** An agent as the agents page shows it. */
    public record AgentCard(AgentProfile agent, DashboardQueries.AgentActivity activity) {
    }

    /** The filter form's choices and the current values. */
    public record FilterForm(List<String> agents, List<String> policies, List<ActionStatus> statuses,
            ActionListing.Filter current) {
    }

    @CheckedTemplate(basePath = "dashboard")
    static class Pages {
        static native TemplateInstance overview(Frame frame, DashboardQueries.Overview overview);

        static native TemplateInstance list(Frame frame, ListView view, List<ListView> views,
                Map<ListView, Long> counts, FilterForm form, ActionListing.Page page, String firstUrl,
                String nextUrl);

        static native TemplateInstance action(Frame frame, DashboardQueries.ActionRecord record,
                DashboardDecisions.Controls controls, DashboardDecisions.Outcome outcome, ToolArgsPanel toolArgs);

        static native TemplateInstance violations(Frame frame, DashboardQueries.ViolationStats stats, int days,
                String policy, String severity, String agent, List<String> policies, List<String> agents);

        static native TemplateInstance agents(Frame frame, List<AgentCard> cards);

        static native TemplateInstance agent(Frame frame, AgentCard card, List<ActionReads.Row> recent);

    }

    @GET
    @Operation(summary = "Overview: pending, timed out, violations, time to decision, closest deadlines")
    public TemplateInstance overview() {
        return Pages.overview(frames.frame("/dashboard"), queries.overview());
    }

    @GET
    @Path("{view:pending|timed-out|resolved}")
    @Operation(summary = "Pending, Timed out or Resolved actions with their violations; filters and keyset paging")
    public TemplateInstance list(@PathParam("view") String slug, @RestQuery String agent, @RestQuery String policy,
            @RestQuery String status, @RestQuery String q, @RestQuery String after) {
        ListView view = ListView.bySlug(slug).orElseThrow();
        ActionStatus wanted = parseStatus(status).filter(s -> view.statuses().contains(s)).orElse(null);
        ActionListing.Filter filter = new ActionListing.Filter(agent, policy, wanted, q);
        ActionListing.Page page = queries.list(view, filter, after, settings.pageSize());
        List<String> agentNames = agents.list().stream().map(a -> a.name).sorted().toList();
        FilterForm form = new FilterForm(agentNames, queries.policyNames(),
                view.statuses().size() > 1 ? view.statuses() : List.of(), filter);
        String first = url(view.path(), filter, null);
        String next = page.next() == null ? null : url(view.path(), filter, page.next());
        return Pages.list(frames.frame(view.path()), view, Arrays.asList(ListView.values()), queries.tabCounts(), form,
                page, after == null || after.isBlank() ? null : first, next);
    }

    @GET
    @Path("actions/{id}")
    @Operation(summary = "One action: context, violations, approval timeline, mails, audit events; decide")
    public TemplateInstance action(@PathParam("id") UUID id, @RestQuery String done) {
        DashboardQueries.ActionRecord record = queries.action(id).orElseThrow(() -> new NotFound("No action " + id));
        DashboardDecisions.Outcome outcome = done == null ? null : switch (done) {
            case "decided" -> new DashboardDecisions.Outcome("Your vote decided it: the action is now "
                    + record.row().status() + ".", true);
            case "granted" -> new DashboardDecisions.Outcome("Your approval decided it and granted later ones like "
                    + "it: see the Grants page for what the grant covers, its uses and to revoke it.", true);
            case "voted" -> new DashboardDecisions.Outcome("Your approval is recorded: " + record.approvals() + " of "
                    + record.requiredApprovals() + " approvals so far.", true);
            default -> null;
        };
        return Pages.action(frames.frame(null), record, decisions.controls(record, frames.viewer()), outcome,
                toolArgs(id, null));
    }

    /** The tool arguments panel (approve with edits), with the editor holding {@code sent} after a refusal. */
    private ToolArgsPanel toolArgs(UUID id, String sent) {
        return edits.shown(id).map(ToolArgsPanel::of).map(p -> p.withEditor(sent)).orElse(null);
    }

    @POST
    @Path("actions/{id}/decision")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Approve or reject an action (a DASHBOARD vote); CSRF token required")
    public Response decide(@PathParam("id") UUID id, @RestForm String decision, @RestForm String comment,
            @RestForm String toolArgs, @RestForm String grantScope, @RestForm String grantFor,
            @RestForm String grantUses, @RestForm(CsrfTokens.FIELD) String csrf) {
        if (!frames.csrfValid(csrf)) {
            return problems.csrfRefused();
        }
        Quorum.Tally tally;
        try {
            ActionStatus vote = parseStatus(decision).orElse(null);
            tally = decisions.decide(id, frames.viewer(), vote, comment, toolArgs,
                    vote == ActionStatus.APPROVED ? GrantRequest.fromForm(grantScope, grantFor, grantUses) : null);
        } catch (DomainException e) {
            // on the action's page, the approver's text still in the editor
            return refusedVote(id, e, toolArgs);
        }
        // post/redirect/get: a reload does not post again
        return Response.seeOther(URI.create("/dashboard/actions/" + id + "?done="
                + (tally.grantId() != null ? "granted" : tally.decided() ? "decided" : "voted"))).build();
    }

    @GET
    @Path("violations")
    @Operation(summary = "Violations by policy, severity, agent and day, and the latest ones")
    public TemplateInstance violations(@RestQuery String days, @RestQuery String policy, @RestQuery String severity,
            @RestQuery String agent) {
        int window = switch (days == null ? "" : days) {
            case "1" -> 1;
            case "30" -> 30;
            default -> 7;
        };
        Severity sev = null;
        if (severity != null && !severity.isBlank()) {
            try {
                sev = Severity.valueOf(severity.strip().toUpperCase());
            } catch (IllegalArgumentException e) {
                sev = null;
            }
        }
        List<String> agentNames = agents.list().stream().map(a -> a.name).sorted().toList();
        return Pages.violations(frames.frame("/dashboard/violations"), queries.violations(window, policy, sev, agent),
                window, blank(policy), sev == null ? null : sev.name(), blank(agent), queries.policyNames(),
                agentNames);
    }

    @GET
    @Path("agents")
    @Operation(summary = "Agents: risk, capabilities, limits, approval rule and activity")
    public TemplateInstance agents() {
        Map<String, DashboardQueries.AgentActivity> activity = queries.agentActivity();
        List<AgentCard> cards = agents.list().stream().map(a -> a.profile())
                .sorted(Comparator.comparing((AgentProfile p) -> p.riskLevel()).reversed()
                        .thenComparing(AgentProfile::name))
                .map(p -> new AgentCard(p, activity.getOrDefault(p.name(), new DashboardQueries.AgentActivity(0, 0, 0))))
                .toList();
        return Pages.agents(frames.frame("/dashboard/agents"), cards);
    }

    @GET
    @Path("agents/{name}")
    @Operation(summary = "One agent and its recent actions")
    public TemplateInstance agent(@PathParam("name") String name) {
        AgentProfile profile = agents.get(name).profile();
        var activity = queries.agentActivity().getOrDefault(name, new DashboardQueries.AgentActivity(0, 0, 0));
        return Pages.agent(frames.frame("/dashboard/agents"), new AgentCard(profile, activity),
                queries.recentActions(name, 20));
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Log out: ends the account's sessions on the server and clears the cookies")
    public Response logout(@RestForm(CsrfTokens.FIELD) String csrf) {
        if (!frames.csrfValid(csrf)) {
            return problems.csrfRefused();
        }
        // a copy of the cookie saved before logout must not open the dashboard again, here or on another instance
        accounts.endSessions(identity.getPrincipal().getName());
        // and its live streams here at once (other instances notice within agentgate.limits.live-streams.session-check)
        live.end(identity.getPrincipal().getName());
        FormAuthenticationMechanism.logout(identity);
        SessionStamps.clear(rc);
        // a person of the identity provider is logged out there too (RP-initiated logout), when it supports that
        return Response.seeOther(providerLogout.after(identity.getPrincipal().getName())).build();
    }

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live updates for open pages (Server-Sent Events): submitted and decided actions")
    public Multi<LiveUpdates.LiveEvent> events() {
        String email = identity.getPrincipal().getName();
        return live.stream(new LiveUpdates.Session(email, stamps.loginAt(rc, email)));
    }

    /**
     * A refusal of the domain as a readable page with its status: a vote that cannot count is shown on the action's
     * page (who decided first, why this person may not vote, ...), anything else on the problem page.
     */
    @ServerExceptionMapper
    public Response refused(DomainException e, SimpleResourceInfo method, UriInfo uri) {
        if ("decide".equals(method.getMethodName())) {
            Optional<UUID> id = parseId(uri.getPathParameters().getFirst("id"));
            if (id.isPresent()) {
                return refusedVote(id.get(), e, null);
            }
        }
        return problems.refused(e);
    }

    /** A vote that cannot count, on the action's page: why, and the editor holding {@code sentToolArgs}. */
    private Response refusedVote(UUID id, DomainException e, String sentToolArgs) {
        Optional<DashboardQueries.ActionRecord> record = queries.action(id);
        if (record.isEmpty()) {
            return problems.refused(e);
        }
        String message;
        if (e instanceof InvalidRequest invalid && invalid.errors().size() == 1
                && ArgumentEdits.FIELD.equals(invalid.errors().get(0).field())) {
            message = "The tool arguments " + invalid.errors().get(0).message() + ". Nothing was decided.";
        } else {
            message = ProblemPages.words(e) + (e instanceof ActionNotPending ? ". Your vote was not counted." : "");
        }
        return page(e.status(), Pages.action(frames.frame(null), record.get(),
                decisions.controls(record.get(), frames.viewer()), new DashboardDecisions.Outcome(message, false),
                toolArgs(id, sentToolArgs)));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problems.forbidden(e);
    }

    private static Response page(int status, TemplateInstance page) {
        return ProblemPages.html(status, page);
    }

    private static Optional<ActionStatus> parseStatus(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ActionStatus.valueOf(value.strip().toUpperCase()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<UUID> parseId(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** A list's URL with its filters (and cursor), every value encoded. */
    static String url(String path, ActionListing.Filter filter, String after) {
        UriBuilder b = UriBuilder.fromPath(path);
        if (filter.agent() != null) {
            b.queryParam("agent", filter.agent());
        }
        if (filter.policy() != null) {
            b.queryParam("policy", filter.policy());
        }
        if (filter.status() != null) {
            b.queryParam("status", filter.status().name());
        }
        if (filter.text() != null) {
            b.queryParam("q", filter.text());
        }
        if (after != null) {
            b.queryParam("after", after);
        }
        return b.build().toString();
    }
}
