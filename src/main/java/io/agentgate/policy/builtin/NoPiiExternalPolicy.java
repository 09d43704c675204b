package io.agentgate.policy.builtin;

import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import io.agentgate.policy.pii.PiiDetector;
import io.agentgate.policy.pii.PiiKind;
import io.agentgate.policy.pii.PiiScanBudgetExceeded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code no-pii-external}: an outgoing action (by default {@code send_external_message}) whose context or tool
 * arguments contain personal data. The reason names the kinds found, never the values.
 */
@ApplicationScoped
public class NoPiiExternalPolicy implements BuiltinPolicy {

    public static final String NAME = "no-pii-external";

    /** @param defaultRegion region for phone numbers written without a country code, e.g. "US" */
    public record Settings(CommonSettings common, List<String> actions, String defaultRegion) {
        public Settings {
            actions = List.copyOf(actions);
        }

        public static Settings defaults() {
            return new Settings(CommonSettings.of(Enforcement.DENY, Severity.HIGH), List.of("send_external_message"),
                    "US");
        }

        static Settings from(PoliciesConfig.NoPiiExternal c) {
            return new Settings(PoliciesConfig.common(c), c.actions(), c.defaultRegion());
        }
    }

    private final Settings settings;
    private final PiiDetector detector;

    @Inject
    public NoPiiExternalPolicy(PoliciesConfig config) {
        this(Settings.from(config.noPiiExternal()));
    }

    public NoPiiExternalPolicy(Settings settings) {
        this(settings, new PiiDetector(settings.defaultRegion()));
    }

    private NoPiiExternalPolicy(Settings settings, PiiDetector detector) {
        this.settings = settings;
        this.detector = detector;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Outgoing messages must not contain personal data (emails, phone numbers, payment cards, IBANs,"
                + " national ids)";
    }

    @Override
    public CommonSettings common() {
        return settings.common();
    }

    @Override
    public List<String> scopeActions() {
        return settings.actions();
    }

    @Override
    public Optional<Violation> check(ActionContext action) {
        if (!settings.actions().contains(action.action())) {
            return Optional.empty();
        }
        Set<PiiKind> found = EnumSet.noneOf(PiiKind.class);
        try {
            found.addAll(detector.scan(action.context()));
            found.addAll(detector.scan(action.toolArgs()));
        } catch (PiiScanBudgetExceeded e) {
            // fail closed: what could not be scanned is not sent
            return Optional.of(new Violation(NAME, settings.common().violation(NAME, "").severity(),
                    Enforcement.DENY, "Outgoing message could not be checked for PII: "
                            + e.getMessage() + "; refused (fail closed)"));
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String kinds = found.stream().map(PiiKind::label).collect(Collectors.joining(", "));
        return Optional.of(settings.common().violation(NAME, "Outgoing message contains PII: " + kinds));
    }

    @Override
    public BuiltinPolicy withOverride(BuiltinOverride override) {
        List<String> actions = override.actions() == null ? settings.actions() : override.actions();
        return new NoPiiExternalPolicy(new Settings(settings.common().merge(override), actions,
                settings.defaultRegion()), detector);
    }
}
