package io.agentgate.approval;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * What an approval may grant: {@code {"scope":"same-arguments"|"same-action","for":"PT1H","maxUses":20}}. The
 * duration is checked against {@code agentgate.grants.max-duration} by {@link Grants#check}.
 */
public record GrantRequest(@NotNull(message = "must be same-arguments or same-action") GrantScope scope,
        @JsonProperty("for") @NotNull(message = "must be an ISO-8601 duration such as PT1H") Duration duration,
        @Min(1) @Max(1_000_000) Integer maxUses) {
}
