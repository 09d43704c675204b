package io.agentgate.gate;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** What the agent reports after carrying out an allowed or approved action. */
public record ResultRequest(
        @Size(max = 100_000) String result,
        @PositiveOrZero Long durationMs,
        @Size(max = 200) String model,
        @Min(0) @Max(Integer.MAX_VALUE) Long inputTokens,
        @Min(0) @Max(Integer.MAX_VALUE) Long outputTokens) {
}
