package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class GovernanceAccountsTest {

    /** alice's entry in governance/demo.yaml: a bcrypt hash, not a password */
    static final String ALICE_HASH = "$2a$12$Ib0qZ3R9cTyd.xGYD9C7JeYwk03AUHRuNsTnnZKVbZOCvqZncnCjK";

    @Inject
    AccountService accounts;

    @Test
    void demoUsersAreStoredWithTheFilesHashesAndLoadingThemAgainComputesNoBcrypt() {
        Account alice = QuarkusTransaction.requiringNew().call(() -> Account.findByEmail("alice@example.com")).orElseThrow();
        assertEquals(ALICE_HASH, alice.passwordHash);

        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            accounts.upsert("alice@example.com", ALICE_HASH, List.of("approver"), List.of(), "governance-file");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        // one bcrypt at cost 12 takes about 250 ms; twenty loads of an unchanged hash compare text only
        assertTrue(ms < 2_000, "20 loads of an unchanged hash took " + ms + " ms");
        Account after = QuarkusTransaction.requiringNew().call(() -> Account.findByEmail("alice@example.com")).orElseThrow();
        assertEquals(alice.updatedAt, after.updatedAt);
    }
}
