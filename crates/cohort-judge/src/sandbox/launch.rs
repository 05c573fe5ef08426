//! Starting a program from the supervisor: `clone` with a shared address space (as `vfork` and
//! `posix_spawn` do), then in the child only system calls on data prepared beforehand, ending in
//! `execve`.
//!
//! Why not `fork`: a forked child gets a copy of the supervisor's page tables, faults on every
//! page it touches before `exec`, and tears the copy down again at `exec`; with the TLB flushes
//! that go with it, that was the largest part of a run's overhead (measured with `perf`). A child
//! sharing the address space costs none of it. The price is discipline: the child must not
//! allocate, panic or touch anything the supervisor will use afterwards, so everything it needs
//! is built here in the parent, and a failure is reported as a step and an `errno`, which the
//! parent turns into a message.

use std::ffi::{c_char, c_int, c_void, CString};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use nix::unistd::Pid;

use super::policy::Limits;

/// The child's stack: its own mapping with an inaccessible page below it, so that an overflow
/// faults instead of writing into the supervisor's memory. Made once per slot.
pub struct ChildStack {
    base: *mut c_void,
    length: usize,
}

const STACK_BYTES: usize = 256 * 1024;
const GUARD_BYTES: usize = 4096;

impl ChildStack {
    pub fn new() -> std::io::Result<ChildStack> {
        // SAFETY: an anonymous private mapping at an address of the kernel's choosing; the
        // result is checked before use.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                STACK_BYTES,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: the lowest page of the mapping just made; stacks grow down towards it.
        if unsafe { libc::mprotect(base, GUARD_BYTES, libc::PROT_NONE) } != 0 {
            let error = std::io::Error::last_os_error();
            // SAFETY: the mapping made above, not yet shared with anything.
            unsafe { libc::munmap(base, STACK_BYTES) };
            return Err(error);
        }
        Ok(ChildStack {
            base,
            length: STACK_BYTES,
        })
    }

    fn top(&self) -> *mut c_void {
        // The top of the mapping, which is page-aligned and so aligned for any ABI.
        self.base.wrapping_byte_add(self.length)
    }
}

impl Drop for ChildStack {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, used by no child once `launch` has returned.
        unsafe { libc::munmap(self.base, self.length) };
    }
}

/// Everything the child does, prepared by the parent.
pub struct Launch<'a> {
    pub run_uid: u32,
    pub run_gid: u32,
    pub filter: &'a [libc::sock_filter],
    pub stdio: [RawFd; 3],
    pub error_pipe: RawFd,
    rlimits: Vec<(libc::__rlimit_resource_t, libc::rlimit)>,
    argv: Vec<*const c_char>,
    env: Vec<*const c_char>,
    // Owned here so that the pointers above stay valid while the child runs.
    _strings: (&'a [CString], &'a [CString]),
}

impl<'a> Launch<'a> {
    pub fn new(
        limits: &Limits,
        (run_uid, run_gid): (u32, u32),
        filter: &'a [libc::sock_filter],
        stdio: &[OwnedFd],
        error_pipe: &OwnedFd,
        argv: &'a [CString],
        env: &'a [CString],
    ) -> Launch<'a> {
        let cpu_seconds = limits.cpu.as_secs() + 1;
        let limit = |soft: u64, hard: u64| libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        let mut rlimits = vec![
            (libc::RLIMIT_CPU, limit(cpu_seconds, cpu_seconds + 1)),
            (
                libc::RLIMIT_FSIZE,
                limit(limits.file_bytes, limits.file_bytes),
            ),
            (
                libc::RLIMIT_NOFILE,
                limit(limits.open_files as u64, limits.open_files as u64),
            ),
            (
                libc::RLIMIT_STACK,
                limit(limits.stack_bytes, limits.stack_bytes),
            ),
            (libc::RLIMIT_CORE, limit(0, 0)),
            (libc::RLIMIT_MSGQUEUE, limit(0, 0)),
            (
                libc::RLIMIT_NPROC,
                limit(limits.processes as u64, limits.processes as u64),
            ),
        ];
        if let Some(bytes) = limits.address_space_bytes {
            rlimits.push((libc::RLIMIT_AS, limit(bytes, bytes)));
        }
        let pointers = |strings: &[CString]| {
            strings
                .iter()
                .map(|s| s.as_ptr())
                .chain(std::iter::once(std::ptr::null()))
                .collect::<Vec<_>>()
        };
        Launch {
            run_uid,
            run_gid,
            filter,
            stdio: [
                stdio[0].as_raw_fd(),
                stdio[1].as_raw_fd(),
                stdio[2].as_raw_fd(),
            ],
            error_pipe: error_pipe.as_raw_fd(),
            rlimits,
            argv: pointers(argv),
            env: pointers(env),
            _strings: (argv, env),
        }
    }
}

