package io.agentgate.approval;

import io.agentgate.agent.ApprovalSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may vote on a pending action: the one rule every channel asks (mail link, dashboard, and the mail's recipient
 * list). The action carries the approvers copied from its agent at submission:
 * <ul>
 * <li>a named person ({@code alice@example.com}) votes, account or not (mail-only approvers);</li>
 * <li>{@code group:<name>}: every account in that group with the approver or admin role, as of the vote;</li>
 * <li>no approvers at all: every account with the approver or admin role.</li>
 * </ul>
 */
@ApplicationScoped
public class Eligibility {

    @Inject
    ApproverDirectory directory;

    public boolean mayVote(List<String> approvers, String person) {
        if (person == null || person.isBlank()) {
            return false;
        }
        String email = person.strip().toLowerCase(Locale.ROOT);
        List<String> groups = new ArrayList<>();
        for (String approver : approvers) {
            if (isGroup(approver)) {
                groups.add(group(approver));
            } else if (approver.strip().equalsIgnoreCase(email)) {
                return true;
            }
        }
        if (!approvers.isEmpty() && groups.isEmpty()) {
            return false;
        }
        return directory.find(email).filter(ApproverDirectory.Person::approverRole)
                .map(p -> approvers.isEmpty() || groups.stream().anyMatch(p.groups()::contains)).orElse(false);
    }

    /** Everyone who gets the approval mail: the named people, then the members of the named groups. */
    public List<String> recipients(List<String> approvers) {
        if (approvers.isEmpty()) {
            return directory.allApprovers();
        }
        Set<String> people = new LinkedHashSet<>();
        for (String approver : approvers) {
            if (isGroup(approver)) {
                people.addAll(directory.approversIn(group(approver)));
            } else {
                people.add(approver.strip());
            }
        }
        return List.copyOf(people);
    }

    /** Who decides, in words, for pages: "alice@example.com, group finance" or "any user with the approver role". */
    public static String describe(List<String> approvers) {
        if (approvers.isEmpty()) {
            return "any user with the approver role (the agent names no approvers)";
        }
        return String.join(", ", approvers.stream().map(a -> isGroup(a) ? "group " + group(a) : a).toList());
    }

    public static boolean isGroup(String approver) {
        return approver.startsWith(ApprovalSettings.GROUP_PREFIX);
    }

    private static String group(String approver) {
        return approver.substring(ApprovalSettings.GROUP_PREFIX.length()).strip().toLowerCase(Locale.ROOT);
    }
}
