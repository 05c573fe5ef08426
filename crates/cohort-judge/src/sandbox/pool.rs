//! The judge's side of the sandbox: a pool of prepared slots.
//!
//! Creating namespaces, a control group and a mount tree costs milliseconds, far more than
//! running a small program. Each slot therefore pays it once: a supervisor process is started in
//! new user, PID, mount, network, IPC and UTS namespaces and serves runs until the pool is
//! dropped. Between runs the supervisor kills every process of the namespace and mounts fresh
//! scratch space, and the pool resets the control group's counters, so reuse never lets one run
//! observe or affect another.

use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use nix::sched::CloneFlags;
use nix::sys::socket::{socketpair, AddressFamily, SockFlag, SockType};
use nix::sys::wait::waitpid;
use nix::unistd::Pid;

use super::cgroup::{self, CgroupKind, SlotCgroup};
use super::policy::{self, Limits};
use super::protocol::{self, Exit, Killed, Order, Reply, Request, Setup};
use super::SandboxError;

/// How to start slots.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The program that runs [`super::supervisor_main`] when given `supervisor_args`: normally
    /// the `cohort` binary itself.
    pub supervisor_program: PathBuf,
    pub supervisor_args: Vec<String>,
    /// How many runs may go on at once.
    pub slots: usize,
    /// Count memory, CPU and processes with control groups where they can be written. Without
    /// them (or with this false) the sandbox falls back to resource limits: an address-space
    /// limit for memory (too tight for the JVM), RLIMIT_NPROC per slot user, and the main
    /// process's own CPU time.
    pub control_groups: bool,
    /// The host ids slots map their users to (see [`super::uids`]).
    pub uids: super::uids::UidRange,
}

/// Where a run's standard input comes from and its output goes.
pub enum Stdio {
    Null,
    Fd(OwnedFd),
}

/// One program to run in a slot.
pub struct RunSpec {
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub limits: Limits,
    pub stdin: Stdio,
    pub stdout: Stdio,
    pub stderr: Stdio,
    /// Host directories bound read-only inside, at absolute paths such as `/prog`.
    pub mounts: Vec<(PathBuf, String)>,
    /// Host files copied into the working directory: (file, name, executable).
    pub copy_in: Vec<(PathBuf, String, bool)>,
    /// Names (or `*suffix` patterns) of files to hand back from the working directory.
    pub copy_out: Vec<String>,
}

impl RunSpec {
    pub fn new(argv: Vec<String>, limits: Limits) -> RunSpec {
        RunSpec {
            argv,
            env: vec![
                "PATH=/usr/local/bin:/usr/bin:/bin".into(),
                "HOME=/box".into(),
                "LANG=C.UTF-8".into(),
                "TMPDIR=/tmp".into(),
            ],
            limits,
            stdin: Stdio::Null,
            stdout: Stdio::Null,
            stderr: Stdio::Null,
            mounts: Vec::new(),
            copy_in: Vec::new(),
            copy_out: Vec::new(),
        }
    }
}

/// The limit that ended a run, if one did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum LimitHit {
    Cpu,
    Wall,
    Memory,
    Output,
    Processes,
}

/// What happened to one run.
#[derive(Debug)]
pub struct RunResult {
    pub exit: Exit,
    pub limit: Option<LimitHit>,
    pub cpu: Duration,
    pub wall: Duration,
    pub peak_memory_bytes: u64,
    /// Memory use reached the limit during the run (see [`cgroup::Usage`]); always false
    /// without control groups.
    pub memory_limit_reached: bool,
    /// The judge stopped it because its partner ended (see [`Sandbox::run_pair`]).
    pub stopped: bool,
    /// When it ended, on the machine's monotonic clock: which of two partners ended first.
    pub ended_at_nanos: u64,
    /// Files handed back from the working directory, by name.
    pub files: Vec<(String, File)>,
}

impl RunResult {
    pub fn succeeded(&self) -> bool {
        self.limit.is_none() && self.exit == Exit::Code(0)
    }
}

struct Slot {
    index: usize,
    /// What the slot has mounted, by target, from earlier runs.
    mounted: Vec<(String, PathBuf)>,
    supervisor: Pid,
    socket: OwnedFd,
    cgroup: Option<SlotCgroup>,
}

