//! `cohort plan ...`: the planning engines on JSON files. No database is needed.
//! `match` matches interns to mentors; `check` checks a loop schedule against its instance.

use anyhow::Context;
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// Match interns to mentors (or buddies). By default: as many interns as possible, then the
    /// highest total score, proven optimal by a dual certificate. The result (JSON) goes to
    /// standard output or --out; progress goes to standard error.
    Match {
        /// The instance: interns, mentors (or buddies), optional scores, forbidden pairs,
        /// weights and rankings (see docs/planning.md).
        instance: PathBuf,
        /// Compute a stable matching (interns proposing) instead of the optimal one.
        #[arg(long)]
        stable: bool,
        /// Write the result here instead of to standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a loop schedule against every rule of its instance, independently of any solver:
    /// prints each violation with its path and fails if there is any.
    Check {
        /// The loop-scheduling instance (see docs/planning.md).
        instance: PathBuf,
        /// The schedule to check, in the solver's output format.
        schedule: PathBuf,
        /// Print the violations as JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: PlanCommand) -> anyhow::Result<()> {
    match command {
        PlanCommand::Match {
            instance,
            stable,
            out,
        } => plan_match(&instance, stable, out.as_deref()),
        PlanCommand::Check {
            instance,
            schedule,
            json,
        } => plan_check(&instance, &schedule, json),
    }
}

fn plan_check(instance_path: &Path, schedule_path: &Path, json: bool) -> anyhow::Result<()> {
    use cohort_plan::loops::{check::check, Instance, Schedule};
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    let instance = Instance::from_json(&read(instance_path)?)
        .map_err(|error| anyhow::anyhow!("{}: {error}", instance_path.display()))?;
    let schedule = Schedule::from_json(&read(schedule_path)?)
        .map_err(|error| anyhow::anyhow!("{}: {error}", schedule_path.display()))?;
    let violations = check(&instance, &schedule);
    if json {
        println!("{}", serde_json::to_string_pretty(&violations)?);
    } else {
        for violation in &violations {
            println!(
                "{}: {} ({:?})",
                violation.path, violation.message, violation.rule
            );
        }
    }
    if violations.is_empty() {
        eprintln!(
            "{} keeps every rule ({} loops)",
            schedule_path.display(),
            schedule.loops.len()
        );
        Ok(())
    } else {
        anyhow::bail!(
            "{} breaks {} {}",
            schedule_path.display(),
            violations.len(),
            if violations.len() == 1 {
                "rule"
            } else {
                "rules"
            }
        )
    }
}

fn plan_match(path: &Path, stable: bool, out: Option<&Path>) -> anyhow::Result<()> {
    use cohort_plan::matching::{solve_optimal, solve_stable, Instance};
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let started = Instant::now();
    let instance = Instance::from_json(&text)
        .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
    let parsed = started.elapsed();
    eprintln!(
        "read {} interns, {} mentors, {} pairs in {:.3} s",
        instance.interns.len(),
        instance.mentors.len(),
        instance.pairs.iter().map(Vec::len).sum::<usize>(),
        parsed.as_secs_f64()
    );
    let solving = Instant::now();
    let outcome = if stable {
        solve_stable(&instance)
    } else {
        solve_optimal(&instance)
    };
    let seconds = solving.elapsed().as_secs_f64();
    eprintln!(
        "matched {} of {} interns, total score {}, {} in {:.3} s",
        outcome.matches.len(),
        instance.interns.len(),
        outcome.total_score,
        match (stable, outcome.optimal) {
            (true, _) => "stable",
            (false, true) => "proven optimal",
            (false, false) => "NOT proven optimal",
        },
        seconds
    );
    let mut value = serde_json::to_value(&outcome)?;
    value["stats"]["seconds"] = serde_json::json!(seconds);
    let json = serde_json::to_string_pretty(&value)?;
    match out {
        Some(file) => {
            std::fs::write(file, json + "\n")
                .with_context(|| format!("writing {}", file.display()))?;
        }
        None => println!("{json}"),
    }
    Ok(())
}
