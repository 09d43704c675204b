package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Check;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Gap;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The report and checklists as Markdown an auditor can file. Every text that comes from people or configuration is
 * escaped, so a declaration cannot inject links, HTML or table cells when the file is rendered.
 */
final class MarkdownExport {

    static final String MEDIA_TYPE = "text/markdown; charset=UTF-8";
    private static final String SPECIAL = "\\`*_[]<>|#!~&{}";

    private MarkdownExport() {
    }

    /** An agent's report with its governance checklist. */
    static String agent(ComplianceReport report, Checklist checklist) {
        StringBuilder md = new StringBuilder();
        md.append("# EU AI Act compliance report: ").append(text(report.agent())).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "Agent", report.agent());
        row(md, "Risk level", String.valueOf(report.riskLevel()));
        row(md, "Compliance score", report.complianceScore() + " articles");
        row(md, "Compliant", report.compliant() ? "yes" : "no");
        row(md, "Generated", Wording.time(report.generatedAt()));
        row(md, "Record last updated", report.recordUpdatedAt() == null ? "no record stored"
                : Wording.time(report.recordUpdatedAt()) + " by " + report.recordUpdatedBy());
        row(md, "Responsible", report.responsible() == null ? "not named" : report.responsible());
        row(md, "Audit chain verified", Wording.time(report.auditVerifiedAt()));
        md.append("\nEvidence marked *declared* is what the people responsible stated in the compliance record; ")
                .append("*derived* is what AgentGate read from its own configuration, policies and audit trail.\n");
        md.append("\n## Checks\n");
        for (Check check : report.checks().values()) {
            md.append("\n### ").append(check.article()).append(" ").append(text(check.title())).append(": ")
                    .append(check.passed() ? "PASSED" : "FAILED").append("\n\n");
            md.append("Based on: ").append(check.basis()).append("\n\n");
            for (Evidence e : check.evidence()) {
                md.append("- [").append(e.ok() ? "x" : " ").append("] **").append(text(e.item())).append("** (")
                        .append(e.source().json()).append("): ").append(text(e.fact())).append('\n');
            }
        }
        md.append("\n## Gaps\n\n");
        if (report.gaps().isEmpty()) {
            md.append("None.\n");
        } else {
            md.append("| Article | Missing | What to do |\n|---|---|---|\n");
            for (Gap g : report.gaps()) {
                md.append("| ").append(g.article()).append(" | ").append(text(g.missing())).append(" | ")
                        .append(text(g.remedy())).append(" |\n");
            }
        }
        md.append("\n## Governance checklist\n");
        sections(md, checklist);
        return md.toString();
    }

    /** The overall checklist with the agents' summary. */
    static String overall(Checklist checklist) {
        StringBuilder md = new StringBuilder();
        md.append("# AgentGate governance checklist\n\n");
        md.append("Generated ").append(Wording.time(checklist.generatedAt())).append(": ")
                .append(checklist.itemsPassed()).append(" items pass.\n");
        sections(md, checklist);
        md.append("\n## Agents\n\n| Agent | Risk | EU AI Act score | Compliant | Record on file |\n|---|---|---|---|---|\n");
        for (Checklist.AgentSummary a : checklist.agents()) {
            md.append("| ").append(text(a.agent())).append(" | ").append(a.riskLevel()).append(" | ")
                    .append(a.complianceScore()).append(" | ").append(a.compliant() ? "yes" : "no").append(" | ")
                    .append(a.recordOnFile() ? "yes" : "no").append(" |\n");
        }
        return md.toString();
    }

    private static void sections(StringBuilder md, Checklist checklist) {
        for (Checklist.Section s : checklist.sections()) {
            md.append("\n### ").append(s.title()).append(s.passed() ? "" : " (open items)").append("\n\n");
            for (Checklist.Item i : s.items()) {
                md.append("- [").append(i.passed() ? "x" : " ").append("] **").append(text(i.item())).append("** (")
                        .append(i.source().json()).append("): ").append(text(i.evidence()));
                if (i.remedy() != null) {
                    md.append(" *To do:* ").append(text(i.remedy()));
                }
                md.append('\n');
            }
        }
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(text(value)).append(" |\n");
    }

    /** Plain text on one line, with every character that Markdown (or HTML inside it) would act on escaped. */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (char c : s.replaceAll("\\s+", " ").strip().toCharArray()) {
            if (SPECIAL.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** {@code agentgate-compliance-<agent>-<date>.md}; agent names are already [a-z0-9._-]. */
    static String filename(String subject, Instant at) {
        String safe = subject.replaceAll("[^A-Za-z0-9._-]", "_");
        return "agentgate-compliance-" + safe + "-" + DateTimeFormatter.ISO_LOCAL_DATE.format(at.atZone(ZoneOffset.UTC))
                + ".md";
    }
}
