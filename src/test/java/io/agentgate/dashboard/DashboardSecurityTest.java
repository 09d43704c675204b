package io.agentgate.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DashboardSecurityTest {

    @Test
    void anonymousPagesGoToTheLoginForm() {
        given().redirects().follow(false).get("/dashboard/pending").then().statusCode(302)
                .header("Location", endsWith("/"));
        given().get("/").then().statusCode(200).body(containsString("name=\"j_username\""))
                .body(containsString("action=\"/j_security_check\""));
    }

    @Test
    void theApiKeepsItsBearerAuthAndNeverRedirects() {
        given().redirects().follow(false).get("/api/v1/users").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        // a dashboard admin's session is no credential for the admin API
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        admin.request().get("/api/v1/users").then().statusCode(401).contentType("application/problem+json");
        Api.admin().get("/api/v1/users").then().statusCode(200);
    }

    @Test
    void loginSetsAStrictHttpOnlySessionCookieAndLogoutEndsIt() {
        Response login = Sessions.postLogin(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        assertEquals(302, login.statusCode());
        assertTrue(login.header("Location").endsWith("/dashboard"), login.header("Location"));
        String setCookie = String.join("\n", login.headers().getValues("Set-Cookie"));
        assertTrue(setCookie.contains("agentgate-session="), setCookie);
        assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        assertFalse(setCookie.toLowerCase().contains("secure;") || setCookie.toLowerCase().endsWith("secure"),
                "plain HTTP here: Secure only behind TLS");

        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        Response logout = alice.form().formParam("csrf", alice.csrf).post("/dashboard/logout");
        assertEquals(303, logout.statusCode());
        String cleared = String.join("\n", logout.headers().getValues("Set-Cookie"));
        assertTrue(cleared.contains("agentgate-session=;") || cleared.contains("Max-Age=0"), cleared);
    }

    @Test
    void aWrongPasswordIsRefused() {
        Response r = Sessions.postLogin(Sessions.ALICE, "not-her-password");
        assertEquals(302, r.statusCode());
        assertTrue(r.header("Location").contains("error=login"), r.header("Location"));
        assertEquals(null, r.cookie("agentgate-session"));
        given().get("/?error=login").then().statusCode(401).body(containsString("Wrong email or password"));
    }

    @Test
    void repeatedFailuresLockTheAccountEvenForTheRightPassword() {
        String email = Api.uniqueName("throttled") + "@example.com";
        Api.admin().body(Map.of("email", email, "password", "right-password-123", "roles", List.of("viewer")))
                .post("/api/v1/users").then().statusCode(201);
        for (int i = 0; i < 5; i++) {
            assertTrue(Sessions.postLogin(email, "wrong-password-" + i).header("Location").contains("error=login"));
        }
        Response locked = Sessions.postLogin(email, "right-password-123");
        assertEquals(302, locked.statusCode());
        assertTrue(locked.header("Location").contains("error=throttled"), locked.header("Location"));
        assertEquals(null, locked.cookie("agentgate-session"));
        given().get("/?error=throttled").then().body(containsString("Too many failed logins"));
        // another account is not affected
        Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
    }

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        for (String path : List.of("/dashboard", "/dashboard/pending", "/dashboard/timed-out", "/dashboard/resolved",
                "/dashboard/violations", "/dashboard/agents")) {
            viewer.request().get(path).then().statusCode(200)
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer");
        }
        given().get("/").then().header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
        given().get("/js/dashboard.js").then().statusCode(200).header("X-Content-Type-Options", "nosniff");
        given().get("/css/agentgate.css").then().statusCode(200);
    }

    @Test
    void usersPageIsForAdmins() {
        Sessions viewer = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        viewer.request().get("/dashboard/users").then().statusCode(403).contentType(containsString("text/html"));
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        admin.request().get("/dashboard/users").then().statusCode(200).body(containsString("alice@example.com"));
        String email = Api.uniqueName("created") + "@example.com";
        admin.form().formParam("csrf", admin.csrf).formParam("email", email)
                .formParam("password", "a-long-password-1").formParam("roles", "approver")
                .post("/dashboard/users").then().statusCode(201).body(containsString("Created " + email));
        Sessions.login(email, "a-long-password-1");
        // without the token nothing is created
        String other = Api.uniqueName("forged") + "@example.com";
        admin.form().formParam("email", other).formParam("password", "a-long-password-1")
                .formParam("roles", "admin").post("/dashboard/users").then().statusCode(403);
        admin.request().get("/dashboard/users").then().body(not(containsString(other)));
    }
}
