package io.agentgate.dashboard;

import io.agentgate.gate.ActionReads;
import io.agentgate.gate.ActionStatus;
import java.util.List;
import java.util.Optional;

/** The dashboard's action lists: which statuses each shows and in what order. */
public enum ListView {
    /** Waiting for a decision, the closest deadline first. */
    PENDING("pending", "Pending", List.of(ActionStatus.PENDING), ActionReads.Sort.DEADLINE, true),
    /** Failed closed at the deadline, the latest first. */
    TIMED_OUT("timed-out", "Timed out", List.of(ActionStatus.TIMED_OUT), ActionReads.Sort.DECIDED_AT, false),
    /** Decided by a person or withdrawn by the agent, the latest first. */
    RESOLVED("resolved", "Resolved", List.of(ActionStatus.APPROVED, ActionStatus.REJECTED, ActionStatus.CANCELLED),
            ActionReads.Sort.DECIDED_AT, false);

    private final String slug;
    private final String title;
    private final List<ActionStatus> statuses;
    private final ActionReads.Sort sort;
    private final boolean ascending;

    ListView(String slug, String title, List<ActionStatus> statuses, ActionReads.Sort sort, boolean ascending) {
        this.slug = slug;
        this.title = title;
        this.statuses = statuses;
        this.sort = sort;
        this.ascending = ascending;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public List<ActionStatus> statuses() {
        return statuses;
    }

    /** What the list is sorted by (then by id). */
    ActionReads.Sort sort() {
        return sort;
    }

    boolean ascending() {
        return ascending;
    }

    public String path() {
        return "/dashboard/" + slug;
    }

    public static Optional<ListView> bySlug(String slug) {
        for (ListView v : values()) {
            if (v.slug.equals(slug)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
