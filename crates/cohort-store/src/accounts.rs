//! Users, roles, sessions, invitations, password resets, login throttling and API tokens.
//!
//! Secrets (session tokens, reset and invitation tokens, API tokens) are stored only as SHA-256
//! hashes: a leaked database does not let anyone sign in.

use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::Role;
use sqlx::Row;

/// A person's account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub created_at: i64,
    /// When the owner proved they read the address's mail; `None` until then.
    pub email_confirmed_at: Option<i64>,
    /// When an administrator deactivated the account; `None` while it is active.
    pub deactivated_at: Option<i64>,
}

impl UserRecord {
    pub fn email_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }
}

/// An account with its roles, as a signed-in request sees it.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: UserRecord,
    pub roles: Vec<Role>,
}

impl Account {
    /// An account holding `granted`, less every staff role while its address is unconfirmed:
    /// until the owner proves the address, the account may be a stranger's claim on it.
    pub fn new(user: UserRecord, granted: Vec<Role>) -> Account {
        let roles = if user.email_confirmed() {
            granted
        } else {
            granted
                .into_iter()
                .filter(|role| *role == Role::Candidate)
                .collect()
        };
        Account { user, roles }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn email_confirmed(&self) -> bool {
        self.user.email_confirmed()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRecord {
    pub email: String,
    pub display_name: String,
    pub roles: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl InvitationRecord {
    pub fn roles(&self) -> Vec<Role> {
        parse_roles(&self.roles)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub name: String,
    pub scopes: String,
    pub created_by: i64,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl ApiTokenRecord {
    pub fn scopes(&self) -> Vec<&str> {
        self.scopes.split(' ').filter(|s| !s.is_empty()).collect()
    }
}

fn parse_roles(text: &str) -> Vec<Role> {
    text.split(',').filter_map(Role::parse).collect()
}

/// Joins roles for storage in a single column (invitations keep their roles until accepted).
pub fn join_roles(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

const USER_COLUMNS: &str =
    "id, email, display_name, password_hash, created_at, email_confirmed_at, deactivated_at";

impl Store {
    /// Returns the value of a server-wide setting, creating it with `initial` the first time.
    /// Several web nodes starting at once agree on one value.
    pub async fn setting_or_insert(&self, key: &str, initial: String) -> Result<String> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(initial)
        .execute(&mut *tx)
        .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(value)
    }

    /// Creates an account with `roles` whose address the caller vouches for (an administrator on
    /// the command line, an accepted invitation, the demo). Fails with a conflict on `email` if
    /// the address is taken.
    pub async fn create_user(
        tx: &mut Tx,
        email: &str,
        display_name: &str,
        password_hash: Option<&str>,
        roles: &[Role],
        now: i64,
    ) -> Result<i64> {
        let id = Self::insert_user(tx, email, display_name, password_hash, Some(now), now).await?;
        Self::grant_roles(tx, id, roles).await?;
        Ok(id)
    }

    /// Creates a candidate account whose address nobody has proved yet (a sign-up, or an
    /// application sent through the API). Fails with a conflict on `email` if the address is taken.
    pub async fn create_unconfirmed_candidate(
        tx: &mut Tx,
        email: &str,
        display_name: &str,
        password_hash: Option<&str>,
        now: i64,
    ) -> Result<i64> {
        let id = Self::insert_user(tx, email, display_name, password_hash, None, now).await?;
        Self::grant_roles(tx, id, &[Role::Candidate]).await?;
        Ok(id)
    }

    async fn insert_user(
        tx: &mut Tx,
        email: &str,
        display_name: &str,
        password_hash: Option<&str>,
        confirmed_at: Option<i64>,
        now: i64,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO users (email, display_name, password_hash, created_at, email_confirmed_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(email)
        .bind(display_name)
        .bind(password_hash)
        .bind(now)
        .bind(confirmed_at)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "email"))
    }

    /// Records that the owner of the account's address proved it; the first proof is kept.
    pub async fn confirm_email(tx: &mut Tx, user_id: i64, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Adds roles to an account; roles it already holds are kept once.
    pub async fn grant_roles(tx: &mut Tx, user_id: i64, roles: &[Role]) -> Result<()> {
        for role in roles {
            sqlx::query(
                "INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(user_id)
            .bind(role.as_str())
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.reader)
        .await?)
    }

    pub async fn account(&self, user_id: i64) -> Result<Option<Account>> {
        let user: Option<UserRecord> =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                .bind(user_id)
                .fetch_optional(&self.reader)
                .await?;
        match user {
            Some(user) => {
                let roles = self.roles_of(user.id).await?;
                Ok(Some(Account::new(user, roles)))
            }
            None => Ok(None),
        }
    }

    /// An account's roles as stored, read in a transaction (see [`Store::roles_of`]).
    pub async fn roles_in(tx: &mut Tx, user_id: i64) -> Result<Vec<Role>> {
        let names: Vec<String> =
            sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&mut **tx)
                .await?;
        Ok(names.iter().filter_map(|name| Role::parse(name)).collect())
    }

    pub async fn roles_of(&self, user_id: i64) -> Result<Vec<Role>> {
        let names: Vec<String> =
            sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&self.reader)
                .await?;
        let mut roles: Vec<Role> = names.iter().filter_map(|name| Role::parse(name)).collect();
        roles.sort();
        Ok(roles)
    }

    /// The administrator whose account is oldest (and confirmed), if there is one.
    pub async fn first_administrator(&self) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE r.role = 'administrator' AND u.email_confirmed_at IS NOT NULL \
             AND u.deactivated_at IS NULL ORDER BY u.id LIMIT 1",
        )
        .fetch_optional(&self.reader)
        .await?)
    }

    /// The addresses of everyone who may manage recruiting (recruiters and administrators), for
    /// alerts about the assessment.
    pub async fn recruiter_emails(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT u.email FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE r.role IN ('recruiter', 'administrator') AND u.deactivated_at IS NULL \
             AND u.email_confirmed_at IS NOT NULL ORDER BY u.email",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// Every staff account with its roles, for the administrator's user list.
    pub async fn staff_accounts(&self) -> Result<Vec<Account>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.created_at, u.email_confirmed_at, u.deactivated_at, r.role FROM users u \
             JOIN user_roles r ON r.user_id = u.id WHERE r.role <> 'candidate' ORDER BY u.email, r.role",
        )
        .fetch_all(&self.reader)
        .await?;
        let mut accounts: Vec<Account> = Vec::new();
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let role = Role::parse(&row.try_get::<String, _>("role")?);
            if accounts.last().map(|a| a.user.id) != Some(id) {
                accounts.push(Account {
                    user: UserRecord {
                        id,
                        email: row.try_get("email")?,
                        display_name: row.try_get("display_name")?,
                        password_hash: None,
                        created_at: row.try_get("created_at")?,
                        email_confirmed_at: row.try_get("email_confirmed_at")?,
                        deactivated_at: row.try_get("deactivated_at")?,
                    },
                    roles: Vec::new(),
                });
            }
            if let (Some(account), Some(role)) = (accounts.last_mut(), role) {
                account.roles.push(role);
            }
        }
        Ok(accounts)
    }

    /// Sets a new password. Every reset link still outstanding for the account stops working:
    /// it was sent for a password that no longer exists.
    pub async fn set_password(tx: &mut Tx, user_id: i64, password_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        Self::void_password_resets(tx, user_id).await
    }

    /// Marks every unused reset link of the account as used.
    async fn void_password_resets(tx: &mut Tx, user_id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE password_resets SET used_at = created_at WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    // Sessions.

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// The account behind a session token, if the session exists and has not expired.
    pub async fn session_account(&self, token_hash: &str, now: i64) -> Result<Option<Account>> {
        let user_id: Option<i64> = sqlx::query_scalar(
            "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deactivated_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.reader)
        .await?;
        match user_id {
            Some(id) => self.account(id).await,
            None => Ok(None),
        }
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Ends every session of an account ("log out everywhere", and after a password reset).
    pub async fn delete_sessions_of(tx: &mut Tx, user_id: i64) -> Result<u64> {
        Ok(affected(
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut **tx)
                .await?,
        ))
    }

    // Address confirmations.

    /// Stores a confirmation link's token; links sent earlier for the account stop working, so
    /// only the newest message in the mailbox counts.
    pub async fn create_email_confirmation(
        tx: &mut Tx,
        token_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE email_confirmations SET used_at = created_at WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO email_confirmations (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The account a confirmation link belongs to, while the link can still be used.
    pub async fn email_confirmation_user(&self, token_hash: &str, now: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM email_confirmations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// Uses a confirmation link once and confirms its account's address. Returns the account, or
    /// `None` when the link is unknown, used or expired.
    pub async fn consume_email_confirmation(
        tx: &mut Tx,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>> {
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE email_confirmations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(user_id) = user_id {
            Self::confirm_email(tx, user_id, now).await?;
        }
        Ok(user_id)
    }

    // Administration of accounts.

    /// Replaces an account's staff roles with `staff_roles` (its candidate role, if any, stays:
    /// that is the person's own history, not an administrator's grant).
    pub async fn set_staff_roles(tx: &mut Tx, user_id: i64, staff_roles: &[Role]) -> Result<()> {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role <> 'candidate'")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        let staff: Vec<Role> = staff_roles
            .iter()
            .copied()
            .filter(|role| *role != Role::Candidate)
            .collect();
        Self::grant_roles(tx, user_id, &staff).await
    }

    /// Deactivates an account: it can no longer sign in, and its sessions and the API tokens it
    /// created end. Returns false when it was already deactivated (or does not exist).
    pub async fn deactivate_user(tx: &mut Tx, user_id: i64, now: i64) -> Result<bool> {
        let changed = affected(
            sqlx::query(
                "UPDATE users SET deactivated_at = $1 WHERE id = $2 AND deactivated_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut **tx)
            .await?,
        ) == 1;
        if changed {
            Self::delete_sessions_of(tx, user_id).await?;
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE created_by = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        }
        Ok(changed)
    }

    /// Lets a deactivated account sign in again (its old sessions and tokens stay ended).
    pub async fn reactivate_user(tx: &mut Tx, user_id: i64) -> Result<bool> {
        Ok(affected(
            sqlx::query(
                "UPDATE users SET deactivated_at = NULL WHERE id = $1 AND deactivated_at IS NOT NULL",
            )
            .bind(user_id)
            .execute(&mut **tx)
            .await?,
        ) == 1)
    }

    /// Takes the lock every change to who administers takes first (a write to one settings row:
    /// a row lock on PostgreSQL, the database's write lock on SQLite), so that two administrators
    /// removing each other at once are counted one after the other.
    pub async fn lock_administrators(tx: &mut Tx) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('administrators_changed', '') \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// How many active administrators there are besides `user_id`, so that the last one cannot
    /// be removed. Call after [`Store::lock_administrators`] in the same transaction.
    pub async fn other_active_administrators(tx: &mut Tx, user_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE r.role = 'administrator' AND u.deactivated_at IS NULL \
             AND u.email_confirmed_at IS NOT NULL AND u.id <> $1",
        )
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?)
    }

    // Invitations.

    #[allow(clippy::too_many_arguments)]
    pub async fn create_invitation(
        tx: &mut Tx,
        token_hash: &str,
        email: &str,
        display_name: &str,
        roles: &[Role],
        invited_by: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO invitations (token_hash, email, display_name, roles, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash)
        .bind(email)
        .bind(display_name)
        .bind(join_roles(roles))
        .bind(invited_by)
        .bind(now)
        .bind(expires_at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>> {
        Ok(sqlx::query_as(
            "SELECT email, display_name, roles, expires_at, used_at FROM invitations WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// Marks an invitation used, exactly once. Returns false when it was already used or expired.
    pub async fn consume_invitation(tx: &mut Tx, token_hash: &str, now: i64) -> Result<bool> {
        let result = sqlx::query(
            "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
        Ok(affected(result) == 1)
    }

    // Password resets.

    pub async fn create_password_reset(
        tx: &mut Tx,
        token_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        // Only the newest link works: one sent earlier may sit in a mailbox someone else reads.
        Self::void_password_resets(tx, user_id).await?;
        sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Uses a reset token once: returns the account it belongs to, or `None` when the token is
    /// unknown, already used or expired.
    pub async fn consume_password_reset(
        tx: &mut Tx,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut **tx)
        .await?)
    }

    /// Whether a reset token can still be used, for showing the form or an explanation.
    pub async fn password_reset_usable(&self, token_hash: &str, now: i64) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.reader)
        .await?;
        Ok(found.is_some())
    }

    // Counters in a time window: the sign-in throttle and every rate limit.

    /// Counts one attempt (a sign-in, a message sent, a write) against `key` and returns how
    /// many the key has had in the window that ends at `now` (a window older than
    /// `window_seconds` starts again). One
    /// statement, an upsert on the key's row, so parallel attempts are counted one after another
    /// on both databases: each sees the others' counts, and none is checked before it is counted.
    pub async fn count_in_window(&self, key: &str, now: i64, window_seconds: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO login_throttle (key, window_start, attempts) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               attempts = CASE WHEN login_throttle.window_start > $3 THEN login_throttle.attempts + 1 ELSE 1 END, \
               window_start = CASE WHEN login_throttle.window_start > $3 THEN login_throttle.window_start ELSE $2 END \
             RETURNING attempts",
        )
        .bind(key)
        .bind(now)
        .bind(now - window_seconds)
        .fetch_one(&self.writer)
        .await?)
    }

    /// Takes back one counted attempt of `key` (it succeeded, so it was no failure).
    pub async fn uncount(&self, key: &str) -> Result<()> {
        sqlx::query(
            "UPDATE login_throttle SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0",
        )
        .bind(key)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Forgets every counted attempt of `key`.
    pub async fn clear_count(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    // API tokens.

    pub async fn create_api_token(
        &self,
        token_hash: &str,
        name: &str,
        scopes: &[&str],
        created_by: i64,
        now: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO api_tokens (token_hash, name, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(token_hash)
        .bind(name)
        .bind(scopes.join(" "))
        .bind(created_by)
        .bind(now)
        .fetch_one(&self.writer)
        .await?)
    }

    /// A token that exists and is not revoked; its last use is recorded at most once a minute.
    pub async fn active_api_token(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<ApiTokenRecord>> {
        let token: Option<ApiTokenRecord> = sqlx::query_as(
            // A token acts for the administrator who made it: it stops when they stop being one.
            "SELECT t.id, t.name, t.scopes, t.created_by, t.created_at, t.revoked_at, t.last_used_at FROM api_tokens t \
             JOIN users u ON u.id = t.created_by \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deactivated_at IS NULL \
             AND u.email_confirmed_at IS NOT NULL \
             AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'administrator')",
        )
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await?;
        if let Some(token) = &token {
            if token.last_used_at.is_none_or(|at| now - at >= 60) {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(token.id)
                    .execute(&self.writer)
                    .await?;
            }
        }
        Ok(token)
    }

    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, name, scopes, created_by, created_at, revoked_at, last_used_at FROM api_tokens ORDER BY id DESC",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn revoke_api_token(&self, id: i64, now: i64) -> Result<()> {
        let result = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.writer)
        .await?;
        if affected(result) == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
