//! Onboarding's mail: orientation invitations (with their calendar event) and reminders of
//! overdue tasks.

use crate::mail::{Message, RECRUITING_TEAM};

/// An orientation session, with its iCalendar invitation.
pub struct OrientationInvitation<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub when: &'a str,
    pub location: &'a str,
    pub calendar: String,
}

impl Message for OrientationInvitation<'_> {
    const TEMPLATE: &'static str = "orientation_invitation";

    fn subject(&self) -> String {
        format!("Orientation: {}", self.title)
    }

    fn body(&self) -> String {
        let OrientationInvitation {
            name,
            title,
            when,
            location,
            ..
        } = self;
        let place = if location.is_empty() {
            String::new()
        } else {
            format!(" ({location})")
        };
        format!("Hello {name},\n\nYou are invited to {title} on {when}{place}. The invitation is attached for your calendar.\n\n{RECRUITING_TEAM}\n")
    }

    fn calendar(&self) -> Option<String> {
        Some(self.calendar.clone())
    }
}

/// A task passed its due date undone.
pub struct TaskOverdue<'a> {
    pub name: &'a str,
    pub task: &'a str,
    pub intern: &'a str,
    /// The reader is the intern themself.
    pub for_intern: bool,
    pub due: &'a str,
    pub link: &'a str,
}

impl Message for TaskOverdue<'_> {
    const TEMPLATE: &'static str = "onboarding_task_overdue";

    fn subject(&self) -> String {
        if self.for_intern {
            format!("Overdue: {}", self.task)
        } else {
            format!("Overdue for {}: {}", self.intern, self.task)
        }
    }

    fn body(&self) -> String {
        let TaskOverdue {
            name,
            task,
            intern,
            due,
            link,
            ..
        } = self;
        if self.for_intern {
            format!("Hello {name},\n\n\"{task}\" on your onboarding checklist was due on {due}. Please do it now:\n\n  {link}\n\n{RECRUITING_TEAM}\n")
        } else {
            format!("Hello {name},\n\n\"{task}\" for {intern}'s onboarding was due on {due} and is not done yet:\n\n  {link}\n\nCohort\n")
        }
    }
}
