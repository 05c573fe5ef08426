//! Hostile submissions: each must end with the right verdict within its limits and leave the
//! host as it was. Every submission is judged through [`judged`] and every raw run through
//! [`raw_run`], and both check that no process of the run is left (the one test that judges two
//! at once checks when both have ended). The sandbox supervisor is this package's `cohort`
//! binary, as in production.
//!
//! These tests need what the sandbox needs: Linux with user namespaces, and root for control
//! groups (CI runs as root).

use std::fs;
use std::path::Path;
use std::time::Duration;

use cohort_judge::language::LanguageTable;
use cohort_judge::sandbox::policy::{Limits, MIB};
use cohort_judge::sandbox::{Exit, RunSpec, Stdio};
use cohort_judge::{Judge, Report, Verdict};

mod judging;
use judging::*;

/// No process of the judge's run users is left on the host.
fn assert_no_run_processes_left(judge: &Judge) {
    let run_uids = judge.sandbox().host_run_uids();
    // Killed processes may take a moment to be reaped by their supervisor.
    for _ in 0..200 {
        let left: Vec<String> = fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|entry| {
                let status = fs::read_to_string(entry.path().join("status")).ok()?;
                let uid: u32 = status
                    .lines()
                    .find_map(|l| l.strip_prefix("Uid:"))?
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()?;
                run_uids
                    .contains(&uid)
                    .then(|| format!("{} (uid {uid})", entry.file_name().to_string_lossy()))
            })
            .collect();
        if left.is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("sandboxed processes were left behind");
}

/// Forks until something stops it.
const FORK_BOMB: &str = "#include <unistd.h>\nint main(){ for(;;) fork(); }";
/// Allocates and touches a megabyte at a time until something stops it.
const MEMORY_BOMB: &str = "#include <stdlib.h>\n#include <string.h>\nint main(){ for(;;){ char*p=malloc(1<<20); if(!p) return 1; memset(p,1,1<<20);} }";
/// Spins on the CPU forever.
const BUSY_LOOP: &str = "int main(){ for(volatile int i=0;;i++); }";

/// Judges `source` and checks that nothing of the run is left on the host, which every hostile
/// test promises: the one way these tests judge a submission.
fn judged(judge: &Judge, problem: &Path, language: &str, file: &str, source: &str) -> Report {
    let report = submit(judge, problem, language, file, source);
    assert_no_run_processes_left(judge);
    report
}

/// [`judged`] for a C source.
fn judged_c(judge: &Judge, problem: &Path, source: &str) -> Report {
    judged(judge, problem, "c", "main.c", source)
}

const ECHO_AFTER: &str = r#"
    int x; if (scanf("%d", &x) != 1) return 3; printf("%d\n", x); return 0;
"#;

