package io.agentgate.dashboard;

import io.quarkus.security.AuthenticationFailedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletionException;

/**
 * The answer to a failed login: back to the login form, which says so. The form mechanism's failure would otherwise
 * travel to the REST layer, which cannot take a request whose body was already read over HTTP/2 (an {@code h2c}
 * upgrade: a 500); answered here, every protocol gets the same redirect, and {@link LoginThrottle} counts it.
 */
@ApplicationScoped
public class FailedLogins {

    /** quarkus.http.auth.form.error-page */
    static final String ERROR_PAGE = "/?error=login";

    void register(@Observes Router router) {
        // before the REST layer's failure handler, for the login form's path only
        router.route(LoginThrottle.POST_LOCATION).order(Integer.MIN_VALUE).failureHandler(this::failed);
    }

    private void failed(RoutingContext rc) {
        Throwable failure = rc.failure();
        while (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (!(failure instanceof AuthenticationFailedException) || rc.response().ended()) {
            rc.next();
            return;
        }
        rc.response().setStatusCode(302).putHeader("Location", ERROR_PAGE).end();
    }
}
