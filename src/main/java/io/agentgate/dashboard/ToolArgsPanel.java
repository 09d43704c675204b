package io.agentgate.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.approval.ArgumentEdits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The tool arguments on an action's page: the ones to approve (an edit in force, or the approved edit), the submitted
 * ones beside them with a line diff when an approver changed them, and the editor's text (approve with edits).
 *
 * @param current   the arguments to approve or that were approved, pretty JSON
 * @param submitted the arguments as the agent submitted them, pretty JSON
 * @param editedBy  who changed them, or null
 * @param editor    the editor's text: the current arguments, or what an approver sent that was refused
 * @param diff      submitted to current, line by line; empty when unchanged or too long to compare
 */
public record ToolArgsPanel(String current, String submitted, String editedBy, Instant editedAt, String editor,
        List<DiffLine> diff) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Past this many lines a side, the page shows both versions without a diff (the comparison is quadratic). */
    static final int MAX_DIFF_LINES = 1500;

    /** One diff line: {@code same}, {@code removed} (only in the submitted) or {@code added} (only in the edit). */
    public record DiffLine(String kind, String text) {

        public String sign() {
            return switch (kind) {
                case "added" -> "+";
                case "removed" -> "-";
                default -> " ";
            };
        }
    }

    static ToolArgsPanel of(ArgumentEdits.Shown shown) {
        String current = DashboardExtensions.pretty(shown.current());
        String submitted = DashboardExtensions.pretty(shown.submitted());
        return new ToolArgsPanel(current, submitted, shown.editedBy(), shown.editedAt(), current,
                shown.edited() ? diff(sorted(shown.submitted()), sorted(shown.current())) : List.of());
    }

    /** Pretty JSON with every object's keys sorted, so the diff shows changed values, not moved keys. */
    static String sorted(String text) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sorted(JSON.readTree(text)));
        } catch (java.io.IOException e) {
            return DashboardExtensions.pretty(text);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            names.forEach(n -> out.set(n, sorted(node.get(n))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    public boolean edited() {
        return editedBy != null;
    }

    /** The same panel with the text an approver sent, shown again in the editor after a refusal. */
    ToolArgsPanel withEditor(String text) {
        return text == null ? this : new ToolArgsPanel(current, submitted, editedBy, editedAt, text, diff);
    }

    /** Lines of the editor's text, to size the text area to its content (bounded). */
    public int rows() {
        return Math.max(4, Math.min(24, (int) editor.lines().count() + 1));
    }

    /** A line diff by longest common subsequence. */
    static List<DiffLine> diff(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        if (a.size() > MAX_DIFF_LINES || b.size() > MAX_DIFF_LINES) {
            return List.of();
        }
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<DiffLine> lines = new ArrayList<>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            if (a.get(i).equals(b.get(j))) {
                lines.add(new DiffLine("same", a.get(i++)));
                j++;
            } else if (common[i + 1][j] >= common[i][j + 1]) {
                lines.add(new DiffLine("removed", a.get(i++)));
            } else {
                lines.add(new DiffLine("added", b.get(j++)));
            }
        }
        while (i < a.size()) {
            lines.add(new DiffLine("removed", a.get(i++)));
        }
        while (j < b.size()) {
            lines.add(new DiffLine("added", b.get(j++)));
        }
        return Collections.unmodifiableList(lines);
    }
}
