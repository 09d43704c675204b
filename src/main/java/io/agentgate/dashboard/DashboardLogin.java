package io.agentgate.dashboard;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.FormAuthConfig;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The dashboard's form login: Quarkus' form mechanism (bcrypt check, encrypted session cookie) with the key from
 * {@link SessionKey}, a login only at the form's own path, relative redirects that never echo the Host header, and
 * the page asked for kept URL-encoded for after the login. {@link SessionStamps} adds the server-side end of sessions.
 */
public class DashboardLogin extends FormAuthenticationMechanism {

    private static final int MAX_RETURN_LENGTH = 2000;

    private final String postLocation;
    private final String loginPage;
    private final String errorPage;
    private final String landingPage;
    private final String locationCookie;
    private final String cookieName;
    private final SessionStamps stamps;
    private final boolean localLogin;

    DashboardLogin(FormAuthConfig form, String key, SessionStamps stamps, boolean localLogin) {
        super(form, Optional.of(key));
        this.postLocation = slash(form.postLocation());
        this.loginPage = slash(form.loginPage().orElse("/"));
        this.errorPage = slash(form.errorPage().orElse(loginPage));
        this.landingPage = slash(form.landingPage().orElse("/dashboard"));
        this.locationCookie = form.locationCookie();
        this.cookieName = form.cookieName();
        this.stamps = stamps;
        this.localLogin = localLogin;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext rc, IdentityProviderManager identityProviderManager) {
        if (isLoginPost(rc) && (!localLogin || !postLocation.equals(rc.normalizedPath()))) {
            // Quarkus logs in at any path that ends in the post location; only the login form's own path does here,
            // and only while local login is on (agentgate.local-login)
            return Uni.createFrom().nullItem();
        }
        if (isLoginPost(rc)) {
            return super.authenticate(rc, identityProviderManager);
        }
        // a session ended on the server (SessionStamps) is no session: clear its cookies, the visitor is anonymous
        return super.authenticate(rc, identityProviderManager).onFailure(AuthenticationFailedException.class)
                .recoverWithUni(failure -> {
                    rc.response().addCookie(Cookie.cookie(cookieName, "").setPath("/").setMaxAge(0));
                    SessionStamps.clear(rc);
                    return Uni.createFrom().nullItem();
                });
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext rc) {
        if (isLoginPost(rc)) {
            return Uni.createFrom().item(new ChallengeData(302, "Location", errorPage));
        }
        storeInitialLocation(rc);
        return Uni.createFrom().item(new ChallengeData(302, "Location", loginPage));
    }

    /** Keeps the dashboard page asked for (path and query, URL-encoded so any character fits a cookie). */
    @Override
    protected void storeInitialLocation(RoutingContext rc) {
        String uri = rc.request().uri();
        if (rc.request().method() != HttpMethod.GET || !safeReturn(uri)) {
            return;
        }
        rc.response().addCookie(Cookie.cookie(locationCookie, URLEncoder.encode(uri, StandardCharsets.UTF_8))
                .setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(rc.request().isSSL()));
    }

    /** After a successful login: stamp the session, then back to the page asked for (same site only) or the landing page. */
    @Override
    protected void handleRedirectBack(RoutingContext rc) {
        stamps.stamp(rc);
        String target = landingPage;
        Cookie kept = rc.request().getCookie(locationCookie);
        if (kept != null) {
            String decoded = decode(kept.getValue());
            if (safeReturn(decoded)) {
                target = decoded;
            }
            rc.response().addCookie(Cookie.cookie(locationCookie, "").setPath("/").setMaxAge(0));
        }
        rc.response().setStatusCode(302).putHeader("Location", target).end();
    }

    private boolean isLoginPost(RoutingContext rc) {
        return rc.request().method() == HttpMethod.POST && rc.normalizedPath().endsWith(postLocation);
    }

    /** A path of the dashboard on this site: no scheme, no host, no backslash or control character. */
    static boolean safeReturn(String uri) {
        if (uri == null || uri.length() > MAX_RETURN_LENGTH || !uri.startsWith("/dashboard")) {
            return false;
        }
        for (int i = 0; i < uri.length(); i++) {
            char ch = uri.charAt(i);
            if (ch < 0x20 || ch == 0x7f || ch == '\\') {
                return false;
            }
        }
        return true;
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String slash(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }
}
