package io.agentgate.approval;

import io.quarkus.qute.TemplateExtension;
import java.util.Locale;

/** Small helpers for the approval templates. */
@TemplateExtension
final class PageExtensions {

    private PageExtensions() {
    }

    /** An enum constant as a CSS class suffix and a lower-case word: {@code TIMED_OUT -> timed_out}. */
    static String css(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** A word as a CSS class suffix: {@code HIGH -> high}. */
    static String css(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
