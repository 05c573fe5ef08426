//! Onboarding: the checklist an intern works through between accepting and their first weeks.
//!
//! A season's track has a checklist template: tasks with an owner (the intern, their manager,
//! IT or recruiting), a due date relative to the start date and a kind (a form to fill, a
//! document to upload, a training to confirm, a link to follow). Accepting an offer copies the
//! track's template (or the default, modelled on the program Cohort serves) into the intern's
//! own tasks with real due dates. Progress and what is overdue are worked out here from the
//! tasks and today's date.

use crate::input::InvalidInput;
use crate::validation::FieldErrors;
use chrono::{Duration, NaiveDate};

/// Who does a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskOwner {
    Intern,
    Manager,
    It,
    Recruiting,
}

impl TaskOwner {
    pub const ALL: [TaskOwner; 4] = [
        TaskOwner::Intern,
        TaskOwner::Manager,
        TaskOwner::It,
        TaskOwner::Recruiting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskOwner::Intern => "intern",
            TaskOwner::Manager => "manager",
            TaskOwner::It => "it",
            TaskOwner::Recruiting => "recruiting",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskOwner::Intern => "The intern",
            TaskOwner::Manager => "Their manager",
            TaskOwner::It => "IT",
            TaskOwner::Recruiting => "Recruiting",
        }
    }

    pub fn parse(text: &str) -> Option<TaskOwner> {
        TaskOwner::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

impl TryFrom<String> for TaskOwner {
    type Error = String;

    fn try_from(code: String) -> Result<TaskOwner, String> {
        TaskOwner::parse(&code).ok_or_else(|| format!("unknown task owner {code:?}"))
    }
}

/// What doing a task means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// A form to fill: the answer is kept.
    Form,
    /// A document to upload (PDF, at most 10 MB).
    Upload,
    /// A training to take and confirm.
    Training,
    /// A link to follow.
    Link,
}

impl TaskKind {
    pub const ALL: [TaskKind; 4] = [
        TaskKind::Form,
        TaskKind::Upload,
        TaskKind::Training,
        TaskKind::Link,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Form => "form",
            TaskKind::Upload => "upload",
            TaskKind::Training => "training",
            TaskKind::Link => "link",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskKind::Form => "Form to fill",
            TaskKind::Upload => "Document to upload",
            TaskKind::Training => "Training to confirm",
            TaskKind::Link => "Link to follow",
        }
    }

    pub fn parse(text: &str) -> Option<TaskKind> {
        TaskKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl TryFrom<String> for TaskKind {
    type Error = String;

    fn try_from(code: String) -> Result<TaskKind, String> {
        TaskKind::parse(&code).ok_or_else(|| format!("unknown task kind {code:?}"))
    }
}

/// One task of a checklist template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateTask {
    pub title: String,
    pub description: String,
    pub owner: TaskOwner,
    pub kind: TaskKind,
    /// Days from the start date (negative: before it).
    pub due_offset_days: i64,
    /// Where a link or a training is; empty otherwise.
    pub link: String,
}

/// The checklist every track starts with, after the program Cohort models: housing and tax
/// forms weeks ahead, equipment and accounts before the first day, orientation and security
/// training in the first week.
pub fn default_template() -> Vec<TemplateTask> {
    let task =
        |title: &str, description: &str, owner, kind, due_offset_days, link: &str| TemplateTask {
            title: title.to_owned(),
            description: description.to_owned(),
            owner,
            kind,
            due_offset_days,
            link: link.to_owned(),
        };
    vec![
        task(
            "Choose your housing",
            "Tell us whether you take the housing stipend or corporate housing, and the dates you need it.",
            TaskOwner::Intern,
            TaskKind::Form,
            -28,
            "",
        ),
        task(
            "Tax and payroll forms",
            "Upload your signed tax withholding and payroll forms (one PDF) so that your first pay is on time.",
            TaskOwner::Intern,
            TaskKind::Upload,
            -21,
            "",
        ),
        task(
            "Equipment shipping address",
            "Where should we ship your laptop? Give a street address where someone can sign for it.",
            TaskOwner::Intern,
            TaskKind::Form,
            -14,
            "",
        ),
        task(
            "Confirm the start date and right to work",
            "Recruiting confirms the intern's first day and checks their right-to-work documents.",
            TaskOwner::Recruiting,
            TaskKind::Form,
            -10,
            "",
        ),
        task(
            "Create accounts and tool access",
            "IT creates the intern's corporate account, email, source control and chat, from the SCIM feed.",
            TaskOwner::It,
            TaskKind::Link,
            -5,
            "",
        ),
        task(
            "Ship the laptop",
            "IT ships the laptop to the address the intern gave.",
            TaskOwner::It,
            TaskKind::Form,
            -5,
            "",
        ),
        task(
            "Attend orientation",
            "First-week orientation sessions: the company, its Leadership Principles, your benefits. The invitations are in your calendar.",
            TaskOwner::Intern,
            TaskKind::Training,
            0,
            "",
        ),
        task(
            "Security training",
            "Complete the security awareness training and confirm it here.",
            TaskOwner::Intern,
            TaskKind::Training,
            2,
            "https://security.example.com/training",
        ),
        task(
            "Welcome your intern",
            "Meet your intern on their first day: the team, the project, the first week's plan.",
            TaskOwner::Manager,
            TaskKind::Form,
            1,
            "",
        ),
    ]
}

/// The longest a title, description and answer may be.
pub const MAX_TITLE: usize = 120;
pub const MAX_DESCRIPTION: usize = 2_000;
pub const MAX_ANSWER: usize = 4_000;
/// How far before or after the start date a task may be due.
pub const MAX_OFFSET_DAYS: i64 = 120;

