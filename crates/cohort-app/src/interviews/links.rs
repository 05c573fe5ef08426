//! The addresses that interview mail, invitations and feeds link to, in one leaf module that
//! the modules writing them share without importing one another.

/// The link where a candidate manages an application's phone screens.
pub fn manage_path(application_id: i64) -> String {
    format!("/me/applications/{application_id}/phone-screen")
}

/// An interviewer's own interviews.
pub const SCHEDULE_PATH: &str = "/interviewer/interviews";

/// An interview's kit, for its interviewer and shadow.
pub fn kit_path(interview_id: i64) -> String {
    format!("{SCHEDULE_PATH}/{interview_id}/kit")
}
