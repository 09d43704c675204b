package io.agentgate.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11, items 1, 3, 6 and parts of 10: login throttling on every path, server-side session end, redirects. */
@QuarkusTest
class SessionHardeningTest {

    private static final String PASSWORD = "right-password-123";

    private static String newUser(String role) {
        String email = Api.uniqueName("session") + "@example.com";
        Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of(role)))
                .post("/api/v1/users").then().statusCode(201);
        return email;
    }

    private static Response post(String path, String email, String password) {
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", email).formParam("j_password", password).post(path);
    }

    /** Whether the saved cookies still open the dashboard. */
    private static boolean opens(Sessions session) {
        int status = session.request().get("/dashboard").statusCode();
        return status == 200;
    }

    @Test
    void wrongPasswordsOnAnotherPathEndingInTheLoginLocationAreThrottledToo() {
        String email = newUser("viewer");
        for (int i = 0; i < 8; i++) {
            Response r = post("/dashboard/j_security_check", email, "wrong-password-" + i);
            assertNull(r.cookie("agentgate-session"), "no login at another path");
        }
        Response right = post("/j_security_check", email, PASSWORD);
        assertTrue(right.header("Location").contains("error=throttled"), right.header("Location"));
        assertNull(right.cookie("agentgate-session"));
    }

    @Test
    void theRightPasswordOnAnotherPathDoesNotLogIn() {
        String email = newUser("viewer");
        Response r = post("/dashboard/j_security_check", email, PASSWORD);
        assertNull(r.cookie("agentgate-session"), "only the login form's own path logs in");
    }

    @Test
    void aCookieSavedBeforeLogoutNoLongerOpensTheDashboard() {
        String email = newUser("viewer");
        Sessions session = Sessions.login(email, PASSWORD);
        Sessions saved = Sessions.copyOf(session);
        assertTrue(opens(saved));
        session.form().formParam("csrf", session.csrf).post("/dashboard/logout").then().statusCode(303);
        Response after = saved.request().get("/dashboard");
        assertEquals(302, after.statusCode(), "the saved cookie is refused after logout");
        assertEquals("/", after.header("Location"));
        // logging in again works
        assertTrue(opens(Sessions.login(email, PASSWORD)));
    }

    @Test
    void anAdminPasswordChangeEndsTheAccountsSessions() {
        String email = newUser("approver");
        Sessions session = Sessions.login(email, PASSWORD);
        Api.admin().body(Map.of("password", "another-password-456")).put("/api/v1/users/" + email).then()
                .statusCode(200);
        assertFalse(opens(session), "a session from before the password change is over");
        assertTrue(post("/j_security_check", email, PASSWORD).header("Location").contains("error=login"));
        assertTrue(opens(Sessions.login(email, "another-password-456")));
    }

    @Test
    void changingYourOwnPasswordEndsYourSessions() {
        String email = newUser("viewer");
        Sessions other = Sessions.login(email, PASSWORD);
        Sessions session = Sessions.login(email, PASSWORD);
        session.form().formParam("csrf", session.csrf).formParam("current", "not-the-password")
                .formParam("password", "my-new-password-789").post("/dashboard/account/password").then()
                .statusCode(400).body(containsString("current"));
        assertTrue(opens(other), "a refused change ends nothing");
        session.form().formParam("csrf", session.csrf).formParam("current", PASSWORD)
                .formParam("password", "my-new-password-789").post("/dashboard/account/password").then()
                .statusCode(303);
        assertFalse(opens(other));
        assertFalse(opens(session));
        assertTrue(opens(Sessions.login(email, "my-new-password-789")));
    }

    @Test
    void disablingAnAccountEndsItsSessionsAndRefusesItsLogins() {
        String email = newUser("approver");
        Sessions session = Sessions.login(email, PASSWORD);
        Api.admin().body(Map.of("disabled", true)).put("/api/v1/users/" + email).then().statusCode(200)
                .body("disabled", org.hamcrest.Matchers.is(true));
        assertFalse(opens(session));
        Response login = post("/j_security_check", email, PASSWORD);
        assertTrue(login.header("Location").contains("error=login"), login.header("Location"));
        assertNull(login.cookie("agentgate-session"));
        Api.admin().body(Map.of("disabled", false)).put("/api/v1/users/" + email).then().statusCode(200);
        assertFalse(opens(session), "enabling again does not revive an ended session");
        assertTrue(opens(Sessions.login(email, PASSWORD)));
    }

    @Test
    void deletingAnAccountEndsItsSessionsEvenWhenTheEmailIsCreatedAgain() {
        String email = newUser("viewer");
        Sessions session = Sessions.login(email, PASSWORD);
        Api.admin().delete("/api/v1/users/" + email).then().statusCode(204);
        assertFalse(opens(session));
        Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of("admin")))
                .post("/api/v1/users").then().statusCode(201);
        assertFalse(opens(session), "the old cookie does not open the new account");
        Api.admin().delete("/api/v1/users/nobody-" + email).then().statusCode(404);
    }

    @Test
    void aSessionCookieWithoutItsLoginStampIsRefused() {
        String email = newUser("viewer");
        Response login = post("/j_security_check", email, PASSWORD);
        given().redirects().follow(false).cookie("agentgate-session", login.cookie("agentgate-session"))
                .get("/dashboard").then().statusCode(302);
    }

    @Test
    void anonymousRequestsWithCharactersUnfitForACookieGetTheLoginRedirect() {
        for (String path : List.of("/dashboard/pending?q=a,b", "/dashboard/pending?q=%22x%22%20y;z")) {
            Response r = given().redirects().follow(false).urlEncodingEnabled(false).get(path);
            assertEquals(302, r.statusCode(), path);
            assertEquals("/", r.header("Location"), path);
        }
        // a matrix parameter is no dashboard path: an answer, not a hanging connection
        Response matrix = given().redirects().follow(false).urlEncodingEnabled(false).get("/dashboard;x=1");
        assertTrue(matrix.statusCode() == 302 || matrix.statusCode() == 404, "status " + matrix.statusCode());
    }

    @Test
    void theLoginBringsYouBackToThePageAskedForOnThisSiteOnly() {
        String email = newUser("viewer");
        Response challenge = given().redirects().follow(false).urlEncodingEnabled(false).get("/dashboard/pending?q=a,b");
        String kept = challenge.cookie("quarkus-redirect-location");
        Response login = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .cookie("quarkus-redirect-location", kept)
                .formParam("j_username", email).formParam("j_password", PASSWORD).post("/j_security_check");
        assertEquals(302, login.statusCode());
        assertEquals("/dashboard/pending?q=a,b", login.header("Location"));
        // a forged cookie pointing elsewhere lands on the overview
        Response forged = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .cookie("quarkus-redirect-location", "https%3A%2F%2Fevil.example%2Fdashboard")
                .formParam("j_username", email).formParam("j_password", PASSWORD).post("/j_security_check");
        assertEquals("/dashboard", forged.header("Location"));
    }

    @Test
    void redirectsNeverEchoTheHostHeader() {
        String email = newUser("viewer");
        Response challenge = given().redirects().follow(false).header("Host", "evil.example").get("/dashboard");
        assertEquals("/", challenge.header("Location"));
        Response ok = given().redirects().follow(false).header("Host", "evil.example")
                .contentType("application/x-www-form-urlencoded").formParam("j_username", email)
                .formParam("j_password", PASSWORD).post("/j_security_check");
        assertEquals("/dashboard", ok.header("Location"));
        Response failed = given().redirects().follow(false).header("Host", "evil.example")
                .contentType("application/x-www-form-urlencoded").formParam("j_username", email)
                .formParam("j_password", "wrong-password-x").post("/j_security_check");
        assertFalse(failed.header("Location").contains("evil.example"), failed.header("Location"));
    }

    @Test
    void anUnknownEmailTakesAsLongAsAWrongPassword() {
        String email = newUser("viewer");
        long known = Long.MAX_VALUE;
        long unknown = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            post("/j_security_check", email, "wrong-password-" + i);
            known = Math.min(known, System.nanoTime() - t0);
            long t1 = System.nanoTime();
            post("/j_security_check", Api.uniqueName("nobody") + "@example.com", "wrong-password-" + i);
            unknown = Math.min(unknown, System.nanoTime() - t1);
        }
        assertTrue(unknown * 2 > known, "unknown " + unknown / 1_000_000 + " ms, known " + known / 1_000_000 + " ms");
    }

    @Test
    void anEmailOver320CharactersIsAFieldErrorNotAConflict() {
        String email = "a".repeat(320) + "@example.com";
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        admin.form().formParam("csrf", admin.csrf).formParam("email", email).formParam("password", PASSWORD)
                .formParam("roles", "viewer").post("/dashboard/users").then().statusCode(400)
                .body(containsString("320"));
        Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of("viewer")))
                .post("/api/v1/users").then().statusCode(400);
    }
}
