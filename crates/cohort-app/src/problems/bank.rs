//! Adding a problem package to the assessment's problem bank, from an upload or from a folder
//! (the built-in problems). The package is checked for what pages need (statement, samples,
//! starters) at once; running its submissions on the judge is a job, because it takes seconds to
//! minutes and needs a machine with the sandbox.

use crate::jobs;
use cohort_judge::archive::{self, ArchiveError, ArchiveLimits};
use cohort_judge::bank::PackageSummary;
use cohort_judge::language::LanguageTable;
use cohort_store::blob::BlobStore;
use cohort_store::problems::NewProblem;
use cohort_store::{Store, StoreError};
use std::path::Path;

/// A zipped package may be at most this large before unpacking.
pub const MAX_PACKAGE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BankError {
    /// The package cannot be used; the message says why, for the person who uploaded it.
    #[error("{0}")]
    Refused(String),
    /// The same package (byte for byte) is already in the bank.
    #[error("this package is already in the bank as problem {0}")]
    Duplicate(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("storing the package: {0}")]
    Io(#[from] std::io::Error),
}

/// What was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub problem_id: i64,
    pub name: String,
}

/// Where a package comes from.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The file or folder name, from which the problem's short name is made.
    pub name: &'a str,
    pub built_in: bool,
    pub uploaded_by: Option<i64>,
}

/// Adds the zipped package `bytes` to the bank as pending and queues its verification.
pub async fn add_package(
    store: &Store,
    blobs: &dyn BlobStore,
    languages: &LanguageTable,
    bytes: &[u8],
    origin: Origin<'_>,
    now: i64,
) -> Result<Added, BankError> {
    let Origin {
        name: slug_hint,
        built_in,
        uploaded_by,
    } = origin;
    if bytes.len() > MAX_PACKAGE_BYTES {
        return Err(BankError::Refused(format!(
            "The package is larger than {} MB.",
            MAX_PACKAGE_BYTES / (1024 * 1024)
        )));
    }
    // Unpacking and reading up to 256 MB is file work: off the async threads.
    let (owned_bytes, owned_languages, hint) =
        (bytes.to_vec(), languages.clone(), slug_hint.to_owned());
    let summary =
        tokio::task::spawn_blocking(move || inspect(&owned_bytes, &hint, &owned_languages))
            .await
            .map_err(|e| BankError::Io(std::io::Error::other(e.to_string())))??;
    let blob = blobs.put(bytes)?;
    if let Some(existing) = store.problem_by_blob(blob.as_str()).await? {
        return Err(BankError::Duplicate(existing.id));
    }
    let problem = &summary.problem;
    let slug = slug_of(slug_hint);
    let mut tx = store.begin().await?;
    let id = Store::create_problem(
        &mut tx,
        &NewProblem {
            slug: &slug,
            name: &problem.name,
            package_blob: blob.as_str(),
            package_bytes: bytes.len() as i64,
            built_in,
            statement: &summary.statement,
            time_limit_ms: problem.time_limit.as_millis() as i64,
            memory_mib: problem.memory_mib as i64,
            test_count: summary.test_count as i64,
            scoring: problem.scoring,
            uploaded_by,
            samples: &summary.samples,
            starters: &summary.starters,
        },
        now,
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict { .. } => BankError::Refused(
            "The same package was added at the same moment by someone else.".into(),
        ),
        other => BankError::Store(other),
    })?;
    for (name, language, code) in &summary.accepted {
        Store::add_known_solution(&mut tx, id, (language, name, code), uploaded_by, now).await?;
    }
    jobs::enqueue(&mut tx, &super::VerifyProblem { problem_id: id }, now).await?;
    Store::commit(tx).await?;
    Ok(Added {
        problem_id: id,
        name: problem.name.clone(),
    })
}

/// Unpacks the package into a scratch folder and reads what pages show of it.
fn inspect(
    bytes: &[u8],
    slug_hint: &str,
    languages: &LanguageTable,
) -> Result<PackageSummary, BankError> {
    let scratch = tempfile::tempdir()?;
    let root = scratch.path().join(slug_of(slug_hint));
    archive::unpack(bytes, &root, ArchiveLimits::default()).map_err(|e| match e {
        ArchiveError::Io(io) => BankError::Io(io),
        refused => BankError::Refused(format!("The package was refused: {refused}.")),
    })?;
    PackageSummary::read(&root, languages).map_err(|e| {
        let inside = e
            .path
            .strip_prefix(&root.display().to_string())
            .unwrap_or(&e.path)
            .trim_start_matches('/')
            .to_owned();
        BankError::Refused(format!(
            "The package was refused: {} {}.",
            if inside.is_empty() {
                "the package".to_owned()
            } else {
                inside
            },
            e.message
        ))
    })
}

/// Zips the package folder `folder` and adds it (used for the built-in problems).
pub async fn add_folder(
    store: &Store,
    blobs: &dyn BlobStore,
    languages: &LanguageTable,
    folder: &Path,
    now: i64,
) -> Result<Added, BankError> {
    // Checked before packing, so that naming a wrong folder does not zip a whole tree first.
    if !folder.join("problem.yaml").is_file() {
        return Err(BankError::Refused(format!(
            "{} is not a problem package: it has no problem.yaml.",
            folder.display()
        )));
    }
    let bytes = archive::pack(folder)
        .map_err(|e| BankError::Refused(format!("{} cannot be packed: {e}", folder.display())))?;
    let slug = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "problem".into());
    let origin = Origin {
        name: &slug,
        built_in: true,
        uploaded_by: None,
    };
    add_package(store, blobs, languages, &bytes, origin, now).await
}

/// A short name from a file or folder name: lowercase letters, digits and dashes.
fn slug_of(hint: &str) -> String {
    let stem = hint.strip_suffix(".zip").unwrap_or(hint);
    let slug: String = stem
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .chars()
        .take(40)
        .collect();
    if slug.is_empty() {
        "problem".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_keep_letters_digits_and_dashes_only() {
        assert_eq!(slug_of("Build Queue.zip"), "build-queue");
        assert_eq!(slug_of("../../etc"), "etc");
        assert_eq!(slug_of("***"), "problem");
    }
}
