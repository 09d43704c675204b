package io.agentgate.approval;

import static io.agentgate.Api.admin;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.dashboard.Sessions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Accounts and their personal tokens for the approval tests. */
final class People {

    static final String PASSWORD = "right-password-123";
    private static final Pattern TOKEN = Pattern.compile("id=\"token-value\">(agu_[A-Za-z0-9_-]+)<");

    private People() {
    }

    /** A new account with one role; returns its email. */
    static String user(String role) {
        String email = Api.uniqueName(role) + "@example.com";
        admin().body(Map.of("email", email, "password", PASSWORD, "roles", List.of(role))).post("/api/v1/users")
                .then().statusCode(201);
        return email;
    }

    /** A personal token created in the dashboard by its user. */
    static String token(String email) {
        Sessions session = Sessions.login(email, PASSWORD);
        String page = session.form().formParam("csrf", session.csrf).formParam("name", "script")
                .post("/dashboard/account/tokens").then().statusCode(201).extract().asString();
        Matcher m = TOKEN.matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }
}
