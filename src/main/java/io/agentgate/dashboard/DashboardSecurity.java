package io.agentgate.dashboard;

import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.security.HttpSecurity;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Installs {@link DashboardLogin} with the {@link SessionKey} (Quarkus' own form mechanism is off at build time, so
 * no temporary key is ever generated or logged) and the route that runs the login POST, which Quarkus installs only
 * for its own form mechanism.
 */
@ApplicationScoped
public class DashboardSecurity {

    @Inject
    SessionKey sessionKey;

    @Inject
    SessionStamps stamps;

    void configure(@Observes HttpSecurity security) {
        VertxHttpConfig http = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getConfigMapping(VertxHttpConfig.class);
        security.mechanism(new DashboardLogin(http.auth().form(), sessionKey.key(), stamps));
    }

    void loginRoute(@Observes Router router) {
        String post = ConfigProvider.getConfig().getOptionalValue("quarkus.http.auth.form.post-location", String.class)
                .orElse("/j_security_check");
        router.post(post).order(-150).handler(rc -> {
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
