package io.agentgate.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The service's own settings, prefix {@code agentgate}. Secrets are optional here and checked at start. */
@ConfigMapping(prefix = "agentgate")
public interface AgentGateConfig {

    /** External URL used in email links and poll URLs. */
    @WithDefault("http://localhost:8080")
    String baseUrl();

    /** An external URL: {@code path} (starting with '/') under the base URL, whatever slashes the setting ends in. */
    static String external(AgentGateConfig config, String path) {
        return config.baseUrl().replaceAll("/+$", "") + path;
    }

    /** Bearer token for the admin API; required in production. */
    Optional<String> adminToken();

    Links links();

    Approval approval();

    Audit audit();

    /** Print the API keys of agents the governance file creates (dev and demo); otherwise only their names. */
    @WithDefault("false")
    boolean printNewAgentKeys();

    /** Optional YAML with agents, users and policies loaded at start. */
    Optional<String> governanceFile();

    interface Links {
        /** HMAC key for approval links, at least 32 bytes; required in production. */
        Optional<String> secret();

        /** Earlier secrets still accepted while links signed with them are out. */
        Optional<List<String>> previousSecrets();
    }

    interface Approval {
        /** How long an action stays pending when neither the request nor the agent says. */
        @WithDefault("5M")
        Duration defaultTimeout();

        /** Longest long-poll hold. */
        @WithDefault("60S")
        Duration maxWait();

        /** How often overdue pending actions are swept (the safety net behind the in-memory timers). */
        @WithDefault("1S")
        Duration sweepInterval();

        /** Pending actions due within this get an in-memory timer; later ones are armed by the sweep as they come near. */
        @WithDefault("10S")
        Duration timerHorizon();

        /** How often due reminders and escalations of pending actions are taken (approval/FollowUps). */
        @WithDefault("5S")
        Duration followUpInterval();
    }

    interface Audit {
        /**
         * How long audit events are kept; older ones are pruned behind a signed checkpoint. Refused below 180 days
         * while any HIGH or CRITICAL agent exists (EU AI Act Art. 12/19 record-keeping).
         */
        @WithDefault("400d")
        Duration retention();

        /** How often retention runs, e.g. {@code 6h}; {@code off} disables the schedule (prune on demand only). */
        @WithDefault("6h")
        String pruneInterval();

        FileSink fileSink();

        /**
         * HMAC key of the audit chain (at least 32 bytes); required in production. Each event records the id of
         * the key it was chained under (derived from the key), so a new key can be set while the old one stays
         * in {@link #previousKeys()} for the events chained before.
         */
        Optional<String> key();

        /** Earlier audit keys, kept so that events chained under them still verify. */
        Optional<List<String>> previousKeys();

        /**
         * Pins the unkeyed part of the chain (events chained before the audit key existed): no unkeyed event after
         * this position verifies. Unset: the unkeyed prefix the chain starts with is accepted, as long as keyed
         * events follow it only through the upgrade marker.
         */
        Optional<Long> lastUnkeyedSeq();

        interface FileSink {
            /** JSON Lines file that receives every committed event, for shipping to a log pipeline; unset = off. */
            Optional<String> path();

            /** Rotate when the file reaches this many bytes. */
            @WithDefault("104857600")
            long maxBytes();

            /** Rotated files kept (file.1 ... file.N). */
            @WithDefault("10")
            int keep();
        }
    }
}
