package io.agentgate.dashboard;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Runs before the password check of quarkus-security-jpa: refuses a locked account without checking its password,
 * and otherwise hands the request on (a null identity lets the next provider, the bcrypt check, decide).
 */
@ApplicationScoped
public class ThrottledLogins implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    @Inject
    LoginThrottle throttle;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        // before the bcrypt check of quarkus-security-jpa
        return SYSTEM_FIRST + 1000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String username = request.getUsername();
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (rc != null) {
            rc.put(LoginThrottle.USERNAME_KEY, username);
        }
        if (throttle.blocking()) {
            // shared counts (a cluster) are read from the database, on a worker
            return context.runBlocking(() -> check(username, rc));
        }
        try {
            return Uni.createFrom().item(check(username, rc));
        } catch (AuthenticationFailedException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** Null (let the password check decide) unless the account is locked. */
    private SecurityIdentity check(String username, RoutingContext rc) {
        var locked = throttle.accountLockedUntil(username);
        if (locked.isPresent()) {
            if (rc != null) {
                rc.put(LoginThrottle.THROTTLED_KEY, locked.get());
            }
            throw new AuthenticationFailedException("too many failed logins");
        }
        return null;
    }
}