#[test]
fn a_correct_solution_in_each_language_is_accepted() {
    let judge = judge(2);
    let problem = echo_problem(2.0);
    let sources = [
        ("c", "main.c", "#include <stdio.h>\nint main(){int x; scanf(\"%d\",&x); printf(\"%d\\n\",x);}"),
        ("cpp", "main.cpp", "#include <iostream>\nint main(){int x; std::cin>>x; std::cout<<x<<'\\n';}"),
        ("python3", "echo.py", "print(int(input()))\n"),
        ("java", "Echo.java", "import java.util.*;\npublic class Echo { public static void main(String[] a) { System.out.println(new Scanner(System.in).nextInt()); } }\n"),
        // A public class in a file of another name, as Kattis accepts it.
        ("java", "solution.java", "import java.util.*;\nclass Reader {}\npublic class Answer { public static void main(String[] a) { System.out.println(new Scanner(System.in).nextInt()); } }\n"),
        ("pypy3", "echo.py", "print(int(input()))\n"),
        ("kotlin", "echo.kt", "fun main() { println(readLine()!!.trim().toInt()) }\n"),
        ("javascript", "echo.js", "const x = require('fs').readFileSync(0, 'utf8').trim();\nconsole.log(parseInt(x));\n"),
        ("go", "echo.go", "package main\nimport \"fmt\"\nfunc main() { var x int; fmt.Scan(&x); fmt.Println(x) }\n"),
        ("rust", "echo.rs", "use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let x: i64 = s.trim().parse().unwrap(); println!(\"{x}\"); }\n"),
        ("ruby", "echo.rb", "puts gets.to_i\n"),
        ("php", "echo.php", "<?php\nfscanf(STDIN, '%d', $x);\necho $x, \"\\n\";\n"),
        ("ocaml", "echo.ml", "let () = Scanf.scanf \" %d\" (fun x -> Printf.printf \"%d\\n\" x)\n"),
        ("haskell", "echo.hs", "main :: IO ()\nmain = do\n  x <- readLn :: IO Int\n  print x\n"),
        ("lisp", "echo.lisp", "(format t \"~a~%\" (read))\n"),
        ("prolog", "echo.pl", "main :- read_line_to_string(user_input, S), number_string(N, S), write(N), nl.\n"),
        ("scala", "Echo.scala", "object Echo { def main(args: Array[String]): Unit = println(scala.io.StdIn.readLine().trim.toInt) }\n"),
        ("csharp", "echo.cs", "using System;\nclass Echo { static void Main() { Console.WriteLine(int.Parse(Console.ReadLine().Trim())); } }\n"),
    ];
    for (language, file, source) in sources {
        let report = judged(&judge, problem.path(), language, file, source);
        assert_eq!(report.verdict, Verdict::Accepted, "{language}: {report:#?}");
        assert!(
            report.tests[0].memory_kib > 0,
            "{language}: memory is measured"
        );
    }
}

#[test]
fn a_compile_error_returns_the_compilers_message() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let report = judged(
        &judge,
        problem.path(),
        "cpp",
        "main.cpp",
        "int main() { return missing; }",
    );
    assert_eq!(report.verdict, Verdict::CompileError);
    assert!(
        report.compile_output.contains("missing"),
        "{}",
        report.compile_output
    );
    assert!(
        !report.compile_output.contains("/box/"),
        "paths are shortened"
    );
    let python = judged(
        &judge,
        problem.path(),
        "python3",
        "main.py",
        "def broken(:\n",
    );
    assert_eq!(python.verdict, Verdict::CompileError);
    assert!(
        python.compile_output.contains("SyntaxError"),
        "{}",
        python.compile_output
    );
}

#[test]
fn a_fork_bomb_is_stopped_and_leaves_nothing_behind() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let report = judged_c(&judge, problem.path(), FORK_BOMB);
    assert_eq!(verdict(&report), Verdict::TimeLimitExceeded);
}

#[test]
fn a_memory_bomb_that_touches_its_pages_gets_memory_limit_exceeded() {
    let judge = judge(1);
    let problem = echo_problem(2.0);
    let report = judged_c(&judge, problem.path(), MEMORY_BOMB);
    assert_eq!(
        verdict(&report),
        Verdict::MemoryLimitExceeded,
        "{report:#?}"
    );
}

#[test]
fn a_large_allocation_that_is_never_touched_costs_nothing() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let report = judged_c(
        &judge,
        problem.path(),
        &format!("#include <stdio.h>\n#include <stdlib.h>\nint main(){{ volatile char*p=malloc(1UL<<33); (void)p; {ECHO_AFTER} }}"),
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
    assert!(report.tests[0].memory_kib < 64 * 1024);
}

#[test]
fn an_infinite_loop_and_a_sleep_forever_get_time_limit_exceeded() {
    let judge = judge(2);
    let problem = echo_problem(0.5);
    let busy = judged_c(&judge, problem.path(), BUSY_LOOP);
    assert_eq!(verdict(&busy), Verdict::TimeLimitExceeded);
    assert!(
        busy.tests[0].feedback.contains("CPU"),
        "{}",
        busy.tests[0].feedback
    );
    let sleeping = judged_c(
        &judge,
        problem.path(),
        "#include <unistd.h>\nint main(){ for(;;) sleep(100); }",
    );
    assert_eq!(verdict(&sleeping), Verdict::TimeLimitExceeded);
    assert!(
        sleeping.tests[0].feedback.contains("wall"),
        "{}",
        sleeping.tests[0].feedback
    );
    // The wall clock is a safety net well above the CPU limit, and a run it cut short is run
    // again alone (0.5 s x 6 + 2 s) before the verdict: bounded, but not tight.
    assert!(
        sleeping.tests[0].wall_ms < 8_000.0,
        "{}",
        sleeping.tests[0].wall_ms
    );
}

