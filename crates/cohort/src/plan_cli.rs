//! `cohort plan ...`: the planning engines on JSON files. No database is needed.
//! `match` matches interns to mentors; `loops` schedules interview loops; `check` checks a loop
//! schedule against its instance.

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
    /// Schedule a week of interview loops: as many candidates as possible (weighted by
    /// priority), earliest first, load spread evenly; prints the schedule as JSON with an upper
    /// bound that no schedule can beat. Progress goes to standard error.
    Loops {
        /// The loop-scheduling instance (see docs/planning.md).
        instance: PathBuf,
        /// Seconds to spend improving at most.
        #[arg(long, default_value_t = 10.0)]
        time_limit: f64,
        /// Seed for the orders and neighbourhoods tried; with --neighbourhoods, the same seed
        /// gives the same schedule.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Try at most this many random neighbourhoods when improving: a budget that, unlike
        /// the clock, ends the search at the same point on every machine. Give it with a
        /// --time-limit it will not reach for a schedule that depends on the seed alone.
        #[arg(long)]
        neighbourhoods: Option<u64>,
        /// Random searches run side by side, one per thread, each with its own seed; the best
        /// week wins. One per core is the useful most.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
        searches: u16,
        /// Keep this schedule's loops exactly as they are, leave its unscheduled candidates
        /// unscheduled, and place only candidates it does not mention (re-slotting after a
        /// cancellation: delete the cancelled loop from the file first).
        #[arg(long)]
        keep: Option<PathBuf>,
        /// Write the schedule here instead of to standard output.
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
        PlanCommand::Loops {
            instance,
            time_limit,
            seed,
            neighbourhoods,
            searches,
            keep,
            out,
        } => plan_loops(
            &instance,
            time_limit,
            solve_options(seed, neighbourhoods, searches.into()),
            keep.as_deref(),
            out.as_deref(),
        ),
        PlanCommand::Check {
            instance,
            schedule,
            json,
        } => plan_check(&instance, &schedule, json),
    }
}

fn solve_options(
    seed: u64,
    neighbourhoods: Option<u64>,
    searches: usize,
) -> cohort_plan::loops::solve::Options {
    cohort_plan::loops::solve::Options {
        seed,
        neighbourhoods,
        searches,
        ..Default::default()
    }
}

fn plan_loops(
    path: &Path,
    time_limit: f64,
    options: cohort_plan::loops::solve::Options,
    keep: Option<&Path>,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    use cohort_plan::loops::{solve, Instance, Schedule};
    if !(time_limit >= 0.0 && time_limit.is_finite()) {
        anyhow::bail!("--time-limit must be a number of seconds, not {time_limit}");
    }
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    let started = Instant::now();
    let instance = Instance::from_json(&read(path)?)
        .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
    let kept = match keep {
        None => None,
        Some(file) => Some(
            Schedule::from_json(&read(file)?)
                .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?,
        ),
    };
    eprintln!(
        "read {} candidates, {} interviewers, {} days",
        instance.candidates.len(),
        instance.interviewers.len(),
        instance.days.len()
    );
    let limit = std::time::Duration::from_secs_f64(time_limit);
    // Progress: a line on standard error each time the count scheduled rises.
    let mut best = i64::MIN;
    let mut stop = |progress: solve::Progress| {
        let scheduled = progress.scheduled;
        if scheduled > best {
            eprintln!(
                "{:.2} s: weighted {scheduled} scheduled, improving",
                started.elapsed().as_secs_f64()
            );
            best = scheduled;
        }
        started.elapsed() >= limit
    };
    let outcome = solve::solve(&instance, options, kept.as_ref(), &mut stop).map_err(|error| {
        anyhow::anyhow!(
            "{}: {error}",
            keep.map(|k| k.display().to_string()).unwrap_or_default()
        )
    })?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "scheduled {} of {} candidates (weighted {}; bound {}, {}) in {:.3} s{}",
        outcome.schedule.loops.len(),
        instance.candidates.len(),
        outcome.value,
        outcome.bound.value,
        outcome.bound.argument,
        seconds,
        if outcome.optimal() {
            ", proven optimal"
        } else {
            ""
        }
    );
    let value = serde_json::json!({
        "loops": outcome.schedule.loops,
        "unscheduled": outcome.schedule.unscheduled,
        "bound": outcome.bound,
        "stats": {
            "seconds": seconds,
            "optimal": outcome.optimal(),
            "scheduled_weight": outcome.value,
            "shadow_seats": outcome
                .schedule
                .loops
                .iter()
                .flat_map(|l| &l.interviews)
                .filter(|i| i.shadow.is_some())
                .count(),
            "iterations": outcome.iterations,
            "neighbourhoods": outcome.neighbourhoods,
            "searches": options.searches,
        },
    });
    let json = serde_json::to_string_pretty(&value)?;
    match out {
        Some(file) => std::fs::write(file, json + "\n")
            .with_context(|| format!("writing {}", file.display()))?,
        None => println!("{json}"),
    }
    Ok(())
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
