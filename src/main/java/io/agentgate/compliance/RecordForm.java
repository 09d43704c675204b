package io.agentgate.compliance;

import io.agentgate.common.Problem;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The compliance record as the HTML form shows and sends it: one row per article with a "met" checkbox
 * ({@code <field>.met}) and an evidence text ({@code <field>.evidence}), and {@code responsible}.
 */
public record RecordForm(List<Row> rows, String responsible, String responsibleError, List<String> otherErrors) {

    /** One article in the form, with its error if the last submission had one. */
    public record Row(Article article, boolean met, String evidence, String error) {
    }

    static RecordForm of(ComplianceRequest record, List<Problem.FieldError> errors) {
        List<Row> rows = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (Article a : Article.values()) {
            ComplianceRequest.Declaration d = record == null ? ComplianceRequest.Declaration.NOT_MET
                    : record.declaration(a).orElse(ComplianceRequest.Declaration.NOT_MET);
            rows.add(new Row(a, d.declaredMet(), d.evidence() == null ? "" : d.evidence(), errorOf(errors, a.field)));
        }
        for (Problem.FieldError e : errors) {
            boolean known = e.field().equals("responsible");
            for (Article a : Article.values()) {
                known |= e.field().startsWith(a.field + ".");
            }
            if (!known) {
                other.add(e.field() + ": " + e.message());
            }
        }
        return new RecordForm(rows, record == null || record.responsible() == null ? "" : record.responsible(),
                errorOf(errors, "responsible"), other);
    }

    private static String errorOf(List<Problem.FieldError> errors, String prefix) {
        return errors.stream().filter(e -> e.field().equals(prefix) || e.field().startsWith(prefix + "."))
                .map(Problem.FieldError::message).findFirst().orElse(null);
    }

    /** Reads the posted form; a checkbox that is not sent is unchecked. */
    static ComplianceRequest parse(MultivaluedMap<String, String> form) {
        ComplianceRequest.Declaration[] d = new ComplianceRequest.Declaration[Article.values().length];
        for (Article a : Article.values()) {
            boolean met = "true".equals(form.getFirst(a.field + ".met"));
            String evidence = form.getFirst(a.field + ".evidence");
            d[a.ordinal()] = new ComplianceRequest.Declaration(met, evidence);
        }
        return new ComplianceRequest(d[0], d[1], d[2], d[3], d[4], d[5], d[6], form.getFirst("responsible"));
    }
}
