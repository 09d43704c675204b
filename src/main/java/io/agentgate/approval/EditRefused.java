package io.agentgate.approval;

import io.agentgate.common.DomainException;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Edited tool arguments that a deny policy refuses, evaluated as if the agent had submitted them: nothing is
 * decided or stored, the action stays pending, and the problem names every violation.
 */
public class EditRefused extends DomainException {

    private final UUID actionId;
    private final List<Violation> violations;

    EditRefused(UUID actionId, List<Violation> violations) {
        super("Policy refuses the edited tool arguments: " + violations.stream()
                .filter(v -> v.enforcement() == Enforcement.DENY).map(v -> v.policy() + ": " + v.reason())
                .collect(Collectors.joining("; ")) + ". Nothing was decided; the action is still pending.");
        this.actionId = actionId;
        this.violations = List.copyOf(violations);
    }

    /** Every violation the edited arguments got (deny ones and the rest). */
    public List<Violation> violations() {
        return violations;
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String slug() {
        return "edit-refused";
    }

    @Override
    public String title() {
        return "Edited tool arguments refused by policy";
    }

    @Override
    public Map<String, Object> extensions() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("actionId", actionId);
        state.put("violations", violations);
        return state;
    }
}
