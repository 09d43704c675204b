package io.agentgate.common;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Refuses to start without the secrets the service cannot run safely without. */
@Singleton
public class RequiredSecrets {

    static final int MIN_ADMIN_TOKEN_LENGTH = 16;
    static final int MIN_LINK_SECRET_BYTES = 32;
    static final int MIN_AUDIT_KEY_BYTES = 32;

    @Inject
    AgentGateConfig config;

    /** Runs before every other start-up observer (timers, scheduler, demo data). */
    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        List<String> problems = problems(config);
        List<String> profiles = ConfigUtils.getProfiles();
        if (!profiles.contains("dev") && !profiles.contains("test") && !profiles.contains("demo")) {
            problems.addAll(demoValues(config));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("AgentGate cannot start:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** The fixed secrets of the dev, test and demo profiles, published in the README: never in production. */
    static final List<String> DEMO_SECRETS = List.of("dev-admin-token-change-me",
            "dev-links-secret-0123456789abcdef0123456789", "test-admin-token-0123456789",
            "test-links-secret-0123456789abcdef012345678", "dev-audit-key-0123456789abcdef0123456789ab",
            "test-audit-key-0123456789abcdef0123456789a");

    static List<String> demoValues(AgentGateConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.adminToken().filter(DEMO_SECRETS::contains).isPresent()) {
            problems.add("AGENTGATE_ADMIN_TOKEN (agentgate.admin-token) is the published demo token: anyone who read the"
                    + " README could use the admin API; use your own, e.g. export AGENTGATE_ADMIN_TOKEN=$(openssl rand -hex 32)");
        }
        if (config.links().secret().filter(DEMO_SECRETS::contains).isPresent()) {
            problems.add("AGENTGATE_LINKS_SECRET (agentgate.links.secret) is the published demo secret: anyone could"
                    + " sign approval links; use your own, e.g. export AGENTGATE_LINKS_SECRET=$(openssl rand -base64 48)");
        }
        if (config.audit().key().filter(DEMO_SECRETS::contains).isPresent()) {
            problems.add("AGENTGATE_AUDIT_KEY (agentgate.audit.key) is the published demo key: anyone could rewrite"
                    + " the audit chain; use your own, e.g. export AGENTGATE_AUDIT_KEY=$(openssl rand -base64 48)");
        }
        return problems;
    }

    static List<String> problems(AgentGateConfig config) {
        List<String> problems = new ArrayList<>();
        String token = config.adminToken().orElse("");
        if (token.isBlank()) {
            problems.add("AGENTGATE_ADMIN_TOKEN (agentgate.admin-token) is not set: the admin API needs a bearer token"
                    + " of at least " + MIN_ADMIN_TOKEN_LENGTH + " characters, e.g. export AGENTGATE_ADMIN_TOKEN=$(openssl rand -hex 32)");
        } else if (token.length() < MIN_ADMIN_TOKEN_LENGTH) {
            problems.add("AGENTGATE_ADMIN_TOKEN (agentgate.admin-token) is too short: use at least "
                    + MIN_ADMIN_TOKEN_LENGTH + " characters");
        }
        String secret = config.links().secret().orElse("");
        if (secret.isBlank()) {
            problems.add("AGENTGATE_LINKS_SECRET (agentgate.links.secret) is not set: approval links are signed with it;"
                    + " use at least " + MIN_LINK_SECRET_BYTES + " bytes, e.g. export AGENTGATE_LINKS_SECRET=$(openssl rand -base64 48)");
        } else if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_LINK_SECRET_BYTES) {
            problems.add("AGENTGATE_LINKS_SECRET (agentgate.links.secret) is too short: use at least "
                    + MIN_LINK_SECRET_BYTES + " bytes");
        }
        String auditKey = config.audit().key().orElse("");
        if (auditKey.isBlank()) {
            problems.add("AGENTGATE_AUDIT_KEY (agentgate.audit.key) is not set: the audit chain is keyed with it (keep"
                    + " it outside the database); use at least " + MIN_AUDIT_KEY_BYTES
                    + " bytes, e.g. export AGENTGATE_AUDIT_KEY=$(openssl rand -base64 48)");
        } else if (auditKey.getBytes(StandardCharsets.UTF_8).length < MIN_AUDIT_KEY_BYTES) {
            problems.add("AGENTGATE_AUDIT_KEY (agentgate.audit.key) is too short: use at least " + MIN_AUDIT_KEY_BYTES
                    + " bytes");
        }
        for (String previous : config.audit().previousKeys().orElse(List.of())) {
            if (previous.getBytes(StandardCharsets.UTF_8).length < MIN_AUDIT_KEY_BYTES) {
                problems.add("AGENTGATE_AUDIT_PREVIOUS_KEYS (agentgate.audit.previous-keys) holds a key shorter than "
                        + MIN_AUDIT_KEY_BYTES + " bytes: it cannot be a key the chain was written with");
            }
        }
        return problems;
    }
}
