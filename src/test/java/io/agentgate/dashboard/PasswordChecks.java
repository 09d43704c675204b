package io.agentgate.dashboard;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the logins that reach the bcrypt check of the account's hash: it sits after {@link ThrottledLogins} (which
 * refuses throttled attempts) and before quarkus-security-jpa's provider, and hands every request on unchanged.
 */
@ApplicationScoped
public class PasswordChecks implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private final Map<String, AtomicInteger> checks = new ConcurrentHashMap<>();

    /** How many logins of this user reached the password check. */
    public int of(String username) {
        AtomicInteger n = checks.get(username.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        // after ThrottledLogins (SYSTEM_FIRST + 1000), before the bcrypt check (the default priority)
        return SYSTEM_FIRST + 500;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        checks.computeIfAbsent(request.getUsername().toLowerCase(Locale.ROOT), k -> new AtomicInteger())
                .incrementAndGet();
        return Uni.createFrom().nullItem();
    }
}
