package io.agentgate.policy.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentgate.agent.AgentProfile;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * {@code transaction-limit}: {@code context.amount} (a JSON number or a numeric string) above the agent's
 * {@code maxTransactionAmount}. Agents without a limit and actions without an amount pass; an amount that is
 * not a number, or out of the range {@link Amount} reads, is a violation (fail closed: the limit cannot be checked).
 */
@ApplicationScoped
public class TransactionLimitPolicy implements BuiltinPolicy {

    public static final String NAME = "transaction-limit";

    public record Settings(CommonSettings common, List<String> actions) {
        public Settings {
            actions = List.copyOf(actions);
        }

        public static Settings defaults() {
            return new Settings(CommonSettings.of(Enforcement.DENY, Severity.HIGH), List.of("execute_transaction"));
        }

        static Settings from(PoliciesConfig.TransactionLimit c) {
            return new Settings(PoliciesConfig.common(c), c.actions());
        }
    }

    private final Settings settings;

    @Inject
    public TransactionLimitPolicy(PoliciesConfig config) {
        this(Settings.from(config.transactionLimit()));
    }

    public TransactionLimitPolicy(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A transaction's amount must not exceed the agent's maxTransactionAmount";
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
    public boolean appliesTo(AgentProfile agent) {
        return settings.common().appliesTo(agent) && agent.maxTransactionAmount() != null;
    }

    @Override
    public Optional<Violation> check(ActionContext action) {
        BigDecimal limit = action.agent().maxTransactionAmount();
        if (limit == null || !settings.actions().contains(action.action())) {
            return Optional.empty();
        }
        JsonNode amountNode = action.context().get("amount");
        if (amountNode == null || amountNode.isNull()) {
            return Optional.empty();
        }
        Amount amount = Amount.of(amountNode);
        return switch (amount.kind()) {
            case NOT_A_NUMBER -> Optional.of(settings.common().violation(NAME,
                    "Transaction amount is not a number, so the limit $" + format(limit) + " cannot be checked"));
            case OUT_OF_RANGE -> Optional.of(settings.common().violation(NAME, "Transaction amount is out of range "
                    + "(at most " + Amount.MAX_INTEGER_DIGITS + " digits before the decimal point and "
                    + Amount.MAX_FRACTION_DIGITS + " after it), so the limit $" + format(limit) + " cannot be checked"));
            case NUMBER -> amount.value().compareTo(limit) > 0
                    ? Optional.of(settings.common().violation(NAME,
                            "Transaction $" + format(amount.value()) + " exceeds limit $" + format(limit)))
                    : Optional.empty();
        };
    }

    /** 5000 for 5000.0, 250.5 for 250.50: no trailing zeros, no exponent. */
    static String format(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    @Override
    public BuiltinPolicy withOverride(BuiltinOverride override) {
        List<String> actions = override.actions() == null ? settings.actions() : override.actions();
        return new TransactionLimitPolicy(new Settings(settings.common().merge(override), actions));
    }
}
