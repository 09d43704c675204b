package io.agentgate.dashboard;

/**
 * One entry of the dashboard's navigation. The dashboard's own sections are listed by {@link DashboardFrames}; another
 * feature adds a page by declaring a CDI bean of this type (e.g. compliance: path {@code /dashboard/compliance}) and a
 * page that includes {@code layout} with the {@link Frame} from {@link DashboardFrames#frame}.
 */
public interface DashboardSection {

    /** The page's path, under {@code /dashboard} so it gets the login and the session. */
    String path();

    /** The link text. */
    String label();

    /** Position in the navigation; the dashboard's own sections use 10..60. */
    int order();

    /** The role needed to see the entry (viewer, approver or admin); viewer means everyone logged in. */
    default String role() {
        return Viewer.VIEWER;
    }
}