/// A pool of sandbox slots. Dropping it kills every supervisor and removes every control group.
pub struct Sandbox {
    config: SandboxConfig,
    /// One pair of host ids per slot, held (locked) for the pool's life.
    ids: Vec<super::uids::UidLease>,
    slots: Mutex<Slots>,
    returned: Condvar,
}

/// The pool's slots: those free now, and how many exist (free or in use).
struct Slots {
    free: Vec<Slot>,
    live: usize,
}

/// Control groups are named `<CGROUP_PREFIX>-<judge pid>-<number>`.
const CGROUP_PREFIX: &str = "cohort-judge";

impl Sandbox {
    pub fn new(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        if config.slots > MAX_SLOTS {
            return Err(SandboxError::Setup(format!(
                "at most {MAX_SLOTS} slots per sandbox pool"
            )));
        }
        if !nix::unistd::geteuid().is_root() {
            return Err(SandboxError::Setup(
                "the sandbox needs root: it creates control groups, maps each slot to its own \
                 unprivileged host ids and mounts programs into slots (programs themselves never \
                 run as root)"
                    .into(),
            ));
        }
        cgroup::remove_stale(CGROUP_PREFIX);
        let ids = super::uids::lease(
            config.uids,
            config.slots.max(1),
            Path::new(super::uids::LOCK_DIRECTORY),
        )?;
        let mut slots = Vec::new();
        for (index, lease) in ids.iter().enumerate() {
            slots.push(start_slot(&config, index, lease)?);
        }
        Ok(Sandbox {
            ids,
            slots: Mutex::new(Slots {
                live: slots.len(),
                free: slots,
            }),
            config,
            returned: Condvar::new(),
        })
    }

    /// Whether memory, CPU and processes are counted by control groups (else by rlimits).
    pub fn cgroup_kind(&self) -> Option<CgroupKind> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots
            .free
            .first()
            .and_then(|s| s.cgroup.as_ref().map(|c| c.kind()))
    }

    pub fn slots(&self) -> usize {
        self.config.slots.max(1)
    }

    /// The host user ids programs of this pool run as (one per slot), to check from outside
    /// that nothing of theirs is left running.
    pub fn host_run_uids(&self) -> Vec<u32> {
        self.ids.iter().map(|lease| lease.run).collect()
    }

    /// The control-group directories of this pool's slots.
    pub fn cgroup_directories(&self) -> Vec<PathBuf> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots
            .free
            .iter()
            .filter_map(|slot| slot.cgroup.as_ref())
            .flat_map(|group| group.directories().to_vec())
            .collect()
    }

    /// Runs one program, waiting for a free slot.
    pub fn run(&self, spec: RunSpec) -> Result<RunResult, SandboxError> {
        let mut slots = self.take(1)?;
        let slot = slots.pop().expect("take returns what was asked");
        self.run_in(slot, spec)
    }

    /// Runs two programs at once (an interactor and a submission), taking both slots together
    /// so that two pairs can never each hold one slot and wait forever for a second. When the
    /// first ends and `stop_second(first's result)` says so, the second is stopped at once
    /// (an interactor that has rejected needs nothing more from the submission).
    pub fn run_pair(
        &self,
        first: RunSpec,
        second: RunSpec,
        stop_second: impl Fn(&RunResult) -> bool,
    ) -> (
        Result<RunResult, SandboxError>,
        Result<RunResult, SandboxError>,
    ) {
        if self.slots() < 2 {
            let error = || {
                Err(SandboxError::Setup(
                    "interactive problems need two slots".into(),
                ))
            };
            return (error(), error());
        }
        let mut slots = match self.take(2) {
            Ok(slots) => slots,
            Err(error) => return (Err(SandboxError::Setup(error.to_string())), Err(error)),
        };
        let mut b = slots.pop().expect("two slots");
        let mut a = slots.pop().expect("two slots");
        let stopper = b.socket.try_clone();
        // Both slots stay out of the pool until both runs have ended, so a stop order can only
        // ever reach the run it was meant for.
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| run_on(&mut b, second));
            let first = run_on(&mut a, first);
            if let (Ok(result), Ok(stopper)) = (&first, &stopper) {
                if stop_second(result) {
                    let _ = protocol::send(stopper.as_fd(), &Order::Stop, &[]);
                }
            }
            let second = second
                .join()
                .unwrap_or_else(|_| Err(SandboxError::Setup("a sandbox thread panicked".into())));
            (first, second)
        });
        self.finish(a, &first);
        self.finish(b, &second);
        (first, second)
    }

    /// Waits for `count` free slots; fails if the pool no longer has that many (slots that
    /// could not be restarted are gone for good), rather than waiting forever.
    fn take(&self, count: usize) -> Result<Vec<Slot>, SandboxError> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        while slots.free.len() < count {
            if slots.live < count {
                return Err(SandboxError::Setup(format!(
                    "only {} of the pool's sandbox slots still work",
                    slots.live
                )));
            }
            slots = self.returned.wait(slots).unwrap_or_else(|e| e.into_inner());
        }
        let at = slots.free.len() - count;
        Ok(slots.free.split_off(at))
    }

    fn give_back(&self, slot: Option<Slot>) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        match slot {
            Some(slot) => slots.free.push(slot),
            None => slots.live -= 1,
        }
        self.returned.notify_all();
    }

    fn run_in(&self, mut slot: Slot, spec: RunSpec) -> Result<RunResult, SandboxError> {
        let outcome = run_on(&mut slot, spec);
        self.finish(slot, &outcome);
        outcome
    }

    /// Returns a slot to the pool after a run, replacing it if the run lost it.
    fn finish(&self, mut slot: Slot, outcome: &Result<RunResult, SandboxError>) {
        match outcome {
            Err(SandboxError::SlotLost(_)) => {
                // The supervisor is gone or out of step; replace it so the pool keeps its size.
                let index = slot.index;
                stop_slot(slot);
                match start_slot(&self.config, index, &self.ids[index]) {
                    Ok(fresh) => self.give_back(Some(fresh)),
                    Err(error) => {
                        tracing::error!(%error, "a sandbox slot could not be restarted");
                        self.give_back(None);
                    }
                }
            }
            Err(_) => {
                // What the supervisor has mounted is no longer known for sure: mount afresh.
                slot.mounted.clear();
                self.give_back(Some(slot));
            }
            Ok(_) => self.give_back(Some(slot)),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let slots = std::mem::take(&mut self.slots.lock().unwrap_or_else(|e| e.into_inner()).free);
        for slot in slots {
            stop_slot(slot);
        }
    }
}

