package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A plain HTTP client with its own cookie jar that follows redirects one by one (keeping every hop), for the
 * authorization code flow between AgentGate and the test provider: no browser, the same requests a browser makes.
 */
final class IdpClient {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
    private static final Pattern HIDDEN = Pattern.compile(
            "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"");

    final String base;
    final List<URI> hops = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    IdpClient(String base) {
        this.base = base.replaceAll("/$", "");
    }

    /** Skips (or fails with CI=true) when the provider could not run on this machine. */
    static void requireProvider() {
        String reason = OidcProviderProcess.unavailable();
        if (reason != null) {
            if (Browser.ci()) {
                fail("CI=true: " + reason);
            }
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
    }

    /** Signs in at the provider as this user (its development login form: any password) and follows it home. */
    HttpResponse<String> signIn(String user) throws IOException, InterruptedException {
        HttpResponse<String> login = get("/login/oidc");
        if (!login.uri().toString().startsWith(OidcProviderProcess.issuer())) {
            return login; // no provider login needed (its session or ours answered)
        }
        assertTrue(login.body().contains("name=\"login\""), "the provider's login form: " + login.body());
        Map<String, String> fields = hidden(login.body());
        fields.put("login", user);
        fields.put("password", "any password the development form accepts");
        return postForm(login.uri().resolve(action(login.body())).toString(), fields);
    }

    HttpResponse<String> get(String pathOrUrl) throws IOException, InterruptedException {
        return follow(HttpRequest.newBuilder(uri(pathOrUrl)).GET().build());
    }

    HttpResponse<String> postForm(String pathOrUrl, Map<String, String> fields)
            throws IOException, InterruptedException {
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return follow(HttpRequest.newBuilder(uri(pathOrUrl))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** One request, no redirect followed. */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> follow(HttpRequest first) throws IOException, InterruptedException {
        HttpResponse<String> response = send(first);
        hops.add(first.uri());
        for (int i = 0; i < 20 && response.statusCode() / 100 == 3; i++) {
            URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
            hops.add(next);
            response = send(HttpRequest.newBuilder(next).GET().build());
        }
        return response;
    }

    static String action(String html) {
        Matcher m = FORM_ACTION.matcher(html);
        assertTrue(m.find(), "a form in " + html);
        return m.group(1).replace("&amp;", "&");
    }

    static Map<String, String> hidden(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    private URI uri(String pathOrUrl) {
        return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
