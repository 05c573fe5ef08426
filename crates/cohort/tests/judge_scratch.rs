//! The live coding pad's "Run": a program run once in the real sandbox on typed input, with no
//! problem package. Like the other judge tests, these need root, namespaces and control groups.

use cohort_judge::scratch::{ScratchOutcome, KEPT_OUTPUT_BYTES};

mod judging;
use judging::*;

#[test]
fn a_python_program_reads_the_typed_input_and_its_output_time_and_memory_come_back() {
    let judge = judge(1);
    let run = judge.run_scratch(
        "python3",
        "import sys\nnums = list(map(int, sys.stdin.read().split()))\nprint(sum(nums))\nprint('done', file=sys.stderr)\n",
        b"1 2 3\n4\n",
    );
    assert_eq!(run.outcome, ScratchOutcome::Finished, "{run:#?}");
    assert_eq!(run.stdout, "10\n");
    assert_eq!(run.stderr, "done\n");
    assert!(run.memory_kib > 1024, "{run:#?}");
}

#[test]
fn a_c_program_that_does_not_compile_says_why() {
    let judge = judge(1);
    let run = judge.run_scratch("c", "int main() { return undefined_name; }\n", b"");
    assert_eq!(run.outcome, ScratchOutcome::CompileError);
    assert!(run.compile_output.contains("undefined_name"), "{run:#?}");
    assert!(run.stdout.is_empty());
}

#[test]
fn a_program_that_never_ends_is_stopped_at_the_cpu_limit_and_one_that_fails_says_how() {
    let judge = judge(1);
    let run = judge.run_scratch("c", "int main() { for (;;) {} }\n", b"");
    assert_eq!(
        run.outcome,
        ScratchOutcome::Failed("stopped after 5 s of CPU time".into()),
        "{run:#?}"
    );
    assert!(run.time_ms >= 4_900, "{run:#?}");

    let run = judge.run_scratch(
        "python3",
        "import sys\nprint('partial')\nsys.exit(3)\n",
        b"",
    );
    assert_eq!(run.outcome, ScratchOutcome::Failed("exit code 3".into()));
    assert_eq!(run.stdout, "partial\n");
}

#[test]
fn a_flood_of_output_is_cut_at_what_the_pad_keeps() {
    let judge = judge(1);
    let run = judge.run_scratch("python3", "while True:\n    print('x' * 1000)\n", b"");
    assert!(matches!(run.outcome, ScratchOutcome::Failed(_)), "{run:#?}");
    assert!(
        run.stdout.len() <= KEPT_OUTPUT_BYTES + 20,
        "{}",
        run.stdout.len()
    );
    assert!(
        run.stdout.ends_with("[… cut]"),
        "{}",
        &run.stdout[run.stdout.len() - 40..]
    );
}

#[test]
fn a_language_the_judge_does_not_know_is_refused_without_running() {
    let judge = judge(1);
    let run = judge.run_scratch("cobol", "DISPLAY 'HI'.", b"");
    assert!(
        matches!(run.outcome, ScratchOutcome::Unavailable(_)),
        "{run:#?}"
    );
}

#[test]
fn every_language_the_judge_can_run_here_runs_its_starter_which_echoes_the_input() {
    let judge = judge(1);
    let mut ran = Vec::new();
    for language in judge.languages().all() {
        if judge.refusal(language).is_some() {
            continue;
        }
        assert!(
            !language.starter.is_empty(),
            "{} has no starter",
            language.id
        );
        let run = judge.run_scratch(&language.id, &language.starter, b"hello\nworld\n");
        assert_eq!(
            run.outcome,
            ScratchOutcome::Finished,
            "{}: {run:#?}",
            language.id
        );
        assert_eq!(run.stdout, "hello\nworld\n", "{}: {run:#?}", language.id);
        ran.push(language.id.clone());
    }
    // The machine's own languages at least: C, C++ and Python are what the tests install.
    for id in ["c", "cpp", "python3"] {
        assert!(ran.iter().any(|r| r == id), "{id} did not run: {ran:?}");
    }
}
