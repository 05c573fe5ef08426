//! Planning engines for an internship program. Pure: no database, no HTTP, no clock read. The
//! command line (`cohort plan ...`) reads instances from files and times the runs; later the web
//! layer builds instances from its own tables.
//!
//! - [`matching`]: interns to mentors (or buddies), each mentor taking up to their capacity. The
//!   optimal mode matches as many interns as possible and, among those matchings, maximises the
//!   total score, and proves it with a dual certificate. The stable mode computes an
//!   intern-optimal stable matching (the hospitals/residents problem).
//! - [`loops`]: whole-week interview-loop scheduling: the instance, the rule checker behind
//!   `cohort plan check`, and the scheduler behind `cohort plan loops`.
//!
//! Input is parsed once, at the boundary, into validated types; every refusal names the path of
//! the offending field ([`InputError`]).

pub mod loops;
pub mod matching;

/// Input that cannot be planned with: the path of the offending field (`mentors[2].capacity`)
/// and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl InputError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Parses JSON into `T`, reporting a type error with the path of the field where it happened.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let path = if path == "." {
            "(document)".to_owned()
        } else {
            path
        };
        InputError::new(path, inner.to_string())
    })
}
