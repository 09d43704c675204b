package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Evidence;
import java.util.List;

/** What AgentGate itself can show for one article, from an agent's facts; one bean per article. */
interface ArticleEvidence {

    Article article();

    List<Evidence> derive(ReportFacts facts);
}