fn stop_slot(slot: Slot) {
    // Closing the socket makes the supervisor kill its namespace and exit; SIGKILL makes sure.
    drop(slot.socket);
    let _ = nix::sys::signal::kill(slot.supervisor, nix::sys::signal::Signal::SIGKILL);
    let _ = waitpid(slot.supervisor, None);
    drop(slot.cgroup);
}

fn run_on(slot: &mut Slot, spec: RunSpec) -> Result<RunResult, SandboxError> {
    let limits = prepare_limits(slot, &spec.limits)?;
    let mut fds = stdio_fds([spec.stdin, spec.stdout, spec.stderr])?;
    let mounts = mount_orders(slot, &spec.mounts, &mut fds)?;
    let mut copy_in = Vec::new();
    for (file, name, executable) in &spec.copy_in {
        fds.push(open_path(file, libc::O_RDONLY)?);
        copy_in.push((name.clone(), *executable));
    }
    // If the run fails below, the slot's state is unknown and it is restarted, so recording the
    // new mounts now is safe.
    slot.mounted = spec
        .mounts
        .iter()
        .map(|(directory, target)| (target.clone(), directory.clone()))
        .collect();
    let request = Request {
        argv: spec.argv,
        env: spec.env,
        limits: limits.clone(),
        mounts,
        copy_in,
        copy_out: spec.copy_out,
    };
    let (reply, files) = exchange_run(slot, request, fds, limits.wall)?;
    // An error with no exit status: the run could not be prepared. An error with one: the
    // child reported why it could not execute the program before exiting.
    let exit = match (reply.exit, reply.error) {
        (None, error) => return Err(SandboxError::Run(error.unwrap_or_default())),
        (Some(_), Some(error)) => return Err(SandboxError::Run(error)),
        (Some(exit), None) => exit,
    };
    let usage = match slot.cgroup.as_mut() {
        Some(group) => Some(
            group
                .usage()
                .map_err(|e| SandboxError::Setup(format!("control group: {e}")))?,
        ),
        None => None,
    };
    let cpu = usage
        .map(|u| u.cpu)
        .unwrap_or(Duration::from_micros(reply.cpu_micros));
    let peak_memory_bytes = usage
        .map(|u| u.peak_memory_bytes)
        .filter(|peak| *peak > 0)
        .unwrap_or(reply.max_rss_kib * 1024);
    Ok(RunResult {
        exit,
        limit: limit_hit(exit, reply.killed, cpu, usage, &limits),
        cpu,
        wall: Duration::from_micros(reply.wall_micros),
        peak_memory_bytes,
        memory_limit_reached: usage.is_some_and(|u| u.memory_limit_reached),
        stopped: reply.killed == Some(Killed::Stopped),
        ended_at_nanos: reply.ended_at_nanos,
        files: reply
            .copied_out
            .into_iter()
            .zip(files.into_iter().map(File::from))
            .collect(),
    })
}

