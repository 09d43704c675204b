package io.agentgate.dashboard;

import io.agentgate.common.Roles;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns a personal token ({@code agu_…}) into the identity of its user: role {@link Roles#USER} only (a personal token
 * is no admin token, whatever the account's roles), with the account's roles and the token id as attributes. Other
 * bearer tokens go on to the admin token and agent keys.
 */
@ApplicationScoped
public class PersonalTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    PersonalTokens tokens;

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return SYSTEM_FIRST + 1000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        if (token == null || !token.startsWith(PersonalTokens.PREFIX)) {
            return Uni.createFrom().nullItem();
        }
        return context.runBlocking(() -> tokens.holder(token)
                .map(holder -> (SecurityIdentity) QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(holder.email()))
                        .addRole(Roles.USER)
                        .addAttribute(Roles.USER_ROLES_ATTRIBUTE, holder.roles())
                        .addAttribute(Roles.TOKEN_ID_ATTRIBUTE, holder.tokenId())
                        .build())
                .orElseThrow(() -> new AuthenticationFailedException("unknown or revoked personal token")));
    }
}
