//! Verdicts that mean what they say: the same on an idle and on a loaded machine, memory
//! overruns called so whichever limit stopped them, programs started with default signal
//! handling, and interactive problems decided as the problem format says.
//!
//! Like the hostile tests, these run in the real sandbox (root, namespaces, control groups).

use std::fs;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use cohort_judge::{Report, Verdict};

mod judging;
use judging::*;

#[test]
fn programs_start_with_default_signal_actions_and_nothing_blocked() {
    let judge = judge(1);
    let problem = echo_problem(2.0);
    // The judge (a Rust program) ignores SIGPIPE; a program must not inherit that.
    let report = c(
        &judge,
        problem.path(),
        r#"#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
int main(){
  FILE*f=fopen("/proc/self/status","r"); char line[256]; int clean=0;
  while(fgets(line,sizeof line,f)){
    if(!strncmp(line,"SigIgn:",7)||!strncmp(line,"SigBlk:",7)){
      line[strlen(line)-1]=0;
      if(strspn(line+8,"0")==strlen(line+8)) clean++; else printf("%s_",line+8);
    }
  }
  // And at the normal priority, though its supervisor runs ahead of it.
  if(getpriority(PRIO_PROCESS, 0) != 0) clean = 0;
  if(clean==2) printf("42\n"); else printf("\n");
}"#,
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");

    let report = submit(
        &judge,
        problem.path(),
        "cpp",
        "pipe.cpp",
        r#"#include <unistd.h>
#include <cstdio>
int main(){ int p[2]; pipe(p); close(p[0]);
  for(int i=0;i<1000000;i++) write(p[1],"x",1);
  std::printf("42\n"); }"#,
    );
    assert_eq!(verdict(&report), Verdict::RuntimeError, "{report:#?}");
    assert!(
        report.tests[0].feedback.contains("SIGPIPE"),
        "{}",
        report.tests[0].feedback
    );
}

#[test]
fn without_control_groups_the_judge_warns_and_refuses_runtimes_that_need_them() {
    let problem = echo_problem(2.0);
    let solution = problem.path().join("Echo.java");
    fs::write(
        &solution,
        "public class Echo { public static void main(String[] a) { System.out.println(42); } }\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .args(["judge", "run", "--json", "--judge-without-control-groups"])
        .arg(problem.path())
        .arg(&solution)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.matches("warning:").count(),
        1,
        "one clear warning: {stderr}"
    );
    assert!(stderr.contains("no writable control groups"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "JE");
    assert!(
        report["reason"]
            .as_str()
            .unwrap()
            .contains("cannot run correctly without control groups"),
        "{report}"
    );
    // C still runs.
    let c_solution = problem.path().join("echo.c");
    fs::write(
        &c_solution,
        "#include <stdio.h>\nint main(){ puts(\"42\"); }\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .args(["judge", "run", "--json", "--judge-without-control-groups"])
        .arg(problem.path())
        .arg(&c_solution)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "AC", "{report}");
}

#[test]
fn a_refused_allocation_is_memory_limit_exceeded_in_every_language() {
    let judge = judge(2);
    let problem = echo_problem_with_memory(2.0, 64);
    let cases = [
        (
            "cpp",
            "alloc.cpp",
            "#include <vector>\n#include <cstdio>\nint main(){ std::vector<char> v(1UL<<40); v[5]=1; std::printf(\"%d\\n\", v[5]+41); }",
        ),
        ("python3", "alloc.py", "x = bytearray(1 << 40)\nprint(42)\n"),
        (
            "java",
            "Alloc.java",
            "public class Alloc { public static void main(String[] a) { long[][] k = new long[4096][]; for (int i = 0; i < k.length; i++) k[i] = new long[1 << 20]; System.out.println(42); } }",
        ),
        // Touched pages: the kernel's OOM killer ends it.
        (
            "c",
            "touch.c",
            "#include <stdlib.h>\n#include <string.h>\nint main(){ for(;;){ char*p=malloc(1<<20); memset(p,1,1<<20);} }",
        ),
    ];
    for (language, file, source) in cases {
        let report = submit(&judge, problem.path(), language, file, source);
        assert_eq!(
            verdict(&report),
            Verdict::MemoryLimitExceeded,
            "{language}: {report:#?}"
        );
    }
}

/// An interactive problem: guess a number from 1 to 1000 in at most 10 guesses; the
/// validator answers "lower", "higher" or "correct", and rejects at once on a bad guess.
fn guessing_problem() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("problem.yaml"),
        "name: Guess\nvalidation: custom interactive\nlimits:\n  time_limit: 1\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("output_validators/guesser")).unwrap();
    fs::write(
        root.join("output_validators/guesser/validate.c"),
        GUESSING_VALIDATOR_C,
    )
    .unwrap();
    fs::create_dir_all(root.join("data/secret")).unwrap();
    for (name, secret) in [("1", 1), ("2", 777), ("3", 1000)] {
        fs::write(
            root.join(format!("data/secret/{name}.in")),
            format!("{secret}\n"),
        )
        .unwrap();
        fs::write(root.join(format!("data/secret/{name}.ans")), "").unwrap();
    }
    dir
}

#[test]
fn interactive_problems_are_decided_as_the_format_says() {
    let judge = judge(2);
    let problem = guessing_problem();
    let accepted = c(&judge, problem.path(), BINARY_SEARCH_C);
    assert_eq!(verdict(&accepted), Verdict::Accepted, "{accepted:#?}");

    // Rejected at once, then keeps writing: the validator's verdict stands, and the submission
    // is stopped instead of running into its limits.
    let started = Instant::now();
    let keeps_writing = c(
        &judge,
        problem.path(),
        "#include <stdio.h>\nint main(){ for(;;){ printf(\"0\\n\"); fflush(stdout);} }",
    );
    assert_eq!(
        verdict(&keeps_writing),
        Verdict::WrongAnswer,
        "{keeps_writing:#?}"
    );
    // Rejected, then spins without reading or writing: still a wrong answer.
    let spins = c(
        &judge,
        problem.path(),
        "#include <stdio.h>\nint main(){ printf(\"0\\n\"); fflush(stdout); for(volatile int i=0;;i++); }",
    );
    assert_eq!(verdict(&spins), Verdict::WrongAnswer, "{spins:#?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the submissions were stopped when the validator rejected: {:?}",
        started.elapsed()
    );

    // Never flushes: both wait for each other until the wall clock ends it.
    let no_flush = c(
        &judge,
        problem.path(),
        "#include <stdio.h>\nint main(){ char r[16]; printf(\"500\\n\"); scanf(\"%15s\", r); return 0; }",
    );
    assert_eq!(
        verdict(&no_flush),
        Verdict::TimeLimitExceeded,
        "{no_flush:#?}"
    );

    // Rejected, then fails reading the closed input a moment later (as a Python EOFError
    // would, after unwinding): the validator ended first, so the answer was wrong, not the
    // program broken. The moment is 50 ms: end times come from two supervisors, so exits a few
    // microseconds apart can be seen in either order on a busy machine.
    let fails_on_eof = c(
        &judge,
        problem.path(),
        "#include <stdio.h>\n#include <unistd.h>\nint main(){ char r[16]; printf(\"0\\n\"); fflush(stdout); if (scanf(\"%15s\", r) != 1) { usleep(50000); return 1; } return 0; }",
    );
    assert_eq!(
        verdict(&fails_on_eof),
        Verdict::WrongAnswer,
        "{fails_on_eof:#?}"
    );

    // Guesses once and exits without reading the answer, having closed its input first: the
    // validator's answer meets a channel nobody in the sandbox reads, and it must still go on
    // to read the end of the guesses and reject (problemtools' example "guess" has such a
    // wrong answer), not die of SIGPIPE as a judge error.
    let leaves_early = c(
        &judge,
        problem.path(),
        "#include <stdio.h>\n#include <unistd.h>\nint main(){ close(0); printf(\"500\\n\"); fflush(stdout); return 0; }",
    );
    assert_eq!(
        verdict(&leaves_early),
        Verdict::WrongAnswer,
        "{leaves_early:#?}"
    );

    // Accepted by the validator, then crashes: the submission's own failure decides.
    let crashes_after = c(
        &judge,
        problem.path(),
        "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nint main(){ int lo=1, hi=1000; char r[16];\n for(;;){ int mid=(lo+hi)/2; printf(\"%d\\n\",mid); fflush(stdout);\n  if(scanf(\"%15s\",r)!=1) return 0;\n  if(!strcmp(r,\"correct\")) abort();\n  if(!strcmp(r,\"higher\")) lo=mid+1; else hi=mid-1; } }",
    );
    assert_eq!(
        verdict(&crashes_after),
        Verdict::RuntimeError,
        "{crashes_after:#?}"
    );
}

/// Programs that busy every core until dropped.
struct Load(Vec<Child>);

impl Load {
    fn on_every_core() -> Load {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Load(
            (0..cores)
                .map(|_| {
                    Command::new("sh")
                        .args(["-c", "while :; do :; done"])
                        .spawn()
                        .expect("sh starts")
                })
                .collect(),
        )
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One submission of each kind on a problem with a 1 s time limit and 64 MiB.
fn mixed_submissions() -> Vec<(&'static str, &'static str, String)> {
    vec![
        (
            "AC",
            "c",
            "#include <stdio.h>\nint main(){ int x; scanf(\"%d\",&x); printf(\"%d\\n\",x); }".into(),
        ),
        ("TLE", "c", "int main(){ for(volatile int i=0;;i++); }".into()),
        (
            "MLE",
            "c",
            "#include <stdlib.h>\n#include <string.h>\nint main(){ for(;;){ char*p=malloc(1<<20); memset(p,1,1<<20);} }".into(),
        ),
        ("RE", "c", "int main(){ volatile int*p=0; return *p; }".into()),
        (
            // 75 % of the CPU limit, measured by the program's own CPU clock.
            "close to the limit",
            "c",
            "#include <stdio.h>\n#include <time.h>\nint main(){ int x; scanf(\"%d\",&x); while(clock() < CLOCKS_PER_SEC*3/4); printf(\"%d\\n\",x); }".into(),
        ),
        ("RE", "python3", "import sys\nsys.exit(3)\n".into()),
    ]
}

fn judge_all(judge: &cohort_judge::Judge, problem: &Path) -> Vec<(String, Verdict, Report)> {
    mixed_submissions()
        .into_iter()
        .map(|(kind, language, source)| {
            let file = if language == "c" { "main.c" } else { "main.py" };
            let report = submit(judge, problem, language, file, &source);
            (kind.to_owned(), report.verdict, report)
        })
        .collect()
}

#[test]
fn verdicts_are_the_same_on_a_machine_busy_on_every_core() {
    let judge = judge(std::thread::available_parallelism().map_or(2, |n| n.get()));
    let problem = echo_problem_with_memory(1.0, 64);
    let idle = judge_all(&judge, problem.path());
    for (kind, verdict, report) in &idle {
        let expected = match kind.as_str() {
            "AC" | "close to the limit" => Verdict::Accepted,
            "TLE" => Verdict::TimeLimitExceeded,
            "MLE" => Verdict::MemoryLimitExceeded,
            _ => Verdict::RuntimeError,
        };
        assert_eq!(*verdict, expected, "{kind} on an idle machine: {report:#?}");
    }
    let loaded = {
        let _load = Load::on_every_core();
        // Three rounds, so that runs meet the load at different moments.
        (0..3)
            .flat_map(|_| judge_all(&judge, problem.path()))
            .collect::<Vec<_>>()
    };
    for (index, (kind, verdict, report)) in loaded.iter().enumerate() {
        let (_, idle_verdict, _) = &idle[index % idle.len()];
        assert_eq!(
            verdict, idle_verdict,
            "{kind}: {idle_verdict:?} idle but {verdict:?} under load: {report:#?}"
        );
    }
}