/// The limits the supervisor enforces for a run, after readying the slot's control group to
/// count it.
fn prepare_limits(slot: &mut Slot, requested: &Limits) -> Result<Limits, SandboxError> {
    let mut limits = requested.clone();
    match slot.cgroup.as_mut() {
        // A group that cannot be reset is not trusted for another run: the slot is replaced.
        Some(group) => group
            .prepare(limits.memory_bytes, limits.processes)
            .map_err(|e| SandboxError::SlotLost(format!("control group: {e}")))?,
        None => {
            // Without a control group the address space is the only memory limit there is.
            if limits.address_space_bytes.is_none() {
                limits.address_space_bytes = Some(limits.memory_bytes);
            }
        }
    }
    Ok(limits)
}

/// Descriptors for standard input, output and error, in that order: `/dev/null` where the
/// run has none of its own.
fn stdio_fds(stdio: [Stdio; 3]) -> Result<Vec<OwnedFd>, SandboxError> {
    let mut fds: Vec<OwnedFd> = Vec::new();
    for stdio in stdio {
        fds.push(match stdio {
            Stdio::Fd(fd) => fd,
            Stdio::Null => File::options()
                .read(true)
                .write(true)
                .open("/dev/null")
                .map_err(|e| SandboxError::Setup(format!("/dev/null: {e}")))?
                .into(),
        });
    }
    Ok(fds)
}

/// What the supervisor is to mount, by target, and whether a fresh tree comes with it; the
/// trees a slot does not already have are added to `fds`.
fn mount_orders(
    slot: &Slot,
    mounts: &[(PathBuf, String)],
    fds: &mut Vec<OwnedFd>,
) -> Result<Vec<(String, bool)>, SandboxError> {
    let mut orders = Vec::new();
    for (directory, target) in mounts {
        // The same program as last time stays mounted: 50 test cases mount it once.
        let kept = slot
            .mounted
            .iter()
            .any(|(t, d)| t == target && d == directory);
        if !kept {
            fds.push(detached_read_only_tree(directory)?);
        }
        orders.push((target.clone(), !kept));
    }
    Ok(orders)
}

/// Sends a run with its descriptors to the slot's supervisor and waits for its reply and the
/// files it hands back. Any failure to talk to the supervisor loses the slot.
fn exchange_run(
    slot: &Slot,
    request: Request,
    fds: Vec<OwnedFd>,
    wall: Duration,
) -> Result<(Reply, Vec<OwnedFd>), SandboxError> {
    let raw: Vec<RawFd> = fds.iter().map(|f| f.as_raw_fd()).collect();
    protocol::send(slot.socket.as_fd(), &Order::Run(Box::new(request)), &raw)
        .map_err(|e| SandboxError::SlotLost(format!("sending a run: {e}")))?;
    drop(fds);
    // A supervisor that does not answer well after the wall limit is stuck: replace it.
    let patience = wall + Duration::from_secs(30);
    nix::sys::socket::setsockopt(
        &slot.socket,
        nix::sys::socket::sockopt::ReceiveTimeout,
        &nix::sys::time::TimeVal::new(patience.as_secs() as i64, 0),
    )
    .map_err(|e| SandboxError::SlotLost(format!("socket timeout: {e}")))?;
    protocol::receive::<Reply>(slot.socket.as_fd())
        .map_err(|e| SandboxError::SlotLost(format!("reading a result: {e}")))?
        .ok_or_else(|| SandboxError::SlotLost("the supervisor exited".into()))
}

