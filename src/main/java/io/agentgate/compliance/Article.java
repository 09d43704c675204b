package io.agentgate.compliance;

/**
 * The EU AI Act articles of Chapter III, Section 2 that AgentGate reports on, with the name of the check in the
 * report, the field of the compliance record that declares it, and what a person has to do when it is missing.
 */
public enum Article {
    ART_9(9, "art9_risk_management", "Risk management system", "riskManagement",
            "document the agent's risk assessment (risks found, mitigations, next review) and declare it with its "
                    + "reference in the compliance record (riskManagement)"),
    ART_10(10, "art10_data_governance", "Data and data governance", "dataGovernance",
            "document which data the agent reads and sends, its sources and quality checks, and declare it "
                    + "(dataGovernance)"),
    ART_11(11, "art11_technical_documentation", "Technical documentation", "technicalDocumentation",
            "write the agent's technical documentation (purpose, model, tools, limits) and declare where it is "
                    + "(technicalDocumentation)"),
    ART_12(12, "art12_record_keeping", "Record-keeping", "recordKeeping",
            "name who reviews the audit trail and how often, and declare it (recordKeeping)"),
    ART_13(13, "art13_transparency", "Transparency and information to deployers", "transparency",
            "write the instructions for use (what the agent does, its limits, how to read its decisions) and "
                    + "declare where deployers find them (transparency)"),
    ART_14(14, "art14_human_oversight", "Human oversight", "humanOversight",
            "name the people who oversee the agent, how they were trained and how they intervene, and declare it "
                    + "(humanOversight)"),
    ART_15(15, "art15_accuracy_robustness", "Accuracy, robustness and cybersecurity", "accuracyRobustness",
            "document the agent's accuracy measures, robustness tests and security review, and declare them "
                    + "(accuracyRobustness)");

    public final int number;
    /** Key of the check in the report's {@code checks}. */
    public final String key;
    public final String title;
    /** Field of the compliance record (request body and form) that declares it. */
    public final String field;
    /** What to do when the declaration is missing. */
    public final String declareRemedy;

    Article(int number, String key, String title, String field, String declareRemedy) {
        this.number = number;
        this.key = key;
        this.title = title;
        this.field = field;
        this.declareRemedy = declareRemedy;
    }

    /** {@code Art. 9}, as the regulation cites itself. */
    public String label() {
        return "Art. " + number;
    }
}
