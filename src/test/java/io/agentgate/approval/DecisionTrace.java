package io.agentgate.approval;

import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Test instrument: which transactions a decision opens and which SQL statements in them read the action table. A
 * transaction belongs to the decision when it began under a decision's HTTP entry point (on the request's thread),
 * or when vote counting ({@link Quorum}) ran a statement in it on the gate's writer (whose batch transaction begins
 * before its work is known). Anything else the instance does meanwhile (sweeps, mail, timers) is left out.
 */
@ApplicationScoped
public class DecisionTrace {

    private static final Set<String> ENTRY_POINTS = Set.of("io.agentgate.approval.DecisionResource",
            "io.agentgate.approval.BatchDecisionResource", "io.agentgate.approval.LinkResource",
            "io.agentgate.dashboard.DashboardResource");
    /** A statement that reads rows of table {@code action} (not {@code action_violation} and the like). */
    private static final Pattern READS_ACTION = Pattern.compile("(?i)\\b(from|join)\\s+action\\b(?!_)");
    private static final String COUNTING = Quorum.class.getName();
    private static final String WRITER = "agentgate-writer";

    /** One transaction seen while recording: its thread, whether it is the decision's, and its statements. */
    public static final class Tx {
        final String thread;
        boolean decision;
        final List<String> statements = new ArrayList<>();

        Tx(String thread, boolean decision) {
            this.thread = thread;
            this.decision = decision;
        }

        long actionReads() {
            return statements.stream().filter(s -> READS_ACTION.matcher(s).find()).count();
        }

        @Override
        public String toString() {
            return thread + (decision ? " (decision)" : "") + ": " + statements;
        }
    }

    /** What one recorded decision did. */
    public record Counts(int transactions, long actionReads, List<Tx> seen) {
        @Override
        public String toString() {
            return transactions + " transactions, " + actionReads + " action reads; " + seen;
        }
    }

    @Inject
    TransactionSynchronizationRegistry registry;

    private volatile boolean recording;
    private final Map<Object, Tx> transactions = new LinkedHashMap<>();
    private final List<String> outside = new ArrayList<>();

    /** Runs {@code decision} and returns its result with what it did to the database. */
    public synchronized <T> Map.Entry<T, Counts> record(Supplier<T> decision) {
        synchronized (transactions) {
            transactions.clear();
            outside.clear();
        }
        recording = true;
        T result;
        try {
            result = decision.get();
        } finally {
            recording = false;
        }
        synchronized (transactions) {
            List<Tx> mine = transactions.values().stream().filter(t -> t.decision).toList();
            long reads = mine.stream().mapToLong(Tx::actionReads).sum()
                    + outside.stream().filter(s -> READS_ACTION.matcher(s).find()).count();
            List<Tx> seen = new ArrayList<>(mine);
            if (!outside.isEmpty()) {
                seen.add(new Tx("outside any transaction", true));
                seen.get(seen.size() - 1).statements.addAll(outside);
            }
            return Map.entry(result, new Counts(mine.size(), reads, seen));
        }
    }

    void began(@Observes @Initialized(TransactionScoped.class) Object event) {
        if (!recording) {
            return;
        }
        Object key = registry.getTransactionKey();
        boolean entry = StackWalker.getInstance().walk(s -> s.anyMatch(f -> ENTRY_POINTS.contains(f.getClassName())));
        synchronized (transactions) {
            transactions.put(key, new Tx(Thread.currentThread().getName(), entry));
        }
    }

    void statement(String sql) {
        if (!recording) {
            return;
        }
        Object key = registry.getTransactionKey();
        // on the writer only: mail and reminders ask the quorum too, on threads of their own
        boolean counting = Thread.currentThread().getName().equals(WRITER)
                && StackWalker.getInstance().walk(s -> s.anyMatch(f -> f.getClassName().equals(COUNTING)));
        synchronized (transactions) {
            Tx tx = key == null ? null : transactions.get(key);
            if (tx != null) {
                tx.decision |= counting;
                tx.statements.add(sql);
            } else if (key == null && (counting || StackWalker.getInstance()
                    .walk(s -> s.anyMatch(f -> ENTRY_POINTS.contains(f.getClassName()))))) {
                outside.add(sql);
            }
        }
    }

    /** Hands every SQL statement Hibernate prepares to the trace. */
    @PersistenceUnitExtension
    @ApplicationScoped
    public static class Inspector implements StatementInspector {

        @Inject
        DecisionTrace trace;

        @Override
        public String inspect(String sql) {
            trace.statement(sql);
            return sql;
        }
    }
}
