package io.agentgate.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.agent.AgentService;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.CanonicalJson;
import io.agentgate.common.Conflict;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.NotFound;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionStatus;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Gives, lists and revokes grants. A grant is given by the approval that decides an action (every channel), bound
 * to the agent, the action, the scope, the arguments that run (for same-arguments), the policy version in effect and
 * the most severe review violation it was given over.
 */
@ApplicationScoped
public class Grants {

    /** Audit event types. */
    public static final String GIVEN_EVENT = "grant.given";
    public static final String REVOKED_EVENT = "grant.revoked";

    private static final Logger LOG = Logger.getLogger(Grants.class);
    static final String FIELD = "grant";

    @Inject
    GrantSettings settings;

    @Inject
    PolicyEngine engine;

    @Inject
    ActionQueries queries;

    @Inject
    AgentService agents;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    ObjectMapper json;

    @Inject
    Event<GrantIndex.Changed> changed;

    /** Refuses a grant request that no approval could give: a reject, no duration, or one over the maximum. */
    public void check(GrantRequest grant, ActionStatus decision) {
        if (grant == null) {
            return;
        }
        if (decision != ActionStatus.APPROVED) {
            throw new InvalidRequest(FIELD, "only an approval may grant; a reject grants nothing");
        }
        if (grant.scope() == null) {
            throw new InvalidRequest(FIELD + ".scope", "must be same-arguments or same-action");
        }
        Duration max = settings.maxDuration();
        if (grant.duration() == null || grant.duration().isNegative() || grant.duration().isZero()
                || grant.duration().compareTo(max) > 0) {
            throw new InvalidRequest(FIELD + ".for", "must be an ISO-8601 duration above zero and at most " + max
                    + " (agentgate.grants.max-duration)");
        }
        if (grant.maxUses() != null && (grant.maxUses() < 1 || grant.maxUses() > 1_000_000)) {
            throw new InvalidRequest(FIELD + ".maxUses", "must be from 1 to 1000000, or absent for no limit");
        }
    }

    /**
     * Gives the grant with the approval that just decided the action, in the caller's transaction (the writer's).
     *
     * @param approver who approved (the grant's giver)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Grant give(UUID actionId, String approver, GrantRequest request, String credential) {
        return give(queries.detail(actionId), approver, request, credential);
    }

    /** As above, for the action as its approval left it (a decision's write step has it in hand). */
    @Transactional(Transactional.TxType.MANDATORY)
    Grant give(ActionDetail action, String approver, GrantRequest request, String credential) {
        UUID actionId = action.id();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Grant g = new Grant();
        g.id = UUID.randomUUID();
        g.agentId = agents.get(action.agent()).profile().id();
        g.agentName = action.agent();
        g.action = action.view().action();
        g.scope = request.scope();
        if (request.scope() == GrantScope.SAME_ARGUMENTS) {
            // the arguments that run: an approver's edit when there is one, else as submitted (tool args, else context)
            String runs = action.view().toolArgs() != null ? action.view().toolArgs() : action.context();
            g.arguments = canonical(runs);
            g.argsDigest = CanonicalJson.sha256(g.arguments);
        }
        g.policyVersion = engine.version();
        g.severity = ceiling(action.violations());
        g.sourceActionId = actionId;
        g.grantedBy = approver;
        g.grantedAt = now;
        g.expiresAt = now.plus(request.duration());
        g.maxUses = request.maxUses();
        g.persist();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("grantId", g.id);
        details.put("scope", g.scope.json());
        details.put("for", request.duration().toString());
        details.put("expiresAt", g.expiresAt);
        details.put("maxUses", g.maxUses);
        details.put("severity", g.severity.json());
        details.put("policyVersion", g.policyVersion);
        details.put("credential", credential);
        audit.record(GIVEN_EVENT, g.agentName, actionId, approver, details);
        changed.fire(new GrantIndex.Changed(GrantIndex.Entry.of(g), null));
        LOG.infof("grant %s given by %s on action %s (%s, until %s)", g.id, approver, actionId, g.scope.json(),
                g.expiresAt);
        return g;
    }

    /** Revokes a grant, once; a second revocation is a 409 that says who revoked it and when. */
    @Transactional
    public void revoke(UUID id, String by) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int updated = Grant.update("revokedAt = ?1, revokedBy = ?2 where id = ?3 and revokedAt is null", now, by, id);
        Grant g = Grant.<Grant>findByIdOptional(id).orElseThrow(() -> notFound(id));
        if (updated == 0) {
            throw new Conflict("grant-revoked", "Grant already revoked", "Grant " + id + " was revoked by "
                    + g.revokedBy + " at " + g.revokedAt, Map.of("grantId", id));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("grantId", id);
        details.put("uses", g.uses);
        audit.record(REVOKED_EVENT, g.agentName, g.sourceActionId, by, details);
        changed.fire(new GrantIndex.Changed(null, id));
        LOG.infof("grant %s revoked by %s", id, by);
    }

    @Transactional
    public GrantView get(UUID id) {
        return Grant.<Grant>findByIdOptional(id).map(this::view).orElseThrow(() -> notFound(id));
    }

    /** Grants newest first, of one agent or all; {@code active}: only those that cover something now. */
    @Transactional
    public List<GrantView> list(String agent, boolean active, int limit) {
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (agent != null) {
            where.append(" and agentName = :agent");
            params.put("agent", agent);
        }
        if (active) {
            where.append(" and revokedAt is null and expiresAt > :now and policyVersion = :version"
                    + " and (maxUses is null or uses < maxUses)");
            params.put("now", clock.instant());
            params.put("version", engine.version());
        }
        return Grant.<Grant>find(where + " order by grantedAt desc", params).page(0, limit).list().stream()
                .map(this::view).toList();
    }

    GrantView view(Grant g) {
        return GrantView.of(g, clock.instant(), engine.version());
    }

    /** A grant covers review violations up to the most severe one it was given over. */
    static Severity ceiling(List<Violation> violations) {
        Severity highest = Severity.LOW;
        for (Violation v : violations) {
            if (v.enforcement() == Enforcement.REVIEW && v.severity().compareTo(highest) > 0) {
                highest = v.severity();
            }
        }
        return highest;
    }

    private String canonical(String text) {
        try {
            return CanonicalJson.write(json.readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored arguments are not JSON", e);
        }
    }

    static NotFound notFound(UUID id) {
        return new NotFound("No grant " + id);
    }
}
