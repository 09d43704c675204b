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

/**
 * Runs before the password check of quarkus-security-jpa: counts the attempt against the account first, atomically
 * ({@link LoginThrottle#admit}), and refuses one beyond the limit without checking its password (as throttled),
 * refuses unknown and disabled accounts after a bcrypt check against a dummy hash (so a wrong email takes as long as a
 * wrong password: no account enumeration by timing), and otherwise hands the request on (a null identity lets the
 * next provider, the bcrypt check of the account's hash, decide).
 */
@ApplicationScoped
public class ThrottledLogins implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /**
     * A bcrypt hash (cost 12, like the accounts') of a random password that was thrown away once it was hashed. A
     * constant, because hashing one at class initialisation cost about 0.4 s of CPU on the first request after start.
     */
    private static final String DUMMY_HASH = "$2a$12$zdGpBtWoPj/LnMtU7bUqx.CZp1OanLLxntLkZkqK7y.pEGv7dEz26";

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
        // the count (shared counts live in the database) and the account lookup both do I/O: on a worker
        return context.runBlocking(() -> {
            admit(username, rc);
            boolean usable = accounts.find(username).filter(a -> !a.disabled).isPresent();
            if (!usable) {
                // as slow as a wrong password for a real account: the answer time says nothing about who exists
                BcryptUtil.matches(new String(password), DUMMY_HASH);
                throw new AuthenticationFailedException("unknown or disabled account");
            }
            return null;
        });
    }

    private void admit(String username, RoutingContext rc) {
        var locked = throttle.admit(username, rc);
        if (locked.isPresent()) {
            if (rc != null) {
                rc.put(LoginThrottle.THROTTLED_KEY, locked.get());
            }
            throw new AuthenticationFailedException("too many failed logins");
        }
    }
}
