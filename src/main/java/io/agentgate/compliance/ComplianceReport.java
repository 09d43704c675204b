package io.agentgate.compliance;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.agentgate.agent.RiskLevel;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The EU AI Act report of one agent ({@code GET /api/v1/agents/{name}/compliance}): one check per article, each
 * passed only when every piece of its evidence holds, and one gap per piece that does not, saying what to do.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComplianceReport(
        String agent,
        @JsonProperty("risk_level") RiskLevel riskLevel,
        @JsonProperty("compliance_score") String complianceScore,
        boolean compliant,
        Map<String, Check> checks,
        List<Gap> gaps,
        @JsonProperty("generated_at") Instant generatedAt,
        @JsonProperty("record_updated_at") Instant recordUpdatedAt,
        @JsonProperty("record_updated_by") String recordUpdatedBy,
        String responsible,
        @JsonProperty("audit_verified_at") Instant auditVerifiedAt) {

    /** Where a piece of evidence comes from. */
    public enum Source {
        /** What people stated in the compliance record. */
        DECLARED,
        /** What AgentGate reads from its own state: configuration, policies, the audit trail. */
        DERIVED;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One fact behind a check.
     *
     * @param item     short name of what is checked ("Audit chain intact")
     * @param fact     what was found, with the numbers and times it rests on
     * @param remedy   what to do when it does not hold (also in the gaps)
     * @param category the governance checklist category it belongs to
     */
    public record Evidence(Source source, boolean ok, String item, String fact,
            @JsonIgnore String remedy, @JsonIgnore Category category) {
    }

    /**
     * One article's check.
     *
     * @param basis {@code declared}, {@code derived} or {@code declared+derived}: what the result rests on
     */
    public record Check(String article, String title, boolean passed, String basis, List<Evidence> evidence) {

        static Check of(Article article, List<Evidence> evidence) {
            boolean declared = evidence.stream().anyMatch(e -> e.source() == Source.DECLARED);
            boolean derived = evidence.stream().anyMatch(e -> e.source() == Source.DERIVED);
            String basis = declared && derived ? "declared+derived" : declared ? "declared" : "derived";
            return new Check(article.label(), article.title, evidence.stream().allMatch(Evidence::ok), basis,
                    List.copyOf(evidence));
        }
    }

    /** Something missing for an article, and what to do about it. */
    public record Gap(String article, String check, String missing, String remedy) {
    }

    /** Categories of the governance checklist. */
    public enum Category {
        RISK_ASSESSMENT("Risk assessment"),
        POLICY_DEFINITION("Policy definition"),
        TECHNICAL_CONTROLS("Technical controls"),
        MONITORING("Monitoring"),
        COMPLIANCE("Compliance");

        public final String title;

        Category(String title) {
            this.title = title;
        }

        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public long passedChecks() {
        return checks.values().stream().filter(Check::passed).count();
    }
}
