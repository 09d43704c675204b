package io.agentgate.agent;

import io.agentgate.audit.AuditLog;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.Conflict;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Jdbc;
import io.agentgate.common.NotFound;
import io.agentgate.common.Problem;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Registers agents, changes them, rotates their keys and resolves a key to its agent. */
@ApplicationScoped
public class AgentService {

    private static final Logger LOG = Logger.getLogger(AgentService.class);

    @Inject
    Clock clock;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ApprovalRuleCheck rules;

    @Inject
    ApproverCheck approvers;

    @Inject
    AuditLog audit;

    @Inject
    AgentGateConfig config;

    @Inject
    AgentCache cache;

    @Inject
    Event<AgentCache.AgentChanged> changed;

    /** A created agent and its API key, which exists nowhere else. */
    public record Registered(Agent agent, String apiKey) {
    }

    /** Agents stored before callbacks existed get a webhook secret (learnt by rotating the key). */
    @Transactional
    void ensureWebhookSecrets(@Observes StartupEvent event) {
        if (!Jdbc.exists(dataSource, "SELECT 1 FROM agent WHERE webhook_secret IS NULL FETCH FIRST 1 ROWS ONLY")) {
            return;
        }
        Agent.<Agent>list("webhookSecret is null").forEach(a -> a.webhookSecret = ApiKeys.newWebhookSecret());
    }

    @Transactional
    public Registered create(AgentRequest request, String actor) {
        if (request.name() == null) {
            throw new InvalidRequest("name", "must not be null");
        }
        checkConsistent(request);
        if (Agent.findByName(request.name()).isPresent()) {
            throw nameTaken(request.name());
        }
        Agent agent = new Agent();
        agent.id = UUID.randomUUID();
        agent.name = request.name();
        agent.createdAt = clock.instant();
        apply(agent, request);
        ApiKeys.NewKey key = ApiKeys.generate();
        agent.apiKeyHash = key.hash();
        agent.apiKeyId = key.keyId();
        agent.webhookSecret = ApiKeys.newWebhookSecret();
        try {
            agent.persistAndFlush();
        } catch (PersistenceException e) {
            // two creates of one name at once: the unique constraint decides
            throw nameTaken(request.name());
        }
        audit.record(AuditLog.AGENT_CREATED, agent.name, null, actor, describe(agent));
        changed.fire(new AgentCache.AgentChanged(agent.name));
        LOG.infof("agent %s registered (risk %s, key %s)", agent.name, agent.riskLevel, agent.apiKeyId);
        return new Registered(agent, key.key());
    }

    /** The agent's approvers who cannot vote as the accounts stand now (they get no mail), and why. */
    @Transactional
    public List<ApproverCheck.ApproverWarning> approverWarnings(Agent agent) {
        List<ApproverCheck.ApproverWarning> warnings = approvers.warnings(agent.profile().approval().approvers());
        if (!warnings.isEmpty()) {
            LOG.warnf("agent %s: %d of its approvers cannot vote (%s)", agent.name, warnings.size(),
                    String.join(", ", warnings.stream().map(ApproverCheck.ApproverWarning::reason).toList()));
        }
        return warnings;
    }

    @Transactional
    public Agent update(String name, AgentRequest request, String actor) {
        if (request.name() != null && !request.name().equals(name)) {
            throw new InvalidRequest("name", "cannot be changed (path says '" + name + "')");
        }
        checkConsistent(request);
        Agent agent = get(name);
        apply(agent, request);
        audit.record(AuditLog.AGENT_UPDATED, agent.name, null, actor, describe(agent));
        changed.fire(new AgentCache.AgentChanged(agent.name));
        return agent;
    }