/// The limit that ended a run, if one did, from how it exited, what the supervisor killed it
/// for, its CPU time and what its control group counted.
fn limit_hit(
    exit: Exit,
    killed: Option<Killed>,
    cpu: Duration,
    usage: Option<cgroup::Usage>,
    limits: &Limits,
) -> Option<LimitHit> {
    // A program that crashed on its own (not stopped at a clock limit or by the judge).
    let crashed = exit != Exit::Code(0) && killed.is_none();
    // Memory comes first: a program the OOM killer ended, whatever else it ran into, overran
    // its memory; so did one that crashed (a refused allocation) after its use reached the
    // limit. Reaching the limit alone proves nothing, since page cache counts too.
    let memory_reached = usage.is_some_and(|u| u.memory_limit_reached);
    if usage.is_some_and(|u| u.memory_limit_hit) || (crashed && memory_reached) {
        Some(LimitHit::Memory)
    } else if killed == Some(Killed::Cpu) || cpu > limits.cpu {
        Some(LimitHit::Cpu)
    } else if killed == Some(Killed::Wall) {
        Some(LimitHit::Wall)
    } else if exit == Exit::Signal(libc::SIGXFSZ) {
        Some(LimitHit::Output)
    } else if exit == Exit::Signal(libc::SIGXCPU) {
        Some(LimitHit::Cpu)
    } else if usage.is_some_and(|u| u.process_limit_hit) && exit != Exit::Code(0) {
        Some(LimitHit::Processes)
    } else {
        None
    }
}

/// A read-only, nosuid, nodev copy of the mount at `directory`, detached from every namespace,
/// which the slot's supervisor can attach in its own (`mount` cannot bind across namespaces).
fn detached_read_only_tree(directory: &Path) -> Result<OwnedFd, SandboxError> {
    const OPEN_TREE_CLONE: libc::c_uint = 1;
    let failed = |what: &str| {
        SandboxError::Setup(format!(
            "{what} {}: {} (the judge needs root to mount programs into sandboxes)",
            directory.display(),
            std::io::Error::last_os_error()
        ))
    };
    let path = CString::new(directory.as_os_str().as_encoded_bytes())
        .map_err(|e| SandboxError::Setup(e.to_string()))?;
    // SAFETY: open_tree reads a NUL-terminated path and returns a new descriptor or -1.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_open_tree,
            libc::AT_FDCWD,
            path.as_ptr(),
            OPEN_TREE_CLONE | libc::O_CLOEXEC as libc::c_uint,
        )
    };
    if fd < 0 {
        return Err(failed("cloning the mount of"));
    }
    // SAFETY: a non-negative result is a descriptor this process now owns.
    let tree = unsafe { OwnedFd::from_raw_fd(fd as RawFd) };
    super::mount_api::make_read_only(tree.as_raw_fd(), c"", libc::AT_EMPTY_PATH as libc::c_uint)
        .map_err(|_| failed("making read-only the mount of"))?;
    Ok(tree)
}

/// Opens a host path for sending to a slot: directories as `O_PATH` handles (enough to bind
/// them), files for reading.
fn open_path(path: &Path, flags: i32) -> Result<OwnedFd, SandboxError> {
    let flags = nix::fcntl::OFlag::from_bits_truncate(flags) | nix::fcntl::OFlag::O_CLOEXEC;
    nix::fcntl::open(path, flags, nix::sys::stat::Mode::empty())
        .map_err(|e| SandboxError::Setup(format!("{}: {e}", path.display())))
}

const MAX_SLOTS: usize = 32;

/// The supervisors' scheduling priority: ahead of programs, which run at 0.
const SUPERVISOR_NICE: libc::c_int = -10;

