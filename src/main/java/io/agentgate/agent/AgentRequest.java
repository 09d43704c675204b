package io.agentgate.agent;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;

/** Body of create (POST) and update (PUT) of an agent. */
public record AgentRequest(
        @Pattern(regexp = NAME, message = NAME_MESSAGE) String name,
        @Size(max = 200) String displayName,
        @NotNull RiskLevel riskLevel,
        Capabilities capabilities,
        @DecimalMin("0") @Digits(integer = 15, fraction = 4) BigDecimal maxTransactionAmount,
        @Size(max = 500) List<@NotNull @Pattern(regexp = ACTION, message = ACTION_MESSAGE) String> allowedActions,
        @Valid Approval approval) {

    public static final String NAME = "[a-z0-9][a-z0-9._-]{0,99}";
    public static final String NAME_MESSAGE = "must be 1-100 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";
    public static final String ACTION = "[A-Za-z0-9][A-Za-z0-9._:*-]{0,99}";
    public static final String ACTION_MESSAGE = "must be 1-100 characters of letters, digits, '.', '_', ':', '*' or '-'";

    /** The approval part of the body. */
    public record Approval(
            boolean required,
            @Size(max = 4000) String rule,
            @Size(max = 50) List<@NotBlank @Pattern(regexp = ApprovalSettings.APPROVER,
                    message = ApprovalSettings.APPROVER_MESSAGE) String> approvers,
            @Min(1) @Max(10) Integer requiredApprovals,
            @Min(1) @Max(604_800) Integer timeoutSeconds,
            @Size(max = 500) String description,
            @Min(1) Integer remindAfterSeconds,
            @Min(1) Integer escalateAfterSeconds,
            @Size(max = 50) List<@NotBlank @Pattern(regexp = ApprovalSettings.APPROVER,
                    message = ApprovalSettings.APPROVER_MESSAGE) String> escalateTo) {

        public Approval(boolean required, String rule, List<String> approvers, Integer requiredApprovals,
                Integer timeoutSeconds, String description) {
            this(required, rule, approvers, requiredApprovals, timeoutSeconds, description, null, null, null);
        }
    }
}
