//! Interviewers: every active account with the Interviewer role, with its profile, tracks and
//! training, read in a fixed number of queries whatever their number.

use super::CompetencyRecord;
use crate::{affected, Result, Store, StoreError, Tx};
use chrono::NaiveDate;
use chrono_tz::Tz;
use cohort_domain::interviews::profile::{Hours, Profile, TimeOff, Training, TrainingState};
use std::collections::BTreeMap;
use std::sync::Arc;

/// An interviewer as the pages and the planner need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interviewer {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    /// `None` until the interviewer (or a recruiter) fills it in.
    pub profile: Option<Profile>,
    pub bar_raiser: bool,
    /// Track names, sorted.
    pub tracks: Vec<String>,
    /// By competency id.
    pub training: BTreeMap<i64, Training>,
}

impl Interviewer {
    /// Whether the interviewer interviews alone in `competency`.
    pub fn qualified_in(&self, competency: i64) -> bool {
        self.training
            .get(&competency)
            .is_some_and(|t| t.state == TrainingState::Qualified)
    }
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    user_id: i64,
    name: String,
    email: String,
    time_zone: Option<String>,
    meeting_link: Option<String>,
    daily_cap: Option<i64>,
    weekly_cap: Option<i64>,
    bar_raiser: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct HoursRow {
    user_id: i64,
    weekday: i64,
    start_minute: i64,
    end_minute: i64,
}

#[derive(sqlx::FromRow)]
struct TimeOffRow {
    user_id: i64,
    first_day: String,
    last_day: String,
}

#[derive(sqlx::FromRow)]
struct TrackRow {
    user_id: i64,
    track_name: String,
}

#[derive(sqlx::FromRow)]
struct TrainingRow {
    user_id: i64,
    competency_id: i64,
    #[sqlx(try_from = "String")]
    state: TrainingState,
    shadows: i64,
    reverse_shadows: i64,
}

fn corrupt(what: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(what.into()))
}

/// The people, restricted to one when `only` is set.
const PEOPLE: &str =
    "SELECT u.id AS user_id, u.display_name AS name, u.email, p.time_zone, p.meeting_link, \
     p.daily_cap, p.weekly_cap, p.bar_raiser \
     FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'interviewer' \
     LEFT JOIN interviewer_profiles p ON p.user_id = u.id \
     WHERE u.deactivated_at IS NULL ORDER BY u.display_name, u.id";

/// The interviewer directory as this process last read it: every active interviewer and every
/// competency, at the version of `interviewer_directory_version` read just before them. Database
/// triggers bump that version in the same transaction as any change to what the directory
/// holds, so a copy whose version is still current is exactly what the tables hold; a booking
/// then costs one small read instead of six.
#[derive(Debug, Default)]
pub(crate) struct DirectoryCopy(std::sync::Mutex<Option<Directory>>);

/// One reading of the interviewer directory.
#[derive(Debug, Clone)]
pub struct Directory {
    version: i64,
    /// Every active interviewer, by name.
    pub interviewers: Arc<Vec<Interviewer>>,
    /// As [`Store::competencies`] orders them.
    pub competencies: Arc<Vec<CompetencyRecord>>,
}

impl Store {
    /// The interviewer directory, read again only when it changed since this process last read it.
    pub async fn interviewer_directory(&self) -> Result<Directory> {
        // The version is read before the tables: a change that commits in between makes the copy
        // newer than its version says, which only costs a second reading, never a stale one.
        let version: i64 =
            sqlx::query_scalar("SELECT version FROM interviewer_directory_version WHERE id = 1")
                .fetch_one(&self.reader)
                .await?;
        if let Some(copy) = self.directory_copy().filter(|d| d.version == version) {
            return Ok(copy);
        }
        let competencies = Arc::new(self.read_competencies().await?);
        let interviewers = Arc::new(self.read_interviewers().await?);
        let directory = Directory {
            version,
            interviewers,
            competencies,
        };
        let mut copy = self.directory.0.lock().unwrap_or_else(|e| e.into_inner());
        // Another request may have read a newer version meanwhile; keep the newest.
        if copy.as_ref().is_none_or(|c| c.version <= version) {
            *copy = Some(directory.clone());
        }
        Ok(directory)
    }