/// Starts the child; it has executed the program (or failed to, and written why to the error
/// pipe) by the time this returns, since the parent waits for that (`CLONE_VFORK`).
pub fn launch(launch: &Launch<'_>, stack: &ChildStack) -> std::io::Result<Pid> {
    let flags = libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD;
    // SAFETY: the child runs `child` on its own stack with a shared address space; it only reads
    // `launch` (which outlives it: the parent is suspended until the child executes or exits)
    // and makes system calls, never allocating or unwinding.
    let pid = unsafe {
        libc::clone(
            child,
            stack.top(),
            flags,
            launch as *const Launch<'_> as *mut c_void,
        )
    };
    if pid < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(Pid::from_raw(pid))
}

/// The steps of the child, in order; a failure is reported as one of these and an `errno`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum Step {
    Priority = 1,
    OomScore,
    IpcNamespace,
    ResourceLimit,
    Redirect,
    CloseDescriptors,
    WorkingDirectory,
    GroupId,
    UserId,
    Capabilities,
    NoNewPrivileges,
    Seccomp,
    Execute,
}

impl Step {
    fn from_number(number: u32) -> Option<Step> {
        use Step::*;
        [
            Priority,
            OomScore,
            IpcNamespace,
            ResourceLimit,
            Redirect,
            CloseDescriptors,
            WorkingDirectory,
            GroupId,
            UserId,
            Capabilities,
            NoNewPrivileges,
            Seccomp,
            Execute,
        ]
        .into_iter()
        .find(|step| *step as u32 == number)
    }

    fn describe(self) -> &'static str {
        match self {
            Step::Priority => "resetting the priority",
            Step::OomScore => "raising the OOM score",
            Step::IpcNamespace => "a private IPC namespace",
            Step::ResourceLimit => "setting a resource limit",
            Step::Redirect => "redirecting",
            Step::CloseDescriptors => "close_range",
            Step::WorkingDirectory => "entering /box",
            Step::GroupId => "setresgid",
            Step::UserId => "setresuid",
            Step::Capabilities => "capset",
            Step::NoNewPrivileges => "no_new_privs",
            Step::Seccomp => "installing seccomp",
            Step::Execute => "cannot execute the program",
        }
    }
}

/// What the child wrote to the error pipe, as a message; `None` when it wrote nothing (the
/// program was executed).
pub fn failure_message(report: &[u8], program: &str) -> Option<String> {
    if report.is_empty() {
        return None;
    }
    let Some((step, errno)) = report
        .get(..8)
        .map(|bytes| (read_u32(&bytes[..4]), read_u32(&bytes[4..])))
    else {
        return Some("the program could not be started".into());
    };
    let errno = nix::errno::Errno::from_raw(errno as i32);
    Some(match Step::from_number(step) {
        Some(Step::Execute) => format!("cannot execute {program}: {errno}"),
        Some(step) => format!("{}: {errno}", step.describe()),
        None => "the program could not be started".into(),
    })
}

