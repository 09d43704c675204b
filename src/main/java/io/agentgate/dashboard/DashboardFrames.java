package io.agentgate.dashboard;

import io.quarkus.arc.All;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds the {@link Frame} of a dashboard page for the current request. Other features use it for their pages. */
@RequestScoped
public class DashboardFrames {

    private static final List<DashboardSection> OWN = List.of(
            section("/dashboard", "Overview", 10, Viewer.VIEWER),
            section("/dashboard/pending", "Pending", 20, Viewer.VIEWER),
            section("/dashboard/timed-out", "Timed out", 30, Viewer.VIEWER),
            section("/dashboard/resolved", "Resolved", 40, Viewer.VIEWER),
            section("/dashboard/violations", "Violations", 50, Viewer.VIEWER),
            section("/dashboard/agents", "Agents", 60, Viewer.VIEWER),
            section("/dashboard/users", "Users", 90, Viewer.ADMIN),
            section(AccountPage.PATH, "Account", 95, Viewer.VIEWER));

    @Inject
    SecurityIdentity identity;

    @Inject
    RoutingContext rc;

    @Inject
    CsrfTokens csrf;

    @Inject
    @All
    List<DashboardSection> contributed;

    public Viewer viewer() {
        return Viewer.of(identity);
    }

    /** The frame of a page of the given section (its path as in the navigation). */
    public Frame frame(String currentPath) {
        Viewer viewer = viewer();
        List<DashboardSection> sections = new ArrayList<>(OWN);
        sections.addAll(contributed);
        sections.sort(Comparator.comparingInt(DashboardSection::order));
        List<Frame.NavLink> nav = sections.stream().filter(s -> viewer.has(s.role()))
                .map(s -> new Frame.NavLink(s.path(), s.label(), s.path().equals(currentPath))).toList();
        return new Frame(viewer, nav, csrf.token(rc, viewer.email()), "/dashboard/events");
    }

    /** Whether a submitted form carries this user's CSRF token. */
    public boolean csrfValid(String submitted) {
        return csrf.valid(rc, viewer().email(), submitted);
    }

    private static DashboardSection section(String path, String label, int order, String role) {
        return new DashboardSection() {
            public String path() {
                return path;
            }

            public String label() {
                return label;
            }

            public int order() {
                return order;
            }

            public String role() {
                return role;
            }
        };
    }
}
