package io.agentgate.approval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What later submissions a grant covers besides agent and action: the same canonical arguments, or any. */
public enum GrantScope {
    SAME_ARGUMENTS, SAME_ACTION;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code same-arguments} or {@code same-action} (the API's and the forms' spelling); null for anything else. */
    @JsonCreator
    public static GrantScope parse(String value) {
        for (GrantScope scope : values()) {
            if (scope.json().equals(value)) {
                return scope;
            }
        }
        return null;
    }
}
