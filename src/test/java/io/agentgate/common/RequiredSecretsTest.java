package io.agentgate.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequiredSecretsTest {

    private static final String AUDIT_KEY = "c".repeat(32);

    private static AgentGateConfig config(String adminToken, String linkSecret) {
        return config(adminToken, linkSecret, AUDIT_KEY, List.of());
    }

    private static AgentGateConfig config(String adminToken, String linkSecret, String auditKey,
            List<String> previousAuditKeys) {
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

                    public Duration followUpInterval() {
                        return Duration.ofSeconds(5);
                    }
                };
            }

            public Audit audit() {
                return new Audit() {
                    public Duration retention() {
                        return Duration.ofDays(400);
                    }

                    public String pruneInterval() {
                        return "6h";
                    }

                    public FileSink fileSink() {
                        throw new IllegalStateException("not read by RequiredSecrets");
                    }

                    public Optional<String> key() {
                        return Optional.ofNullable(auditKey);
                    }

                    public Optional<List<String>> previousKeys() {
                        return Optional.of(previousAuditKeys);
                    }

                    public Optional<Long> lastUnkeyedSeq() {
                        return Optional.empty();
                    }
                };
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
        List<String> problems = RequiredSecrets.problems(config(null, null, null, List.of()));
        assertEquals(3, problems.size());
        assertTrue(problems.get(0).startsWith("AGENTGATE_ADMIN_TOKEN"));
        assertTrue(problems.get(1).startsWith("AGENTGATE_LINKS_SECRET"));
        assertTrue(problems.get(2).startsWith("AGENTGATE_AUDIT_KEY"), problems.get(2));
    }

    @Test
    void shortSecretsAreRefused() {
        List<String> problems = RequiredSecrets.problems(config("short", "only-20-bytes-long!!"));
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).contains("too short"));
        assertTrue(problems.get(1).contains("at least 32 bytes"));
    }

    @Test
    void shortAuditKeysAreRefusedCurrentAndPrevious() {
        List<String> problems = RequiredSecrets.problems(config("a".repeat(32), "b".repeat(32), "d".repeat(31),
                List.of("e".repeat(32), "f".repeat(10))));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("AGENTGATE_AUDIT_KEY") && problems.get(0).contains("too short"));
        assertTrue(problems.get(1).startsWith("AGENTGATE_AUDIT_PREVIOUS_KEYS"), problems.get(1));
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
        List<String> audit = RequiredSecrets.demoValues(config("a-real-token-of-my-own-0123", "x".repeat(40),
                "dev-audit-key-0123456789abcdef0123456789ab", List.of()));
        assertEquals(1, audit.size(), audit.toString());
        assertTrue(audit.get(0).startsWith("AGENTGATE_AUDIT_KEY"), audit.get(0));
    }
}
