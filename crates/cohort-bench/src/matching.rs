//! The matching engine's benchmarks, each beside a reference solver run in the same process
//! tree on the same instance (`scripts/references/matching.py`):
//!
//! - 5,000 interns x 3,000 mentors (capacity 1 or 2), 50 scored mentors per intern: time to the
//!   proven optimum (solve and certificate check) against OR-tools' min-cost flow (maximum flow
//!   at minimum cost, the same objective). Target: faster.
//! - a dense 5,000 x 5,000 score matrix (every pair scored, capacity 1): against scipy's
//!   `linear_sum_assignment`. Target: no slower.
//!
//! Instances come from a fixed seed. Both sides must reach the same objective, or the bench
//! fails. Times are the median of three runs; the references' times cover their solve call
//! only, not reading the instance.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use cohort_plan::matching::assign::{solve, Problem};

use crate::{measurement, percentile, Measurement, Numbers};

const RUNS: usize = 3;

struct Sparse {
    interns: usize,
    capacity: Vec<u32>,
    edges: Vec<Vec<(u32, i64)>>,
}

fn sparse_instance(interns: usize, mentors: usize, per_intern: usize, seed: u64) -> Sparse {
    let mut numbers = Numbers(seed);
    let capacity = (0..mentors).map(|_| 1 + numbers.below(2) as u32).collect();
    let edges = (0..interns)
        .map(|_| {
            let mut chosen: Vec<u32> = Vec::with_capacity(per_intern);
            while chosen.len() < per_intern {
                let mentor = numbers.below(mentors as u64) as u32;
                if !chosen.contains(&mentor) {
                    chosen.push(mentor);
                }
            }
            chosen.sort_unstable();
            chosen
                .into_iter()
                .map(|m| (m, numbers.below(101) as i64))
                .collect()
        })
        .collect();
    Sparse {
        interns,
        capacity,
        edges,
    }
}

/// What a reference solver printed.
#[derive(serde::Deserialize)]
struct Reference {
    seconds: f64,
    matched: usize,
    total_score: i64,
}

fn run_reference(arguments: &[&str]) -> anyhow::Result<Reference> {
    let arguments: Vec<&std::ffi::OsStr> = arguments.iter().map(std::ffi::OsStr::new).collect();
    crate::run_reference_script("matching.py", &arguments)
}

