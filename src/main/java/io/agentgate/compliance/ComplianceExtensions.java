package io.agentgate.compliance;

import io.quarkus.qute.TemplateExtension;
import java.util.Locale;

/** Helpers for the compliance templates. */
@TemplateExtension(namespace = "cmp")
final class ComplianceExtensions {

    private ComplianceExtensions() {
    }

    /** An enum constant as a CSS class suffix: {@code HIGH -> high}. */
    static String slug(Enum<?> value) {
        return value == null ? "" : value.name().toLowerCase(Locale.ROOT);
    }
}
