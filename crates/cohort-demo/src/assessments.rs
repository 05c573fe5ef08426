//! The demo season's online assessments: one per track, made of two built-in problems, and the
//! finished sessions of candidates who took them, with the built-in packages' own solutions as
//! their submissions.

use cohort_domain::Stage;
use cohort_store::applications::ReachedStage;
use cohort_store::assessment_sessions::{SeededSession, SeededSubmission};
use cohort_store::problems::ProblemRecord;
use cohort_store::{Store, Tx};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{DemoError, BUILTIN_PROBLEMS};

/// A submission's language and code.
type Code = (&'static str, &'static str);

/// Code from a built-in package's `submissions/` folder.
fn package_code(path: &str) -> &'static str {
    BUILTIN_PROBLEMS
        .get_file(path)
        .and_then(|file| file.contents_utf8())
        .unwrap_or_default()
}

/// Gives the demo season's candidates who reached the Assessment stage their online assessment:
/// an invitation when they reached it, and (for those who started in time) a finished session
/// whose submissions are the built-in packages' own solutions, each with the verdict its
/// package declares for it (accepted, wrong answer, time limit exceeded). Candidates past the
/// Assessment stage passed; those still in it passed, half passed or failed, or have not started.
/// Returns how many sessions were seeded.
pub async fn seed_demo_assessment_results(
    store: &Store,
    season_id: i64,
    now: i64,
) -> Result<usize, DemoError> {
    let bank = store.problems().await?;
    let by_slug = |slug: &str| bank.iter().find(|p| p.slug == slug);
    let (Some(queue), Some(speedups)) = (by_slug("buildqueue"), by_slug("speedups")) else {
        return Ok(0);
    };
    let solutions = Solutions::builtin(queue, speedups);
    let mut rng = StdRng::seed_from_u64(season_id as u64 * 7919);
    let mut seeded = 0;
    let mut tx = store.begin().await?;
    for reached in store.reached_stage(season_id, Stage::Assessment).await? {
        if solutions
            .invite_and_seed(&mut tx, &mut rng, &reached, now)
            .await?
        {
            seeded += 1;
        }
    }
    Store::commit(tx).await?;
    Ok(seeded)
}

/// The two demo problems and the built-in packages' solutions to them, by verdict; the accepted
/// ones in Python, C++ and Java, in that order.
struct Solutions<'a> {
    queue: &'a ProblemRecord,
    speedups: &'a ProblemRecord,
    accepted_queue: [Code; 3],
    accepted_speedups: [Code; 3],
    wrong_queue: Code,
    slow_queue: Code,
    wrong_speedups: Code,
}

