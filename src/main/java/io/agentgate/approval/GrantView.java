package io.agentgate.approval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;
import io.agentgate.policy.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A grant as the API and the Grants page show it, with its state now and, in plain words, what it covers and what
 * it does not.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GrantView(UUID id, String agent, String action, GrantScope scope,
        @JsonRawValue @Schema(type = SchemaType.OBJECT, description = "The canonical arguments a same-arguments "
                + "grant is bound to") String arguments,
        Severity severity, String policyVersion, UUID sourceAction, String grantedBy, Instant grantedAt,
        Instant expiresAt, Integer maxUses, int uses, Instant lastUsedAt, Instant revokedAt, String revokedBy,
        State state, String covers, String doesNotCover) {

    /** Whether a grant covers anything now, and if not, why. */
    public enum State {
        ACTIVE, EXPIRED, USED_UP, REVOKED, SUSPENDED;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static GrantView of(Grant g, Instant now, String policyVersion) {
        State state = g.revokedAt != null ? State.REVOKED
                : !g.expiresAt.isAfter(now) ? State.EXPIRED
                : g.maxUses != null && g.uses >= g.maxUses ? State.USED_UP
                : !g.policyVersion.equals(policyVersion) ? State.SUSPENDED
                : State.ACTIVE;
        return new GrantView(g.id, g.agentName, g.action, g.scope, g.arguments, g.severity, g.policyVersion,
                g.sourceActionId, g.grantedBy, g.grantedAt, g.expiresAt, g.maxUses, g.uses, g.lastUsedAt, g.revokedAt,
                g.revokedBy, state, covers(g.agentName, g.action, g.scope, g.arguments,
                        Duration.between(g.grantedAt, g.expiresAt), g.maxUses),
                doesNotCover(g.scope, g.severity));
    }

    /**
     * What a grant lets pass, in words: "execute_transaction of payments-agent with exactly these arguments
     * {"amount":40,"recipient":"acme"}, for 1 hour, up to 20 times".
     */
    public static String covers(String agent, String action, GrantScope scope, String arguments, Duration duration,
            Integer maxUses) {
        String what = scope == GrantScope.SAME_ARGUMENTS
                ? "the same " + action + " by " + agent + " with exactly these arguments: "
                        + (arguments == null ? "the ones approved" : arguments)
                : "any " + action + " by " + agent + ", whatever its arguments";
        return what + ", for " + words(duration) + (maxUses == null ? ", any number of times"
                : ", up to " + maxUses + (maxUses == 1 ? " time" : " times"))
                + ", without asking a person again";
    }

    /** What a grant never lets pass, in words. */
    public static String doesNotCover(GrantScope scope, Severity severity) {
        return (scope == GrantScope.SAME_ARGUMENTS ? "other arguments, " : "") + "other actions or agents, anything a "
                + "policy denies, a review more severe than " + severity.json() + ", requests on behalf of the person "
                + "who granted it, and anything after the policies change, it expires, is used up or is revoked";
    }

    /** "1 hour", "90 minutes", "7 days": the largest whole unit. */
    static String words(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return plural(s / 86_400, "day");
        }
        if (s % 3_600 == 0) {
            return plural(s / 3_600, "hour");
        }
        if (s % 60 == 0) {
            return plural(s / 60, "minute");
        }
        return plural(s, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
