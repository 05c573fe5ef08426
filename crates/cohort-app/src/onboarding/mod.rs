//! Onboarding: from an accepted offer to an intern's first weeks.
//!
//! Accepting an offer copies the checklist template of the offer's track (or the default) into
//! the intern's tasks, each due on its day relative to the start date, queues a reminder for
//! each task at the end of its due day, and sends the orientation sessions of the intern's
//! start date as calendar invitations, all in the acceptance's transaction ([`prepare`] reads
//! what that needs before it, [`start`] writes it). Interns do their own tasks; recruiters and
//! administrators do the tasks of IT and recruiting, and the track's hiring manager (or a
//! recruiter) the manager's.

pub mod mail;

use crate::jobs::{self, Done, Job, JobError};
use crate::mail::Message;
use crate::App;
use chrono::NaiveDate;
use chrono_tz::Tz;
use cohort_domain::interviews::itip::{Attendee, AttendeeRole, Invitation, Method};
use cohort_domain::onboarding::{self, default_template, TaskKind, TaskOwner, TemplateTask};
use cohort_domain::{FieldErrors, Role};
use cohort_store::accounts::Account;
use cohort_store::offers::{Contact, OfferRecord};
use cohort_store::onboarding::{NewSession, SessionRecord, TaskRecord};
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};

/// Why an onboarding change was refused; the messages are shown to the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum OnboardingError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("Some fields need attention.")]
    Invalid(FieldErrors),
    #[error("This task was already done.")]
    AlreadyDone,
    #[error("the file could not be stored: {0}")]
    Blob(std::io::Error),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for OnboardingError {
    fn from(error: StoreError) -> OnboardingError {
        match error {
            StoreError::NotFound => OnboardingError::NotFound,
            StoreError::Stale => OnboardingError::AlreadyDone,
            other => OnboardingError::Store(other),
        }
    }
}

/// How long an intern who accepts late has for the tasks already past due before a reminder.
pub const GRACE_SECONDS: i64 = 24 * 3600;

/// The largest document a task takes.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// A track's checklist: as saved, or the default.
pub async fn template(app: &App, track_id: i64) -> Result<Vec<TemplateTask>, StoreError> {
    Ok(app
        .store()
        .onboarding_template(track_id)
        .await?
        .unwrap_or_else(default_template))
}

/// What starting an intern's onboarding writes, read before the acceptance's transaction.
pub struct Plan {
    offer_id: i64,
    intern_id: i64,
    intern_name: String,
    intern_email: String,
    zone: Tz,
    tasks: Vec<(TemplateTask, String)>,
    sessions: Vec<SessionRecord>,
}

/// Reads the template of `offer`'s track and its start date's orientation sessions.
pub async fn prepare(app: &App, offer: &OfferRecord) -> Result<Plan, StoreError> {
    let start = NaiveDate::parse_from_str(&offer.start_date, "%Y-%m-%d")
        .unwrap_or_else(|_| app.now_utc().date_naive());
    let tasks = template(app, offer.track_id)
        .await?
        .into_iter()
        .map(|task| {
            let due = onboarding::due_date(start, task.due_offset_days);
            (task, due.format("%Y-%m-%d").to_string())
        })
        .collect();
    let sessions = app
        .store()
        .orientation_sessions(offer.season_id, Some(&offer.start_date))
        .await?;
    Ok(Plan {
        offer_id: offer.id,
        intern_id: offer.candidate_id,
        intern_name: offer.candidate_name.clone(),
        intern_email: offer.candidate_email.clone(),
        zone: offer.time_zone.parse().unwrap_or(chrono_tz::UTC),
        tasks,
        sessions,
    })
}

