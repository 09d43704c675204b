package io.agentgate.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.agentgate.policy.Violation;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An action's current state as the API shows it (long-poll, decision, lists).
 *
 * @param toolArgs         the tool arguments to run: an approver's edit when the action was approved with one,
 *                         otherwise as submitted (null when it has none)
 * @param originalToolArgs the arguments as submitted, only when an approver edited them (absent otherwise)
 */
public record ActionView(UUID id, String agent, String action, ActionStatus status, List<Violation> violations,
        Instant createdAt, Instant deadline, Instant decidedAt, String decidedBy, String comment,
        @JsonRawValue @Schema(type = SchemaType.OBJECT, description = "The tool arguments to run: the approved "
                + "edit when an approver changed them, otherwise as submitted") String toolArgs,
        @JsonRawValue @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(type = SchemaType.OBJECT,
                description = "The tool arguments as submitted; present only when an approver edited them")
        String originalToolArgs) {

    static ActionView of(Action a, List<Violation> violations) {
        boolean edited = a.approvedToolArgs != null;
        return new ActionView(a.id, a.agentName, a.action, a.status, violations, a.createdAt, a.deadline,
                a.decidedAt, a.decidedBy, a.comment, edited ? a.approvedToolArgs : a.toolArgs,
                edited ? a.toolArgs : null);
    }

    /** Whether an approver changed the tool arguments before approving. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean toolArgsEdited() {
        return originalToolArgs != null;
    }
}
