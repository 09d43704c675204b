package io.agentgate.dashboard;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11: the Users page disables, enables and deletes accounts, and doing so ends their sessions on the server. */
@QuarkusTest
class UsersPageTest {

    private static final String PASSWORD = "right-password-123";

    private static String newUser() {
        String email = Api.uniqueName("users-page") + "@example.com";
        Api.admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of("approver")))
                .post("/api/v1/users").then().statusCode(201);
        return email;
    }

    private static boolean opens(Sessions session) {
        return session.request().get("/dashboard").statusCode() == 200;
    }

    private static Response post(Sessions admin, String action, String email, String csrf) {
        var form = admin.form().formParam("email", email);
        if (csrf != null) {
            form = form.formParam("csrf", csrf);
        }
        return form.post("/dashboard/users/" + action);
    }

    @Test
    void theUsersPageOffersDisableAndDeleteForEveryOtherAccount() {
        String email = newUser();
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        String page = admin.request().get("/dashboard/users").then().statusCode(200).extract().asString();
        assertTrue(page.contains("action=\"/dashboard/users/disable\""), page);
        assertTrue(page.contains("action=\"/dashboard/users/delete\""), page);
        assertTrue(page.contains("value=\"" + email + "\""), page);
    }

    @Test
    void disablingAnAccountOnTheUsersPageEndsItsSessionsAndEnablingLetsItLogInAgain() {
        String email = newUser();
        Sessions user = Sessions.login(email, PASSWORD);
        assertTrue(opens(user));
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);

        post(admin, "disable", email, admin.csrf).then().statusCode(200)
                .body(containsString("Disabled " + email)).body(containsString("disabled"));
        assertEquals(302, user.request().get("/dashboard").statusCode(), "the session ended on the server");
        Response refused = Sessions.postLogin(email, PASSWORD);
        assertNull(refused.cookie("agentgate-session"), "a disabled account cannot log in");

        post(admin, "enable", email, admin.csrf).then().statusCode(200).body(containsString("Enabled " + email));
        assertTrue(opens(Sessions.login(email, PASSWORD)));
        assertEquals(302, user.request().get("/dashboard").statusCode(), "the old session stays ended");
    }

    @Test
    void deletingAnAccountOnTheUsersPageEndsItsSessions() {
        String email = newUser();
        Sessions user = Sessions.login(email, PASSWORD);
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);

        post(admin, "delete", email, admin.csrf).then().statusCode(200).body(containsString("Deleted " + email));
        assertEquals(302, user.request().get("/dashboard").statusCode(), "the session ended on the server");
        admin.request().get("/dashboard/users").then().body(not(containsString("value=\"" + email + "\"")));
        Api.admin().delete("/api/v1/users/" + email).then().statusCode(404);
    }

    @Test
    void withoutTheCsrfTokenNothingChanges() {
        String email = newUser();
        Sessions user = Sessions.login(email, PASSWORD);
        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        Sessions other = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        for (String action : List.of("disable", "delete")) {
            post(admin, action, email, null).then().statusCode(403).body(containsString("Form expired"));
            post(admin, action, email, other.csrf).then().statusCode(403);
        }
        assertTrue(opens(user), "the account and its session are untouched");
    }

    @Test
    void onlyAdminsChangeAccountsAndNotTheirOwnHere() {
        String email = newUser();
        Sessions user = Sessions.login(email, PASSWORD);
        Sessions approver = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        post(approver, "delete", email, approver.csrf).then().statusCode(403)
                .contentType(containsString("text/html")).body(containsString("Not for your role"));
        assertTrue(opens(user));

        Sessions admin = Sessions.login(Sessions.ADMIN, Sessions.ADMIN_PASSWORD);
        post(admin, "disable", Sessions.ADMIN, admin.csrf).then().statusCode(409)
                .body(containsString("cannot disable your own account"));
        assertTrue(opens(admin), "the admin is still logged in");
        post(admin, "delete", "nobody-" + email, admin.csrf).then().statusCode(404);
    }
}
