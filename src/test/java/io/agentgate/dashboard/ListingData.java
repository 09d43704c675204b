package io.agentgate.dashboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A database of generated actions for the listing tests and the benchmark: the application's own Flyway scripts
 * (V1.. in order, the same SQL on H2 and PostgreSQL), then {@code n} actions generated in the database itself
 * (INSERT ... SELECT over SYSTEM_RANGE on H2, generate_series on PostgreSQL) with about one violation each.
 *
 * <p>Mix (by x mod 97): 1% PENDING, 5% TIMED_OUT, 50% APPROVED/REJECTED/CANCELLED, the rest ALLOWED/DENIED; 20 agents, 8 action
 * names, 5000 users, six policies; one action per second going back from now.
 */
final class ListingData {

    static final int AGENTS = 20;
    static final String[] POLICIES = { "approval-required", "transaction-limit", "no-pii-external", "business-hours",
            "refund-to-new-account", "code-execution-audit" };

    private ListingData() {
    }

    static boolean postgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    }

    static void migrate(Connection c) throws SQLException, IOException {
        Path dir = Path.of("src/main/resources/db/migration");
        List<Path> scripts;
        try (Stream<Path> files = Files.list(dir)) {
            scripts = files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
        }
        try (Statement st = c.createStatement()) {
            for (Path script : scripts) {
                for (String sql : statements(Files.readString(script, StandardCharsets.UTF_8))) {
                    st.execute(sql);
                }
            }
        }
    }

    private static int version(Path p) {
        String name = p.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private static List<String> statements(String script) {
        StringBuilder body = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : body.toString().split(";")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** Generates {@code n} actions and their violations; returns the milliseconds it took. */
    static long generate(Connection c, int n) throws SQLException {
        long start = System.nanoTime();
        boolean pg = postgres(c);
        String range = pg ? "generate_series(1, " + n + ") AS r(x)" : "SYSTEM_RANGE(1, " + n + ") AS r";
        String x = pg ? "r.x" : "r.X";
        String now = "TIMESTAMP WITH TIME ZONE '2026-01-01 12:00:00+00'";
        String seconds = pg ? "(" + x + " * INTERVAL '1 second')" : "CAST(" + x + " AS BIGINT) * INTERVAL '1' SECOND";
        try (Statement st = c.createStatement()) {
            for (int a = 0; a < AGENTS; a++) {
                st.execute("INSERT INTO agent (id, name, display_name, risk_level, cap_write_data, cap_send_external, "
                        + "cap_execute_code, cap_financial, approval_required, approvers, required_approvals, "
                        + "api_key_hash, api_key_id, created_at, updated_at, version) VALUES ("
                        + "CAST('00000000-0000-4000-8000-" + String.format("%012d", a) + "' AS UUID), 'agent-" + a
                        + "', 'Agent " + a + "', 'HIGH', TRUE, TRUE, FALSE, TRUE, TRUE, "
                        + "'[\"alice@example.com\"]', 1, '" + String.format("%064d", a) + "', 'k" + a + "', " + now
                        + ", " + now + ", 0)");
            }
            String status = "CASE WHEN MOD(" + x + ", 97) < 1 THEN 'PENDING' WHEN MOD(" + x + ", 97) < 6 THEN "
                    + "'TIMED_OUT' WHEN MOD(" + x + ", 97) < 55 THEN (CASE MOD(" + x + ", 3) WHEN 0 THEN 'APPROVED' "
                    + "WHEN 1 THEN 'REJECTED' ELSE 'CANCELLED' END) WHEN MOD(" + x + ", 2) = 0 THEN 'ALLOWED' "
                    + "ELSE 'DENIED' END";
            String decided = "MOD(" + x + ", 97) >= 1 AND MOD(" + x + ", 97) < 55";
            String created = "(" + now + " - " + seconds + ")";
            st.execute("INSERT INTO action (id, agent_id, agent_name, action, context, session_id, user_id, status, "
                    + "created_at, deadline, decided_at, decided_by, approvers, required_approvals) SELECT "
                    + "CAST('00000000-0000-4000-9000-' || LPAD(CAST(" + x + " AS VARCHAR), 12, '0') AS UUID), "
                    + "CAST('00000000-0000-4000-8000-' || LPAD(CAST(MOD(" + x + ", " + AGENTS + ") AS VARCHAR), 12, '0') AS UUID), "
                    + "'agent-' || CAST(MOD(" + x + ", " + AGENTS + ") AS VARCHAR), "
                    + "CASE MOD(" + x + ", 8) WHEN 0 THEN 'execute_transaction' WHEN 1 THEN 'send_external_message' "
                    + "WHEN 2 THEN 'process_refund' WHEN 3 THEN 'book_meeting' WHEN 4 THEN 'search_knowledge_base' "
                    + "WHEN 5 THEN 'update_record' WHEN 6 THEN 'export_customers' ELSE 'run_report' END, "
                    + "'{\"n\":' || CAST(" + x + " AS VARCHAR) || '}', "
                    + "'session-' || CAST(MOD(" + x + ", 50000) AS VARCHAR), "
                    + "'user-' || CAST(MOD(" + x + ", 5000) AS VARCHAR) || '@example.com', "
                    + status + ", " + created + ", "
                    + "CASE WHEN MOD(" + x + ", 97) < 55 THEN " + created + " + INTERVAL '5' MINUTE END, "
                    + "CASE WHEN " + decided + " THEN " + created + " + CAST(MOD(" + x + ", 290) + 1 AS BIGINT) * INTERVAL '1' SECOND END, "
                    + "CASE WHEN MOD(" + x + ", 97) < 6 AND MOD(" + x + ", 97) >= 1 THEN 'system' WHEN " + decided
                    + " THEN 'approver-' || CAST(MOD(" + x + ", 7) AS VARCHAR) || '@example.com' END, "
                    + "'[\"alice@example.com\"]', 1 FROM " + range);
            StringBuilder policy = new StringBuilder("CASE MOD(" + x + ", 6)");
            for (int i = 0; i < POLICIES.length; i++) {
                policy.append(" WHEN ").append(i).append(" THEN '").append(POLICIES[i]).append("'");
            }
            policy.append(" END");
            // one violation per action except the ALLOWED ones (every 4th action has a second one)
            st.execute("INSERT INTO violation (action_id, agent_name, policy, severity, enforcement, reason, created_at) "
                    + "SELECT CAST('00000000-0000-4000-9000-' || LPAD(CAST(" + x + " AS VARCHAR), 12, '0') AS UUID), "
                    + "'agent-' || CAST(MOD(" + x + ", " + AGENTS + ") AS VARCHAR), " + policy + ", "
                    + "CASE MOD(" + x + ", 4) WHEN 0 THEN 'LOW' WHEN 1 THEN 'MEDIUM' WHEN 2 THEN 'HIGH' ELSE 'CRITICAL' END, "
                    + "CASE WHEN MOD(" + x + ", 97) < 55 THEN 'REVIEW' ELSE 'DENY' END, "
                    + "'generated reason ' || CAST(" + x + " AS VARCHAR), " + created + " FROM " + range
                    + " WHERE NOT (MOD(" + x + ", 97) >= 55 AND MOD(" + x + ", 2) = 0)");
            st.execute("INSERT INTO violation (action_id, agent_name, policy, severity, enforcement, reason, created_at) "
                    + "SELECT CAST('00000000-0000-4000-9000-' || LPAD(CAST(" + x + " AS VARCHAR), 12, '0') AS UUID), "
                    + "'agent-' || CAST(MOD(" + x + ", " + AGENTS + ") AS VARCHAR), 'code-execution-audit', 'LOW', "
                    + "'AUDIT', 'second objection', " + created + " FROM " + range + " WHERE MOD(" + x + ", 4) = 3");
            if (pg) {
                st.execute("ANALYZE");
            } else {
                st.execute("ANALYZE");
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