#[test]
fn an_output_flood_gets_output_limit_exceeded() {
    let judge = judge(1);
    let problem = echo_problem(2.0);
    let report = judged_c(
        &judge,
        problem.path(),
        "#include <stdio.h>\nint main(){ for(;;) fputs(\"flood flood flood flood\\n\", stdout); }",
    );
    assert_eq!(verdict(&report), Verdict::OutputLimitExceeded);
}

#[test]
fn filling_the_working_directory_and_tmp_fails_inside_and_leaves_the_disk_alone() {
    let judge = judge(1);
    // Scratch space is memory (tmpfs, charged to the run): with 128 MiB of memory, filling both
    // 64 MiB directories is a memory limit; with 512 MiB the directories fill first.
    let tight = echo_problem(2.0);
    let problem = echo_problem_with_memory(2.0, 512);
    let before = free_disk_bytes();
    let report = judged_c(&judge, problem.path(), &fill_source());
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
    let tight_report = judged_c(&judge, tight.path(), &fill_source());
    assert_eq!(verdict(&tight_report), Verdict::MemoryLimitExceeded);
    let after = free_disk_bytes();
    assert!(
        before.saturating_sub(after) < 64 * MIB,
        "the host disk lost {} MiB",
        (before - after) / MIB
    );
}

/// Writes 3 MiB files into the working directory, then /tmp, until writing fails; then answers.
fn fill_source() -> String {
    format!(
        r#"#include <stdio.h>
    #include <string.h>
    static char block[1 << 20];
    int fill(const char *dir) {{
        char name[64]; int files = 0;
        memset(block, 7, sizeof block);
        for (int f = 0; f < 1000; f++) {{
            snprintf(name, sizeof name, "%s/fill%d", dir, f);
            FILE *out = fopen(name, "w"); if (!out) break;
            int written = 0;
            for (int i = 0; i < 3; i++) written += fwrite(block, 1, sizeof block, out) == sizeof block;
            if (fclose(out) != 0 || written < 3) break;
            files++;
        }}
        return files;
    }}
    int main() {{
        int box = fill("."), tmp = fill("/tmp");
        if (box >= 1000 || tmp >= 1000) return 9;
        {ECHO_AFTER}
    }}"#
    )
}

fn free_disk_bytes() -> u64 {
    let stats = nix::sys::statvfs::statvfs(std::env::temp_dir().as_path()).unwrap();
    stats.blocks_available() * stats.fragment_size()
}

#[test]
fn host_files_other_runs_and_the_judge_cannot_be_read() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let cache = std::env::temp_dir().join("cohort-judge-test-cache");
    let secrets = [
        "/etc/shadow".to_owned(),
        "/etc/passwd".to_owned(),
        "/root/.bashrc".to_owned(),
        problem
            .path()
            .join("data/secret/1.ans")
            .display()
            .to_string(),
        cache.display().to_string(),
        env!("CARGO_BIN_EXE_cohort").to_owned(),
        "/proc/1/environ".to_owned(),
        "/proc/1/cmdline".to_owned(),
        "/sys/fs/cgroup".to_owned(),
        "/var/lib/postgresql".to_owned(),
    ];
    let list = secrets
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(",");
    let report = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#include <stdio.h>
#include <fcntl.h>
int main() {{
    const char *paths[] = {{ {list} }};
    for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++)
        if (open(paths[i], O_RDONLY) >= 0) {{ printf("LEAK %s\n", paths[i]); return 0; }}
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
}

