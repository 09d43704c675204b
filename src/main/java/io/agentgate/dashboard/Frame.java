package io.agentgate.dashboard;

import java.util.List;

/**
 * What every dashboard page's frame shows: who is logged in, the navigation with the current section marked, and the
 * CSRF token for the page's forms.
 */
public record Frame(Viewer viewer, List<NavLink> nav, String csrf, String liveUrl) {

    /** One navigation entry. */
    public record NavLink(String path, String label, boolean current) {
    }
}
