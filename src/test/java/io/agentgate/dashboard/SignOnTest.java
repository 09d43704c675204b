package io.agentgate.dashboard;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.agentgate.approval.MailOutbox;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OIDC sign-on with a plain HTTP client against a real OpenID provider process ({@link OidcProviderProcess}): the
 * authorization code flow with PKCE, the provider's groups as roles and approver groups, disabled accounts, local
 * login switched off, and logout here and at the provider.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
class SignOnTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    MailOutbox outbox;

    @BeforeEach
    void provider() {
        IdpClient.requireProvider();
        io.restassured.RestAssured.port = base.getPort();
    }

    @Test
    void firstSignInUsesPkceCreatesTheAccountWithTheMappedRoleAndOpensTheDashboard() throws Exception {
        IdpClient bea = new IdpClient(base.toString());
        HttpResponse<String> signedIn = bea.signIn("bea");
        assertEquals(200, signedIn.statusCode(), signedIn.body());
        assertTrue(signedIn.body().contains("url=/dashboard"), signedIn.body());
        URI authorize = bea.hops.stream().filter(u -> u.toString().startsWith(OidcProviderProcess.issuer() + "/auth"))
                .findFirst().orElseThrow();
        assertTrue(authorize.getQuery().contains("code_challenge_method=S256"), "PKCE: " + authorize);
        assertTrue(authorize.getQuery().contains("code_challenge="), "PKCE: " + authorize);
        assertTrue(authorize.getQuery().contains("response_type=code"), "code flow: " + authorize);

        HttpResponse<String> dashboard = bea.get("/dashboard");
        assertEquals(200, dashboard.statusCode());
        assertEquals("/dashboard", dashboard.uri().getPath(), "signed in, not sent to the login form");
        assertTrue(dashboard.body().contains("bea@example.test"), "the page names the person");

        admin().get("/api/v1/users").then().statusCode(200)
                .body("find { it.email == 'bea@example.test' }.roles", equalTo(List.of("viewer")))
                .body("find { it.email == 'bea@example.test' }.groups", equalTo(List.of("staff")));
    }

    @Test
    void theProvidersGroupMakesItsMembersApproversOfAGroupRuleAndTheAuditNamesSubjectAndIssuer() throws Exception {
        IdpClient ada = new IdpClient(base.toString());
        assertEquals(200, ada.signIn("ada").statusCode());
        admin().get("/api/v1/users").then().statusCode(200)
                .body("find { it.email == 'ada@example.test' }.roles", equalTo(List.of("approver", "viewer")))
                .body("find { it.email == 'ada@example.test' }.groups", hasItem("finance-approvers"));

        String key = Api.register(Map.of("name", Api.uniqueName("sso-group"), "riskLevel", "HIGH", "approval",
                Map.of("required", true, "approvers", List.of("group:finance-approvers"))));
        UUID id = UUID.fromString(agent(key).body(Map.of("action", "pay", "context", Map.of("amount", 12)))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id"));
        assertTrue(outbox.forAction(id).stream().anyMatch(m -> m.recipient.equals("ada@example.test")),
                "the group's approver from the provider gets the approval mail");

        HttpResponse<String> page = ada.get("/dashboard/actions/" + id);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"decide-form\""), "ada may decide: " + page.body());
        HttpResponse<String> decided = ada.postForm("/dashboard/actions/" + id + "/decision",
                Map.of("csrf", csrf(page.body()), "decision", "APPROVED", "comment", "signed on"));
        assertEquals(200, decided.statusCode(), decided.body());
        agent(key).get("/api/v1/actions/" + id).then().statusCode(200).body("status", equalTo("APPROVED"));

        String audit = admin().queryParam("actionId", id.toString()).queryParam("type", "approval.vote")
                .get("/api/v1/audit").then().statusCode(200).extract().asString();
        JsonNode vote = JSON.readTree(audit.lines().findFirst().orElseThrow());
        String credential = vote.path("metadata").path("credential").asText();
        assertEquals("ada@example.test", vote.path("metadata").path("approver").asText(), audit);
        assertEquals("oidc-session; iss=" + OidcProviderProcess.issuer() + "; sub=ada", credential, audit);
    }

    @Test
    void anAccountDisabledInAgentGateIsRefusedAndItsSessionEnds() throws Exception {
        IdpClient cyd = new IdpClient(base.toString());
        assertEquals(200, cyd.signIn("cyd").statusCode());
        assertEquals("/dashboard", cyd.get("/dashboard").uri().getPath());

        admin().body(Map.of("disabled", true)).put("/api/v1/users/cyd@example.test").then().statusCode(200);
        assertEquals("/", cyd.get("/dashboard").uri().getPath(), "the session ended with the disabling");
        HttpResponse<String> again = cyd.get("/login/oidc");
        assertEquals(403, again.statusCode());
        assertTrue(again.body().contains("disabled"), again.body());
        HttpResponse<String> fresh = new IdpClient(base.toString()).signIn("cyd");
        assertEquals(403, fresh.statusCode(), "a new sign-in at the provider is refused too");
        assertEquals("/", cyd.get("/dashboard").uri().getPath());
    }

    @Test
    void aPersonWithoutAMappedGroupGetsNoAccount() throws Exception {
        HttpResponse<String> refused = new IdpClient(base.toString()).signIn("dot");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("None of your groups"), refused.body());
        admin().get("/api/v1/users").then().statusCode(200)
                .body("find { it.email == 'dot@example.test' }", equalTo(null));
    }

    @Test
    void withLocalLoginOffThePageOffersOnlyTheProviderAndRefusesAPasswordPost() throws Exception {
        IdpClient visitor = new IdpClient(base.toString());
        HttpResponse<String> page = visitor.get("/");
        assertTrue(page.body().contains("Sign in with Test IdP"), page.body());
        assertFalse(page.body().contains("id=\"login-form\""), "no password form");
        assertFalse(page.body().contains("j_password"), "no password field");

        HttpResponse<String> post = visitor.postForm("/j_security_check",
                Map.of("j_username", Sessions.ALICE, "j_password", Sessions.ALICE_PASSWORD));
        assertEquals(403, post.statusCode(), post.body());
        assertEquals("/", visitor.get("/dashboard").uri().getPath(), "no session from the refused post");
    }

    @Test
    void logoutEndsTheSessionHereAndAtTheProvider() throws Exception {
        IdpClient ada = new IdpClient(base.toString());
        assertEquals(200, ada.signIn("ada").statusCode());
        HttpResponse<String> dashboard = ada.get("/dashboard");
        assertEquals("/dashboard", dashboard.uri().getPath());

        HttpResponse<String> onwards = ada.postForm("/dashboard/logout", Map.of("csrf", csrf(dashboard.body())));
        assertEquals("/login/oidc/logging-out", onwards.uri().getPath());
        assertTrue(onwards.body().contains("url=/login/oidc/logout"), onwards.body());
        assertEquals("/", ada.get("/dashboard").uri().getPath(), "the dashboard session ended at once");
        ada.hops.clear();
        HttpResponse<String> confirm = ada.get("/login/oidc/logout");
        URI endSession = ada.hops.stream().filter(u -> u.toString().startsWith(OidcProviderProcess.issuer()
                + "/session/end")).findFirst().orElseThrow(() -> new AssertionError("no end_session: " + ada.hops));
        assertTrue(endSession.getQuery().contains("id_token_hint="), "RP-initiated logout names the session");
        // the provider asks whether to sign out there too
        Map<String, String> fields = IdpClient.hidden(confirm.body());
        fields.put("logout", "yes");
        HttpResponse<String> loggedOut = ada.postForm(
                confirm.uri().resolve(IdpClient.action(confirm.body())).toString(), fields);
        assertEquals("/", loggedOut.uri().getPath(), "" + ada.hops);
        assertTrue(loggedOut.body().contains("You are logged out."), loggedOut.body());

        HttpResponse<String> again = ada.get("/login/oidc");
        assertTrue(again.uri().toString().startsWith(OidcProviderProcess.issuer()), "the provider asks again: "
                + again.uri());
        assertTrue(again.body().contains("name=\"login\""), "its session ended too");
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertTrue(m.find(), "a CSRF field in " + html);
        return m.group(1);
    }
}
