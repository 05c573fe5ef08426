//! Who may do what: the policies the [`Require`](super::Require) extractor checks, the signed-in
//! account a request carries, and each role's home page. A leaf: it imports nothing of this
//! crate, so the page layout can build its navigation from the same rules without importing the
//! extractors.

use cohort_domain::Role;
use cohort_store::accounts::Account;

/// The signed-in account, if any. Looked up once per request.
#[derive(Debug, Clone)]
pub struct CurrentAccount(pub Option<Account>);

/// Who may pass a [`Require`] extractor.
pub trait Policy: Send + Sync + 'static {
    fn allows(account: &Account) -> bool;
}

/// Any signed-in person.
pub enum SignedIn {}
/// Candidates (their own applications only; handlers check ownership).
pub enum CandidateOnly {}
/// Administrators, recruiters and hiring managers: the people who work the pipeline.
pub enum Pipeline {}
/// Administrators and recruiters: season setup.
pub enum Recruiting {}
/// Administrators.
pub enum AdminOnly {}
/// Any staff role.
pub enum StaffOnly {}
/// Interviewers (their own profile and interviews only; handlers check ownership).
pub enum InterviewerOnly {}

impl Policy for SignedIn {
    fn allows(_: &Account) -> bool {
        true
    }
}
impl Policy for CandidateOnly {
    fn allows(account: &Account) -> bool {
        account.has(Role::Candidate)
    }
}
impl Policy for Pipeline {
    fn allows(account: &Account) -> bool {
        account.roles.iter().any(|role| role.sees_pipeline())
    }
}
impl Policy for Recruiting {
    fn allows(account: &Account) -> bool {
        account.has(Role::Administrator) || account.has(Role::Recruiter)
    }
}
impl Policy for AdminOnly {
    fn allows(account: &Account) -> bool {
        account.has(Role::Administrator)
    }
}
impl Policy for InterviewerOnly {
    fn allows(account: &Account) -> bool {
        account.has(Role::Interviewer)
    }
}
impl Policy for StaffOnly {
    fn allows(account: &Account) -> bool {
        account.roles.iter().any(|role| *role != Role::Candidate)
    }
}

/// Where a person lands after signing in, by role.
pub fn home_of(account: &Account) -> &'static str {
    if Pipeline::allows(account) {
        "/staff"
    } else if account.has(Role::Intern) {
        "/onboarding"
    } else if account.has(Role::Administrator) {
        "/admin"
    } else if StaffOnly::allows(account) {
        "/staff"
    } else {
        "/me"
    }
}
