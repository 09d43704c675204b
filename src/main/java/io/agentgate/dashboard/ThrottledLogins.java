package io.agentgate.dashboard;

import io.quarkus.elytron.security.common.BcryptUtil;
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
import java.util.UUID;

/**
 * Runs before the password check of quarkus-security-jpa: refuses a locked account without checking its password,
 * refuses unknown and disabled accounts after a bcrypt check against a dummy hash (so a wrong email takes as long as a
 * wrong password: no account enumeration by timing), and otherwise hands the request on (a null identity lets the
 * next provider, the bcrypt check of the account's hash, decide).
 */
@ApplicationScoped
public class ThrottledLogins implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /** A bcrypt hash (cost 12, like the accounts') of a random password nobody knows. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash(UUID.randomUUID().toString(), 12);

    @Inject
    LoginThrottle throttle;

    @Inject
    AccountService accounts;

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
        char[] password = request.getPassword().getPassword();
        // the lock (shared counts live in the database) and the account lookup both read: on a worker
        return context.runBlocking(() -> {
            refuseIfLocked(username, rc);
            boolean usable = accounts.find(username).filter(a -> !a.disabled).isPresent();
            if (!usable) {
                // as slow as a wrong password for a real account: the answer time says nothing about who exists
                BcryptUtil.matches(new String(password), DUMMY_HASH);
                throw new AuthenticationFailedException("unknown or disabled account");
            }
            return null;
        });
    }

    private void refuseIfLocked(String username, RoutingContext rc) {
        var locked = throttle.accountLockedUntil(username);
        if (locked.isPresent()) {
            if (rc != null) {
                rc.put(LoginThrottle.THROTTLED_KEY, locked.get());
            }
            throw new AuthenticationFailedException("too many failed logins");
        }
    }
}
