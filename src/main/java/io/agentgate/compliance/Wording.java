package io.agentgate.compliance;

import io.agentgate.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/** How reports word times, durations and policy lists. */
final class Wording {

    private Wording() {
    }

    static String time(Instant t) {
        return t == null ? "never" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A duration as people say it: 40 s, 12 min, 3 h, 5 days. */
    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        if (s < 172_800) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " days";
    }

    static String names(List<Policy> list) {
        return list.stream().map(p -> p.name() + " (" + p.enforcement().json() + ")").collect(Collectors.joining(", "));
    }
}
