package io.agentgate.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.gate.ActionStatus;
import io.agentgate.gate.SubmitRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * An integration's decision on a pending action: APPROVED or REJECTED. {@code decidedBy} is required with the admin
 * token; with a personal token the decider is the token's user and {@code decidedBy} is ignored. {@code toolArgs}
 * (only with APPROVED) replaces the action's tool arguments: approve with edits, see {@link ArgumentEdits}.
 * {@code grant} (only with APPROVED) lets later submissions like this one pass, see {@link Grants}.
 */
public record DecisionRequest(@NotNull ActionStatus decision, @Size(max = 320) @Pattern(regexp = SubmitRequest.ONE_LINE,
        message = SubmitRequest.ONE_LINE_MESSAGE) String decidedBy,
        @Size(max = Vote.MAX_COMMENT) String comment, ObjectNode toolArgs, @Valid GrantRequest grant) {
}
