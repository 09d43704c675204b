package io.agentgate.approval;

import io.agentgate.gate.ActionStatus;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** An integration's decision on a pending action: APPROVED or REJECTED. */
public record DecisionRequest(@NotNull ActionStatus decision, @NotBlank @Size(max = 320) String decidedBy,
        @Size(max = 2000) String comment) {
}
