package io.agentgate.governance;

import io.agentgate.agent.AgentRequest;
import io.agentgate.agent.AgentService;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.DomainException;
import io.agentgate.common.InvalidRequest;
import io.agentgate.dashboard.AccountService;
import io.agentgate.mcp.UpstreamRegistry;
import io.agentgate.mcp.UpstreamRequest;
import io.agentgate.policy.PolicyEngine;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Loads {@code agentgate.governance-file} at start and on reload: validates and compiles everything first, then
 * registers or updates its agents and users in one transaction, then swaps the engine's policies in one step.
 * A bad file changes nothing.
 */
@ApplicationScoped
public class GovernanceService {

    private static final Logger LOG = Logger.getLogger(GovernanceService.class);
    private static final String CLASSPATH = "classpath:";
    private static final String ACTOR = "system:governance-file";

    @Inject
    AgentGateConfig config;

    @Inject
    PolicyEngine engine;

    @Inject
    AgentService agents;

    @Inject
    AccountService accounts;

    @Inject
    AuditLog audit;

    @Inject
    Validator validator;

    @Inject
    UpstreamRegistry upstreams;

    @Inject
    Event<PoliciesReloaded> reloaded;

    private final ReentrantLock reloading = new ReentrantLock();

    /** What a load did. */
    public record Loaded(String source, int agents, int users, int policies, Map<String, String> newKeys) {
    }

    /** The file is missing, unreadable or invalid; the message names the file, the entry and the position. */
    public static class InvalidGovernanceFile extends DomainException {

        public InvalidGovernanceFile(String detail) {
            super(detail);
        }

        @Override
        public int status() {
            return 422;
        }

        @Override
        public String slug() {
            return "governance-file-invalid";
        }

