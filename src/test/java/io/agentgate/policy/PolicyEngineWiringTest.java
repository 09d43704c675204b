package io.agentgate.policy;

import io.agentgate.TestDatabase;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.policy.builtin.BuiltinPolicy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CDI wiring: built-ins are beans built from an empty configuration, collected by the engine. */
@QuarkusTest
@TestProfile(PolicyEngineWiringTest.RandomPort.class)
class PolicyEngineWiringTest {

    /** A random HTTP port, a database of its own and no governance file: only what configuration gives. */
    public static class RandomPort implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("policy-wiring", "quarkus.http.test-port", "0",
                    "agentgate.governance-file", "");
        }
    }

    @Inject
    PolicyEngine engine;

    @Test
    void everyBuiltinIsWiredFromConfigurationInContractOrder() {
        assertEquals(BuiltinPolicy.NAMES, engine.describe().stream().map(PolicyDescription::name).toList());
        assertEquals(Outcome.ALLOWED, engine.evaluate(TestActions.action(TestActions.financialAdvisor(),
                "execute_transaction", "{\"amount\": 10}")).outcome());
    }
}
