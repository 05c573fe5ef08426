//! A Linux sandbox for untrusted programs: namespaces, a read-only file tree, control groups,
//! resource limits, an unprivileged user and a seccomp filter, with prepared slots reused
//! between runs. `policy` says what a program may do; the rest carries it out.

pub mod cgroup;
mod launch;
mod mount_api;
pub mod policy;
mod pool;
mod protocol;
mod seccomp;
mod supervisor;
pub mod uids;

pub use pool::{LimitHit, RunResult, RunSpec, Sandbox, SandboxConfig, Stdio};
pub use protocol::Exit;

/// How a sandbox enforces its limits: with control groups, or degraded to resource limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    ControlGroups(cgroup::CgroupKind),
    /// No writable control groups: memory is limited by address space, processes per user, CPU
    /// by the main process's own time.
    ResourceLimitsOnly,
}

impl Enforcement {
    /// How workers report it (the Administration page, `/metrics`).
    pub fn label(self) -> &'static str {
        match self {
            Enforcement::ControlGroups(cgroup::CgroupKind::V1) => "control groups (v1)",
            Enforcement::ControlGroups(cgroup::CgroupKind::V2) => "control groups (v2)",
            Enforcement::ResourceLimitsOnly => "resource limits only",
        }
    }

    pub fn degraded(self) -> bool {
        self == Enforcement::ResourceLimitsOnly
    }
}

/// What changes when a judge runs without control groups, for the warning printed at start.
pub const DEGRADED_WARNING: &str = "the judge has no writable control groups, so it falls back \
to resource limits: memory is limited by address space (a program that reserves more than it \
uses fails, and memory overruns may show as run-time errors), CPU time counts only the main \
process, and languages whose runtime needs control groups (Java, Kotlin, Scala, JavaScript, Go, C#, Common Lisp, Prolog) are \
refused. Run the judge as root on a machine with cgroup v1 or v2 mounted writable to judge \
correctly.";

/// The argument after which the `cohort` binary becomes a slot's supervisor.
pub const SUPERVISOR_ARGUMENT: &str = "__sandbox-supervisor";

/// Runs a slot's supervisor; the binary calls this when started with [`SUPERVISOR_ARGUMENT`].
pub fn supervisor_main() -> ! {
    supervisor::main()
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The sandbox could not be prepared: missing privileges, no namespaces, a bad path.
    #[error("sandbox setup failed: {0}")]
    Setup(String),
    /// The program could not be started inside a working slot.
    #[error("the program could not be started: {0}")]
    Run(String),
    /// The slot's supervisor went away; the pool replaces it.
    #[error("a sandbox slot was lost: {0}")]
    SlotLost(String),
}
