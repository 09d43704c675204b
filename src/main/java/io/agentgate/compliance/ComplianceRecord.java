package io.agentgate.compliance;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** An agent's declared EU AI Act record: per article whether it is met and the evidence people give for it. */
@Entity
@Table(name = "compliance_record")
public class ComplianceRecord extends PanacheEntityBase {

    @Id
    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "risk_management")
    public boolean riskManagement;
    @Column(name = "risk_management_evidence")
    public String riskManagementEvidence;

    @Column(name = "data_governance")
    public boolean dataGovernance;
    @Column(name = "data_governance_evidence")
    public String dataGovernanceEvidence;

    @Column(name = "technical_documentation")
    public boolean technicalDocumentation;
    @Column(name = "technical_documentation_evidence")
    public String technicalDocumentationEvidence;

    @Column(name = "record_keeping")
    public boolean recordKeeping;
    @Column(name = "record_keeping_evidence")
    public String recordKeepingEvidence;

    public boolean transparency;
    @Column(name = "transparency_evidence")
    public String transparencyEvidence;

    @Column(name = "human_oversight")
    public boolean humanOversight;
    @Column(name = "human_oversight_evidence")
    public String humanOversightEvidence;

    @Column(name = "accuracy_robustness")
    public boolean accuracyRobustness;
    @Column(name = "accuracy_robustness_evidence")
    public String accuracyRobustnessEvidence;

    public String responsible;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "updated_by")
    public String updatedBy;

    @Version
    public long version;

    public static Optional<ComplianceRecord> forAgent(UUID agentId) {
        return findByIdOptional(agentId);
    }

    /** The declaration of one article as stored. */
    public ComplianceRequest.Declaration declaration(Article article) {
        return switch (article) {
            case ART_9 -> new ComplianceRequest.Declaration(riskManagement, riskManagementEvidence);
            case ART_10 -> new ComplianceRequest.Declaration(dataGovernance, dataGovernanceEvidence);
            case ART_11 -> new ComplianceRequest.Declaration(technicalDocumentation, technicalDocumentationEvidence);
            case ART_12 -> new ComplianceRequest.Declaration(recordKeeping, recordKeepingEvidence);
            case ART_13 -> new ComplianceRequest.Declaration(transparency, transparencyEvidence);
            case ART_14 -> new ComplianceRequest.Declaration(humanOversight, humanOversightEvidence);
            case ART_15 -> new ComplianceRequest.Declaration(accuracyRobustness, accuracyRobustnessEvidence);
        };
    }

    /** Replaces every declaration with the request's; an absent article is stored as not met. */
    void apply(ComplianceRequest request) {
        ComplianceRequest.Declaration none = ComplianceRequest.Declaration.NOT_MET;
        ComplianceRequest.Declaration d = request.declaration(Article.ART_9).orElse(none);
        riskManagement = d.declaredMet();
        riskManagementEvidence = d.evidenceText();
        d = request.declaration(Article.ART_10).orElse(none);
        dataGovernance = d.declaredMet();
        dataGovernanceEvidence = d.evidenceText();
        d = request.declaration(Article.ART_11).orElse(none);
        technicalDocumentation = d.declaredMet();
        technicalDocumentationEvidence = d.evidenceText();
        d = request.declaration(Article.ART_12).orElse(none);
        recordKeeping = d.declaredMet();
        recordKeepingEvidence = d.evidenceText();
        d = request.declaration(Article.ART_13).orElse(none);
        transparency = d.declaredMet();
        transparencyEvidence = d.evidenceText();
        d = request.declaration(Article.ART_14).orElse(none);
        humanOversight = d.declaredMet();
        humanOversightEvidence = d.evidenceText();
        d = request.declaration(Article.ART_15).orElse(none);
        accuracyRobustness = d.declaredMet();
        accuracyRobustnessEvidence = d.evidenceText();
        responsible = request.responsible() == null || request.responsible().isBlank() ? null
                : request.responsible().trim();
    }

    /** The stored record in the shape of the request body, for GET and for the form. */
    public ComplianceRequest toRequest() {
        return new ComplianceRequest(declaration(Article.ART_9), declaration(Article.ART_10),
                declaration(Article.ART_11), declaration(Article.ART_12), declaration(Article.ART_13),
                declaration(Article.ART_14), declaration(Article.ART_15), responsible);
    }
}