#[test]
fn nothing_outside_the_working_directory_and_tmp_can_be_written() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let report = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#include <stdio.h>
#include <fcntl.h>
int main() {{
    const char *paths[] = {{ "/x", "/usr/x", "/etc/x", "/prog/x", "/dev/x", "/proc/x", "/usr/bin/gcc" }};
    for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++)
        if (open(paths[i], O_WRONLY | O_CREAT, 0644) >= 0) {{ printf("WROTE %s\n", paths[i]); return 0; }}
    if (open("/box/mine", O_WRONLY | O_CREAT, 0644) < 0 || open("/tmp/mine", O_WRONLY | O_CREAT, 0644) < 0) return 4;
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
}

#[test]
fn network_connections_and_unix_sockets_are_refused() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let report = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#include <stdio.h>
#include <sys/socket.h>
int main() {{
    if (socket(AF_INET, SOCK_STREAM, 0) >= 0) {{ puts("TCP"); return 0; }}
    if (socket(AF_INET6, SOCK_DGRAM, 0) >= 0) {{ puts("UDP"); return 0; }}
    if (socket(AF_UNIX, SOCK_STREAM, 0) >= 0) {{ puts("UNIX"); return 0; }}
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
}

#[test]
fn kill_minus_one_reaches_only_the_submissions_own_processes() {
    let judge = judge(2);
    let problem = echo_problem(2.0);
    // A slow, honest run in the other slot must survive the killer.
    std::thread::scope(|scope| {
        // Both runs are judged at once, so nothing-left is checked once both have ended.
        let honest = scope.spawn(|| {
            submit(
                &judge,
                problem.path(),
                "c",
                "main.c",
                &format!("#include <stdio.h>\n#include <unistd.h>\nint main(){{ usleep(600000); {ECHO_AFTER} }}"),
            )
        });
        std::thread::sleep(Duration::from_millis(150));
        let killer = submit(
            &judge,
            problem.path(),
            "c",
            "main.c",
            &format!("#include <stdio.h>\n#include <signal.h>\nint main(){{ kill(-1, SIGKILL); {ECHO_AFTER} }}"),
        );
        assert_eq!(verdict(&killer), Verdict::Accepted, "{killer:#?}");
        assert_eq!(verdict(&honest.join().unwrap()), Verdict::Accepted);
    });
    assert_no_run_processes_left(&judge);
}

#[test]
fn ptrace_and_new_namespaces_are_refused() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let report = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#define _GNU_SOURCE
#include <stdio.h>
#include <errno.h>
#include <signal.h>
#include <sched.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
int main() {{
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0) {{ puts("TRACED"); return 0; }}
    if (ptrace(PTRACE_ATTACH, 1, 0, 0) == 0) {{ puts("ATTACHED"); return 0; }}
    if (unshare(CLONE_NEWUSER) == 0) {{ puts("USERNS"); return 0; }}
    // clone with a namespace flag is refused; clone3, whose flags a filter cannot read, is
    // answered "not implemented" so that C libraries fall back to clone.
    if (syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0) != -1 || errno != EPERM) {{ puts("CLONE NEWNS"); return 0; }}
    if (syscall(SYS_clone3, 0, 0) != -1 || errno != ENOSYS) {{ puts("CLONE3"); return 0; }}
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
}

