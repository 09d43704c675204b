package io.agentgate.policy.builtin;

import io.agentgate.agent.AgentProfile;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Policy;
import io.agentgate.policy.PolicyScope;
import io.agentgate.policy.Severity;
import java.util.List;

/** A policy that ships with AgentGate, configured from {@link PoliciesConfig} and the governance file. */
public interface BuiltinPolicy extends Policy {

    /** The names of all built-ins, in the order the engine evaluates them. */
    List<String> NAMES = List.of(NoPiiExternalPolicy.NAME, TransactionLimitPolicy.NAME, BusinessHoursPolicy.NAME,
            CapabilityPolicy.NAME, ToolAccessPolicy.NAME, RateLimitPolicy.NAME, ApprovalRequiredPolicy.NAME);

    /** The built-ins that take an {@code actions} list. */
    List<String> WITH_ACTION_LIST = List.of(NoPiiExternalPolicy.NAME, TransactionLimitPolicy.NAME,
            BusinessHoursPolicy.NAME);

    /** The enforcement, severity and scope this instance was configured with. */
    CommonSettings common();

    /** The actions (or patterns) this policy looks at, for {@link #scope()}; empty when it looks at all. */
    default List<String> scopeActions() {
        return List.of();
    }

    @Override
    default Severity severity() {
        return common().severity();
    }

    @Override
    default Enforcement enforcement() {
        return common().enforcement();
    }

    @Override
    default PolicyScope scope() {
        return common().scope(scopeActions());
    }

    @Override
    default boolean appliesTo(AgentProfile agent) {
        return common().appliesTo(agent);
    }

    /** Whether {@link BuiltinOverride#actions()} means anything for this policy. */
    default boolean hasActionList() {
        return WITH_ACTION_LIST.contains(name());
    }

    /**
     * A copy of this policy with the override applied (runtime state such as rate-limit counters is shared).
     *
     * @throws IllegalArgumentException when the override sets actions and {@link #hasActionList()} is false
     */
    BuiltinPolicy withOverride(BuiltinOverride override);

    static void rejectActions(String name, BuiltinOverride override) {
        if (override != null && override.actions() != null) {
            throw new IllegalArgumentException("built-in policy '" + name + "' has no actions setting");
        }
    }
}
