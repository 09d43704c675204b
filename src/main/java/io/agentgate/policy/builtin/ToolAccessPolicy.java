package io.agentgate.policy.builtin;

import io.agentgate.agent.AgentProfile;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * {@code tool-access}: for agents with an allow list ({@code allowedActions} not null), the action, and the tool
 * name when given, must be on it (exact names). Agents without a list are out of scope.
 */
@ApplicationScoped
public class ToolAccessPolicy implements BuiltinPolicy {

    public static final String NAME = "tool-access";

    public record Settings(CommonSettings common) {
        public static Settings defaults() {
            return new Settings(CommonSettings.of(Enforcement.DENY, Severity.HIGH));
        }
    }

    private final Settings settings;

    @Inject
    public ToolAccessPolicy(PoliciesConfig config) {
        this(new Settings(PoliciesConfig.common(config.toolAccess())));
    }

    public ToolAccessPolicy(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Agents with an allow list may only take the actions and use the tools on it";
    }

    @Override
    public CommonSettings common() {
        return settings.common();
    }

    @Override
    public boolean appliesTo(AgentProfile agent) {
        return agent.allowedActions() != null && settings.common().appliesTo(agent);
    }

    @Override
    public Optional<Violation> check(ActionContext action) {
        var allowed = action.agent().allowedActions();
        if (allowed == null) {
            return Optional.empty();
        }
        if (!allowed.contains(action.action())) {
            return Optional.of(settings.common().violation(NAME, "Action '" + action.action()
                    + "' is not in the allowed actions of agent '" + action.agent().name() + "'"));
        }
        String tool = action.toolName();
        if (tool != null && !tool.isBlank() && !allowed.contains(tool)) {
            return Optional.of(settings.common().violation(NAME, "Tool '" + tool
                    + "' is not in the allowed actions of agent '" + action.agent().name() + "'"));
        }
        return Optional.empty();
    }

    @Override
    public BuiltinPolicy withOverride(BuiltinOverride override) {
        BuiltinPolicy.rejectActions(NAME, override);
        return new ToolAccessPolicy(new Settings(settings.common().merge(override)));
    }
}
