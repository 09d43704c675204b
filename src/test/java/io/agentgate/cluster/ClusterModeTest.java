package io.agentgate.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.agentgate.common.Cluster;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cluster machinery follows the database: inert on H2 (no listener, nothing sent), on with PostgreSQL. */
@QuarkusTest
class ClusterModeTest {

    @Inject
    Cluster cluster;

    @Inject
    ClusterListener listener;

    @Test
    void clusterModeIsOnExactlyWithPostgresql() {
        boolean postgresql = "postgresql".equals(System.getProperty("quarkus.datasource.db-kind"));
        assertEquals(postgresql, cluster.enabled());
        boolean listening = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("agentgate-cluster-listener"));
        assertEquals(postgresql, listening, "a listener thread runs only in a cluster");
        if (postgresql) {
            await().atMost(Duration.ofSeconds(10)).until(listener::connected);
        } else {
            assertFalse(listener.connected());
        }
    }
}
