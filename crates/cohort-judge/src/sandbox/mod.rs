//! A Linux sandbox for untrusted programs: namespaces, a read-only file tree, control groups,
//! resource limits, an unprivileged user and a seccomp filter, with prepared slots reused
//! between runs. `policy` says what a program may do; the rest carries it out.

pub mod cgroup;
mod mount_api;
pub mod policy;
mod pool;
mod protocol;
mod seccomp;
mod supervisor;

pub use pool::{LimitHit, RunResult, RunSpec, Sandbox, SandboxConfig, Stdio};
pub use protocol::Exit;

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
