package io.agentgate.approval;

import io.agentgate.agent.AgentProfile;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.Jdbc;
import io.agentgate.gate.StandingApprovals;
import io.agentgate.policy.Severity;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The grants in force, in memory per agent, so the submit path finds a grant without a query. Loaded at the start,
 * changed after the commit of every grant and revocation here, and re-read periodically for the other instances'.
 * The memory only proposes: each use is one conditional UPDATE that refuses a revoked, expired, used-up or
 * suspended grant, so a stale entry costs a held action, never a wrong pass.
 */
@ApplicationScoped
public class GrantIndex implements StandingApprovals {

    /** Audit event type of every submission a grant let pass. */
    public static final String USED_EVENT = "grant.used";

    private static final Logger LOG = Logger.getLogger(GrantIndex.class);
    private static final String LOAD = "SELECT id, agent_id, action, scope, args_digest, policy_version, severity,"
            + " granted_by, expires_at, max_uses FROM approval_grant WHERE revoked_at IS NULL AND expires_at > ?"
            + " AND (max_uses IS NULL OR uses < max_uses)";
    private static final String USE = "UPDATE approval_grant SET uses = uses + 1, last_used_at = ? WHERE id = ?"
            + " AND revoked_at IS NULL AND expires_at > ? AND policy_version = ? AND (max_uses IS NULL OR uses < max_uses)";

    /** One grant as the submit path needs it. */
    record Entry(UUID id, UUID agentId, String action, GrantScope scope, String digest, String policyVersion,
            Severity severity, String grantedBy, Instant expiresAt, Integer maxUses) {

        static Entry of(Grant g) {
            return new Entry(g.id, g.agentId, g.action, g.scope, g.argsDigest, g.policyVersion, g.severity,
                    g.grantedBy, g.expiresAt, g.maxUses);
        }

        boolean covers(String action, String userId, Severity highest, String version, Instant now) {
            return this.action.equals(action) && policyVersion.equals(version) && expiresAt.isAfter(now)
                    && (highest == null || highest.compareTo(severity) <= 0)
                    // four eyes: a grant never passes a request made on behalf of the person who gave it
                    && !SelfApproval.isOwnRequest(userId, grantedBy);
        }
    }

    /** A grant given, or one that no longer covers anything (revoked, used up): after the commit, memory follows. */
    record Changed(Entry given, UUID gone) {
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Clock clock;

    @Inject
    AuditLog audit;

    @Inject
    Event<Changed> changed;

    private final Map<UUID, List<Entry>> byAgent = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        refresh();
    }

    /** Re-reads the grants in force (other instances' grants and revocations). */
    @Scheduled(every = "${agentgate.grants.refresh-interval:5S}", delayed = "${agentgate.grants.refresh-interval:5S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "grant-index-refresh")
    void refresh() {
        Map<UUID, List<Entry>> loaded = Jdbc.withConnection(dataSource, "grant index", c -> load(c));
        byAgent.keySet().retainAll(loaded.keySet());
        byAgent.putAll(loaded);
    }

    private Map<UUID, List<Entry>> load(Connection c) throws SQLException {
        Map<UUID, List<Entry>> loaded = new HashMap<>();
        try (PreparedStatement s = Jdbc.prepare(c, LOAD, List.of(Jdbc.odt(clock.instant())));
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                int uses = rs.getInt("max_uses");
                // wasNull speaks of the column read last: asked here, before the entry reads expires_at
                Integer maxUses = rs.wasNull() ? null : uses;
                Entry e = new Entry(Jdbc.uuid(rs, "id"), Jdbc.uuid(rs, "agent_id"), rs.getString("action"),
                        GrantScope.valueOf(rs.getString("scope")), rs.getString("args_digest"),
                        rs.getString("policy_version"), Severity.valueOf(rs.getString("severity")),
                        rs.getString("granted_by"), Jdbc.instant(rs, "expires_at"), maxUses);
                loaded.computeIfAbsent(e.agentId(), k -> new ArrayList<>()).add(e);
            }
        }
        // same-arguments first: the narrowest grant that fits is the one used
        loaded.replaceAll((agent, list) -> sorted(list));
        return loaded;
    }

    void onChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) Changed change) {
        if (change.given() != null) {
            byAgent.merge(change.given().agentId(), List.of(change.given()), (a, b) -> {
                List<Entry> all = new ArrayList<>(a);
                all.addAll(b);
                return sorted(all);
            });
        }
        if (change.gone() != null) {
            forget(change.gone());
        }
    }

    private Entry find(UUID id) {
        for (List<Entry> list : byAgent.values()) {
            for (Entry e : list) {
                if (e.id().equals(id)) {
                    return e;
                }
            }
        }
        return null;
    }

    /** The grants in memory that cover something under this policy version now (the active-grants gauge). */
    long active(String policyVersion) {
        Instant now = clock.instant();
        return byAgent.values().stream().flatMap(List::stream)
                .filter(e -> e.policyVersion().equals(policyVersion) && e.expiresAt().isAfter(now)).count();
    }

    private void forget(UUID id) {
        byAgent.replaceAll((agent, list) -> list.stream().anyMatch(e -> e.id().equals(id))
                ? list.stream().filter(e -> !e.id().equals(id)).toList() : list);
    }

    private static List<Entry> sorted(List<Entry> list) {
        List<Entry> out = new ArrayList<>(list);
        out.sort((a, b) -> a.scope().compareTo(b.scope()));
        return List.copyOf(out);
    }

    @Override
    public Optional<UUID> candidate(AgentProfile agent, String action, String userId, Severity highest,
            String policyVersion, Supplier<String> digest) {
        List<Entry> entries = byAgent.get(agent.id());
        if (entries == null || entries.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String arguments = null;
        for (Entry e : entries) {
            if (!e.covers(action, userId, highest, policyVersion, now)) {
                continue;
            }
            if (e.scope() == GrantScope.SAME_ACTION) {
                return Optional.of(e.id());
            }
            if (arguments == null) {
                arguments = digest.get();
            }
            if (arguments.equals(e.digest())) {
                return Optional.of(e.id());
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean use(UUID grantId, UUID actionId, String agentName, String policyVersion, Instant now) {
        boolean used = Jdbc.withConnection(dataSource, "grant use", c -> {
            try (PreparedStatement s = Jdbc.prepare(c, USE,
                    List.of(Jdbc.odt(now), grantId, Jdbc.odt(now), policyVersion))) {
                return s.executeUpdate() == 1;
            }
        });
        if (!used) {
            // revoked, expired, used up or suspended: memory was behind the database
            LOG.debugf("grant %s no longer covers action %s", grantId, actionId);
            forget(grantId);
            return false;
        }
        Entry entry = find(grantId);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("grantId", grantId);
        if (entry != null && entry.maxUses() != null) {
            int uses = Jdbc.withConnection(dataSource, "grant uses", c -> (int) Jdbc.count(c,
                    "SELECT uses FROM approval_grant WHERE id = ?", grantId));
            details.put("uses", uses);
            details.put("maxUses", entry.maxUses());
            if (uses >= entry.maxUses()) {
                changed.fire(new Changed(null, grantId));
            }
        }
        audit.record(USED_EVENT, agentName, actionId, "grant:" + grantId, details);
        return true;
    }
}
