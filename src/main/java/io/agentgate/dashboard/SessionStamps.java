package io.agentgate.dashboard;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * The server-side end of dashboard sessions. Quarkus' session cookie only says who and until when, so a login also
 * gets a stamp cookie: the login time, signed with the session key. Every request restoring a session is checked
 * against the account in the database: a session logged in before the account's {@code sessions_valid_after}
 * (logout, password change, disabling) or of a disabled or deleted account is refused, on every instance.
 */
@ApplicationScoped
public class SessionStamps implements IdentityProvider<TrustedAuthenticationRequest> {

    static final String COOKIE = "agentgate-login";

    @Inject
    SessionKey key;

    @Inject
    AccountService accounts;

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        // before quarkus-security-jpa loads the account's roles
        return SYSTEM_FIRST + 1000;
    }

    /** Sets the stamp of a login that just succeeded. */
    void stamp(RoutingContext rc) {
        String username = rc.get(LoginThrottle.USERNAME_KEY);
        if (username != null) {
            stamp(rc, username);
        }
    }

    /** Sets the stamp of a sign-in of this account that just succeeded (form login or the identity provider). */
    void stamp(RoutingContext rc, String username) {
        long at = AccountService.sessionNow().toEpochMilli();
        rc.response().addCookie(Cookie.cookie(COOKIE, at + "." + signature(normalize(username), at)).setPath("/")
                .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(rc.request().isSSL()));
    }

    /** Clears the stamp (logout). */
    static void clear(RoutingContext rc) {
        rc.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setMaxAge(0));
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request,
            AuthenticationRequestContext context) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        String email = normalize(request.getPrincipal());
        Instant loginAt = rc == null ? null : loginTime(rc.request().getCookie(COOKIE), email);
        if (loginAt == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("session without a valid login stamp"));
        }
        return context.runBlocking(() -> {
            if (!accounts.sessionValid(email, loginAt)) {
                throw new AuthenticationFailedException("session ended on the server");
            }
            return null; // valid: quarkus-security-jpa builds the identity with the account's current roles
        });
    }

    /** When the session of this request logged in (its signed stamp), or null without a valid stamp. */
    Instant loginAt(RoutingContext rc, String email) {
        return loginTime(rc.request().getCookie(COOKIE), normalize(email));
    }

    private Instant loginTime(Cookie cookie, String email) {
        if (cookie == null) {
            return null;
        }
        String value = cookie.getValue();
        int dot = value.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        long at;
        try {
            at = Long.parseLong(value.substring(0, dot));
        } catch (NumberFormatException e) {
            return null;
        }
        byte[] expected = signature(email, at).getBytes(StandardCharsets.US_ASCII);
        byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? Instant.ofEpochMilli(at) : null;
    }

    private String signature(String email, long at) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.sign(email + "|" + at));
    }

    private static String normalize(String email) {
        return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    }
}
