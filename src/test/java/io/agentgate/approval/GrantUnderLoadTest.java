package io.agentgate.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * Issue 22: a grant passes every identical call, also when many arrive at once (the writer batches them). It found that
 * after the index's first refresh a grant without a use limit read as one of 0 uses, so its next use dropped it from
 * memory: about 200 of 640 passed, the rest were held.
 */
@QuarkusTest
class GrantUnderLoadTest {

    @Inject
    GrantIndex index;

    @Test
    void aGrantPassesConcurrentIdenticalSubmissions() throws Exception {
        String key = GrantApiTest.agentWith(List.of(), 1);
        Map<String, Object> context = Map.of("to", "acme", "amount", 40);
        UUID first = GrantApiTest.pending(key, context);
        GrantApiTest.decide(Api.ADMIN_TOKEN, first, "APPROVED", GrantApiTest.grant("same-arguments", "PT1H", null))
                .then().statusCode(200);
        // as every few seconds: the index re-reads the grants in force from the database
        index.refresh();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 640; i++) {
                answers.add(pool.submit(() -> GrantApiTest.submit(key, "execute_transfer", context, null)
                        .statusCode()));
            }
            Map<Integer, Integer> statuses = new java.util.TreeMap<>();
            for (Future<Integer> a : answers) {
                statuses.merge(a.get(), 1, Integer::sum);
            }
            assertEquals(Map.of(200, 640), statuses, "answers by status: every one passed by the grant");
        } finally {
            pool.shutdownNow();
        }
    }
}
