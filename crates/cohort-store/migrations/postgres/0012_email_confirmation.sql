-- An address is confirmed when its owner proves they read its mail. Until then an account may
-- sign in but neither apply nor hold a staff role (a stranger could otherwise claim an address
-- before its owner is invited as staff).
ALTER TABLE users ADD COLUMN email_confirmed_at BIGINT;
-- Accounts made before confirmation existed are taken as confirmed: refusing them would stop
-- every candidate of a running season, and their invitations still require signing in as them.
UPDATE users SET email_confirmed_at = created_at;

CREATE TABLE email_confirmations (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX email_confirmations_user ON email_confirmations(user_id);
