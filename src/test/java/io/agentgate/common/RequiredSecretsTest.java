package io.agentgate.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequiredSecretsTest {

    private static AgentGateConfig config(String adminToken, String linkSecret) {
        return new AgentGateConfig() {
            public String baseUrl() {
                return "http://localhost:8080";
            }

            public Optional<String> adminToken() {
                return Optional.ofNullable(adminToken);
            }

            public Links links() {
                return new Links() {
                    public Optional<String> secret() {
                        return Optional.ofNullable(linkSecret);
                    }

                    public Optional<List<String>> previousSecrets() {
                        return Optional.empty();
                    }
                };
            }

            public Approval approval() {
                return new Approval() {
                    public Duration defaultTimeout() {
                        return Duration.ofMinutes(5);
                    }

                    public Duration maxWait() {
                        return Duration.ofSeconds(60);
                    }

                    public Duration sweepInterval() {
                        return Duration.ofSeconds(1);
                    }

                    public Duration timerHorizon() {
                        return Duration.ofSeconds(10);
                    }
                };
            }

            public Audit audit() {
                throw new IllegalStateException("not read by RequiredSecrets");
            }

            public boolean printNewAgentKeys() {
                return false;
            }

            public Optional<String> governanceFile() {
                return Optional.empty();
            }
        };
    }

    @Test
    void missingSecretsAreNamedWithTheirEnvironmentVariables() {
        List<String> problems = RequiredSecrets.problems(config(null, null));
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).startsWith("AGENTGATE_ADMIN_TOKEN"));
        assertTrue(problems.get(1).startsWith("AGENTGATE_LINKS_SECRET"));
    }

    @Test
    void shortSecretsAreRefused() {
        List<String> problems = RequiredSecrets.problems(config("short", "only-20-bytes-long!!"));
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).contains("too short"));
        assertTrue(problems.get(1).contains("at least 32 bytes"));
    }

    @Test
    void goodSecretsPass() {
        assertTrue(RequiredSecrets.problems(config("a".repeat(32), "b".repeat(32))).isEmpty());
    }

    @Test
    void thePublishedDemoSecretsAreRefusedInProduction() {
        List<String> problems = RequiredSecrets.demoValues(config("dev-admin-token-change-me",
                "dev-links-secret-0123456789abcdef0123456789"));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("demo token"), problems.get(0));
        assertTrue(RequiredSecrets.demoValues(config("a-real-token-of-my-own-0123", "x".repeat(40))).isEmpty());
    }
}
