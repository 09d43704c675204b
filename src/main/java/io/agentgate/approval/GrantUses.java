package io.agentgate.approval;

import io.agentgate.audit.AuditLog;
import io.agentgate.common.Jdbc;
import io.agentgate.gate.ActionWriter;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Counts the uses of grants on the writer, at the cost of one statement per grant per writer batch, not one per use.
 * Each use is decided in memory against what this instance knows of the grant ({@link GrantIndex.Live}: its limits,
 * and a lower bound of its uses), and the batch's uses of a grant are written together at the batch's end by one
 * guarded UPDATE that adds them only if the grant is still unrevoked, unexpired, of the policy version and has that
 * many uses left. The UPDATE, not the memory, decides: when it finds fewer uses left than the memory thought (another
 * instance used some) or the grant gone, the batch is rolled back and runs again, and the grant is then used
 * exactly: one conditional UPDATE per use until the index's next refresh. So the limit is never exceeded, also
 * across instances, and a batch that commits carries exactly the uses it counted.
 */
@ApplicationScoped
class GrantUses {

    private static final Logger LOG = Logger.getLogger(GrantUses.class);
    /** The key of the running transaction's tallies. */
    private static final Object BATCH = new Object();
    private static final String ADD = "UPDATE approval_grant SET uses = uses + ?, last_used_at = ? WHERE id = ?"
            + " AND revoked_at IS NULL AND expires_at > ? AND policy_version = ?"
            + " AND (max_uses IS NULL OR uses + ? <= max_uses)";
    private static final String STATE = "SELECT uses, max_uses, revoked_at, expires_at, policy_version"
            + " FROM approval_grant WHERE id = ?";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ActionWriter writer;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    AuditLog audit;

    /** One grant's uses counted in the running batch, and the latest submission time among them. */
    private static final class Tally {
        final GrantIndex.Live grant;
        int count;
        Instant latest;

        Tally(GrantIndex.Live grant) {
            this.grant = grant;
        }
    }

    /**
     * Counts one use of the grant for the action, in the writer's batch; false when the grant does not cover it (gone
     * from memory, expired at the submission, or used up as far as this instance knows).
     */
    boolean use(GrantIndex index, GrantIndex.Live grant, UUID actionId, String agentName, String policyVersion,
            Instant now) {
        GrantIndex.Entry e = grant.entry();
        if (!e.policyVersion().equals(policyVersion) || !e.expiresAt().isAfter(now)) {
            return false;
        }
        if (grant.exact()) {
            if (!add(e, 1, now)) {
                LOG.debugf("grant %s no longer covers action %s", e.id(), actionId);
                index.forget(e.id());
                return false;
            }
        } else {
            Tally t = tallies(index).computeIfAbsent(e.id(), id -> new Tally(grant));
            if (e.maxUses() != null && grant.uses() + t.count >= e.maxUses()) {
                // a lower bound of the uses already reaches the limit: the grant is used up
                return false;
            }
            t.count++;
            t.latest = t.latest == null || now.isAfter(t.latest) ? now : t.latest;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("grantId", e.id());
        if (e.maxUses() != null) {
            details.put("maxUses", e.maxUses());
        }
        audit.record(GrantIndex.USED_EVENT, agentName, actionId, "grant:" + e.id(), details);
        return true;
    }

    /** The running transaction's tallies; the first use in it arranges their write at the batch's end. */
    @SuppressWarnings("unchecked")
    private Map<UUID, Tally> tallies(GrantIndex index) {
        Map<UUID, Tally> tallies = (Map<UUID, Tally>) transactions.getResource(BATCH);
        if (tallies != null) {
            return tallies;
        }
        Map<UUID, Tally> created = new LinkedHashMap<>();
        transactions.putResource(BATCH, created);
        writer.atBatchEnd(() -> write(index, created));
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    created.values().forEach(t -> index.counted(t.grant, t.count));
                }
            }
        });
        return created;
    }

    /** At the batch's end: one guarded UPDATE per grant used in it; a refused one makes the batch run again. */
    private void write(GrantIndex index, Map<UUID, Tally> tallies) {
        for (Tally t : tallies.values()) {
            if (t.count > 0 && !add(t.grant.entry(), t.count, t.latest)) {
                learn(index, t.grant);
                throw new ActionWriter.Retry("grant " + t.grant.entry().id() + " had not " + t.count
                        + " uses left, or no longer covers anything");
            }
        }
    }

    /** Adds uses to the grant's row if it still covers them; false when it does not (nothing changed). */
    private boolean add(GrantIndex.Entry e, int count, Instant at) {
        return Jdbc.withConnection(dataSource, "grant use", c -> {
            try (PreparedStatement s = Jdbc.prepare(c, ADD,
                    List.of(count, Jdbc.odt(at), e.id(), Jdbc.odt(at), e.policyVersion(), count))) {
                return s.executeUpdate() == 1;
            }
        });
    }

    /** After a refused UPDATE: what the database says of the grant now; the grant is used exactly from here on. */
    private void learn(GrantIndex index, GrantIndex.Live grant) {
        GrantIndex.Entry e = grant.entry();
        Integer uses = Jdbc.withConnection(dataSource, "grant state", c -> {
            try (PreparedStatement s = Jdbc.prepare(c, STATE, List.of(e.id())); ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getObject("revoked_at") != null
                        || !e.policyVersion().equals(rs.getString("policy_version"))) {
                    return null;
                }
                return rs.getInt("uses");
            }
        });
        if (uses == null || (e.maxUses() != null && uses >= e.maxUses())) {
            index.forget(e.id());
        } else {
            grant.atLeast(uses);
        }
        grant.useExactly();
        LOG.debugf("grant %s: the batch counted more than the database allows (%s uses there); used exactly now",
                e.id(), uses);
    }
}
