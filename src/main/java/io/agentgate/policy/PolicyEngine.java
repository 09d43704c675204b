package io.agentgate.policy;

import io.agentgate.common.CanonicalJson;
import io.agentgate.policy.builtin.BuiltinOverride;
import io.agentgate.policy.builtin.BuiltinPolicy;
import io.agentgate.policy.expr.Expressions;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Decides ALLOWED, DENIED or PENDING for an action. Pure: no I/O, safe from any thread.
 *
 * <p>Every policy that applies to the agent is checked; there is no short-circuit, because every violation is
 * evidence. Any {@code deny} violation makes the action DENIED; otherwise any {@code review} violation makes it
 * PENDING; otherwise it is ALLOWED, and {@code audit} violations are still returned. A policy that throws counts
 * as a {@code deny} violation of that policy (fail closed); nothing is thrown out of {@link #evaluate}.
 *
 * <p>The policy set (built-ins, with the governance file's overrides, then declarative policies) is one
 * immutable list behind an {@link AtomicReference}: a reload swaps it whole, and an evaluation in flight keeps
 * the set it started with.
 */
@ApplicationScoped
public class PolicyEngine {

    public static final String APPROVAL_REQUIRED = "approval-required";

    private static final Logger LOG = Logger.getLogger(PolicyEngine.class);

    private final List<Policy> builtins;
    private final AtomicReference<PolicySet> current;

    /**
     * The policy set in effect: built-ins as overridden, then declarative policies, and its version: a digest of
     * what each policy is (name, description, severity, enforcement, scope, expression or override), so a reload
     * that changes a policy changes the version and one that changes nothing keeps it, on every instance.
     */
    private record PolicySet(List<Policy> builtins, List<Policy> declarative, List<Policy> all,
            Map<String, BuiltinOverride> overrides, String version) {
        static PolicySet of(List<Policy> builtins, List<Policy> declarative, Map<String, BuiltinOverride> overrides) {
            List<Policy> all = new ArrayList<>(builtins);
            all.addAll(declarative);
            StringBuilder text = new StringBuilder();
            for (Policy p : all) {
                text.append(p.name()).append('\u0000').append(p.description()).append('\u0000').append(p.severity())
                        .append('\u0000').append(p.enforcement()).append('\u0000').append(p.scope()).append('\u0000')
                        .append(p instanceof DeclarativePolicy d ? d.expression() : overrides.get(p.name()))
                        .append('\n');
            }
            return new PolicySet(List.copyOf(builtins), List.copyOf(declarative), List.copyOf(all), overrides,
                    CanonicalJson.sha256(text.toString()));
        }
    }

    /** @param builtins the built-in policies (and any other {@link Policy} beans), evaluated in contract order */
    @Inject
    public PolicyEngine(@All List<Policy> builtins) {
        List<Policy> ordered = new ArrayList<>(builtins);
        ordered.sort(Comparator.comparingInt((Policy p) -> {
            int i = BuiltinPolicy.NAMES.indexOf(p.name());
            return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparing(Policy::name));
        rejectDuplicates(ordered);
        this.builtins = List.copyOf(ordered);
        this.current = new AtomicReference<>(PolicySet.of(this.builtins, List.of(), Map.of()));
    }

    /** Checks the action against every applicable policy. Never throws for a failing policy. */
    public Evaluation evaluate(ActionContext action) {
        List<Violation> violations = new ArrayList<>(4);
        boolean deny = false;
        boolean review = false;
        for (Policy policy : current.get().all()) {
            Violation violation = check(policy, action);
            if (violation != null) {
                violations.add(violation);
                deny |= violation.enforcement() == Enforcement.DENY;
                review |= violation.enforcement() == Enforcement.REVIEW;
            }
        }
        Outcome outcome = deny ? Outcome.DENIED : review ? Outcome.PENDING : Outcome.ALLOWED;
        return new Evaluation(outcome, List.copyOf(violations));
    }

    private static Violation check(Policy policy, ActionContext action) {
        try {
            if (!policy.appliesTo(action.agent())) {
                return null;
            }
            return policy.check(action).orElse(null);
        } catch (RuntimeException | StackOverflowError e) {
            // The exception message may quote action data; log the kind only, with the ids to find it.
            LOG.errorf("policy %s (%s) failed for agent %s action %s: %s", safeName(policy),
                    policy.getClass().getName(), agentName(action), action.action(), e.getClass().getName());
            LOG.debugf(e, "policy %s failure", safeName(policy));
            Severity severity = Severity.HIGH;
            try {
                severity = policy.severity();
            } catch (RuntimeException ignored) {
                // keep HIGH: the policy cannot even say how serious it is
            }
            // plain words in the answer; the kind of failure is in the log above
            return new Violation(safeName(policy), severity, Enforcement.DENY, "Policy '" + safeName(policy)
                    + "' could not check this action, so the action is denied (the server log has the details)");
        }
    }

    private static String agentName(ActionContext action) {
        return action.agent() == null ? null : action.agent().name();
    }

    private static String safeName(Policy policy) {
        try {
            return policy.name();
        } catch (RuntimeException e) {
            return "unnamed-policy";
        }
    }

    /**
     * Replaces the declarative policies, keeping the built-ins as they are.
     *
     * @throws IllegalArgumentException when two policies share a name or one takes a built-in's name
     */
    public void replaceDeclarative(List<? extends Policy> declarative) {
        current.updateAndGet(set -> {
            PolicySet next = PolicySet.of(set.builtins(), List.copyOf(declarative), set.overrides());
            rejectDuplicates(next.all());
            return next;
        });
    }

    /**
     * Applies a governance file in one swap: built-ins get the file's overrides (by policy name, on top of the
     * configured settings) and the declarative policies are replaced.
     *
     * @throws IllegalArgumentException for an override of an unknown built-in, an invalid override, or a name
     *                                  clash; the current set then stays in effect
     */
    public void applyGovernance(Map<String, BuiltinOverride> overrides, List<? extends Policy> declarative) {
        Map<String, BuiltinOverride> pending = new LinkedHashMap<>(overrides == null ? Map.of() : overrides);
        List<Policy> overridden = new ArrayList<>(builtins.size());
        for (Policy p : builtins) {
            BuiltinOverride o = pending.remove(p.name());
            overridden.add(o != null && p instanceof BuiltinPolicy b ? b.withOverride(o) : p);
        }
        if (!pending.isEmpty()) {
            throw new IllegalArgumentException("unknown built-in policy '" + pending.keySet().iterator().next()
                    + "'; built-ins are " + BuiltinPolicy.NAMES);
        }
        PolicySet next = PolicySet.of(overridden, List.copyOf(declarative),
                Map.copyOf(overrides == null ? Map.of() : overrides));
        rejectDuplicates(next.all());
        current.set(next);
    }

    /**
     * The version of the policy set in effect (a hex digest): it changes when a reload changes any policy, and stays
     * when a reload changes none. Grants are bound to it.
     */
    public String version() {
        return current.get().version();
    }

    /** The policies in effect, in evaluation order. */
    public List<Policy> policies() {
        return current.get().all();
    }

    /** Every policy in effect, for {@code GET /api/v1/policies}. */
    public List<PolicyDescription> describe() {
        PolicySet set = current.get();
        List<PolicyDescription> out = new ArrayList<>(set.all().size());
        for (Policy p : set.builtins()) {
            out.add(new PolicyDescription(p.name(), p.description(), p.severity(), p.enforcement(), p.scope(), true));
        }
        for (Policy p : set.declarative()) {
            out.add(new PolicyDescription(p.name(), p.description(), p.severity(), p.enforcement(), p.scope(), false));
        }
        return out;
    }

    /**
     * Compiles an agent's approval rule, so the agent API can refuse a bad one with 400 before storing it.
     *
     * @throws io.agentgate.policy.expr.ExpressionException with line, column and what is wrong
     */
    public static void validateApprovalRule(String rule) {
        Expressions.compile(rule);
    }

    private static void rejectDuplicates(List<Policy> policies) {
        Set<String> seen = new HashSet<>();
        for (Policy p : policies) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("two policies are named '" + p.name() + "'");
            }
        }
    }
}
