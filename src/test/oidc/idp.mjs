// A real OpenID provider for AgentGate's sign-on tests (panva/oidc-provider, a certified implementation), started
// as its own process by OidcProviderProcess. Authorization code flow with PKCE required, RP-initiated logout, and
// the development login form (any password) for the test users given in IDP_USERS.
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
const appBase = process.env.APP_BASE;
const users = JSON.parse(process.env.IDP_USERS || '{}');

const provider = new Provider(`http://localhost:${port}`, {
  clients: [{
    client_id: process.env.IDP_CLIENT_ID || 'agentgate',
    client_secret: process.env.IDP_CLIENT_SECRET,
    redirect_uris: [`${appBase}/login/oidc`],
    post_logout_redirect_uris: [`${appBase}/login/oidc/logged-out`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  // the ID token carries the scopes' claims (AgentGate reads email and groups from it)
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) {
      return undefined;
    }
    return { accountId: id, async claims() { return { sub: id, ...user }; } };
  },
  // a first-party client: consent is given (the grant is saved silently)
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    if (!ctx.oidc.session.accountId) {
      return undefined;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['agentgate-test-idp-cookie-key'] },
  ttl: { IdToken: 3600, AccessToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
});

provider.on('server_error', (ctx, err) => console.error('idp server_error', err));
provider.listen(port, () => console.log(`test idp listening on ${port}`));