        @Override
        public String title() {
            return "Governance file invalid; the previous policies stay in effect";
        }
    }

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        if (config.governanceFile().isEmpty()) {
            return;
        }
        try {
            Loaded loaded = load();
            StringBuilder line = new StringBuilder(String.format(
                    "governance file %s loaded: %d agents, %d users, %d declarative policies", loaded.source(),
                    loaded.agents(), loaded.users(), loaded.policies()));
            if (!loaded.newKeys().isEmpty()) {
                if (config.printNewAgentKeys()) {
                    line.append("\nnew agents and their API keys (shown only now):");
                    loaded.newKeys().forEach((name, key) -> line.append(String.format("%n  %-20s %s", name, key)));
                } else {
                    line.append("\nnew agents ").append(loaded.newKeys().keySet())
                            .append(": get their API keys with POST /api/v1/agents/{name}/keys");
                }
            }
            LOG.info(line);
        } catch (InvalidGovernanceFile e) {
            throw new IllegalStateException("AgentGate cannot start: " + e.getMessage());
        }
    }

    /** Re-reads the configured file; on any error the agents, users and policies stay as they were. */
    public Loaded reload() {
        if (config.governanceFile().isEmpty()) {
            throw new InvalidGovernanceFile("No governance file is configured (agentgate.governance-file)");
        }
        Loaded loaded = load();
        reloaded.fire(new PoliciesReloaded(loaded.source()));
        return loaded;
    }

    /** The governance file was reloaded on this instance; other instances apply its policies too. */
    public record PoliciesReloaded(String source) {
    }

    /**
     * Applies the file's policies to this instance's engine only: another instance reloaded it and already stored
     * its agents and users. Every instance must see the same file (mount or ship the same one).
     */
    public void applyPolicies() {
        if (config.governanceFile().isEmpty()) {
            return;
        }
        reloading.lock();
        try {
            read(config.governanceFile().get()).applyTo(engine);
            LOG.infof("policies of %s applied after a reload on another instance", config.governanceFile().get());
        } catch (GovernanceFileException e) {
            LOG.warnf("policies kept as they were: the governance file does not load here: %s", e.getMessage());
        } finally {
            reloading.unlock();
        }
    }

    private Loaded load() {
        reloading.lock();
        try {
            String location = config.governanceFile().orElseThrow();
            Governance governance;
            try {
                governance = read(location);
            } catch (GovernanceFileException e) {
                throw new InvalidGovernanceFile(e.getMessage());
            }
            GovernanceFile file = governance.file();
            List<AgentRequest> agentRequests = new ArrayList<>();
            for (GovernanceFile.AgentSpec spec : file.agents()) {
                agentRequests.add(check(governance.source(), toRequest(spec)));
            }
            for (GovernanceFile.UserSpec user : file.users()) {
                try {
                    AccountService.checkPassword(user.password());
                    AccountService.checkGroups(user.groups());
                } catch (InvalidRequest e) {
                    throw new InvalidGovernanceFile(governance.source() + ": user '" + user.email() + "': "
                            + e.getMessage());
                }
            }
            Map<String, UpstreamRequest> mcpServers = new LinkedHashMap<>();
            file.mcpServers().forEach((name, spec) -> {
                UpstreamRequest request = new UpstreamRequest(spec == null ? null : spec.url(),
                        spec == null ? null : spec.headers());
                try {
                    upstreams.check(name, request, false);
                } catch (InvalidRequest e) {
                    throw new InvalidGovernanceFile(governance.source() + ": MCP server '" + name + "': "
                            + e.errors().stream().map(f -> f.field() + " " + f.message())
                                    .collect(java.util.stream.Collectors.joining("; ")));
                }
                mcpServers.put(name, request);
            });
            Map<String, String> newKeys = new LinkedHashMap<>();
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    for (AgentRequest request : agentRequests) {
                        agents.upsert(request, ACTOR).ifPresent(key -> newKeys.put(request.name(), key));
                    }
                    for (GovernanceFile.UserSpec user : file.users()) {
                        accounts.upsert(user.email(), user.password(), user.roles(), user.groups(), ACTOR);
                    }
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("source", governance.source());
                    details.put("agents", agentRequests.stream().map(AgentRequest::name).toList());
                    details.put("policies", governance.policies().stream().map(p -> p.name()).toList());
                    details.put("builtins", file.builtins().keySet());
                    audit.record("policy.loaded", null, null, ACTOR, details);
                });
            } catch (DomainException e) {
                newKeys.clear();
                throw new InvalidGovernanceFile(governance.source() + ": " + e.getMessage());
            }
            governance.applyTo(engine);
            upstreams.applyGovernance(mcpServers, ACTOR);
            return new Loaded(governance.source(), file.agents().size(), file.users().size(),
                    governance.policies().size(), newKeys);
        } finally {
            reloading.unlock();
        }
    }

    private static Governance read(String location) {
        GovernanceLoader loader = new GovernanceLoader();
        if (!location.startsWith(CLASSPATH)) {
            return loader.load(Path.of(location));
        }
        String resource = location.substring(CLASSPATH.length()).replaceFirst("^/", "");
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new GovernanceFileException(location + ": no such resource on the class path", null);
            }
            return loader.load(Path.of(resource).getFileName().toString(),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GovernanceFileException(location + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private AgentRequest check(String source, AgentRequest request) {
        Set<ConstraintViolation<AgentRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            ConstraintViolation<AgentRequest> first = violations.iterator().next();
            throw new InvalidGovernanceFile(source + ": agent '" + request.name() + "': " + first.getPropertyPath()
                    + " " + first.getMessage());
        }
        return request;
    }

    private static AgentRequest toRequest(GovernanceFile.AgentSpec spec) {
        GovernanceFile.ApprovalSpec a = spec.approval();
        return new AgentRequest(spec.name(), spec.displayName(), spec.riskLevel(), spec.capabilitiesOrNone(),
                spec.maxTransactionAmount(), spec.allowedActions(),
                a == null ? null : new AgentRequest.Approval(a.required(), a.rule(), a.approvers(),
                        a.requiredApprovals(), a.timeoutSeconds(), a.description(), a.remindAfterSeconds(),
                        a.escalateAfterSeconds(), a.escalateTo()));
    }
}
