package io.agentgate.compliance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentgate.agent.RiskLevel;
import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The governance checklist (risk assessment, policy definition, technical controls, monitoring, compliance), for
 * one agent or for the whole installation, each item with what it rests on.
 *
 * @param agent  the agent, or null for the overall checklist
 * @param agents per-agent summary lines (overall checklist only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Checklist(String agent, @JsonProperty("risk_level") RiskLevel riskLevel,
        @JsonProperty("generated_at") Instant generatedAt, boolean complete, @JsonProperty("items_passed") String itemsPassed,
        List<Section> sections, List<AgentSummary> agents) {

    /** One category with its items. */
    public record Section(Category category, String title, boolean passed, List<Item> items) {
    }

    /** One checklist item. */
    public record Item(String item, boolean passed, Source source, String evidence,
            @JsonInclude(JsonInclude.Include.NON_NULL) String remedy) {
    }

    /** An agent's line in the overall checklist. */
    public record AgentSummary(String agent, @JsonProperty("risk_level") RiskLevel riskLevel,
            @JsonProperty("compliance_score") String complianceScore, boolean compliant,
            @JsonProperty("record_on_file") boolean recordOnFile) {
    }

    /** Collects items into sections, one per category, in category order. */
    static final class Builder {
        private final Map<Category, List<Item>> items = new EnumMap<>(Category.class);

        Builder() {
            for (Category c : Category.values()) {
                items.put(c, new ArrayList<>());
            }
        }

        Builder add(Category category, Item item) {
            items.get(category).add(item);
            return this;
        }

        /** An item that passed shows no remedy. */
        Builder add(Category category, String item, boolean passed, Source source, String evidence, String remedy) {
            return add(category, new Item(item, passed, source, evidence, passed ? null : remedy));
        }

        List<Section> sections() {
            return items.entrySet().stream().map(e -> new Section(e.getKey(), e.getKey().title,
                    e.getValue().stream().allMatch(Item::passed), List.copyOf(e.getValue()))).toList();
        }
    }

    static Checklist of(String agent, RiskLevel riskLevel, Instant generatedAt, List<Section> sections,
            List<AgentSummary> agents) {
        long total = sections.stream().mapToLong(s -> s.items().size()).sum();
        long passed = sections.stream().flatMap(s -> s.items().stream()).filter(Item::passed).count();
        return new Checklist(agent, riskLevel, generatedAt, passed == total, passed + "/" + total, sections, agents);
    }
}
