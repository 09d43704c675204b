package io.agentgate.dashboard;

import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.FormAuthConfig;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.quarkus.vertx.http.runtime.security.PersistentLoginManager;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.security.HttpSecurity;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Installs {@link DashboardLogin} with the {@link SessionKey} (Quarkus' own form mechanism is off at build time, so
 * no temporary key is ever generated or logged) and the route that runs the login POST, which Quarkus installs only
 * for its own form mechanism. A sign-in through the identity provider opens the same session ({@link #open}).
 */
@ApplicationScoped
public class DashboardSecurity {

    @Inject
    SessionKey sessionKey;

    @Inject
    SessionStamps stamps;

    @Inject
    SignOnSettings signOn;

    private volatile PersistentLoginManager sessions;

    void configure(@Observes HttpSecurity security) {
        security.mechanism(new DashboardLogin(form(), sessionKey.key(), stamps, signOn.localLogin()));
    }

    /**
     * Opens a dashboard session for this account, as a form login does: the same encrypted session cookie (under
     * the {@link SessionKey}) and the same stamp, so CSRF, logout, live streams and other instances treat it alike.
     */
    void open(RoutingContext rc, String email) {
        PersistentLoginManager manager = sessions;
        if (manager == null) {
            FormAuthConfig form = form();
            manager = new PersistentLoginManager(sessionKey.key(), form.cookieName(), form.timeout().toMillis(),
                    form.newCookieInterval().toMillis(), form.httpOnlyCookie(), form.cookieSameSite().name(),
                    form.cookiePath().orElse("/"), form.cookieMaxAge().map(d -> d.toSeconds()).orElse(-1L),
                    form.cookieDomain().orElse(null));
            sessions = manager;
        }
        var identity = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(email)).build();
        manager.save(identity, rc, null, rc.request().isSSL());
        stamps.stamp(rc, email);
    }

    private static FormAuthConfig form() {
        return ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(VertxHttpConfig.class)
                .auth().form();
    }

    void loginRoute(@Observes Router router) {
        String post = ConfigProvider.getConfig().getOptionalValue("quarkus.http.auth.form.post-location", String.class)
                .orElse("/j_security_check");
        router.post(post).order(-150).handler(rc -> {
            if (!signOn.localLogin()) {
                // agentgate.local-login=false: sign-on through the identity provider only
                rc.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("Login with email and password is switched off here; sign in through the identity "
                                + "provider on the login page.");
                return;
            }
            // the form mechanism answers the login itself (redirect to the landing or error page)
            Uni<?> identity = rc.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
            if (identity == null) {
                rc.next();
                return;
            }
            identity.subscribe().with(item -> {
                if (!rc.response().ended()) {
                    rc.response().end();
                }
            }, failure -> {
                if (!rc.response().ended() && !rc.failed()) {
                    rc.fail(failure);
                }
            });
        });
    }
}
