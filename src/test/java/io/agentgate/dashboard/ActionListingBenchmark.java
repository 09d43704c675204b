package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's lists on 1,000,000 generated actions: H2 (a file database, as in production) and, when it answers,
 * PostgreSQL (AGENTGATE_BENCH_PG_URL, default jdbc:postgresql://127.0.0.1:5432/test as postgres, in a schema of its
 * own that is dropped afterwards). Prints median and max per list and filter. Run with {@code ./mvnw -Pbenchmark test}.
 */
@Tag("benchmark")
class ActionListingBenchmark {

    private static final int ACTIONS = Integer.getInteger("benchmark.actions", 1_000_000);

    @Test
    void listsOnAMillionActionsInH2() throws Exception {
        Path dir = Path.of("target/benchmark/h2");
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:./" + dir + "/bench;WRITE_DELAY=0", "sa", "")) {
            measure("H2", c);
        } finally {
            // several GB after the generation; not worth keeping in target/
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void listsOnAMillionActionsInPostgres() throws Exception {
        String url = System.getenv().getOrDefault("AGENTGATE_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        Connection c;
        try {
            c = DriverManager.getConnection(url, System.getenv().getOrDefault("AGENTGATE_BENCH_PG_USER", "postgres"),
                    System.getenv().getOrDefault("AGENTGATE_BENCH_PG_PASSWORD", ""));
        } catch (SQLException e) {
            System.out.println("PostgreSQL at " + url + " not reachable (" + e.getMessage() + "): skipped");
            return;
        }
        String schema = "agentgate_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (c; Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
            st.execute("SET search_path TO " + schema);
            try {
                measure("PostgreSQL", c);
            } finally {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void measure(String db, Connection c) throws Exception {
        ListingData.migrate(c);
        long ms = ListingData.generate(c, ACTIONS);
        System.out.printf("%s: generated %,d actions (and their violations) in %,d ms%n", db, ACTIONS, ms);
        List<ListingMeasurement.Result> results = ListingMeasurement.run(c, ListingMeasurement.cases(), 3, 15);
        double worst = 0;
        for (ListingMeasurement.Result r : results) {
            System.out.println(db + "  " + r);
            worst = Math.max(worst, r.medianMs());
        }
        for (ListingMeasurement.Result r : ListingMeasurement.run(c, ListingMeasurement.scans(), 1, 3)) {
            System.out.println(db + "  (scan) " + r);
        }
        System.out.printf("%s: slowest list median %.2f ms%n", db, worst);
        assertTrue(results.size() >= ListingMeasurement.cases().size() - 1, "every case ran");
    }
}
