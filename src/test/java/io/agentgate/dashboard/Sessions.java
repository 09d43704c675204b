package io.agentgate.dashboard;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A logged-in browser as RestAssured sees it: the session and CSRF cookies, and the CSRF token of the forms. */
public final class Sessions {

    public static final String ALICE = "alice@example.com";
    public static final String ALICE_PASSWORD = "alice-demo-password";
    public static final String ADMIN = "admin@example.com";
    public static final String ADMIN_PASSWORD = "admin-demo-password";
    public static final String VIEWER = "viewer@example.com";
    public static final String VIEWER_PASSWORD = "viewer-demo-password";

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    final Map<String, String> cookies = new HashMap<>();
    public final String csrf;

    private Sessions(Map<String, String> cookies) {
        this.cookies.putAll(cookies);
        Response overview = request().get("/dashboard");
        assertEquals(200, overview.statusCode(), overview.asString());
        this.cookies.putAll(overview.cookies());
        Matcher m = CSRF.matcher(overview.asString());
        this.csrf = m.find() ? m.group(1) : null;
        assertNotNull(csrf, "the page carries a CSRF token");
    }

    /** The form POST of the login page. */
    public static Response postLogin(String email, String password) {
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", email).formParam("j_password", password).post("/j_security_check");
    }

    public static Sessions login(String email, String password) {
        Response r = postLogin(email, password);
        assertEquals(302, r.statusCode());
        String session = r.cookie("agentgate-session");
        assertNotNull(session, "login of " + email + " sets the session cookie; Location " + r.header("Location"));
        // the session cookie and its login stamp (see SessionStamps)
        return new Sessions(r.cookies());
    }

    /** The same cookies, as a copy saved by someone (the session itself is not duplicated on the server). */
    public static Sessions copyOf(Sessions other) {
        return new Sessions(other.cookies);
    }

    /** The cookies of this session (for clients other than RestAssured). */
    public Map<String, String> cookies() {
        return Map.copyOf(cookies);
    }

    public RequestSpecification request() {
        return given().redirects().follow(false).cookies(cookies);
    }

    public RequestSpecification form() {
        return request().contentType("application/x-www-form-urlencoded");
    }
}
