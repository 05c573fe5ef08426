//! Offers: their terms and state, the approvals of each version, the append-only history of
//! every change, a season's approval chain and its letter template. Every write that changes an
//! offer's state names the state (and, where it matters, the version, the letter or the
//! deadline) it expects, so two requests racing on one offer change it once.

use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::money::Currency;
use cohort_domain::offers::{Housing, OfferState};
use cohort_domain::Stage;

/// An offer with what pages show beside it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferRecord {
    pub id: i64,
    pub application_id: i64,
    pub season_id: i64,
    pub season_name: String,
    pub opening_id: i64,
    pub opening_title: String,
    pub track_id: i64,
    pub track_name: String,
    pub location_id: i64,
    pub city: String,
    pub country: String,
    pub headcount: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub candidate_email: String,
    #[sqlx(try_from = "String")]
    pub state: OfferState,
    pub version: i64,
    pub start_date: String,
    pub end_date: String,
    pub currency: String,
    pub monthly_pay_minor: i64,
    pub housing: String,
    pub housing_stipend_minor: i64,
    pub relocation_minor: i64,
    pub sign_on_minor: i64,
    pub deadline: String,
    pub time_zone: String,
    pub expires_at: i64,
    pub reason: String,
    pub exceptions: String,
    pub approval_chain: String,
    pub letter: Option<String>,
    pub letter_sha256: Option<String>,
    pub created_by: i64,
    pub created_by_name: String,
    pub sent_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub sent_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub signature: Option<String>,
    pub signed_from: Option<String>,
    pub signed_letter_sha256: Option<String>,
    pub decline_reason: Option<String>,
    pub decline_note: Option<String>,
    pub rescind_reason: Option<String>,
}

impl OfferRecord {
    pub fn currency(&self) -> Currency {
        Currency::stored(&self.currency)
    }

    pub fn housing(&self) -> Housing {
        Housing::stored(&self.housing, self.housing_stipend_minor)
    }

    /// The exceptions recorded at the last submission, one sentence each.
    pub fn exception_lines(&self) -> Vec<&str> {
        self.exceptions.lines().filter(|l| !l.is_empty()).collect()
    }
}

const OFFER: &str = "SELECT f.id, f.application_id, f.season_id, s.name AS season_name, f.opening_id, \
     o.title AS opening_title, o.track_id, t.name AS track_name, o.location_id, l.city, l.country, \
     o.headcount, a.candidate_id, u.display_name AS candidate_name, u.email AS candidate_email, \
     f.state, f.version, f.start_date, f.end_date, f.currency, f.monthly_pay_minor, f.housing, \
     f.housing_stipend_minor, f.relocation_minor, f.sign_on_minor, f.deadline, f.time_zone, \
     f.expires_at, f.reason, f.exceptions, f.approval_chain, f.letter, f.letter_sha256, f.created_by, \
     c.display_name AS created_by_name, f.sent_by, f.created_at, f.updated_at, f.sent_at, \
     f.answered_at, f.signature, f.signed_from, f.signed_letter_sha256, f.decline_reason, \
     f.decline_note, f.rescind_reason \
     FROM offers f JOIN applications a ON a.id = f.application_id JOIN users u ON u.id = a.candidate_id \
     JOIN seasons s ON s.id = f.season_id JOIN openings o ON o.id = f.opening_id \
     JOIN tracks t ON t.id = o.track_id JOIN locations l ON l.id = o.location_id \
     JOIN users c ON c.id = f.created_by";

/// An offer's terms as stored, minor units of `currency`.
#[derive(Debug, Clone)]
pub struct OfferTermsRow<'a> {
    pub opening_id: i64,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub currency: &'a str,
    pub monthly_pay_minor: i64,
    pub housing: &'a str,
    pub housing_stipend_minor: i64,
    pub relocation_minor: i64,
    pub sign_on_minor: i64,
    pub deadline: &'a str,
    pub time_zone: &'a str,
    pub expires_at: i64,
    pub reason: &'a str,
}

