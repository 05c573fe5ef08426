//! The roles a person can hold in Cohort.

use serde::{Deserialize, Serialize};

/// A role. A person may hold several staff roles; a candidate account holds only `Candidate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Recruiter,
    HiringManager,
    Interviewer,
    Mentor,
    Intern,
    Candidate,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Administrator,
        Role::Recruiter,
        Role::HiringManager,
        Role::Interviewer,
        Role::Mentor,
        Role::Intern,
        Role::Candidate,
    ];

    /// Roles an administrator may grant through an invitation.
    pub const STAFF: [Role; 6] = [
        Role::Administrator,
        Role::Recruiter,
        Role::HiringManager,
        Role::Interviewer,
        Role::Mentor,
        Role::Intern,
    ];

    /// The stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Recruiter => "recruiter",
            Role::HiringManager => "hiring_manager",
            Role::Interviewer => "interviewer",
            Role::Mentor => "mentor",
            Role::Intern => "intern",
            Role::Candidate => "candidate",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Recruiter => "Recruiter",
            Role::HiringManager => "Hiring manager",
            Role::Interviewer => "Interviewer",
            Role::Mentor => "Mentor",
            Role::Intern => "Intern",
            Role::Candidate => "Candidate",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Whether holders of this role may see the recruiting pipeline at all.
    pub fn sees_pipeline(self) -> bool {
        matches!(
            self,
            Role::Administrator | Role::Recruiter | Role::HiringManager
        )
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_administrators_recruiters_and_hiring_managers_see_the_pipeline() {
        let seeing: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_pipeline())
            .collect();
        assert_eq!(
            seeing,
            vec![Role::Administrator, Role::Recruiter, Role::HiringManager]
        );
    }
}