/// Starts slot `index`: its control group, a supervisor in new namespaces with the slot's
/// host ids mapped inside, and the setup handshake. The supervisor is held back (on a pipe)
/// until its id maps and control group are in place.
fn start_slot(
    config: &SandboxConfig,
    index: usize,
    ids: &super::uids::UidLease,
) -> Result<Slot, SandboxError> {
    let group_name = next_cgroup_name();
    let mut cgroup = if config.control_groups {
        SlotCgroup::create(&group_name).map_err(|e| setup_error("creating a control group", &e))?
    } else {
        None
    };
    let (host_end, slot_end) = socketpair(
        AddressFamily::Unix,
        SockType::SeqPacket,
        None,
        SockFlag::SOCK_CLOEXEC,
    )
    .map_err(|e| setup_error("socketpair", &e))?;
    let (go_read, go_write) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| setup_error("pipe", &e))?;

    let arguments = supervisor_command(config)?;
    let mut stack = vec![0u8; 256 * 1024];
    let supervisor = clone_supervisor(
        &arguments,
        go_read.as_raw_fd(),
        slot_end.as_raw_fd(),
        &mut stack,
    )
    .map_err(|e| setup_error("creating namespaces", &e))?;
    drop(slot_end);
    drop(go_read);

    // The supervisor lives in the slot's control group, so the programs it forks are born
    // there (programs raise their own oom_score_adj, so the OOM killer picks them, not it).
    if let Err(error) = map_ids_and_join(supervisor, ids, cgroup.as_mut()) {
        let _ = nix::sys::signal::kill(supervisor, nix::sys::signal::Signal::SIGKILL);
        let _ = waitpid(supervisor, None);
        return Err(setup_error("preparing the supervisor", &error));
    }
    // The supervisor runs ahead of the programs it watches, so that it notices the moment one
    // ends: interactive verdicts compare two partners' end times. Programs set their own
    // priority back to normal before they start (raising a nice value needs no privilege).
    let pid = supervisor.as_raw() as u32;
    // SAFETY: setpriority takes integers only.
    unsafe { libc::setpriority(libc::PRIO_PROCESS, pid, SUPERVISOR_NICE) };
    nix::unistd::write(&go_write, b"1").map_err(|e| setup_error("starting the supervisor", &e))?;
    drop(go_write);
    drop(stack);

    let setup = supervisor_setup(cgroup.as_ref());
    let mut fds: Vec<RawFd> = Vec::new();
    if let Some(group) = &cgroup {
        fds.push(group.cpu_usage_file().as_raw_fd());
    }
    let slot = Slot {
        index,
        mounted: Vec::new(),
        supervisor,
        socket: host_end,
        cgroup,
    };
    await_ready(slot, &setup, &fds)
}

/// A setup failure: what was being done, and why it failed.
fn setup_error(what: &str, e: &dyn std::fmt::Display) -> SandboxError {
    SandboxError::Setup(format!("{what}: {e}"))
}

/// A control-group name no other slot of this process has had. A number is taken for every
/// slot, with control groups or without.
fn next_cgroup_name() -> String {
    static GROUPS: AtomicU64 = AtomicU64::new(0);
    format!(
        "{CGROUP_PREFIX}-{}-{}",
        std::process::id(),
        GROUPS.fetch_add(1, Ordering::Relaxed)
    )
}

/// The supervisor's program and arguments, ready for `execve`.
fn supervisor_command(config: &SandboxConfig) -> Result<Vec<CString>, SandboxError> {
    let program = CString::new(config.supervisor_program.as_os_str().as_encoded_bytes())
        .map_err(|e| setup_error("supervisor path", &e))?;
    let mut arguments = vec![program.clone()];
    for argument in &config.supervisor_args {
        arguments.push(CString::new(argument.as_str()).map_err(|e| setup_error("argument", &e))?);
    }
    Ok(arguments)
}