/// Writes the intern's tasks with their reminders and the orientation invitations, in the
/// acceptance's transaction.
pub async fn start(app: &App, tx: &mut Tx, plan: &Plan) -> Result<(), StoreError> {
    let ids =
        Store::create_onboarding_tasks(tx, plan.offer_id, plan.intern_id, &plan.tasks).await?;
    for (id, (_, due)) in ids.iter().zip(&plan.tasks) {
        let Ok(day) = NaiveDate::parse_from_str(due, "%Y-%m-%d") else {
            continue;
        };
        // A task already past due when the intern accepts is given a day before its reminder,
        // rather than a burst of overdue mail with the welcome.
        let at = cohort_domain::offers::end_of_day(day, plan.zone)
            .timestamp()
            .max(app.now() + GRACE_SECONDS);
        jobs::enqueue_at(
            tx,
            &RemindTask {
                task_id: *id,
                due_date: due.clone(),
            },
            app.now(),
            at,
        )
        .await?;
    }
    for session in &plan.sessions {
        let message = invitation(app, session, &plan.intern_name, &plan.intern_email);
        Store::enqueue_message(tx, &message, app.now()).await?;
    }
    Ok(())
}

/// `session` as an iCalendar text for one attendee: an invitation (REQUEST) for mail, or an
/// event to add (PUBLISH) for the page's download.
pub fn session_ics(app: &App, session: &SessionRecord, name: &str, email: &str) -> String {
    session_calendar(app, session, name, email, Method::Publish)
}

fn session_calendar(
    app: &App,
    session: &SessionRecord,
    name: &str,
    email: &str,
    method: Method,
) -> String {
    let from = &app.config().mail.from;
    let organizer_name = from.name.clone().unwrap_or_else(|| "Cohort".to_owned());
    let organizer_email = from.email.to_string();
    let uid = format!("orientation-{}@{}", session.id, app.config().host());
    let at = |seconds: i64| chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    Invitation {
        method,
        uid: &uid,
        sequence: 0,
        stamp: app.now_utc(),
        start: at(session.starts_at),
        end: at(session.ends_at),
        summary: &session.title,
        description: &session.description,
        location: (!session.location.is_empty()).then_some(session.location.as_str()),
        organizer: (&organizer_name, &organizer_email),
        attendees: vec![Attendee {
            name,
            email,
            role: AttendeeRole::Required,
        }],
    }
    .to_ics()
}

/// The calendar invitation to `session` for one intern.
fn invitation(
    app: &App,
    session: &SessionRecord,
    name: &str,
    email: &str,
) -> cohort_store::outbox::NewMessage {
    let at = |seconds: i64| chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    let calendar = session_calendar(app, session, name, email, Method::Request);
    mail::OrientationInvitation {
        name,
        title: &session.title,
        when: &format!(
            "{} UTC",
            at(session.starts_at).format("%A %-d %B %Y, %H:%M")
        ),
        location: &session.location,
        calendar,
    }
    .to(email)
}

/// Who may do `task` of an intern whose track's hiring manager is `manager`.
pub fn may_do(account: &Account, task: &TaskRecord, manager: Option<i64>) -> bool {
    let recruiting = account.has(Role::Administrator) || account.has(Role::Recruiter);
    match task.owner {
        TaskOwner::Intern => account.user.id == task.intern_id,
        TaskOwner::Manager => recruiting || manager == Some(account.user.id),
        TaskOwner::It | TaskOwner::Recruiting => recruiting,
    }
}

/// Who may read an intern's checklist: the intern, and the people who work the pipeline.
pub fn may_read(account: &Account, intern_id: i64) -> bool {
    account.user.id == intern_id || account.roles.iter().any(|r| r.sees_pipeline())
}

/// What doing a task hands in.
pub enum Handed<'a> {
    /// A training confirmed or a link followed.
    Nothing,
    Answer(&'a str),
    Upload {
        bytes: Vec<u8>,
        filename: &'a str,
    },
}

