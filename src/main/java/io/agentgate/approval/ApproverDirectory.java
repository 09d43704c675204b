package io.agentgate.approval;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The people who may approve, as the accounts' owner knows them. Approval defines this and the dashboard, which owns
 * the accounts and already depends on approval, answers it: the interface keeps the dependency one way.
 */
public interface ApproverDirectory {

    /** A person's account as far as voting is concerned. */
    record Person(String email, boolean approverRole, Set<String> groups, boolean disabled) {

        public Person(String email, boolean approverRole, Set<String> groups) {
            this(email, approverRole, groups, false);
        }

        /** The account itself allows voting: the approver (or admin) role, and not disabled. */
        public boolean mayVote() {
            return approverRole && !disabled;
        }
    }

    Optional<Person> find(String email);

    /** Emails of the enabled accounts with the approver (or admin) role in this group, sorted. */
    List<String> approversIn(String group);

    /** Emails of every enabled account with the approver (or admin) role, sorted. */
    List<String> allApprovers();

    /** Emails (lower case) of the accounts that may not vote at all: disabled, or without the approver role. */
    Set<String> nonVoters();
}
