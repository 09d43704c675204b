package io.agentgate.compliance;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.Optional;

/**
 * Body of {@code PUT /api/v1/agents/{name}/compliance}: what people declare per article. Replaces the whole record;
 * an absent article counts as not met.
 */
public record ComplianceRequest(
        @Valid Declaration riskManagement,
        @Valid Declaration dataGovernance,
        @Valid Declaration technicalDocumentation,
        @Valid Declaration recordKeeping,
        @Valid Declaration transparency,
        @Valid Declaration humanOversight,
        @Valid Declaration accuracyRobustness,
        @Size(max = 320) String responsible) {

    public static final int MAX_EVIDENCE = 2000;

    /**
     * One article as declared.
     *
     * @param met      the people responsible say the article's obligations are met for this agent
     * @param evidence where the proof is: a document reference, link, date or short statement (required when met)
     */
    public record Declaration(Boolean met, @Size(max = MAX_EVIDENCE) String evidence) {

        public static final Declaration NOT_MET = new Declaration(false, null);

        public boolean declaredMet() {
            return Boolean.TRUE.equals(met);
        }

        /** The evidence trimmed, null when blank. */
        public String evidenceText() {
            return evidence == null || evidence.isBlank() ? null : evidence.strip();
        }
    }

    public Optional<Declaration> declaration(Article article) {
        return Optional.ofNullable(switch (article) {
            case ART_9 -> riskManagement;
            case ART_10 -> dataGovernance;
            case ART_11 -> technicalDocumentation;
            case ART_12 -> recordKeeping;
            case ART_13 -> transparency;
            case ART_14 -> humanOversight;
            case ART_15 -> accuracyRobustness;
        });
    }
}