#[test]
fn thousands_of_threads_are_capped_by_the_process_limit() {
    let judge = judge(1);
    let problem = echo_problem(2.0);
    let report = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#include <stdio.h>
#include <pthread.h>
#include <unistd.h>
static void *idle(void *arg) {{ (void)arg; sleep(30); return 0; }}
int main() {{
    int started = 0; pthread_t thread;
    for (int i = 0; i < 5000; i++) if (pthread_create(&thread, 0, idle, 0) == 0) started++;
    if (started > 64) {{ printf("%d threads\n", started); return 0; }}
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
}

#[test]
fn proc_shows_only_the_submissions_own_processes() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let report = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#include <stdio.h>
#include <dirent.h>
#include <ctype.h>
int main() {{
    DIR *proc = opendir("/proc"); struct dirent *entry; int processes = 0;
    if (!proc) return 5;
    while ((entry = readdir(proc))) if (isdigit((unsigned char)entry->d_name[0])) processes++;
    if (processes != 1) {{ printf("%d processes visible\n", processes); return 0; }}
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
}

#[test]
fn deep_recursion_works_up_to_the_stack_limit_and_then_is_a_runtime_error() {
    let judge = judge(1);
    let problem = echo_problem(2.0);
    // About 64 MiB of stack in 1,000,000 frames: within the 128 MiB limit.
    let deep = judged_c(
        &judge,
        problem.path(),
        &format!(
            "#include <stdio.h>\nint depth(int n){{ volatile char pad[48]; pad[0]=n; return n==0?0:1+depth(n-1)+pad[0]*0; }}\nint main(){{ if (depth(1000000) != 1000000) return 1; {ECHO_AFTER} }}"
        ),
    );
    assert_eq!(verdict(&deep), Verdict::Accepted, "{deep:#?}");
    let endless = judged_c(
        &judge,
        problem.path(),
        "int down(int n){ volatile char pad[256]; pad[0]=n; return down(n+1)+pad[0]; }\nint main(){ return down(0); }",
    );
    let endless_verdict = verdict(&endless);
    assert!(
        endless_verdict == Verdict::RuntimeError || endless_verdict == Verdict::MemoryLimitExceeded,
        "{endless:#?}"
    );
}

#[test]
fn java_system_exit_with_a_status_is_a_runtime_error_naming_it() {
    let judge = judge(1);
    let problem = echo_problem(2.0);
    let report = judged(
        &judge,
        problem.path(),
        "java",
        "Main.java",
        "public class Main { public static void main(String[] a) { System.exit(1); } }",
    );
    assert_eq!(verdict(&report), Verdict::RuntimeError);
    assert_eq!(report.tests[0].feedback, "exit code 1");
}

#[test]
fn python_os_system_cannot_start_a_shell() {
    let judge = judge(1);
    let problem = echo_problem(2.0);
    let report = judged(
        &judge,
        problem.path(),
        "python3",
        "main.py",
        "import os\nstatus = os.system('echo hacked > /box/out; cat /etc/hostname')\nprint(42 if status != 0 else 'shell ran')\n",
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
}

/// Runs a program directly in a sandbox slot (without a package), for what a submission cannot
/// express as a verdict.
fn raw_run(
    judge: &Judge,
    argv: &[&str],
    processes: u32,
    copy_out: &[&str],
) -> (Exit, String, Vec<String>) {
    let output = tempfile::tempfile().unwrap();
    let mut spec = RunSpec::new(
        argv.iter().map(|s| s.to_string()).collect(),
        Limits {
            processes,
            ..Limits::default()
        },
    );
    spec.stdout = Stdio::Fd(output.try_clone().unwrap().into());
    spec.stderr = Stdio::Fd(output.try_clone().unwrap().into());
    spec.copy_out = copy_out.iter().map(|s| s.to_string()).collect();
    let run = judge.sandbox().run(spec).unwrap();
    assert_no_run_processes_left(judge);
    use std::io::{Read, Seek};
    let mut text = String::new();
    let mut output = output;
    output.rewind().unwrap();
    output.read_to_string(&mut text).unwrap();
    (
        run.exit,
        text,
        run.files.into_iter().map(|(name, _)| name).collect(),
    )
}

#[test]
fn setuid_programs_do_not_raise_privileges() {
    let judge = judge(1);
    let (_, text, _) = raw_run(
        &judge,
        &[
            "/bin/sh",
            "-c",
            "id -u; /usr/bin/su -c id root; /usr/bin/passwd -S root; true",
        ],
        8,
        &[],
    );
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("1000"), "{text}");
    assert!(!text.contains("uid=0"), "{text}");
}

#[test]
fn a_planted_symlink_is_never_followed_when_files_come_back_from_the_sandbox() {
    let judge = judge(1);
    let (exit, _, files) = raw_run(
        &judge,
        &[
            "/bin/sh",
            "-c",
            "ln -s /usr/lib/os-release judgemessage.txt; echo fine > score.txt",
        ],
        8,
        &["judgemessage.txt", "score.txt"],
    );
    assert_eq!(exit, Exit::Code(0));
    assert_eq!(
        files,
        ["score.txt"],
        "the link is skipped, the regular file returned"
    );
}

#[test]
fn the_sandbox_has_no_network_interfaces_up_and_its_own_host_name() {
    let judge = judge(1);
    let (_, text, _) = raw_run(
        &judge,
        &["/bin/sh", "-c", "cat /proc/net/dev; hostname"],
        8,
        &[],
    );
    assert!(!text.contains("eth0"), "{text}");
    assert!(text.trim_end().ends_with("sandbox"), "{text}");
}

#[test]
fn nothing_is_left_behind_when_the_judge_is_dropped() {
    let judge = judge(2);
    let problem = echo_problem(1.0);
    let report = judged_c(
        &judge,
        problem.path(),
        "#include <unistd.h>\nint main(){ if(fork()==0) for(;;); for(;;); }",
    );
    assert_eq!(report.verdict, Verdict::TimeLimitExceeded);
    let groups = judge.sandbox().cgroup_directories();
    let run_uids = judge.sandbox().host_run_uids();
    drop(judge);
    for group in groups {
        assert!(
            !group.exists(),
            "control group {} was left behind",
            group.display()
        );
    }
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(status) = fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let uid: Option<u32> = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok());
        assert!(
            !uid.is_some_and(|uid| run_uids.contains(&uid)),
            "a run process outlived the judge"
        );
    }
}

#[test]
fn shared_memory_left_by_one_run_is_gone_for_the_next() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let leave = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
int main() {{
    int id = shmget(0x5eed, 1 << 20, IPC_CREAT | 0666);
    if (id < 0) return 6;
    char *p = shmat(id, 0, 0); strcpy(p, "secret input");
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&leave), Verdict::Accepted, "{leave:#?}");
    let look = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#include <stdio.h>
#include <sys/shm.h>
int main() {{
    if (shmget(0x5eed, 0, 0) >= 0) {{ puts("FOUND"); return 0; }}
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&look), Verdict::Accepted, "{look:#?}");
}

