package io.agentgate.policy.builtin;

import io.agentgate.agent.Capability;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code capability}: an action that needs a capability the agent lacks. The mapping is action glob to
 * capability; every matching glob's capability is required.
 */
@ApplicationScoped
public class CapabilityPolicy implements BuiltinPolicy {

    public static final String NAME = "capability";

    /** The contract's mapping; configuration adds to it or, with the value {@code none}, removes an entry. */
    public static final Map<String, Capability> DEFAULT_MAPPING = defaultMapping();

    /** @param mapping action glob ({@code *}, {@code ?}) to the capability it needs, checked in order */
    public record Settings(CommonSettings common, Map<String, Capability> mapping) {
        public Settings {
            mapping = Collections.unmodifiableMap(new LinkedHashMap<>(mapping));
        }

        public static Settings defaults() {
            return new Settings(CommonSettings.of(Enforcement.DENY, Severity.HIGH), DEFAULT_MAPPING);
        }

        static Settings from(PoliciesConfig.CapabilityCheck c) {
            Map<String, Capability> mapping = new LinkedHashMap<>(DEFAULT_MAPPING);
            c.mapping().forEach((glob, capability) -> {
                if (capability.trim().equalsIgnoreCase("none")) {
                    mapping.remove(glob);
                } else {
                    mapping.put(glob, Capability.fromJsonName(capability.trim()));
                }
            });
            return new Settings(PoliciesConfig.common(c), mapping);
        }
    }

    private final Settings settings;
    private final List<Map.Entry<ActionPattern, Capability>> rules;

    @Inject
    public CapabilityPolicy(PoliciesConfig config) {
        this(Settings.from(config.capability()));
    }

    public CapabilityPolicy(Settings settings) {
        this.settings = settings;
        List<Map.Entry<ActionPattern, Capability>> compiled = new ArrayList<>();
        settings.mapping().forEach((glob, capability) -> compiled.add(Map.entry(ActionPattern.of(glob), capability)));
        this.rules = List.copyOf(compiled);
    }

    private static Map<String, Capability> defaultMapping() {
        Map<String, Capability> m = new LinkedHashMap<>();
        m.put("send_external_message", Capability.SEND_EXTERNAL_MESSAGES);
        m.put("execute_transaction", Capability.FINANCIAL_TRANSACTIONS);
        m.put("write_*", Capability.WRITE_DATA);
        m.put("update_*", Capability.WRITE_DATA);
        m.put("delete_*", Capability.WRITE_DATA);
        m.put("execute_code", Capability.EXECUTE_CODE);
        m.put("run_*", Capability.EXECUTE_CODE);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Actions need the matching capability: " + settings.mapping().entrySet().stream()
                .map(e -> e.getKey() + " needs " + e.getValue().jsonName()).collect(Collectors.joining(", "));
    }

    @Override
    public CommonSettings common() {
        return settings.common();
    }

    @Override
    public List<String> scopeActions() {
        return List.copyOf(settings.mapping().keySet());
    }

    @Override
    public Optional<Violation> check(ActionContext action) {
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        for (Map.Entry<ActionPattern, Capability> rule : rules) {
            if (rule.getKey().matches(action.action())
                    && (action.agent().capabilities() == null || !action.agent().capabilities().has(rule.getValue()))) {
                missing.add(rule.getValue());
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        String names = missing.stream().map(Capability::jsonName).collect(Collectors.joining(", "));
        return Optional.of(settings.common().violation(NAME, String.format(Locale.ROOT,
                "Action '%s' needs capability %s, which agent '%s' lacks", action.action(), names,
                action.agent().name())));
    }

    @Override
    public BuiltinPolicy withOverride(BuiltinOverride override) {
        BuiltinPolicy.rejectActions(NAME, override);
        return new CapabilityPolicy(new Settings(settings.common().merge(override), settings.mapping()));
    }
}
