package io.agentgate.dashboard;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenID provider as its own process: {@code src/test/oidc/idp.mjs} (the npm package {@code oidc-provider},
 * installed with {@code npm ci} from its lock file) on a free port, with the test users of {@link #USERS}. The
 * application gets a fixed free port too, because the provider only redirects to registered URIs. Without node and
 * npm a developer's run says why and the tests skip ({@link #unavailable()}); with {@code CI=true} they fail.
 */
public class OidcProviderProcess implements QuarkusTestResourceLifecycleManager {

    static final Path DIR = Path.of("src/test/oidc");
    static final String CLIENT_SECRET = "agentgate-test-client-secret-0123456789abcdef";
    /** The provider's people: login name to claims (email, groups). */
    static final String USERS = """
            {"ada":   {"email": "ada@example.test", "email_verified": true, "name": "Ada",
                       "groups": ["finance-approvers", "staff"]},
             "bea":   {"email": "bea@example.test", "email_verified": true, "name": "Bea", "groups": ["staff"]},
             "cyd":   {"email": "cyd@example.test", "email_verified": true, "name": "Cyd",
                       "groups": ["finance-approvers"]},
             "dot":   {"email": "dot@example.test", "email_verified": true, "name": "Dot", "groups": ["contractors"]}}
            """;

    /** System properties (the test and this resource may live in different class loaders, never in two JVMs). */
    private static final String UNAVAILABLE = "signon-test.unavailable";
    private static final String ISSUER = "signon-test.issuer";
    private Process process;

    static String unavailable() {
        return System.getProperty(UNAVAILABLE);
    }

    /** The provider's issuer, {@code http://localhost:<port>}. */
    static String issuer() {
        return System.getProperty(ISSUER);
    }

    @Override
    public Map<String, String> start() {
        int appPort = freePort();
        int idpPort = freePort();
        String issuer = "http://localhost:" + idpPort;
        System.setProperty(ISSUER, issuer);
        System.clearProperty(UNAVAILABLE);
        Map<String, String> config = Map.ofEntries(
                Map.entry("quarkus.http.test-port", String.valueOf(appPort)),
                Map.entry("agentgate.oidc.enabled", "true"),
                Map.entry("agentgate.oidc.provider-name", "Test IdP"),
                Map.entry("agentgate.oidc.role-map.finance-approvers", "approver"),
                Map.entry("agentgate.oidc.role-map.staff", "viewer"),
                Map.entry("agentgate.local-login", "false"),
                Map.entry("quarkus.oidc.auth-server-url", issuer),
                Map.entry("quarkus.oidc.client-id", "agentgate"),
                Map.entry("quarkus.oidc.credentials.secret", CLIENT_SECRET));
        try {
            String missing = missingTools();
            if (missing != null) {
                System.setProperty(UNAVAILABLE, missing);
                return config;
            }
            npmCi();
            ProcessBuilder builder = new ProcessBuilder("node", "idp.mjs").directory(DIR.toFile())
                    .redirectErrorStream(true).redirectOutput(Path.of("target/test-idp.log").toFile());
            builder.environment().putAll(Map.of("IDP_PORT", String.valueOf(idpPort),
                    "APP_BASE", "http://localhost:" + appPort, "IDP_CLIENT_ID", "agentgate",
                    "IDP_CLIENT_SECRET", CLIENT_SECRET, "IDP_USERS", USERS));
            process = builder.start();
            awaitDiscovery(idpPort);
            return config;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the test OpenID provider did not start: " + e
                    + " (see target/test-idp.log)", e);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Why the provider cannot run here (no node or npm), or null. */
    private static String missingTools() throws InterruptedException {
        for (String tool : new String[] {"node", "npm"}) {
            try {
                if (new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() != 0) {
                    return tool + " does not run";
                }
            } catch (IOException e) {
                return "the sign-on tests need " + tool + " (Node.js 20.19 or later) for the test OpenID provider";
            }
        }
        return null;
    }

    /** npm ci from the lock file, unless node_modules holds exactly that lock file's install. */
    private static void npmCi() throws IOException, InterruptedException {
        Path marker = DIR.resolve("node_modules/.installed-lock");
        if (Files.exists(marker) && Files.mismatch(marker, DIR.resolve("package-lock.json")) == -1) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(DIR.toFile()).inheritIO().start();
        if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            throw new IOException("npm ci in " + DIR + " failed");
        }
        Files.copy(DIR.resolve("package-lock.json"), marker);
    }

    private void awaitDiscovery(int port) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest discovery = HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(2)).build();
        Instant until = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(until)) {
            if (!process.isAlive()) {
                throw new IOException("the provider exited with " + process.exitValue());
            }
            try {
                if (client.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IOException("no discovery document within 90 s");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