#[test]
fn x32_system_calls_cannot_slip_past_the_filter() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    let report = judged_c(
        &judge,
        problem.path(),
        &format!(
            r#"#define _GNU_SOURCE
#include <stdio.h>
#include <sched.h>
#include <unistd.h>
#include <sys/syscall.h>
int main() {{
    if (syscall(0x40000000 | SYS_unshare, CLONE_NEWUSER) == 0) {{ puts("X32 UNSHARE"); return 0; }}
    if (syscall(0x40000000 | SYS_socket, 2, 1, 0) >= 0) {{ puts("X32 SOCKET"); return 0; }}
    {ECHO_AFTER}
}}"#
        ),
    );
    assert_eq!(verdict(&report), Verdict::Accepted, "{report:#?}");
}

#[test]
fn the_sandbox_root_and_dev_are_read_only_even_for_the_supervisor_s_files() {
    let judge = judge(1);
    let (_, text, _) = raw_run(
        &judge,
        &[
            "/bin/sh",
            "-c",
            "touch /etc/ld.so.preload /dev/evil /evil 2>&1; echo done",
        ],
        8,
        &[],
    );
    assert!(
        text.contains("Read-only") || text.contains("Permission denied"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("done"), "{text}");
    let (_, listing, _) = raw_run(&judge, &["/bin/sh", "-c", "ls /etc"], 8, &[]);
    assert!(!listing.contains("ld.so.preload"), "{listing}");
}

#[test]
fn the_same_source_compiles_once_and_a_changed_one_again() {
    let judge = judge(1);
    let cpp = LanguageTable::builtin().by_id("cpp").unwrap().clone();
    let unique = format!(
        "// {:?}\nint main() {{ return 0; }}\n",
        std::time::SystemTime::now()
    );
    let files = |source: &str| vec![("main.cpp".to_string(), source.as_bytes().to_vec())];
    let first = judge.compile(&cpp, "main.cpp", &files(&unique)).unwrap();
    assert!(!first.cached);
    let second = judge.compile(&cpp, "main.cpp", &files(&unique)).unwrap();
    assert!(second.cached, "identical code is not compiled again");
    assert_eq!(first.directory, second.directory);
    let changed = judge
        .compile(&cpp, "main.cpp", &files(&format!("{unique}// changed\n")))
        .unwrap();
    assert!(!changed.cached);
    assert_ne!(changed.directory, first.directory);
    assert_no_run_processes_left(&judge);
}

#[test]
fn without_control_groups_resource_limits_still_stop_bombs_and_loops() {
    let judge = judge_with(1, false);
    assert!(judge.sandbox().cgroup_kind().is_none());
    let problem = echo_problem(0.5);
    let memory = judged_c(&judge, problem.path(), MEMORY_BOMB);
    assert_ne!(memory.verdict, Verdict::Accepted, "{memory:#?}");
    assert!(
        memory.tests[0].memory_kib <= 128 * 1024 + 1024,
        "the address-space limit held: {memory:#?}"
    );
    let busy = judged_c(&judge, problem.path(), BUSY_LOOP);
    assert_eq!(verdict(&busy), Verdict::TimeLimitExceeded);
    let bomb = judged_c(&judge, problem.path(), FORK_BOMB);
    assert_eq!(verdict(&bomb), Verdict::TimeLimitExceeded);
    let fine = judged_c(
        &judge,
        problem.path(),
        &format!("#include <stdio.h>\nint main(){{ {ECHO_AFTER} }}"),
    );
    assert_eq!(verdict(&fine), Verdict::Accepted);
}

#[test]
fn a_broken_validator_is_a_judge_error_never_the_candidates_fault() {
    let judge = judge(1);
    let problem = echo_problem(1.0);
    fs::write(
        problem.path().join("problem.yaml"),
        "name: Echo\nvalidation: custom\nlimits:\n  time_limit: 1\n  memory: 128\n",
    )
    .unwrap();
    let validator = problem.path().join("output_validators/broken");
    fs::create_dir_all(&validator).unwrap();
    fs::write(
        validator.join("validator.py"),
        "import sys\nprint('cannot read the answer', file=sys.stderr)\nsys.exit(1)\n",
    )
    .unwrap();
    let report = judged_c(
        &judge,
        problem.path(),
        &format!("#include <stdio.h>\nint main(){{ {ECHO_AFTER} }}"),
    );
    assert_eq!(report.verdict, Verdict::JudgeError, "{report:#?}");
    assert!(
        report.tests[0].feedback.contains("validator"),
        "{}",
        report.tests[0].feedback
    );
}

#[test]
fn runs_leave_the_hosts_mount_table_and_scratch_space_as_they_were() {
    let mounts = || {
        fs::read_to_string("/proc/self/mountinfo")
            .unwrap()
            .lines()
            .count()
    };
    let before = mounts();
    let judge = judge(2);
    let problem = echo_problem(1.0);
    let report = judged_c(
        &judge,
        problem.path(),
        &format!("#include <stdio.h>\nint main(){{ {ECHO_AFTER} }}"),
    );
    assert_eq!(verdict(&report), Verdict::Accepted);
    assert_eq!(
        mounts(),
        before,
        "no mount appears on the host while slots run"
    );
    let scratch = judge.scratch_dir().to_path_buf();
    assert!(scratch.is_dir());
    drop(judge);
    assert_eq!(mounts(), before);
    assert!(
        !scratch.exists(),
        "the judge's scratch directory is removed"
    );
}

#[test]
fn a_program_that_cannot_be_executed_is_reported_with_the_reason_and_the_slot_goes_on() {
    let judge = judge(1);
    let missing = judge
        .sandbox()
        .run(RunSpec::new(
            vec!["/usr/bin/no-such-program".into()],
            Limits::default(),
        ))
        .unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("cannot execute /usr/bin/no-such-program: ENOENT"),
        "{missing}"
    );
    // A directory is found but cannot be executed.
    let directory = judge
        .sandbox()
        .run(RunSpec::new(vec!["/usr".into()], Limits::default()))
        .unwrap_err();
    assert!(
        directory
            .to_string()
            .contains("cannot execute /usr: EACCES"),
        "{directory}"
    );
    // The same slot runs the next program normally.
    let (exit, text, _) = raw_run(&judge, &["/bin/sh", "-c", "echo still here"], 8, &[]);
    assert_eq!(exit, Exit::Code(0));
    assert_eq!(text, "still here\n");
}
