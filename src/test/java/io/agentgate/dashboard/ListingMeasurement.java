package io.agentgate.dashboard;

import io.agentgate.gate.ActionStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Times every list and filter of the dashboard on a connection: median and max of repeated runs, in ms. */
final class ListingMeasurement {

    /** One list query: a view, its filters, and how many pages deep (following the keyset cursor). */
    record Case(String name, ListView view, ActionListing.Filter filter, int page) {
    }

    record Result(Case c, int rows, double medianMs, double maxMs) {
        @Override
        public String toString() {
            return String.format("%-44s %5d rows  median %7.2f ms  max %7.2f ms", c.name(), rows, medianMs, maxMs);
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (ListView v : ListView.values()) {
            String p = v.slug();
            cases.add(new Case(p, v, ActionListing.Filter.NONE, 1));
            cases.add(new Case(p + " page 2", v, ActionListing.Filter.NONE, 2));
            cases.add(new Case(p + " page 20", v, ActionListing.Filter.NONE, 20));
            cases.add(new Case(p + " agent", v, new ActionListing.Filter("agent-3", null, null, null), 1));
            cases.add(new Case(p + " agent page 5", v, new ActionListing.Filter("agent-3", null, null, null), 5));
            cases.add(new Case(p + " policy", v, new ActionListing.Filter(null, "transaction-limit", null, null), 1));
            cases.add(new Case(p + " agent+policy", v, new ActionListing.Filter("agent-3", "business-hours", null,
                    null), 1));
            cases.add(new Case(p + " text (common: 'refund')", v, new ActionListing.Filter(null, null, null,
                    "refund"), 1));
            cases.add(new Case(p + " agent+text ('user-1')", v, new ActionListing.Filter("agent-3", null, null,
                    "user-1"), 1));
            if (v == ListView.RESOLVED) {
                cases.add(new Case(p + " status REJECTED", v, new ActionListing.Filter(null, null,
                        ActionStatus.REJECTED, null), 1));
                cases.add(new Case(p + " status+agent", v, new ActionListing.Filter("agent-4", null,
                        ActionStatus.APPROVED, null), 1));
            }
        }
        return cases;
    }

    /** Cases that scan instead of seek (a rare text across the whole list): reported, not promised. */
    static List<Case> scans() {
        return List.of(
                new Case("resolved text (rare: 'user-4242@')", ListView.RESOLVED,
                        new ActionListing.Filter(null, null, null, "user-4242@"), 1),
                new Case("resolved text (no match)", ListView.RESOLVED,
                        new ActionListing.Filter(null, null, null, "no-such-thing"), 1));
    }

    static List<Result> run(Connection c, List<Case> cases, int warmup, int runs) throws SQLException {
        List<Result> results = new ArrayList<>();
        for (Case k : cases) {
            String after;
            try {
                after = cursorOf(c, k);
            } catch (IllegalStateException tooFew) {
                continue; // a small data set has fewer pages
            }
            int rows = 0;
            for (int i = 0; i < warmup; i++) {
                rows = ActionListing.page(c, k.view(), k.filter(), after, 50).rows().size();
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                rows = ActionListing.page(c, k.view(), k.filter(), after, 50).rows().size();
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            results.add(new Result(k, rows, ms[runs / 2], ms[runs - 1]));
        }
        return results;
    }

    /** The cursor a page-k request carries: the pages before are walked once, untimed. */
    private static String cursorOf(Connection c, Case k) throws SQLException {
        String after = null;
        for (int p = 1; p < k.page(); p++) {
            after = ActionListing.page(c, k.view(), k.filter(), after, 50).next();
            if (after == null) {
                throw new IllegalStateException(k.name() + ": fewer than " + k.page() + " pages");
            }
        }
        return after;
    }
}