/// Marks a task done with what its kind asks for.
pub async fn complete(
    app: &App,
    account: &Account,
    task_id: i64,
    handed: Handed<'_>,
) -> Result<(), OnboardingError> {
    let task = app.store().onboarding_task(task_id).await?;
    let offer = app.store().offer(task.offer_id).await?;
    let manager = app.store().track_manager_id(offer.track_id).await?;
    if !may_read(account, task.intern_id) {
        return Err(OnboardingError::NotFound);
    }
    if !may_do(account, &task, manager) {
        return Err(OnboardingError::Forbidden(match task.owner {
            TaskOwner::Intern => "Only the intern does this task.",
            TaskOwner::Manager => "Only the intern's manager or recruiting does this task.",
            TaskOwner::It | TaskOwner::Recruiting => {
                "Only recruiting and administrators do this task."
            }
        }));
    }
    if task.is_done() {
        return Err(OnboardingError::AlreadyDone);
    }
    let mut errors = FieldErrors::new();
    let (answer, upload) = match (task.kind, handed) {
        (TaskKind::Form, Handed::Answer(text)) => {
            (errors.take("answer", onboarding::check_answer(text)), None)
        }
        (TaskKind::Form, _) => {
            errors.add("answer", "Write your answer before marking the task done.");
            (None, None)
        }
        (TaskKind::Upload, Handed::Upload { bytes, filename }) => {
            if bytes.len() > MAX_UPLOAD_BYTES {
                errors.add("file", "The document is larger than 10 MB, the limit.");
                (None, None)
            } else if !bytes.starts_with(b"%PDF-") {
                errors.add("file", "Upload the document as a PDF.");
                (None, None)
            } else {
                let blob = app.blobs().put(&bytes).map_err(OnboardingError::Blob)?;
                let name: String = filename
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(200)
                    .collect();
                (None, Some((blob.as_str().to_owned(), name)))
            }
        }
        (TaskKind::Upload, _) => {
            errors.add("file", "Choose the PDF to upload.");
            (None, None)
        }
        (TaskKind::Training | TaskKind::Link, _) => (None, None),
    };
    if !errors.is_empty() {
        return Err(OnboardingError::Invalid(errors));
    }
    let mut tx = app.store().begin().await?;
    Store::complete_onboarding_task(
        &mut tx,
        task_id,
        account.user.id,
        answer.as_deref(),
        upload.as_ref().map(|(b, f)| (b.as_str(), f.as_str())),
        app.now(),
    )
    .await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Opens a done task again, for whoever may do it.
pub async fn reopen(app: &App, account: &Account, task_id: i64) -> Result<(), OnboardingError> {
    let task = app.store().onboarding_task(task_id).await?;
    let offer = app.store().offer(task.offer_id).await?;
    let manager = app.store().track_manager_id(offer.track_id).await?;
    if !may_read(account, task.intern_id) {
        return Err(OnboardingError::NotFound);
    }
    if !may_do(account, &task, manager) {
        return Err(OnboardingError::Forbidden("You do not do this task."));
    }
    let mut tx = app.store().begin().await?;
    Store::reopen_onboarding_task(&mut tx, task_id).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Saves a track's checklist template (recruiters and administrators).
pub async fn save_template(
    app: &App,
    account: &Account,
    track_id: i64,
    tasks: &[TemplateTask],
) -> Result<(), OnboardingError> {
    if !(account.has(Role::Administrator) || account.has(Role::Recruiter)) {
        return Err(OnboardingError::Forbidden(
            "Only recruiters edit checklists.",
        ));
    }
    let mut tx = app.store().begin().await?;
    Store::save_onboarding_template(&mut tx, track_id, tasks).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// An orientation session as a recruiter types it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The first day of the interns it is for.
    pub start_date: String,
    /// Local date and time (`2027-06-01T09:00`) in `time_zone`.
    pub starts: String,
    pub minutes: String,
    pub time_zone: String,
    #[serde(default)]
    pub location: String,
}

/// Adds an orientation session and invites the interns already starting on its day.
pub async fn add_session(
    app: &App,
    account: &Account,
    season_id: i64,
    form: &SessionForm,
) -> Result<(i64, usize), OnboardingError> {
    if !(account.has(Role::Administrator) || account.has(Role::Recruiter)) {
        return Err(OnboardingError::Forbidden(
            "Only recruiters plan orientation.",
        ));
    }
    let mut errors = FieldErrors::new();
    let title = form.title.trim();
    if title.is_empty() || title.chars().count() > 120 {
        errors.add(
            "title",
            "Give the session a title of at most 120 characters.",
        );
    }
    let start_date = NaiveDate::parse_from_str(form.start_date.trim(), "%Y-%m-%d").ok();
    if start_date.is_none() {
        errors.add("start_date", "Enter the interns' first day as a date.");
    }
    let zone = errors.take(
        "time_zone",
        cohort_domain::season::parse_time_zone(&form.time_zone),
    );
    let minutes = match form.minutes.trim().parse::<i64>() {
        Ok(m) if (15..=480).contains(&m) => Some(m),
        _ => {
            errors.add("minutes", "A session lasts 15 to 480 minutes.");
            None
        }
    };
    let starts = zone.and_then(|zone| {
        cohort_domain::season::parse_local_time(&form.starts, zone, "the session's start")
            .map(|t| t.timestamp())
            .map_err(|e| errors.add("starts", e.0))
            .ok()
    });
    let (Some(start_date), Some(starts), Some(minutes), true) =
        (start_date, starts, minutes, errors.is_empty())
    else {
        return Err(OnboardingError::Invalid(errors));
    };
    let start_text = start_date.format("%Y-%m-%d").to_string();
    let interns: Vec<_> = app
        .store()
        .season_interns(season_id)
        .await?
        .into_iter()
        .filter(|i| i.start_date == start_text)
        .collect();
    let mut tx = app.store().begin().await?;
    let id = Store::create_orientation_session(
        &mut tx,
        &NewSession {
            season_id,
            title,
            description: form.description.trim(),
            starts_at: starts,
            ends_at: starts + minutes * 60,
            location: form.location.trim(),
            start_date: &start_text,
            created_by: account.user.id,
        },
        app.now(),
    )
    .await?;
    let session = SessionRecord {
        id,
        season_id,
        title: title.to_owned(),
        description: form.description.trim().to_owned(),
        starts_at: starts,
        ends_at: starts + minutes * 60,
        location: form.location.trim().to_owned(),
        start_date: start_text,
    };
    for intern in &interns {
        let message = invitation(app, &session, &intern.name, &intern.email);
        Store::enqueue_message(&mut tx, &message, app.now()).await?;
    }
    Store::commit(tx).await?;
    app.wake_mail();
    Ok((id, interns.len()))
}

/// The people a task's owner stands for, to remind.
async fn owners_of(app: &App, task: &TaskRecord) -> Result<Vec<Contact>, StoreError> {
    Ok(match task.owner {
        TaskOwner::Intern => app
            .store()
            .contact(task.intern_id)
            .await?
            .into_iter()
            .collect(),
        TaskOwner::Manager => {
            let offer = app.store().offer(task.offer_id).await?;
            match app.store().track_manager_id(offer.track_id).await? {
                Some(id) => app.store().contact(id).await?.into_iter().collect(),
                None => app.store().contacts_with_role("recruiter", None).await?,
            }
        }
        TaskOwner::It => {
            app.store()
                .contacts_with_role("administrator", None)
                .await?
        }
        TaskOwner::Recruiting => app.store().contacts_with_role("recruiter", None).await?,
    })
}

/// Reminds a task's owner at the end of its due day, unless it is done by then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindTask {
    pub task_id: i64,
    pub due_date: String,
}

impl Job for RemindTask {
    const KIND: &'static str = "remind_onboarding_task";
    type Context = App;

    fn key(&self) -> String {
        format!("remind_onboarding_task:{}:{}", self.task_id, self.due_date)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let task = match app.store().onboarding_task(self.task_id).await {
            Ok(task) => Some(task),
            Err(StoreError::NotFound) => None,
            Err(other) => return Err(other.into()),
        };
        let mut messages = Vec::new();
        if let Some(task) = task.filter(|t| !t.is_done() && t.due_date == self.due_date) {
            let intern = app.store().contact(task.intern_id).await?;
            let intern_name = intern.map(|c| c.name).unwrap_or_default();
            let link = if task.owner == TaskOwner::Intern {
                app.config().link("/onboarding")
            } else {
                app.config()
                    .link(&format!("/staff/onboarding/{}", task.offer_id))
            };
            for owner in owners_of(app, &task).await? {
                messages.push(
                    mail::TaskOverdue {
                        name: &owner.name,
                        task: &task.title,
                        intern: &intern_name,
                        for_intern: task.owner == TaskOwner::Intern,
                        due: &task.due_date,
                        link: &link,
                    }
                    .to(&owner.email),
                );
            }
        }
        let mut tx = app.store().begin().await?;
        for message in &messages {
            Store::enqueue_message(&mut tx, message, app.now()).await?;
        }
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        if !messages.is_empty() {
            app.wake_mail();
        }
        Ok(())
    }
}
