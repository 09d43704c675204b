package io.agentgate.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a violation does: {@code deny} blocks, {@code review} sends to a human, {@code audit} only records. */
public enum Enforcement {
    DENY, REVIEW, AUDIT;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Enforcement parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
