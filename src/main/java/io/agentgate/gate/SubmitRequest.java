package io.agentgate.gate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/v1/actions}; only {@code action} is required. */
public record SubmitRequest(
        @NotBlank @Pattern(regexp = AgentRequest.ACTION, message = AgentRequest.ACTION_MESSAGE) String action,
        ObjectNode context,
        @Size(max = 200) @Pattern(regexp = SubmitRequest.ONE_LINE, message = SubmitRequest.ONE_LINE_MESSAGE) String sessionId,
        @Size(max = 200) @Pattern(regexp = SubmitRequest.ONE_LINE, message = SubmitRequest.ONE_LINE_MESSAGE) String userId,
        @Size(max = 200) @Pattern(regexp = SubmitRequest.ONE_LINE, message = SubmitRequest.ONE_LINE_MESSAGE) String toolName,
        ObjectNode toolArgs,
        @Size(min = 1, max = 200) String idempotencyKey,
        @Min(1) @Max(604_800) Integer timeoutSeconds,
        @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String callbackUrl) {

    /** Text that is shown in mail and pages on one line: no control characters, no line or paragraph separators. */
    public static final String ONE_LINE = "[^\\p{Cntrl}\\u2028\\u2029]*";
    public static final String ONE_LINE_MESSAGE = "must be one line: no line breaks or other control characters";
}