/// A template task as typed by a recruiter.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct TaskForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub owner: String,
    pub kind: String,
    pub due_offset_days: String,
    #[serde(default)]
    pub link: String,
}

impl TaskForm {
    pub fn parse(&self) -> Result<TemplateTask, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            errors.add(
                "title",
                format!("Give the task a title of at most {MAX_TITLE} characters."),
            );
        }
        let description = self.description.trim();
        if description.chars().count() > MAX_DESCRIPTION {
            errors.add(
                "description",
                format!("Keep the description under {MAX_DESCRIPTION} characters."),
            );
        }
        let owner = TaskOwner::parse(&self.owner);
        if owner.is_none() {
            errors.add("owner", "Choose who does the task.");
        }
        let kind = TaskKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "Choose what kind of task it is.");
        }
        let offset = match self.due_offset_days.trim().parse::<i64>() {
            Ok(days) if days.abs() <= MAX_OFFSET_DAYS => Some(days),
            _ => {
                errors.add(
                    "due_offset_days",
                    format!("Enter the days from the start date, between -{MAX_OFFSET_DAYS} and {MAX_OFFSET_DAYS}."),
                );
                None
            }
        };
        let link = self.link.trim();
        let is_web = link.starts_with("https://") || link.starts_with("http://");
        if !(link.is_empty() || is_web) {
            errors.add("link", "A link starts with https:// (or http://).");
        }
        if kind == Some(TaskKind::Link) && link.is_empty() && owner == Some(TaskOwner::Intern) {
            errors.add("link", "A link to follow needs its address.");
        }
        match (owner, kind, offset) {
            (Some(owner), Some(kind), Some(due_offset_days)) if errors.is_empty() => {
                Ok(TemplateTask {
                    title: title.to_owned(),
                    description: description.to_owned(),
                    owner,
                    kind,
                    due_offset_days,
                    link: link.to_owned(),
                })
            }
            _ => Err(errors),
        }
    }
}

/// A task's due date for an intern starting on `start`.
pub fn due_date(start: NaiveDate, offset_days: i64) -> NaiveDate {
    start + Duration::days(offset_days)
}

/// A task's state as the checklist shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Done,
    /// Due today or later.
    Open,
    /// Past its due date and not done.
    Overdue,
}

pub fn status(done: bool, due: NaiveDate, today: NaiveDate) -> TaskStatus {
    if done {
        TaskStatus::Done
    } else if due < today {
        TaskStatus::Overdue
    } else {
        TaskStatus::Open
    }
}

/// How far along a checklist is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub overdue: usize,
}

impl Progress {
    /// Progress over tasks given as (done, due date).
    pub fn of(tasks: impl IntoIterator<Item = (bool, NaiveDate)>, today: NaiveDate) -> Progress {
        let mut progress = Progress::default();
        for (done, due) in tasks {
            progress.total += 1;
            match status(done, due, today) {
                TaskStatus::Done => progress.done += 1,
                TaskStatus::Overdue => progress.overdue += 1,
                TaskStatus::Open => {}
            }
        }
        progress
    }

    /// Whole percent done (100 for an empty checklist).
    pub fn percent(&self) -> usize {
        (self.done * 100).checked_div(self.total).unwrap_or(100)
    }
}

/// Checks an answer to a form task.
pub fn check_answer(text: &str) -> Result<String, InvalidInput> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InvalidInput(
            "Write your answer before marking the task done.".into(),
        ));
    }
    if text.chars().count() > MAX_ANSWER {
        return Err(InvalidInput(format!(
            "Keep the answer under {MAX_ANSWER} characters."
        )));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_checklist_covers_what_the_program_asks_before_and_in_the_first_week() {
        let tasks = default_template();
        for title in [
            "Choose your housing",
            "Tax and payroll forms",
            "Equipment shipping address",
            "Create accounts and tool access",
            "Attend orientation",
            "Security training",
        ] {
            assert!(tasks.iter().any(|t| t.title == title), "{title}");
        }
        for owner in TaskOwner::ALL {
            assert!(
                tasks.iter().any(|t| t.owner == owner),
                "{owner:?} owns a task"
            );
        }
        for kind in TaskKind::ALL {
            assert!(tasks.iter().any(|t| t.kind == kind), "{kind:?} is used");
        }
    }

    #[test]
    fn a_template_task_parses_and_each_bad_field_is_named() {
        let form = TaskForm {
            title: "Badge photo".into(),
            description: "Upload a photo for your badge.".into(),
            owner: "intern".into(),
            kind: "upload".into(),
            due_offset_days: "-7".into(),
            link: String::new(),
        };
        let task = form.parse().unwrap();
        assert_eq!(
            (task.owner, task.kind, task.due_offset_days),
            (TaskOwner::Intern, TaskKind::Upload, -7)
        );
        let bad = TaskForm {
            title: " ".into(),
            owner: "ceo".into(),
            kind: "dance".into(),
            due_offset_days: "365".into(),
            link: "javascript:alert(1)".into(),
            ..form
        };
        let errors = bad.parse().unwrap_err();
        for field in ["title", "owner", "kind", "due_offset_days", "link"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn progress_counts_done_and_overdue_against_today() {
        let today = day("2027-06-01");
        let progress = Progress::of(
            [
                (true, day("2027-05-01")),
                (false, day("2027-05-31")),
                (false, day("2027-06-01")),
                (false, day("2027-06-10")),
            ],
            today,
        );
        assert_eq!(
            progress,
            Progress {
                done: 1,
                total: 4,
                overdue: 1
            }
        );
        assert_eq!(progress.percent(), 25);
        assert_eq!(Progress::default().percent(), 100);
        assert_eq!(due_date(today, -28), day("2027-05-04"));
        assert_eq!(status(false, day("2027-06-01"), today), TaskStatus::Open);
    }
}
