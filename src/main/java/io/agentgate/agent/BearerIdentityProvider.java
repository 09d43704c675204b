package io.agentgate.agent;

import io.agentgate.common.Roles;
import io.agentgate.common.AgentGateConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Turns a bearer token into the admin identity or the identity of the agent that owns the key. */
@ApplicationScoped
public class BearerIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    AgentGateConfig config;

    @Inject
    AgentService agents;

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (request.getToken().getClass() != TokenCredential.class) {
            // not BearerTokenMechanism's: an ID token of the dashboard's OIDC sign-on is quarkus-oidc's to verify
            return Uni.createFrom().nullItem();
        }
        String token = request.getToken().getToken();
        String adminToken = config.adminToken().orElse("");
        if (!adminToken.isEmpty() && ApiKeys.secretEquals(token, adminToken)) {
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("admin"))
                    .addRole(Roles.ADMIN)
                    .build());
        }
        var cached = agents.cachedProfileForKey(token);
        if (cached.isPresent()) {
            // the common case: answered on the calling thread, no hop to a worker
            return Uni.createFrom().item(identity(cached.get()));
        }
        return context.runBlocking(() -> agents.profileForKey(token).map(BearerIdentityProvider::identity)
                .orElseThrow(() -> new AuthenticationFailedException("unknown API key")));
    }

    private static SecurityIdentity identity(AgentProfile profile) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(profile.name()))
                .addRole(Roles.AGENT)
                .addAttribute(Roles.AGENT_ATTRIBUTE, profile)
                .build();
    }
}
