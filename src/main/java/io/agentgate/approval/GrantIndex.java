package io.agentgate.approval;

import io.agentgate.agent.AgentProfile;
import io.agentgate.common.Jdbc;
import io.agentgate.gate.StandingApprovals;
import io.agentgate.policy.Severity;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The grants in force, in memory per agent, so the submit path finds a grant without a query. Loaded at the start,
 * changed after the commit of every grant and revocation here, and re-read periodically for the other instances'.
 * The memory proposes and counts; the database decides: a writer batch's uses of a grant are added to its row by one
 * guarded UPDATE that refuses a revoked, expired, used-up or suspended grant ({@link GrantUses}), so a stale entry
 * costs a held action or a batch run again, never a wrong pass.
 */
@ApplicationScoped
public class GrantIndex implements StandingApprovals {

    /** Audit event type of every submission a grant let pass. */
    public static final String USED_EVENT = "grant.used";

    private static final String LOAD = "SELECT id, agent_id, action, scope, args_digest, policy_version, severity,"
            + " granted_by, expires_at, max_uses, uses FROM approval_grant WHERE revoked_at IS NULL AND expires_at > ?"
            + " AND (max_uses IS NULL OR uses < max_uses)";

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

    /**
     * A grant in memory with what this instance knows of its uses: a lower bound (the database's count when last
     * read, plus this instance's committed uses since), so a grant it finds used up is used up; and whether it is to be
     * used exactly (one conditional UPDATE per use), as after a batch found the bound too low, until the next refresh.
     */
    static final class Live {
        private final Entry entry;
        private final AtomicInteger uses;
        private volatile boolean exact;

        Live(Entry entry, int uses) {
            this.entry = entry;
            this.uses = new AtomicInteger(uses);
        }

        Entry entry() {
            return entry;
        }

        int uses() {
            return uses.get();
        }

        boolean exact() {
            return exact;
        }

        void useExactly() {
            exact = true;
        }

        void atLeast(int counted) {
            uses.accumulateAndGet(counted, Math::max);
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
    GrantUses uses;

    private final Map<UUID, List<Entry>> byAgent = new ConcurrentHashMap<>();
    private final Map<UUID, Live> live = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        refresh();
    }

    /** Re-reads the grants in force (other instances' grants and revocations). */
    @Scheduled(every = "${agentgate.grants.refresh-interval:5S}", delayed = "${agentgate.grants.refresh-interval:5S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "grant-index-refresh")
    void refresh() {
        Map<UUID, Integer> counts = new HashMap<>();
        Map<UUID, List<Entry>> loaded = Jdbc.withConnection(dataSource, "grant index", c -> load(c, counts));
        byAgent.keySet().retainAll(loaded.keySet());
        byAgent.putAll(loaded);
        live.keySet().retainAll(counts.keySet());
        for (List<Entry> list : loaded.values()) {
            for (Entry e : list) {
                int used = counts.get(e.id());
                // the same object where there is one: a batch in flight counts its uses into it after its commit
                Live known = live.computeIfAbsent(e.id(), id -> new Live(e, used));
                known.atLeast(used);
                known.exact = false;
            }
        }
    }

    private Map<UUID, List<Entry>> load(Connection c, Map<UUID, Integer> counts) throws SQLException {
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
                counts.put(e.id(), rs.getInt("uses"));
            }
        }
        // same-arguments first: the narrowest grant that fits is the one used
        loaded.replaceAll((agent, list) -> sorted(list));
        return loaded;
    }

    void onChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) Changed change) {
        if (change.given() != null) {
            live.putIfAbsent(change.given().id(), new Live(change.given(), 0));
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

    /** The grants in memory that cover something under this policy version now (the active-grants gauge). */
    long active(String policyVersion) {
        Instant now = clock.instant();
        return byAgent.values().stream().flatMap(List::stream)
                .filter(e -> e.policyVersion().equals(policyVersion) && e.expiresAt().isAfter(now)).count();
    }

    /** After a batch's commit: its uses of the grant count here; a grant they used up leaves memory. */
    void counted(Live grant, int added) {
        int now = grant.uses.addAndGet(added);
        Integer max = grant.entry().maxUses();
        if (max != null && now >= max) {
            forget(grant.entry().id());
        }
    }

    /** Drops a grant that no longer covers anything (revoked, used up, expired) from memory. */
    void forget(UUID id) {
        live.remove(id);
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
        Live grant = live.get(grantId);
        // gone from memory since the lookup: revoked, used up or expired here
        return grant != null && uses.use(this, grant, actionId, agentName, policyVersion, now);
    }
}