    @Transactional
    public Registered rotateKey(String name, String actor) {
        Agent agent = get(name);
        ApiKeys.NewKey key = ApiKeys.generate();
        String oldKeyId = agent.apiKeyId;
        agent.apiKeyHash = key.hash();
        agent.apiKeyId = key.keyId();
        agent.webhookSecret = ApiKeys.newWebhookSecret();
        agent.updatedAt = clock.instant();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("previousKeyId", oldKeyId);
        details.put("keyId", key.keyId());
        audit.record(AuditLog.AGENT_KEY_ROTATED, agent.name, null, actor, details);
        changed.fire(new AgentCache.AgentChanged(agent.name));
        LOG.infof("agent %s key rotated (%s -> %s)", agent.name, oldKeyId, key.keyId());
        return new Registered(agent, key.key());
    }

    /**
     * Creates the agent or brings its settings in line with the request (the governance file is authoritative).
     * Returns the new API key for a created agent, empty for an existing one.
     */
    @Transactional
    public Optional<String> upsert(AgentRequest request, String actor) {
        Optional<Agent> existing = Agent.findByName(request.name());
        if (existing.isEmpty()) {
            return Optional.of(create(request, actor).apiKey());
        }
        checkConsistent(request);
        Agent agent = existing.get();
        Map<String, Object> before = describe(agent);
        apply(agent, request);
        if (!describe(agent).equals(before)) {
            audit.record(AuditLog.AGENT_UPDATED, agent.name, null, actor, describe(agent));
            changed.fire(new AgentCache.AgentChanged(agent.name));
        }
        return Optional.empty();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Agent get(String name) {
        return Agent.findByName(name).orElseThrow(() -> new NotFound("No agent named '" + name + "'"));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Agent> list() {
        return Agent.listAll(Sort.by("name"));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public long count() {
        return Agent.count();
    }

    /** The agent a presented API key belongs to, if it is cached (no I/O; safe on the event loop). */
    public Optional<AgentProfile> cachedProfileForKey(String apiKey) {
        if (!apiKey.startsWith(ApiKeys.PREFIX)) {
            return Optional.empty();
        }
        return cache.get(ApiKeys.hash(apiKey), Optional::empty);
    }

    /** The agent a presented API key belongs to; called on every agent request, read through the cache. */
    @ActivateRequestContext
    public Optional<AgentProfile> profileForKey(String apiKey) {
        if (!apiKey.startsWith(ApiKeys.PREFIX)) {
            return Optional.empty();
        }
        String hash = ApiKeys.hash(apiKey);
        return cache.get(hash, () -> Agent.findByKeyHash(hash).map(Agent::profile));
    }

    private void apply(Agent agent, AgentRequest request) {
        agent.displayName = request.displayName();
        agent.riskLevel = request.riskLevel();
        Capabilities caps = request.capabilities() == null ? Capabilities.NONE : request.capabilities();
        agent.writeData = caps.writeData();
        agent.sendExternalMessages = caps.sendExternalMessages();
        agent.executeCode = caps.executeCode();
        agent.financialTransactions = caps.financialTransactions();
        agent.maxTransactionAmount = request.maxTransactionAmount();
        agent.allowedActions = request.allowedActions() == null ? null : List.copyOf(request.allowedActions());
        AgentRequest.Approval approval = request.approval();
        agent.approvalRequired = approval != null && approval.required();
        agent.approvalRule = approval == null || approval.rule() == null || approval.rule().isBlank() ? null
                : approval.rule().trim();
        agent.approvers = approval == null || approval.approvers() == null ? List.of()
                : approval.approvers().stream().map(String::trim).distinct().toList();
        agent.requiredApprovals = approval == null || approval.requiredApprovals() == null ? 1
                : approval.requiredApprovals();
        agent.approvalTimeoutSeconds = approval == null ? null : approval.timeoutSeconds();
        agent.approvalDescription = approval == null || approval.description() == null
                || approval.description().isBlank() ? null : approval.description().strip();
        agent.remindAfterSeconds = approval == null ? null : approval.remindAfterSeconds();
        agent.escalateAfterSeconds = approval == null ? null : approval.escalateAfterSeconds();
        agent.escalateTo = approval == null || approval.escalateTo() == null ? List.of()
                : approval.escalateTo().stream().map(String::trim).distinct().toList();
        agent.updatedAt = clock.instant();
    }

    private void checkConsistent(AgentRequest request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        AgentRequest.Approval approval = request.approval();
        if (approval != null && approval.requiredApprovals() != null && approval.requiredApprovals() > 1
                && !ApprovalSettings.namesGroup(approval.approvers())) {
            int approvers = approval.approvers() == null ? 0 : (int) approval.approvers().stream().distinct().count();
            if (approval.requiredApprovals() > approvers) {
                errors.add(new Problem.FieldError("approval.requiredApprovals",
                        "needs " + approval.requiredApprovals() + " distinct approvers, " + approvers + " listed"));
            }
        }
        if (approval != null && !approval.required() && approval.rule() != null && !approval.rule().isBlank()) {
            errors.add(new Problem.FieldError("approval.rule", "is set but approval.required is false"));
        } else if (approval != null && approval.rule() != null && !approval.rule().isBlank()) {
            rules.problem(approval.rule()).ifPresent(p -> errors.add(new Problem.FieldError("approval.rule", p)));
        }
        if (approval != null) {
            checkFollowUps(approval, errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
    }

    /**
     * Reminder and escalation: positive, before the action times out (the agent's timeout, else the default), and an
     * escalation names whom it escalates to (emails or {@code group:} names) and only then. Checked here too, not only
     * by the request's annotations, because the governance file comes this way without them.
     */
    private void checkFollowUps(AgentRequest.Approval approval, List<Problem.FieldError> errors) {
        long timeout = approval.timeoutSeconds() != null ? approval.timeoutSeconds()
                : config.approval().defaultTimeout().toSeconds();
        beforeTimeout("approval.remindAfterSeconds", approval.remindAfterSeconds(), timeout, errors);
        beforeTimeout("approval.escalateAfterSeconds", approval.escalateAfterSeconds(), timeout, errors);
        List<String> to = approval.escalateTo() == null ? List.of() : approval.escalateTo();
        for (int i = 0; i < to.size(); i++) {
            if (to.get(i) == null || !to.get(i).strip().matches(ApprovalSettings.APPROVER)) {
                errors.add(new Problem.FieldError("approval.escalateTo[" + i + "]", ApprovalSettings.APPROVER_MESSAGE));
            }
        }
        if (approval.escalateAfterSeconds() != null && to.isEmpty()) {
            errors.add(new Problem.FieldError("approval.escalateTo", "must name whom to escalate to when "
                    + "approval.escalateAfterSeconds is set"));
        } else if (approval.escalateAfterSeconds() == null && !to.isEmpty()) {
            errors.add(new Problem.FieldError("approval.escalateAfterSeconds", "must be set when approval.escalateTo "
                    + "names whom to escalate to"));
        } else if (!to.isEmpty() && (approval.approvers() == null || approval.approvers().isEmpty())) {
            errors.add(new Problem.FieldError("approval.escalateTo", "needs approval.approvers: with none named, "
                    + "every user with the approver role already decides"));
        }
    }

    private static void beforeTimeout(String field, Integer seconds, long timeout, List<Problem.FieldError> errors) {
        if (seconds == null) {
            return;
        }
        if (seconds < 1) {
            errors.add(new Problem.FieldError(field, "must be positive"));
        } else if (seconds >= timeout) {
            errors.add(new Problem.FieldError(field, "must be less than the approval timeout (" + timeout
                    + " seconds), or it would never come"));
        }
    }

    private static Conflict nameTaken(String name) {
        return new Conflict("agent-exists", "Agent exists", "An agent named '" + name + "' already exists",
                Map.of("agent", name));
    }

    private static Map<String, Object> describe(Agent agent) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("riskLevel", agent.riskLevel);
        details.put("capabilities", agent.profile().capabilities());
        details.put("maxTransactionAmount", agent.maxTransactionAmount);
        details.put("allowedActions", agent.allowedActions);
        details.put("approval", agent.profile().approval());
        details.put("keyId", agent.apiKeyId);
        return details;
    }
}