/// Our solver, timed to the proven optimum: solving and checking the certificate.
fn ours(problem: &Problem) -> anyhow::Result<(f64, usize, i64, u64)> {
    let started = Instant::now();
    let solution = solve(problem);
    let proof = solution
        .certificate(problem)
        .map_err(|e| anyhow::anyhow!("certificate failed: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let matched = solution.assignment.iter().flatten().count();
    if (proof.max_matched, proof.max_score) != (matched, solution.total_score) {
        anyhow::bail!("the solution was not proven optimal");
    }
    Ok((seconds, matched, solution.total_score, solution.searches))
}

pub fn bench() -> anyhow::Result<Vec<Measurement>> {
    let folder = tempfile::tempdir()?;
    Ok(vec![sparse(folder.path())?, dense(folder.path())?])
}

/// 5,000 interns x 3,000 mentors, 50 scored mentors each, against OR-tools' min-cost flow; the
/// instance is written to `folder` for the reference script.
fn sparse(folder: &Path) -> anyhow::Result<Measurement> {
    eprintln!("   sparse: 5,000 interns x 3,000 mentors, 50 scored mentors each");
    let instance = sparse_instance(5_000, 3_000, 50, 0x5EED_3A7C);
    let problem = Problem::new(instance.capacity.clone(), instance.edges.iter().cloned());
    let file = folder.join("sparse.txt");
    write_sparse(&instance, &file)?;
    let mut our_times = Vec::new();
    let mut reference_times = Vec::new();
    let mut searches = 0;
    for run in 0..RUNS {
        let (seconds, matched, score, ran) = ours(&problem)?;
        searches = ran;
        let reference = run_reference(&["mincostflow", file.to_str().unwrap()])?;
        if (reference.matched, reference.total_score) != (matched, score) {
            anyhow::bail!(
                "OR-tools found {} matched, score {}; Cohort {} matched, score {}",
                reference.matched,
                reference.total_score,
                matched,
                score
            );
        }
        eprintln!(
            "     run {}: Cohort {:.3} s, OR-tools {:.3} s ({matched} matched, total score {score}, {searches} searches)",
            run + 1,
            seconds,
            reference.seconds
        );
        our_times.push(seconds * 1000.0);
        reference_times.push(reference.seconds * 1000.0);
    }
    let (ours_ms, reference_ms) = (
        percentile(&our_times, 50.0),
        percentile(&reference_times, 50.0),
    );
    Ok(measurement(
        "matching",
        &format!("5,000 x 3,000 sparse (50 per intern), to the proven optimum ({searches} searches after the greedy pass)"),
        ours_ms,
        "ms",
        "faster than OR-tools",
        ours_ms < reference_ms,
        Some((reference_ms, "OR-tools min-cost flow (max flow, min cost)")),
    ))
}

/// The sparse instance as `matching.py mincostflow` reads it: a line of counts (interns,
/// mentors, edges), a line of capacities, then one line per edge (intern, mentor, score).
fn write_sparse(instance: &Sparse, file: &Path) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    let edges: usize = instance.edges.iter().map(Vec::len).sum();
    writeln!(
        out,
        "{} {} {}",
        instance.interns,
        instance.capacity.len(),
        edges
    )?;
    let capacities: Vec<String> = instance.capacity.iter().map(u32::to_string).collect();
    writeln!(out, "{}", capacities.join(" "))?;
    for (intern, list) in instance.edges.iter().enumerate() {
        for (mentor, score) in list {
            writeln!(out, "{intern} {mentor} {score}")?;
        }
    }
    Ok(())
}

/// A dense 5,000 x 5,000 score matrix against scipy's `linear_sum_assignment`; the matrix is
/// written to `folder` as little-endian 64-bit integers for the reference script.
fn dense(folder: &Path) -> anyhow::Result<Measurement> {
    eprintln!("   dense: 5,000 x 5,000, every pair scored");
    let size = 5_000;
    let mut numbers = Numbers(0x0DE5_5E11);
    let weights: Vec<i64> = (0..size * size)
        .map(|_| numbers.below(1_001) as i64)
        .collect();
    let problem = Problem::dense(size, vec![1; size], &weights);
    let file = folder.join("dense.bin");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
        for w in &weights {
            out.write_all(&w.to_le_bytes())?;
        }
    }
    // The problem holds its own copy of the scores, so the matrix (200 MB) is freed before the
    // timed runs.
    drop(weights);
    let mut our_times = Vec::new();
    let mut reference_times = Vec::new();
    let mut searches = 0;
    for run in 0..RUNS {
        let (seconds, matched, score, ran) = ours(&problem)?;
        searches = ran;
        let reference = run_reference(&[
            "lsa",
            file.to_str().unwrap(),
            &size.to_string(),
            &size.to_string(),
        ])?;
        if (reference.matched, reference.total_score) != (matched, score) {
            anyhow::bail!(
                "scipy found {} matched, score {}; Cohort {} matched, score {}",
                reference.matched,
                reference.total_score,
                matched,
                score
            );
        }
        eprintln!(
            "     run {}: Cohort {:.3} s, scipy {:.3} s (total score {score}, {searches} searches)",
            run + 1,
            seconds,
            reference.seconds
        );
        our_times.push(seconds * 1000.0);
        reference_times.push(reference.seconds * 1000.0);
    }
    let (ours_ms, reference_ms) = (
        percentile(&our_times, 50.0),
        percentile(&reference_times, 50.0),
    );
    Ok(measurement(
        "matching",
        &format!("5,000 x 5,000 dense, to the proven optimum ({searches} searches after the greedy pass)"),
        ours_ms,
        "ms",
        "no slower than scipy",
        ours_ms <= reference_ms,
        Some((reference_ms, "scipy linear_sum_assignment")),
    ))
}