/// One approval (or refusal) of an offer's version at a step of the chain.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApprovalRecord {
    pub version: i64,
    pub step: i64,
    pub approver_id: i64,
    pub approver_name: String,
    pub approved: i64,
    pub note: String,
    pub decided_at: i64,
}

/// One entry of an offer's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferEventRecord {
    pub id: i64,
    pub actor_name: Option<String>,
    pub kind: String,
    pub detail: String,
    pub at: i64,
}

/// How many of an opening's offers are in each state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferCount {
    pub opening_id: i64,
    #[sqlx(try_from = "String")]
    pub state: OfferState,
    pub offers: i64,
}

/// An application whose hire decision has no offer yet, with the opening it ranked first and
/// that opening's band, for drafting in bulk.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AwaitingOffer {
    pub application_id: i64,
    pub candidate_name: String,
    pub opening_id: i64,
    pub time_zone: String,
    pub currency: Option<String>,
    pub monthly_pay_minor: Option<i64>,
    pub housing_stipend_minor: Option<i64>,
    pub relocation_minor: Option<i64>,
}

/// Someone an offer's mail goes to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub email: String,
}

const STATES_HOLDING: &str = "('awaiting_approval', 'approved', 'sent', 'accepted')";

impl Store {
    /// The active accounts holding `role`, or only `user_id` among them when given.
    pub async fn contacts_with_role(
        &self,
        role: &str,
        user_id: Option<i64>,
    ) -> Result<Vec<Contact>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.display_name AS name, u.email FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE r.role = $1 AND u.deactivated_at IS NULL AND ($2 IS NULL OR u.id = $2) ORDER BY u.id",
        )
        .bind(role)
        .bind(user_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// An active account, whatever its roles.
    pub async fn contact(&self, user_id: i64) -> Result<Option<Contact>> {
        Ok(sqlx::query_as(
            "SELECT id, display_name AS name, email FROM users WHERE id = $1 AND deactivated_at IS NULL",
        )
        .bind(user_id)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// A track's hiring manager, if it has one set.
    pub async fn track_manager_id(&self, track_id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT hiring_manager_id FROM tracks WHERE id = $1",
        )
        .bind(track_id)
        .fetch_optional(&self.reader)
        .await?
        .flatten())
    }

    pub async fn offer(&self, id: i64) -> Result<OfferRecord> {
        sqlx::query_as(&format!("{OFFER} WHERE f.id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The offer as the writer sees it, inside a transaction (after a lock, say).
    pub async fn offer_in(tx: &mut Tx, id: i64) -> Result<OfferRecord> {
        sqlx::query_as(&format!("{OFFER} WHERE f.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn offer_of_application(&self, application_id: i64) -> Result<Option<OfferRecord>> {
        Ok(
            sqlx::query_as(&format!("{OFFER} WHERE f.application_id = $1"))
                .bind(application_id)
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    /// A season's offers, newest change first, optionally in one state.
    pub async fn offers(
        &self,
        season_id: i64,
        state: Option<OfferState>,
    ) -> Result<Vec<OfferRecord>> {
        Ok(sqlx::query_as(&format!(
            "{OFFER} WHERE f.season_id = $1 AND ($2 IS NULL OR f.state = $2) ORDER BY f.updated_at DESC, f.id DESC"
        ))
        .bind(season_id)
        .bind(state.map(|s| s.as_str()))
        .fetch_all(&self.reader)
        .await?)
    }

    /// The offers a candidate has been sent (drafts and offers awaiting approval are not theirs
    /// to see).
    pub async fn offers_of_candidate(&self, candidate_id: i64) -> Result<Vec<OfferRecord>> {
        Ok(sqlx::query_as(&format!(
            "{OFFER} WHERE a.candidate_id = $1 AND f.sent_at IS NOT NULL ORDER BY f.id"
        ))
        .bind(candidate_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Sent offers whose deadline passed before `now` and that nobody answered (the expiry
    /// job's safety net and the demo's check).
    pub async fn offers_past_deadline(&self, now: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT id, expires_at FROM offers WHERE state = 'sent' AND expires_at <= $1 ORDER BY id",
        )
        .bind(now)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Locks an offer's row for the rest of the transaction (a no-op write on SQLite, whose one
    /// writer already serialises transactions; `FOR UPDATE` on PostgreSQL).
    pub async fn lock_offer(tx: &mut Tx, id: i64) -> Result<()> {
        let locked = sqlx::query("UPDATE offers SET id = id WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        if affected(locked) != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Creates an offer as a draft. [`StoreError::Conflict`] when the application has one.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_offer(
        tx: &mut Tx,
        application_id: i64,
        season_id: i64,
        terms: &OfferTermsRow<'_>,
        created_by: i64,
        now: i64,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO offers (application_id, season_id, opening_id, state, version, start_date, end_date, \
             currency, monthly_pay_minor, housing, housing_stipend_minor, relocation_minor, sign_on_minor, \
             deadline, time_zone, expires_at, reason, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, 'draft', 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
             RETURNING id",
        )
        .bind(application_id)
        .bind(season_id)
        .bind(terms.opening_id)
        .bind(terms.start_date)
        .bind(terms.end_date)
        .bind(terms.currency)
        .bind(terms.monthly_pay_minor)
        .bind(terms.housing)
        .bind(terms.housing_stipend_minor)
        .bind(terms.relocation_minor)
        .bind(terms.sign_on_minor)
        .bind(terms.deadline)
        .bind(terms.time_zone)
        .bind(terms.expires_at)
        .bind(terms.reason)
        .bind(created_by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "An offer for this application"))
    }

    /// Replaces an editable offer's terms: it becomes a draft of the next version, so earlier
    /// approvals no longer count. [`StoreError::Stale`] when it moved on from `version`.
    pub async fn revise_offer(
        tx: &mut Tx,
        id: i64,
        version: i64,
        terms: &OfferTermsRow<'_>,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE offers SET state = 'draft', version = version + 1, opening_id = $1, start_date = $2, \
             end_date = $3, currency = $4, monthly_pay_minor = $5, housing = $6, housing_stipend_minor = $7, \
             relocation_minor = $8, sign_on_minor = $9, deadline = $10, time_zone = $11, expires_at = $12, \
             reason = $13, exceptions = '', updated_at = $14 \
             WHERE id = $15 AND version = $16 AND state IN ('draft', 'awaiting_approval', 'approved')",
        )
        .bind(terms.opening_id)
        .bind(terms.start_date)
        .bind(terms.end_date)
        .bind(terms.currency)
        .bind(terms.monthly_pay_minor)
        .bind(terms.housing)
        .bind(terms.housing_stipend_minor)
        .bind(terms.relocation_minor)
        .bind(terms.sign_on_minor)
        .bind(terms.deadline)
        .bind(terms.time_zone)
        .bind(terms.expires_at)
        .bind(terms.reason)
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Moves an offer of `version` from `from` to `to`, recording (on submission) the exceptions
    /// found and the chain it follows. [`StoreError::Stale`] when it is no longer there.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_offer_state(
        tx: &mut Tx,
        id: i64,
        version: i64,
        from: OfferState,
        to: OfferState,
        submitted: Option<(&str, &str)>,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE offers SET state = $1, exceptions = COALESCE($2, exceptions), \
             approval_chain = COALESCE($7, approval_chain), updated_at = $3 \
             WHERE id = $4 AND version = $5 AND state = $6",
        )
        .bind(to.as_str())
        .bind(submitted.map(|s| s.0))
        .bind(now)
        .bind(id)
        .bind(version)
        .bind(from.as_str())
        .bind(submitted.map(|s| s.1))
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Locks an opening's row, so that two offers counted against its headcount at once are
    /// counted one after the other.
    pub async fn lock_opening(tx: &mut Tx, opening_id: i64) -> Result<()> {
        sqlx::query("UPDATE openings SET id = id WHERE id = $1")
            .bind(opening_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Rescinds the open offer of an application that leaves Offer another way (a withdrawal, a
    /// rejection from the board), with `reason`, and records it; returns its id if there was one.
    pub async fn close_offer_of(
        tx: &mut Tx,
        application_id: i64,
        actor_id: i64,
        reason: &str,
        now: i64,
    ) -> Result<Option<i64>> {
        let closed: Option<i64> = sqlx::query_scalar(
            "UPDATE offers SET state = 'rescinded', rescind_reason = $1, updated_at = $2 \
             WHERE application_id = $3 AND state NOT IN ('accepted', 'declined', 'rescinded') RETURNING id",
        )
        .bind(reason)
        .bind(now)
        .bind(application_id)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(id) = closed {
            Store::add_offer_event(tx, id, Some(actor_id), "rescinded", reason, now).await?;
        }
        Ok(closed)
    }

    /// Returns an offer awaiting approval to its recruiter as a draft of the next version (an
    /// approver refused it).
    pub async fn return_offer(tx: &mut Tx, id: i64, version: i64, now: i64) -> Result<()> {
        let result = sqlx::query(
            "UPDATE offers SET state = 'draft', version = version + 1, updated_at = $1 \
             WHERE id = $2 AND version = $3 AND state = 'awaiting_approval'",
        )
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Records an approver's decision on a step of a version. [`StoreError::Conflict`] when that
    /// step already has one.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_offer_approval(
        tx: &mut Tx,
        offer_id: i64,
        version: i64,
        step: i64,
        approver_id: i64,
        approved: bool,
        note: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO offer_approvals (offer_id, version, step, approver_id, approved, note, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(offer_id)
        .bind(version)
        .bind(step)
        .bind(approver_id)
        .bind(i64::from(approved))
        .bind(note)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "A decision on this step"))?;
        Ok(())
    }

    /// Every decision on an offer, newest version first, each version's steps in order.
    pub async fn offer_approvals(&self, offer_id: i64) -> Result<Vec<ApprovalRecord>> {
        Ok(sqlx::query_as(
            "SELECT p.version, p.step, p.approver_id, u.display_name AS approver_name, p.approved, p.note, p.decided_at \
             FROM offer_approvals p JOIN users u ON u.id = p.approver_id WHERE p.offer_id = $1 \
             ORDER BY p.version DESC, p.step",
        )
        .bind(offer_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The steps of `version` decided so far, inside the deciding transaction.
    pub async fn offer_approvals_in(
        tx: &mut Tx,
        offer_id: i64,
        version: i64,
    ) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT step, approved FROM offer_approvals WHERE offer_id = $1 AND version = $2 ORDER BY step",
        )
        .bind(offer_id)
        .bind(version)
        .fetch_all(&mut **tx)
        .await?)
    }

    /// Appends to an offer's history.
    pub async fn add_offer_event(
        tx: &mut Tx,
        offer_id: i64,
        actor_id: Option<i64>,
        kind: &str,
        detail: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO offer_events (offer_id, actor_id, kind, detail, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(offer_id)
        .bind(actor_id)
        .bind(kind)
        .bind(detail)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn offer_events(&self, offer_id: i64) -> Result<Vec<OfferEventRecord>> {
        Ok(sqlx::query_as(
            "SELECT e.id, u.display_name AS actor_name, e.kind, e.detail, e.at FROM offer_events e \
             LEFT JOIN users u ON u.id = e.actor_id WHERE e.offer_id = $1 ORDER BY e.id",
        )
        .bind(offer_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Fixes the letter of an approved offer and sends it. [`StoreError::Stale`] when it is not
    /// approved at `version` any more.
    pub async fn send_offer(
        tx: &mut Tx,
        id: i64,
        version: i64,
        letter: &str,
        letter_sha256: &str,
        sent_by: i64,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE offers SET state = 'sent', letter = $1, letter_sha256 = $2, sent_by = $3, sent_at = $4, \
             updated_at = $4 WHERE id = $5 AND version = $6 AND state = 'approved'",
        )
        .bind(letter)
        .bind(letter_sha256)
        .bind(sent_by)
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Records the acceptance of the letter `letter_sha256`, only while the offer is sent, holds
    /// that letter and has not expired: of two tabs accepting at once, one changes the row.
    pub async fn accept_offer(
        tx: &mut Tx,
        id: i64,
        letter_sha256: &str,
        signature: &str,
        address: &str,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE offers SET state = 'accepted', signature = $1, signed_from = $2, signed_letter_sha256 = $3, \
             answered_at = $4, updated_at = $4 \
             WHERE id = $5 AND state = 'sent' AND letter_sha256 = $3 AND expires_at > $4",
        )
        .bind(signature)
        .bind(address)
        .bind(letter_sha256)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Records a decline, under the same conditions as an acceptance.
    pub async fn decline_offer(
        tx: &mut Tx,
        id: i64,
        letter_sha256: &str,
        reason: Option<&str>,
        note: &str,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE offers SET state = 'declined', decline_reason = $1, decline_note = $2, answered_at = $3, \
             updated_at = $3 WHERE id = $4 AND state = 'sent' AND letter_sha256 = $5 AND expires_at > $3",
        )
        .bind(reason)
        .bind(note)
        .bind(now)
        .bind(id)
        .bind(letter_sha256)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Expires a sent offer whose deadline `expires_at` (the one the job was queued for) has
    /// passed. Returns whether it did: an offer answered or extended meanwhile is left alone.
    pub async fn expire_offer(tx: &mut Tx, id: i64, expires_at: i64, now: i64) -> Result<bool> {
        let result = sqlx::query(
            "UPDATE offers SET state = 'expired', updated_at = $1 \
             WHERE id = $2 AND state = 'sent' AND expires_at = $3 AND expires_at <= $1",
        )
        .bind(now)
        .bind(id)
        .bind(expires_at)
        .execute(&mut **tx)
        .await?;
        Ok(affected(result) == 1)
    }

    /// Gives a sent or expired offer a new deadline and the letter that states it.
    #[allow(clippy::too_many_arguments)]
    pub async fn extend_offer(
        tx: &mut Tx,
        id: i64,
        deadline: &str,
        expires_at: i64,
        letter: &str,
        letter_sha256: &str,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE offers SET state = 'sent', deadline = $1, expires_at = $2, letter = $3, letter_sha256 = $4, \
             updated_at = $5 WHERE id = $6 AND state IN ('sent', 'expired')",
        )
        .bind(deadline)
        .bind(expires_at)
        .bind(letter)
        .bind(letter_sha256)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Rescinds an unanswered offer.
    pub async fn rescind_offer(tx: &mut Tx, id: i64, reason: &str, now: i64) -> Result<()> {
        let result = sqlx::query(
            "UPDATE offers SET state = 'rescinded', rescind_reason = $1, updated_at = $2 \
             WHERE id = $3 AND state NOT IN ('accepted', 'declined', 'rescinded')",
        )
        .bind(reason)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// How many offers of an opening hold its headcount, other than `except`.
    pub async fn offers_holding_headcount(
        tx: &mut Tx,
        opening_id: i64,
        except: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM offers WHERE opening_id = $1 AND id <> $2 AND state IN {STATES_HOLDING}"
        ))
        .bind(opening_id)
        .bind(except)
        .fetch_one(&mut **tx)
        .await?)
    }

    /// A season's offers counted by opening and state.
    pub async fn offer_counts(&self, season_id: i64) -> Result<Vec<OfferCount>> {
        Ok(sqlx::query_as(
            "SELECT opening_id, state, COUNT(*) AS offers FROM offers WHERE season_id = $1 GROUP BY opening_id, state",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The applications of a season at the Offer stage without an offer, each with its first
    /// choice and that opening's band.
    pub async fn awaiting_offers(&self, season_id: i64) -> Result<Vec<AwaitingOffer>> {
        Ok(sqlx::query_as(
            "SELECT a.id AS application_id, u.display_name AS candidate_name, o.id AS opening_id, \
             l.time_zone, p.currency, p.monthly_pay_minor, p.housing_stipend_minor, p.relocation_minor \
             FROM applications a JOIN users u ON u.id = a.candidate_id \
             JOIN application_choices ch ON ch.application_id = a.id AND ch.rank = 1 \
             JOIN openings o ON o.id = ch.opening_id JOIN locations l ON l.id = o.location_id \
             LEFT JOIN pay_bands p ON p.track_id = o.track_id AND p.location_id = o.location_id \
             WHERE a.season_id = $1 AND a.stage = 'offer' \
             AND NOT EXISTS (SELECT 1 FROM offers f WHERE f.application_id = a.id) ORDER BY a.id",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The applications of a season at `stage` without an offer whose first choice has a pay
    /// band, oldest first (the demo picks its offers' candidates from them).
    pub async fn applications_without_offer(
        &self,
        season_id: i64,
        stage: Stage,
    ) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT a.id FROM applications a JOIN application_choices c ON c.application_id = a.id AND c.rank = 1 \
             JOIN openings o ON o.id = c.opening_id \
             JOIN pay_bands p ON p.track_id = o.track_id AND p.location_id = o.location_id \
             WHERE a.season_id = $1 AND a.stage = $2 \
             AND NOT EXISTS (SELECT 1 FROM offers f WHERE f.application_id = a.id) ORDER BY a.id",
        )
        .bind(season_id)
        .bind(stage.as_str())
        .fetch_all(&self.reader)
        .await?)
    }

    /// A season's saved approval chain as (approver, applies) codes, or `None` when it was never
    /// saved (the default chain applies).
    pub async fn offer_chain(&self, season_id: i64) -> Result<Option<Vec<(String, String)>>> {
        let saved: Option<i64> =
            sqlx::query_scalar("SELECT season_id FROM offer_chain_saved WHERE season_id = $1")
                .bind(season_id)
                .fetch_optional(&self.reader)
                .await?;
        if saved.is_none() {
            return Ok(None);
        }
        Ok(Some(
            sqlx::query_as(
                "SELECT approver, applies FROM offer_approval_steps WHERE season_id = $1 ORDER BY position",
            )
            .bind(season_id)
            .fetch_all(&self.reader)
            .await?,
        ))
    }

    pub async fn save_offer_chain(
        tx: &mut Tx,
        season_id: i64,
        steps: &[(String, String)],
    ) -> Result<()> {
        sqlx::query("DELETE FROM offer_approval_steps WHERE season_id = $1")
            .bind(season_id)
            .execute(&mut **tx)
            .await?;
        for (position, (approver, applies)) in steps.iter().enumerate() {
            sqlx::query(
                "INSERT INTO offer_approval_steps (season_id, position, approver, applies) VALUES ($1, $2, $3, $4)",
            )
            .bind(season_id)
            .bind(position as i64)
            .bind(approver)
            .bind(applies)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO offer_chain_saved (season_id) VALUES ($1) ON CONFLICT (season_id) DO NOTHING",
        )
        .bind(season_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A season's letter template, if an administrator saved one.
    pub async fn offer_letter_template(&self, season_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT markdown FROM offer_letter_templates WHERE season_id = $1")
                .bind(season_id)
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    pub async fn save_offer_letter_template(
        tx: &mut Tx,
        season_id: i64,
        markdown: &str,
        updated_by: i64,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO offer_letter_templates (season_id, markdown, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (season_id) DO UPDATE SET markdown = excluded.markdown, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(season_id)
        .bind(markdown)
        .bind(updated_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
