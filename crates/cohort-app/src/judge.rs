//! The judge as the judging jobs use it: the sandboxed judge of this machine and its cache of
//! unpacked problem packages. Judge workers run those jobs with this context (see
//! [`crate::pools::judging`]).
//!
//! Problem packages come from the blob store and are unpacked once per machine into the cache,
//! named by their content hash, so every worker judges with the same bytes.

use crate::jobs::Context;
use crate::App;
use cohort_judge::archive::{self, ArchiveLimits};
use cohort_judge::package::Problem;
use cohort_judge::Judge;
use cohort_store::blob::BlobId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Why judging could not go on; the job is retried, except for a broken package, which the job
/// records instead.
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    #[error("the package {blob}: {message}")]
    Package { blob: String, message: String },
    #[error("the judge thread failed: {0}")]
    Thread(String),
    /// The disk or the blob store failed; the job is retried.
    #[error("{0}")]
    Io(String),
}

impl From<JudgeError> for crate::jobs::JobError {
    fn from(error: JudgeError) -> Self {
        crate::jobs::JobError::Failed(error.to_string())
    }
}

/// What a judging job runs with.
pub struct JudgeContext {
    app: App,
    judge: Arc<Judge>,
    packages: PathBuf,
    loaded: Mutex<HashMap<String, Arc<Problem>>>,
}

impl Context for JudgeContext {
    fn app(&self) -> &App {
        &self.app
    }
}

impl JudgeContext {
    /// `cache_dir` holds unpacked packages; it may be shared by the workers of one machine.
    pub fn new(app: App, judge: Judge, cache_dir: &Path) -> JudgeContext {
        JudgeContext {
            app,
            judge: Arc::new(judge),
            packages: cache_dir.join("packages"),
            loaded: Mutex::new(HashMap::new()),
        }
    }

    pub fn judge(&self) -> &Arc<Judge> {
        &self.judge
    }

    /// The package with content hash `blob`, read once per worker: a package never changes
    /// under its hash. A package that does not load is reported, not cached.
    ///
    /// The outer error is worth a retry (the disk or the blob store failed for a moment); the
    /// inner one is the package's own fault (missing, corrupt, or not a valid package), which no
    /// retry fixes.
    pub async fn loaded_problem(
        &self,
        blob: &str,
    ) -> Result<Result<Arc<Problem>, String>, JudgeError> {
        if let Some(problem) = self.loaded.lock().expect("not poisoned").get(blob) {
            return Ok(Ok(problem.clone()));
        }
        let root = match self.package(blob).await {
            Ok(root) => root,
            Err(JudgeError::Package { message, .. }) => return Ok(Err(message)),
            Err(other) => return Err(other),
        };
        let problem = match tokio::task::spawn_blocking(move || Problem::load(&root))
            .await
            .map_err(|e| JudgeError::Thread(e.to_string()))?
        {
            Ok(problem) => Arc::new(problem),
            Err(error) => return Ok(Err(error.to_string())),
        };
        self.loaded
            .lock()
            .expect("not poisoned")
            .insert(blob.to_owned(), problem.clone());
        Ok(Ok(problem))
    }

    /// The unpacked package with content hash `blob`, unpacking it on first use.
    pub async fn package(&self, blob: &str) -> Result<PathBuf, JudgeError> {
        let fail = |message: String| JudgeError::Package {
            blob: blob.to_owned(),
            message,
        };
        let id = BlobId::parse(blob).ok_or_else(|| fail("is not a blob id".into()))?;
        let root = self.packages.join(id.as_str());
        if root.join("problem.yaml").is_file() {
            return Ok(root);
        }
        let bytes = self.app.blobs().get(&id).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                fail("is missing from the blob store".into())
            } else {
                JudgeError::Io(format!("reading the package {blob}: {e}"))
            }
        })?;
        let target = root.clone();
        tokio::task::spawn_blocking(move || {
            match archive::unpack(&bytes, &target, ArchiveLimits::default()) {
                Ok(()) => Ok(()),
                // Another worker on this machine unpacked it meanwhile.
                Err(_) if target.join("problem.yaml").is_file() => Ok(()),
                Err(archive::ArchiveError::Io(error)) => {
                    Err(JudgeError::Io(format!("unpacking a package: {error}")))
                }
                Err(error) => Err(JudgeError::Package {
                    blob: String::new(),
                    message: error.to_string(),
                }),
            }
        })
        .await
        .map_err(|e| JudgeError::Thread(e.to_string()))??;
        Ok(root)
    }
}
