package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.common.Jdbc;
import io.agentgate.gate.ActionReads;
import io.agentgate.gate.ActionStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's list queries on 20,000 generated actions in H2 (the benchmark profile runs the same on 1,000,000):
 * keyset paging returns every matching row once, in order; the statements are answered from the V7 indexes.
 */
class ActionListingTest {

    private static Connection c;

    @BeforeAll
    static void generate() throws Exception {
        c = DriverManager.getConnection("jdbc:h2:mem:listing-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        ListingData.migrate(c);
        long ms = ListingData.generate(c, 20_000);
        System.out.println("generated 20,000 actions in " + ms + " ms");
    }

    @AfterAll
    static void close() throws Exception {
        c.close();
    }

    private List<ActionReads.Row> all(ListView view, ActionListing.Filter filter) throws Exception {
        List<ActionReads.Row> rows = new ArrayList<>();
        String after = null;
        do {
            ActionListing.Page page = ActionListing.page(c, view, filter, after, 50);
            rows.addAll(page.rows());
            after = page.next();
        } while (after != null);
        return rows;
    }

    private long count(String where, Object... params) throws Exception {
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT COUNT(*) FROM action a WHERE " + where,
                List.of(params)); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void keysetPagingReturnsEveryPendingActionOnceClosestDeadlineFirst() throws Exception {
        List<ActionReads.Row> rows = all(ListView.PENDING, ActionListing.Filter.NONE);
        assertEquals(count("status = 'PENDING'"), rows.size());
        Set<UUID> seen = new HashSet<>();
        Instant previous = Instant.MIN;
        for (ActionReads.Row r : rows) {
            assertTrue(seen.add(r.id()), "no row twice");
            assertTrue(!r.deadline().isBefore(previous), "deadline order");
            previous = r.deadline();
            assertEquals(ActionStatus.PENDING, r.status());
        }
    }

    @Test
    void resolvedIsNewestDecisionFirstAndFiltersNarrowIt() throws Exception {
        ActionListing.Filter filter = new ActionListing.Filter("agent-3", "transaction-limit", null, null);
        List<ActionReads.Row> rows = all(ListView.RESOLVED, filter);
        long expected = count("agent_name = 'agent-3' AND status IN ('APPROVED', 'REJECTED', 'CANCELLED') AND EXISTS "
                + "(SELECT 1 FROM violation v WHERE v.action_id = a.id AND v.policy = 'transaction-limit')");
        assertTrue(expected > 0);
        assertEquals(expected, rows.size());
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(!rows.get(i).decidedAt().isAfter(rows.get(i - 1).decidedAt()), "newest decision first");
        }
        assertTrue(rows.stream().allMatch(r -> r.violations().stream().anyMatch(v -> v.policy().equals("transaction-limit"))),
                "each row comes with its violations");
        List<ActionReads.Row> rejected = all(ListView.RESOLVED, new ActionListing.Filter(null, null,
                ActionStatus.REJECTED, "user-1"));
        assertEquals(count("status = 'REJECTED' AND (LOWER(action) LIKE '%user-1%' OR LOWER(user_id) LIKE '%user-1%' "
                + "OR LOWER(decided_by) LIKE '%user-1%' OR LOWER(session_id) LIKE '%user-1%')"), rejected.size());
        assertEquals(count("status = 'TIMED_OUT'"), all(ListView.TIMED_OUT, ActionListing.Filter.NONE).size());
    }

    @Test
    void rareTextIsFoundByBoundedPagesThatSearchOnFromWhereTheyStopped() throws Exception {
        // one action in the whole set has this session; finding it must not read the whole list in one request
        ActionListing.Filter rare = new ActionListing.Filter(null, null, null, "SESSION-12345");
        long expected = count("decided_at IS NOT NULL AND status <> 'TIMED_OUT' AND LOWER(session_id) LIKE '%session-12345%'");
        int pages = 0;
        int partialPages = 0;
        List<ActionReads.Row> found = new ArrayList<>();
        String after = null;
        do {
            ActionListing.Page page = ActionListing.page(c, ListView.RESOLVED, rare, after, 50);
            pages++;
            partialPages += page.partial() ? 1 : 0;
            found.addAll(page.rows());
            after = page.next();
        } while (after != null);
        assertEquals(expected, found.size(), "every match, once");
        long resolved = count("decided_at IS NOT NULL AND status <> 'TIMED_OUT'");
        assertTrue(pages >= resolved / ActionListing.TEXT_SCAN_WINDOW, "each request read at most one window");
        assertTrue(partialPages >= pages - 1, "pages that ran out of window say so");
    }

    @Test
    void eachListIsAnsweredFromAnIndexInItsOrder() throws Exception {
        assertPlanUses("SELECT " + ActionReads.COLUMNS + " FROM action a WHERE a.status = 'PENDING' "
                + "AND a.deadline >= TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00Z' ORDER BY a.status, a.deadline, a.id FETCH FIRST 51 ROWS ONLY",
                "ACTION_STATUS_DEADLINE_ID_IX");
        assertPlanUses("SELECT " + ActionReads.COLUMNS + " FROM action a WHERE a.status = 'TIMED_OUT' "
                + "AND a.decided_at <= TIMESTAMP WITH TIME ZONE '9999-12-31 00:00:00Z' ORDER BY a.status DESC, a.decided_at DESC, a.id DESC FETCH FIRST 51 ROWS ONLY", "ACTION_STATUS_DECIDED_IX");
        assertPlanUses("SELECT " + ActionReads.COLUMNS + " FROM action a WHERE a.decided_at IS NOT NULL "
                + "AND a.status <> 'TIMED_OUT' AND a.decided_at <= TIMESTAMP WITH TIME ZONE '9999-12-31 00:00:00Z' ORDER BY a.decided_at DESC, a.id DESC FETCH FIRST 51 ROWS ONLY",
                "ACTION_DECIDED_IX");
        assertPlanUses("SELECT " + ActionReads.COLUMNS + " FROM action a WHERE a.status = 'PENDING' AND "
                + "a.agent_name = 'agent-3' AND a.deadline >= TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00Z' ORDER BY a.agent_name, a.status, a.deadline, a.id "
                + "FETCH FIRST 51 ROWS ONLY", "ACTION_AGENT_STATUS_DEADLINE_IX");
    }

    private void assertPlanUses(String sql, String index) throws Exception {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
            rs.next();
            String plan = rs.getString(1);
            assertTrue(plan.toUpperCase().contains(index), index + " expected in\n" + plan);
            assertTrue(plan.contains("index sorted"), "the order comes from the index, no sort step: " + plan);
        }
    }

    @Test
    void everyListAndFilterAnswersFastOnASmallSet() throws Exception {
        for (ListingMeasurement.Result r : ListingMeasurement.run(c, ListingMeasurement.cases(), 2, 5)) {
            System.out.println("20k H2  " + r);
        }
    }
}
