-- OIDC sign-on: the identity provider's issuer and subject of an account that signs in there (null: a local
-- account). One IdP identity is one account; the IdP's groups replace the account's groups at each sign-in.
ALTER TABLE account ADD COLUMN idp_issuer VARCHAR(500);
ALTER TABLE account ADD COLUMN idp_subject VARCHAR(255);
CREATE UNIQUE INDEX account_idp_identity_idx ON account (idp_issuer, idp_subject);