/// Starts the supervisor in new namespaces on `stack`. The child waits for a byte on `go_read`
/// (sent once its id maps are written), becomes the namespace's root, puts `slot_end` at the
/// agreed descriptor and executes `arguments`.
fn clone_supervisor(
    arguments: &[CString],
    go_read_raw: RawFd,
    slot_end_raw: RawFd,
    stack: &mut [u8],
) -> nix::Result<Pid> {
    // Everything the child touches is prepared before clone: between clone and exec the child of
    // a multi-threaded process may only make system calls.
    let argv: Vec<*const libc::c_char> = arguments
        .iter()
        .map(|a| a.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect();
    let envp: [*const libc::c_char; 1] = [std::ptr::null()];
    let flags = CloneFlags::CLONE_NEWUSER
        | CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWNET
        | CloneFlags::CLONE_NEWIPC
        | CloneFlags::CLONE_NEWUTS;
    let child = Box::new(|| -> isize {
        let mut byte = 0u8;
        // SAFETY: only async-signal-safe system calls on descriptors and buffers prepared before
        // clone: wait for the id maps, put the socket at the agreed descriptor, execute.
        unsafe {
            if libc::read(go_read_raw, (&mut byte as *mut u8).cast(), 1) != 1 {
                libc::_exit(120);
            }
            // Cloning does not change credentials: become the namespace's root (an
            // unprivileged id outside) so that the supervisor keeps its capabilities inside
            // across exec. Supplementary groups are dropped where the map allows it.
            // Raw system calls: glibc's wrappers broadcast credential changes to every thread
            // it believes exists, and in this copy of a multi-threaded process they would wait
            // forever for threads that were not copied.
            libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>());
            if libc::syscall(libc::SYS_setresgid, 0, 0, 0) != 0
                || libc::syscall(libc::SYS_setresuid, 0, 0, 0) != 0
            {
                libc::_exit(123);
            }
            if libc::dup2(slot_end_raw, super::supervisor::SOCKET_FD) < 0 {
                libc::_exit(121);
            }
            libc::execve(argv[0], argv.as_ptr(), envp.as_ptr());
            libc::_exit(122)
        }
    });
    // SAFETY: the callback above makes only async-signal-safe calls, and the stack outlives the
    // child's use of it (the child executes a new program almost at once).
    unsafe { nix::sched::clone(child, stack, flags, Some(libc::SIGCHLD)) }
}

/// Maps the slot's two host ids to root and the run user inside the supervisor's user
/// namespace, and moves the supervisor into the slot's control group, if it has one.
fn map_ids_and_join(
    supervisor: Pid,
    ids: &super::uids::UidLease,
    cgroup: Option<&mut SlotCgroup>,
) -> std::io::Result<()> {
    let (root_id, run_id) = (ids.root, ids.run);
    let uid_map = format!("0 {root_id} 1\n{} {run_id} 1\n", policy::RUN_UID);
    let gid_map = format!("0 {root_id} 1\n{} {run_id} 1\n", policy::RUN_GID);
    let pid = supervisor.as_raw() as u32;
    write_map(supervisor, "uid_map", &uid_map)
        .and_then(|_| write_map(supervisor, "gid_map", &gid_map))
        .map_err(|e| std::io::Error::other(format!("id maps: {e}")))
        .and_then(|_| {
            cgroup
                .map_or(Ok(()), |group| group.add(pid))
                .map_err(|e| std::io::Error::other(format!("joining the control group: {e}")))
        })
}

/// What the supervisor needs to know to build each run's root: the run user, the host paths
/// and devices it shows, and where CPU time is counted.
fn supervisor_setup(cgroup: Option<&SlotCgroup>) -> Setup {
    Setup {
        run_uid: policy::RUN_UID,
        run_gid: policy::RUN_GID,
        read_only_paths: policy::READ_ONLY_PATHS
            .iter()
            .map(|s| s.to_string())
            .collect(),
        usr_links: policy::USR_LINKS
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        devices: policy::DEVICES.iter().map(|s| s.to_string()).collect(),
        has_cpu_usage: cgroup.is_some(),
        cpu_usage_is_v2: cgroup.is_some_and(|g| g.kind() == CgroupKind::V2),
    }
}

/// Sends the supervisor its setup and waits for it to say it is ready; a slot whose supervisor
/// refuses, exits or cannot be talked to is stopped.
fn await_ready(slot: Slot, setup: &Setup, fds: &[RawFd]) -> Result<Slot, SandboxError> {
    let ready = protocol::send(slot.socket.as_fd(), setup, fds)
        .and_then(|_| protocol::receive::<Reply>(slot.socket.as_fd()));
    match ready {
        Ok(Some((reply, _))) if reply.error.is_none() => Ok(slot),
        Ok(Some((reply, _))) => {
            let error = reply.error.unwrap_or_default();
            stop_slot(slot);
            Err(SandboxError::Setup(error))
        }
        Ok(None) => {
            stop_slot(slot);
            Err(SandboxError::Setup(
                "the sandbox supervisor exited during setup (is the supervisor program right?)"
                    .into(),
            ))
        }
        Err(error) => {
            stop_slot(slot);
            Err(setup_error("talking to the supervisor", &error))
        }
    }
}

fn write_map(pid: Pid, file: &str, contents: &str) -> std::io::Result<()> {
    std::fs::write(format!("/proc/{pid}/{file}"), contents)
}
