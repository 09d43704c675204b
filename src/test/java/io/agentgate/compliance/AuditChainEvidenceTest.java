package io.agentgate.compliance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.audit.AuditTrail;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How the last chain verification reads as Art. 12 evidence for the keyed chain's outcomes. */
class AuditChainEvidenceTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    static ComplianceReport.Evidence of(AuditTrail.Verification v) {
        return RecordKeepingEvidence.chain(Optional.of(new AuditChainStatus.Snapshot(NOW.minusSeconds(5),
                NOW.minusSeconds(4), v)), NOW);
    }

    @Test
    void eventsUnderAKeyThatIsNotConfiguredAskForTheKeyNotForAnIncident() {
        var e = of(new AuditTrail.Verification(false, 10, 1L, UUID.randomUUID(), "cannot be verified: events 1..4 (4)"
                + " under key 0123456789abcdef, …", null, null, 4L));
        assertFalse(e.ok());
        assertTrue(e.fact().startsWith("hash chain not verifiable from event #1: cannot be verified"), e.fact());
        assertTrue(e.remedy().contains("agentgate.audit.previous-keys"), e.remedy());
    }

    @Test
    void aValidChainWithAnUnkeyedStartSaysWhereKeyingBegan() {
        var e = of(new AuditTrail.Verification(true, 10, null, null, null, null, 3L, null));
        assertTrue(e.ok());
        assertTrue(e.fact().startsWith("hash chain valid: 10 events (up to #3 chained before the audit key) "),
                e.fact());
    }
}
