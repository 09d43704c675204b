package io.agentgate.cluster;

import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.ActionView;
import java.util.UUID;

/**
 * One cross-instance event as sent with {@code NOTIFY} (JSON, well under PostgreSQL's 8000-byte payload limit):
 * who sent it, what happened and, for actions, what a list row needs. Receivers read anything else from the
 * database, where it is already committed: PostgreSQL delivers a notification only when its transaction commits.
 *
 * @param from the sending instance, so it can ignore its own notices
 * @param type {@code submitted}, {@code decided}, {@code agent} or {@code policies}
 * @param view a decision's whole state when it fits, so waiters elsewhere are answered without reading it back
 */
record Notice(String from, String type, UUID id, String agent, String action, ActionStatus status, ActionView view) {

    static final String SUBMITTED = "submitted";
    static final String DECIDED = "decided";
    static final String AGENT = "agent";
    static final String ACCOUNTS = "accounts";
    static final String POLICIES = "policies";
    /** Bounds names in a payload; the page re-reads its list anyway. */
    private static final int MAX_NAME = 200;

    static Notice of(String from, String type, ActionView view) {
        return new Notice(from, type, view.id(), clip(view.agent()), clip(view.action()), view.status(), null);
    }

    static Notice of(String from, String type) {
        return new Notice(from, type, null, null, null, null, null);
    }

    Notice withView(ActionView decided) {
        return new Notice(from, type, id, agent, action, status, decided);
    }

    private static String clip(String text) {
        return text == null || text.length() <= MAX_NAME ? text : text.substring(0, MAX_NAME);
    }
}