fn read_u32(bytes: &[u8]) -> u32 {
    u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// The child. Returns only through `_exit` or a successful `execve`.
extern "C" fn child(argument: *mut c_void) -> c_int {
    // SAFETY: `launch` passed a pointer to a `Launch` that stays alive and unchanged while the
    // parent is suspended.
    let launch = unsafe { &*(argument as *const Launch<'_>) };
    let failed = match prepare_and_execute(launch) {
        Ok(never) => match never {},
        Err(failed) => failed,
    };
    let mut report = [0u8; 8];
    report[..4].copy_from_slice(&(failed.0 as u32).to_ne_bytes());
    report[4..].copy_from_slice(&(failed.1 as u32).to_ne_bytes());
    // SAFETY: write and _exit take plain values; the report lives on this stack.
    unsafe {
        libc::write(launch.error_pipe, report.as_ptr().cast(), report.len());
        libc::_exit(127)
    }
}

enum Never {}

/// Each step is a system call on prepared data; none allocates.
fn prepare_and_execute(launch: &Launch<'_>) -> Result<Never, (Step, c_int)> {
    // Fails with the step and the errno of the call just made.
    fn check(result: libc::c_long, step: Step) -> Result<(), (Step, c_int)> {
        if result < 0 {
            Err((step, nix::errno::Errno::last_raw()))
        } else {
            Ok(())
        }
    }
    // SAFETY (for every call below): each takes integers, or pointers into `launch` and to
    // static NUL-terminated strings, all valid for the call; none keeps a pointer after it.
    unsafe {
        // The supervisor runs at a raised priority (see the pool); the program runs at the normal
        // one, which any process may return to.
        check(
            libc::setpriority(libc::PRIO_PROCESS, 0, 0).into(),
            Step::Priority,
        )?;
        // When the group runs out of memory the kernel kills the program, never the supervisor
        // that shares its group (raising one's own score needs no privilege). A `CLONE_VFORK`
        // child keeps a score of its own although it shares the address space.
        let score = libc::open(
            c"/proc/self/oom_score_adj".as_ptr(),
            libc::O_WRONLY | libc::O_CLOEXEC,
        );
        check(score.into(), Step::OomScore)?;
        let written = libc::write(score, b"1000".as_ptr().cast(), 4);
        libc::close(score);
        check(written as libc::c_long, Step::OomScore)?;
        // A System V IPC namespace of the run's own: shared memory or queues a program leaves
        // behind die with it instead of waiting for the next run in this slot.
        check(libc::unshare(libc::CLONE_NEWIPC).into(), Step::IpcNamespace)?;
        for (resource, limit) in &launch.rlimits {
            check(
                libc::setrlimit(*resource, limit).into(),
                Step::ResourceLimit,
            )?;
        }
        for (target, source) in launch.stdio.iter().enumerate() {
            check(libc::dup2(*source, target as c_int).into(), Step::Redirect)?;
        }
        // Every other descriptor closes at exec (not now: the error pipe must stay writable
        // until then). CLOSE_RANGE_CLOEXEC is flag 4.
        check(
            libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 4u32),
            Step::CloseDescriptors,
        )?;
        check(libc::chdir(c"/box".as_ptr()).into(), Step::WorkingDirectory)?;
        // The raw system calls, not the C library's wrappers: those signal every thread of the
        // process to change its ids too (setxid), and this child's "process" shares memory with
        // the supervisor's thread descriptors. Refused when only one id is mapped (an
        // unprivileged judge), which is harmless.
        libc::syscall(libc::SYS_setgroups, 0usize, std::ptr::null::<libc::gid_t>());
        check(
            libc::syscall(
                libc::SYS_setresgid,
                launch.run_gid,
                launch.run_gid,
                launch.run_gid,
            ),
            Step::GroupId,
        )?;
        check(
            libc::syscall(
                libc::SYS_setresuid,
                launch.run_uid,
                launch.run_uid,
                launch.run_uid,
            ),
            Step::UserId,
        )?;
        drop_all_capabilities()?;
        check(
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0).into(),
            Step::NoNewPrivileges,
        )?;
        let program = libc::sock_fprog {
            len: launch.filter.len() as u16,
            filter: launch.filter.as_ptr().cast_mut(),
        };
        check(
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                0u32,
                &program as *const libc::sock_fprog,
            ),
            Step::Seccomp,
        )?;
        // A program just written to the compile cache can be "busy" for a moment: the judge is
        // multi-threaded, and a slot being started by another thread at the time the file was
        // still open for writing holds a copy of that descriptor until it executes its
        // supervisor. The copy goes within milliseconds, so try again briefly.
        let pause = libc::timespec {
            tv_sec: 0,
            tv_nsec: 5_000_000,
        };
        // The supervisor waits (vfork) meanwhile, so the retries are few: 20 x 5 ms.
        let mut attempts = 0;
        loop {
            libc::execve(launch.argv[0], launch.argv.as_ptr(), launch.env.as_ptr());
            let errno = nix::errno::Errno::last_raw();
            attempts += 1;
            if errno != libc::ETXTBSY || attempts == 20 {
                return Err((Step::Execute, errno));
            }
            libc::nanosleep(&pause, std::ptr::null_mut());
        }
    }
}

/// Clears the effective, permitted and inheritable sets (already empty after switching to a
/// non-zero uid; this also covers a judge whose only mapped id is 0) and the ambient set.
fn drop_all_capabilities() -> Result<(), (Step, c_int)> {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let header = Header {
        version: 0x2008_0522, // _LINUX_CAPABILITY_VERSION_3
        pid: 0,
    };
    let data = [Data {
        effective: 0,
        permitted: 0,
        inheritable: 0,
    }; 2];
    // SAFETY: capset reads a version-3 header and two data structs, both valid for the call;
    // PR_CAP_AMBIENT_CLEAR_ALL takes only integers.
    unsafe {
        if libc::syscall(libc::SYS_capset, &header, data.as_ptr()) != 0 {
            return Err((Step::Capabilities, nix::errno::Errno::last_raw()));
        }
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_from_the_child_reads_as_the_step_and_its_error() {
        let mut report = Vec::new();
        report.extend_from_slice(&(Step::WorkingDirectory as u32).to_ne_bytes());
        report.extend_from_slice(&(libc::ENOENT as u32).to_ne_bytes());
        assert_eq!(
            failure_message(&report, "/prog/main").unwrap(),
            "entering /box: ENOENT: No such file or directory"
        );
        report[..4].copy_from_slice(&(Step::Execute as u32).to_ne_bytes());
        assert_eq!(
            failure_message(&report, "/prog/main").unwrap(),
            "cannot execute /prog/main: ENOENT: No such file or directory"
        );
        assert_eq!(failure_message(&[], "/prog/main"), None);
        assert!(failure_message(&[1, 2], "/prog/main").is_some());
    }
}