    fn directory_copy(&self) -> Option<Directory> {
        self.directory
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Every active interviewer, by name.
    pub async fn interviewers(&self) -> Result<Vec<Interviewer>> {
        Ok(self.interviewer_directory().await?.interviewers.to_vec())
    }

    /// One interviewer; `None` when the account is not an active interviewer.
    pub async fn interviewer(&self, user_id: i64) -> Result<Option<Interviewer>> {
        Ok(self
            .interviewer_directory()
            .await?
            .interviewers
            .iter()
            .find(|i| i.user_id == user_id)
            .cloned())
    }

    /// Reads the directory's interviewers from the tables, in a fixed number of queries.
    async fn read_interviewers(&self) -> Result<Vec<Interviewer>> {
        let people: Vec<PersonRow> = sqlx::query_as(PEOPLE).fetch_all(&self.reader).await?;
        let hours: Vec<HoursRow> = sqlx::query_as(
            "SELECT user_id, weekday, start_minute, end_minute FROM interviewer_hours",
        )
        .fetch_all(&self.reader)
        .await?;
        let time_off: Vec<TimeOffRow> = sqlx::query_as(
            "SELECT user_id, first_day, last_day FROM interviewer_time_off ORDER BY first_day",
        )
        .fetch_all(&self.reader)
        .await?;
        let tracks: Vec<TrackRow> = sqlx::query_as(
            "SELECT user_id, track_name FROM interviewer_tracks ORDER BY track_name",
        )
        .fetch_all(&self.reader)
        .await?;
        let training: Vec<TrainingRow> = sqlx::query_as(
            "SELECT user_id, competency_id, state, shadows, reverse_shadows FROM interviewer_competencies",
        )
        .fetch_all(&self.reader)
        .await?;
        assemble(people, hours, time_off, tracks, training)
    }

    /// Creates or replaces what the profile form sets (not the tracks, the bar raiser flag or
    /// the training, which recruiters set).
    pub async fn save_interviewer_profile(
        tx: &mut Tx,
        user_id: i64,
        profile: &Profile,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO interviewer_profiles (user_id, time_zone, meeting_link, daily_cap, weekly_cap, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone, \
             meeting_link = excluded.meeting_link, daily_cap = excluded.daily_cap, weekly_cap = excluded.weekly_cap, \
             updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(profile.time_zone.name())
        .bind(profile.meeting_link.as_deref())
        .bind(i64::from(profile.daily_cap))
        .bind(i64::from(profile.weekly_cap))
        .bind(now)
        .execute(&mut **tx)
        .await?;
        for table in ["interviewer_hours", "interviewer_time_off"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
        }
        for (weekday, hours) in profile.hours.iter().enumerate() {
            let Some(hours) = hours else { continue };
            sqlx::query(
                "INSERT INTO interviewer_hours (user_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)",
            )
            .bind(user_id)
            .bind(weekday as i64)
            .bind(i64::from(hours.start))
            .bind(i64::from(hours.end))
            .execute(&mut **tx)
            .await?;
        }
        for period in &profile.time_off {
            sqlx::query(
                "INSERT INTO interviewer_time_off (user_id, first_day, last_day) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, first_day) DO UPDATE SET last_day = excluded.last_day",
            )
            .bind(user_id)
            .bind(period.first.to_string())
            .bind(period.last.to_string())
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Sets whether an interviewer is a bar raiser and the tracks they serve. The profile must
    /// exist ([`StoreError::NotFound`] otherwise).
    pub async fn set_interviewer_staffing(
        tx: &mut Tx,
        user_id: i64,
        bar_raiser: bool,
        tracks: &[String],
    ) -> Result<()> {
        let changed =
            sqlx::query("UPDATE interviewer_profiles SET bar_raiser = $1 WHERE user_id = $2")
                .bind(i64::from(bar_raiser))
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM interviewer_tracks WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        for track in tracks {
            sqlx::query(
                "INSERT INTO interviewer_tracks (user_id, track_name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(user_id)
            .bind(track)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Sets (or, with `None`, removes) an interviewer's training in one competency, recording
    /// who signed it off when it became qualified through a sign-off.
    pub async fn set_training(
        tx: &mut Tx,
        user_id: i64,
        competency_id: i64,
        training: Option<Training>,
        signed_off: Option<(i64, i64)>,
    ) -> Result<()> {
        let Some(training) = training else {
            sqlx::query(
                "DELETE FROM interviewer_competencies WHERE user_id = $1 AND competency_id = $2",
            )
            .bind(user_id)
            .bind(competency_id)
            .execute(&mut **tx)
            .await?;
            return Ok(());
        };
        sqlx::query(
            "INSERT INTO interviewer_competencies (user_id, competency_id, state, shadows, reverse_shadows, signed_off_by, signed_off_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, competency_id) DO UPDATE SET \
             state = excluded.state, shadows = excluded.shadows, reverse_shadows = excluded.reverse_shadows, \
             signed_off_by = COALESCE(excluded.signed_off_by, interviewer_competencies.signed_off_by), \
             signed_off_at = COALESCE(excluded.signed_off_at, interviewer_competencies.signed_off_at)",
        )
        .bind(user_id)
        .bind(competency_id)
        .bind(training.state.as_str())
        .bind(i64::from(training.shadows))
        .bind(i64::from(training.reverse_shadows))
        .bind(signed_off.map(|(by, _)| by))
        .bind(signed_off.map(|(_, at)| at))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// An interviewer's training in one competency, read inside a transaction that changes it.
    pub async fn training_in(
        tx: &mut Tx,
        user_id: i64,
        competency_id: i64,
    ) -> Result<Option<Training>> {
        let row: Option<TrainingRow> = sqlx::query_as(
            "SELECT user_id, competency_id, state, shadows, reverse_shadows FROM interviewer_competencies \
             WHERE user_id = $1 AND competency_id = $2",
        )
        .bind(user_id)
        .bind(competency_id)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(row.map(|row| training_of(&row)))
    }
}

fn training_of(row: &TrainingRow) -> Training {
    Training {
        state: row.state,
        shadows: row.shadows.max(0) as u32,
        reverse_shadows: row.reverse_shadows.max(0) as u32,
    }
}

fn day(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| corrupt(format!("a stored day {text:?}")))
}

fn assemble(
    people: Vec<PersonRow>,
    hours: Vec<HoursRow>,
    time_off: Vec<TimeOffRow>,
    tracks: Vec<TrackRow>,
    training: Vec<TrainingRow>,
) -> Result<Vec<Interviewer>> {
    let mut hours_of: BTreeMap<i64, [Option<Hours>; 7]> = BTreeMap::new();
    for row in hours {
        let week = hours_of.entry(row.user_id).or_default();
        if let Some(slot) = week.get_mut(row.weekday as usize) {
            *slot = Some(Hours {
                start: row.start_minute as u32,
                end: row.end_minute as u32,
            });
        }
    }
    let mut time_off_of: BTreeMap<i64, Vec<TimeOff>> = BTreeMap::new();
    for row in time_off {
        time_off_of.entry(row.user_id).or_default().push(TimeOff {
            first: day(&row.first_day)?,
            last: day(&row.last_day)?,
        });
    }
    let mut tracks_of: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in tracks {
        tracks_of
            .entry(row.user_id)
            .or_default()
            .push(row.track_name);
    }
    let mut training_of_user: BTreeMap<i64, BTreeMap<i64, Training>> = BTreeMap::new();
    for row in &training {
        training_of_user
            .entry(row.user_id)
            .or_default()
            .insert(row.competency_id, training_of(row));
    }
    people
        .into_iter()
        .map(|person| {
            let profile = match (&person.time_zone, person.daily_cap, person.weekly_cap) {
                (Some(zone), Some(daily), Some(weekly)) => Some(Profile {
                    time_zone: zone
                        .parse::<Tz>()
                        .map_err(|_| corrupt(format!("a stored time zone {zone:?}")))?,
                    meeting_link: person.meeting_link.clone(),
                    daily_cap: daily as u32,
                    weekly_cap: weekly as u32,
                    hours: hours_of.remove(&person.user_id).unwrap_or_default(),
                    time_off: time_off_of.remove(&person.user_id).unwrap_or_default(),
                }),
                _ => None,
            };
            Ok(Interviewer {
                user_id: person.user_id,
                name: person.name,
                email: person.email,
                profile,
                bar_raiser: person.bar_raiser.unwrap_or(0) != 0,
                tracks: tracks_of.remove(&person.user_id).unwrap_or_default(),
                training: training_of_user.remove(&person.user_id).unwrap_or_default(),
            })
        })
        .collect()
}

/// An interviewer's uploaded calendar.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarRecord {
    pub user_id: i64,
    pub file_name: String,
    pub ics: String,
    pub uploaded_at: i64,
}

impl Store {
    /// Keeps an interviewer's calendar, replacing the one before. The profile must exist
    /// ([`StoreError::NotFound`] otherwise).
    pub async fn save_interviewer_calendar(
        tx: &mut Tx,
        user_id: i64,
        file_name: &str,
        ics: &str,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "INSERT INTO interviewer_calendars (user_id, file_name, ics, uploaded_at) \
             SELECT user_id, $2, $3, $4 FROM interviewer_profiles WHERE user_id = $1 \
             ON CONFLICT (user_id) DO UPDATE SET file_name = excluded.file_name, ics = excluded.ics, \
             uploaded_at = excluded.uploaded_at",
        )
        .bind(user_id)
        .bind(file_name)
        .bind(ics)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn remove_interviewer_calendar(tx: &mut Tx, user_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM interviewer_calendars WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub async fn interviewer_calendar(&self, user_id: i64) -> Result<Option<CalendarRecord>> {
        Ok(sqlx::query_as(
            "SELECT user_id, file_name, ics, uploaded_at FROM interviewer_calendars WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.reader)
        .await?)
    }
}

/// An interviewer's calendar address and how its reading went.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubscriptionRecord {
    pub user_id: i64,
    pub url: String,
    pub added_at: i64,
    pub tried_at: Option<i64>,
    pub read_at: Option<i64>,
    pub error: Option<String>,
}

impl Store {
    /// Subscribes an interviewer to the calendar at `url`, replacing any address before (and
    /// forgetting how that one went). [`StoreError::NotFound`] without a profile.
    pub async fn set_calendar_subscription(
        tx: &mut Tx,
        user_id: i64,
        url: &str,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "INSERT INTO calendar_subscriptions (user_id, url, added_at) \
             SELECT user_id, $2, $3 FROM interviewer_profiles WHERE user_id = $1 \
             ON CONFLICT (user_id) DO UPDATE SET url = excluded.url, added_at = excluded.added_at, \
             tried_at = NULL, read_at = NULL, error = NULL",
        )
        .bind(user_id)
        .bind(url)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn remove_calendar_subscription(tx: &mut Tx, user_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM calendar_subscriptions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub async fn calendar_subscription(&self, user_id: i64) -> Result<Option<SubscriptionRecord>> {
        Ok(sqlx::query_as(
            "SELECT user_id, url, added_at, tried_at, read_at, error FROM calendar_subscriptions \
             WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// Records a try at reading `url` (`error` when it failed). A subscription that changed its
    /// address meanwhile is left alone: this try was of the old one. False when nothing matched.
    pub async fn record_subscription_try(
        tx: &mut Tx,
        user_id: i64,
        url: &str,
        error: Option<&str>,
        now: i64,
    ) -> Result<bool> {
        let result = sqlx::query(
            "UPDATE calendar_subscriptions SET tried_at = $3, error = $4, \
             read_at = CASE WHEN $4 IS NULL THEN $3 ELSE read_at END \
             WHERE user_id = $1 AND url = $2",
        )
        .bind(user_id)
        .bind(url)
        .bind(now)
        .bind(error)
        .execute(&mut **tx)
        .await?;
        Ok(affected(result) == 1)
    }
}
