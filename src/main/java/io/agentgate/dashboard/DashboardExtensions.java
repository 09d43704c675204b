package io.agentgate.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.quarkus.qute.TemplateExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Time and text helpers of the dashboard templates. Times are rendered as UTC (ISO in {@code <time datetime>} and a
 * readable fallback); the page's script shows them in the viewer's zone and counts deadlines down.
 */
@TemplateExtension
final class DashboardExtensions {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DashboardExtensions() {
    }

    /** {@code 2025-03-01T09:30:12Z}: the datetime attribute. */
    static String iso(Instant t) {
        return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@code 2025-03-01 09:30 UTC}: the text before the script localises it. */
    static String utc(Instant t) {
        return t == null ? "" : UTC.format(t);
    }

    /** How long ago: {@code 3 min ago}. */
    static String ago(Instant t) {
        return t == null ? "" : human(Duration.between(t, now())) + " ago";
    }

    /** Time left: {@code in 4 min}, or {@code overdue}. */
    static String left(Instant t) {
        if (t == null) {
            return "";
        }
        Duration d = Duration.between(now(), t);
        return d.isNegative() ? "overdue" : "in " + human(d);
    }

    /** Now on the service's clock (template extensions are static: the Clock bean is looked up, not injected). */
    private static Instant now() {
        return Arc.container().instance(Clock.class).get().instant();
    }

    /** {@code 42 s}, {@code 3 min}, {@code 2 h 5 min}, {@code 3 d 4 h}. */
    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min";
        }
        if (s < 86_400) {
            return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
        }
        return s / 86_400 + " d" + (s % 86_400 / 3600 == 0 ? "" : " " + s % 86_400 / 3600 + " h");
    }

    /** The agent's JSON pretty-printed (still escaped by the template); as stored if it is not JSON. */
    static String pretty(String json) {
        if (json == null) {
            return "";
        }
        try {
            JsonNode node = JSON.readTree(json);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (Exception e) {
            return json;
        }
    }

    /** A status as people read it: {@code TIMED_OUT -> timed out}. */
    static String label(Enum<?> value) {
        return value.name().toLowerCase().replace('_', ' ');
    }

    /** A word in lower case. */
    static String lower(String value) {
        return value == null ? "" : value.toLowerCase(Locale.ROOT);
    }
}
