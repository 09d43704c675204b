package io.agentgate.approval;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import io.agentgate.common.InvalidRequest;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * What an approval may grant: {@code {"scope":"same-arguments"|"same-action","for":"PT1H","maxUses":20}}. The
 * duration is checked against {@code agentgate.grants.max-duration} by {@link Grants#check}.
 */
public record GrantRequest(@NotNull(message = "must be same-arguments or same-action") GrantScope scope,
        @JsonProperty("for") @NotNull(message = "must be an ISO-8601 duration such as PT1H") Duration duration,
        @Min(1) @Max(1_000_000) Integer maxUses) {

    /**
     * The grant choice of a form (dashboard, link confirm page): no scope is no grant (null). A bad value is refused
     * with the field it came in, before anything is decided.
     */
    public static GrantRequest fromForm(String scope, String duration, String maxUses) {
        if (scope == null || scope.isBlank()) {
            return null;
        }
        GrantScope parsed = GrantScope.parse(scope.strip());
        if (parsed == null) {
            throw new InvalidRequest("grant.scope", "must be same-arguments or same-action");
        }
        Duration time;
        try {
            time = Duration.parse(duration == null ? "" : duration.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidRequest("grant.for", "must be an ISO-8601 duration such as PT1H");
        }
        Integer uses = null;
        if (maxUses != null && !maxUses.isBlank()) {
            try {
                uses = Integer.valueOf(maxUses.strip());
            } catch (NumberFormatException e) {
                throw new InvalidRequest("grant.maxUses", "must be a whole number, or empty for no limit");
            }
        }
        return new GrantRequest(parsed, time, uses);
    }
}