impl<'a> Solutions<'a> {
    /// The solutions in the built-in packages of Build Queue (`queue`) and Speedups.
    fn builtin(queue: &'a ProblemRecord, speedups: &'a ProblemRecord) -> Solutions<'a> {
        Solutions {
            queue,
            speedups,
            accepted_queue: [
                (
                    "python3",
                    package_code("buildqueue/submissions/accepted/heap.py"),
                ),
                (
                    "cpp",
                    package_code("buildqueue/submissions/accepted/heap.cpp"),
                ),
                (
                    "java",
                    package_code("buildqueue/submissions/accepted/Main.java"),
                ),
            ],
            accepted_speedups: [
                (
                    "python3",
                    package_code("speedups/submissions/accepted/fenwick.py"),
                ),
                (
                    "cpp",
                    package_code("speedups/submissions/accepted/fenwick.cpp"),
                ),
                (
                    "java",
                    package_code("speedups/submissions/accepted/Main.java"),
                ),
            ],
            wrong_queue: (
                "cpp",
                package_code("buildqueue/submissions/wrong_answer/int32.cpp"),
            ),
            slow_queue: (
                "java",
                package_code("buildqueue/submissions/time_limit_exceeded/Main.java"),
            ),
            wrong_speedups: (
                "java",
                package_code("speedups/submissions/wrong_answer/Main.java"),
            ),
        }
    }

    /// Invites the application that `reached` the Assessment stage, when it reached it, and,
    /// unless the candidate has not started or could not have finished by `now`, seeds their
    /// finished session. Says whether a session was seeded.
    async fn invite_and_seed(
        &self,
        tx: &mut Tx,
        rng: &mut StdRng,
        reached: &ReachedStage,
        now: i64,
    ) -> Result<bool, DemoError> {
        let Some(invitation) =
            Store::invite_to_assessment(tx, reached.application_id, reached.reached_at).await?
        else {
            return Ok(false);
        };
        cohort_app::assessment::schedule_reminder(
            tx,
            invitation.id,
            invitation.start_by,
            reached.reached_at,
        )
        .await?;
        let still_in_assessment = reached.stage == Stage::Assessment.as_str();
        // Those still in the stage: two in five have not started; the rest passed (both
        // problems accepted), half passed (one), or failed (none).
        let outcome = if still_in_assessment {
            rng.gen_range(0..5)
        } else {
            4
        };
        if outcome < 2 {
            return Ok(false);
        }
        let started_at = reached.reached_at + rng.gen_range(3_600..86_400);
        if started_at + invitation.duration_minutes * 60 > now {
            return Ok(false);
        }
        let language = rng.gen_range(0..3);
        let (submissions, percent) = self.submissions(outcome, language, rng);
        Store::seed_finished_session(
            tx,
            &SeededSession {
                invitation_id: invitation.id,
                application_id: reached.application_id,
                candidate_id: reached.candidate_id,
                started_at,
                duration_minutes: invitation.duration_minutes,
                submissions,
                percent,
            },
        )
        .await?;
        Ok(true)
    }

    /// The submissions of a session and its percent for `outcome`: 4 passed (both problems
    /// accepted, in the `language`th language), 3 half passed (Build Queue accepted, Speedups
    /// wrong), anything else failed (Build Queue wrong, then too slow).
    fn submissions(
        &self,
        outcome: i32,
        language: usize,
        rng: &mut StdRng,
    ) -> (Vec<SeededSubmission<'static>>, f64) {
        let (queue, speedups) = (self.queue, self.speedups);
        match outcome {
            4 => (
                vec![
                    accepted(queue, self.accepted_queue[language]),
                    accepted(speedups, self.accepted_speedups[language]),
                ],
                100.0,
            ),
            3 => (
                vec![
                    accepted(queue, self.accepted_queue[language]),
                    failed(speedups, self.wrong_speedups, "WA", rng.gen_range(1..4)),
                ],
                50.0,
            ),
            _ => (
                vec![
                    failed(queue, self.wrong_queue, "WA", rng.gen_range(2..6)),
                    failed(queue, self.slow_queue, "TLE", rng.gen_range(4..8)),
                ],
                0.0,
            ),
        }
    }
}

/// An accepted submission of `code` to `problem`: every test passed.
fn accepted(problem: &ProblemRecord, code: Code) -> SeededSubmission<'static> {
    SeededSubmission {
        problem_id: problem.id,
        language: code.0,
        code: code.1,
        verdict: "AC",
        score: 1.0,
        tests_passed: problem.test_count,
        tests_total: problem.test_count,
    }
}

/// A rejected submission of `code` to `problem` with `verdict`, having passed `passed` tests
/// (kept between none and all but one).
fn failed(
    problem: &ProblemRecord,
    code: Code,
    verdict: &'static str,
    passed: i64,
) -> SeededSubmission<'static> {
    SeededSubmission {
        problem_id: problem.id,
        language: code.0,
        code: code.1,
        verdict,
        score: 0.0,
        tests_passed: passed.min(problem.test_count - 1).max(0),
        tests_total: problem.test_count,
    }
}

/// Gives every track of the demo season an online assessment (if it has none) made of the
/// built-in problems Build Queue and Speedups, when they are in the bank: 90 minutes, C++, Java
/// or Python, 60 % to pass, 7 days to start. Returns how many assessments were created.
pub async fn ensure_demo_assessments(
    store: &Store,
    season_id: i64,
    now: i64,
) -> Result<usize, DemoError> {
    let bank = store.problems().await?;
    let by_slug = |slug: &str| bank.iter().find(|p| p.slug == slug).map(|p| p.id);
    let (Some(first), Some(second)) = (by_slug("buildqueue"), by_slug("speedups")) else {
        return Ok(0);
    };
    let existing = store.assessments(season_id).await?;
    let mut created = 0;
    let mut tx = store.begin().await?;
    for track in store.tracks(season_id).await? {
        if existing.iter().any(|a| a.track_id == track.id) {
            continue;
        }
        Store::save_assessment(
            &mut tx,
            &cohort_store::problems::AssessmentInput {
                season_id,
                track_id: track.id,
                duration_minutes: 90,
                languages: vec!["cpp".into(), "java".into(), "python3".into()],
                passing_percent: 60,
                start_within_days: 7,
                counts: "best".into(),
                advance: "recruiter".into(),
                problems: vec![(first, 50), (second, 50)],
            },
            now,
        )
        .await?;
        created += 1;
    }
    Store::commit(tx).await?;
    Ok(created)
}
