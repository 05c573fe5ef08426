//! The supervisor: process 1 of a slot's namespaces.
//!
//! The judge starts it once per slot (see `pool.rs`); it builds the slot's file tree, then serves
//! runs one at a time until the judge closes the socket. For each run it mounts a fresh working
//! directory and `/tmp`, starts the program as the unprivileged run user (`launch.rs`), enforces the CPU and wall
//! limits, and afterwards kills every process left in the namespace, so that no run can observe
//! or affect the next.
//!
//! It runs in a freshly executed process (never in a fork of the multi-threaded judge), so any
//! Rust code is safe here.

use std::ffi::CString;
use std::fs::{self, File};
use std::io::{Read, Seek};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::{Duration, Instant};

use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag};
use nix::unistd::Pid;

use super::launch::{ChildStack, Launch};
use super::protocol::{self, Exit, Killed, Order, Reply, Request, Setup};

/// The descriptor the judge hands the supervisor its socket on.
pub const SOCKET_FD: RawFd = 3;

/// Where the new root is assembled before `pivot_root`; any existing directory will do, since the
/// mount is private to this namespace.
const STAGING: &str = "/tmp";

/// Entry point of the supervisor process. Never returns.
pub fn main() -> ! {
    // SAFETY: the judge placed the socket at this descriptor before executing us, and nothing
    // else in this fresh process refers to it.
    let socket = unsafe { OwnedFd::from_raw_fd(SOCKET_FD) };
    // Programs must never inherit the socket, whatever happens between fork and exec.
    let _ = nix::fcntl::fcntl(
        &socket,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    );
    let code = match serve(socket.as_fd()) {
        Ok(()) => 0,
        Err(error) => {
            let _ = protocol::send(socket.as_fd(), &failure(format!("{error}")), &[]);
            1
        }
    };
    std::process::exit(code)
}

fn failure(error: String) -> Reply {
    Reply {
        exit: None,
        killed: None,
        wall_micros: 0,
        cpu_micros: 0,
        max_rss_kib: 0,
        ended_at_nanos: 0,
        copied_out: Vec::new(),
        error: Some(error),
    }
}

struct Slot {
    setup: Setup,
    /// Mount targets filled by earlier runs, kept while the judge asks for the same program.
    mounted: Vec<String>,
    cpu_usage: Option<File>,
    filter: super::seccomp::Program,
    stack: ChildStack,
}

fn serve(socket: BorrowedFd<'_>) -> std::io::Result<()> {
    let Some((setup, mut fds)) = protocol::receive::<Setup>(socket)? else {
        return Ok(());
    };
    let cpu_usage = if setup.has_cpu_usage {
        fds.pop().map(File::from)
    } else {
        None
    };
    let slot = Slot {
        mounted: Vec::new(),
        cpu_usage,
        filter: super::seccomp::program().map_err(std::io::Error::other)?,
        stack: ChildStack::new()?,
        setup,
    };
    build_root(&slot.setup)
        .map_err(|e| std::io::Error::other(format!("building the sandbox: {e}")))?;
    inheritable_start().map_err(std::io::Error::other)?;
    protocol::send(socket, &failure_free(), &[])?;
    let mut slot = slot;
    while let Some((order, fds)) = protocol::receive::<Order>(socket)? {
        let request = match order {
            Order::Run(request) => request,
            // The run it was meant for has already ended.
            Order::Stop => continue,
        };
        let (reply, out_fds) = match run(&mut slot, socket, &request, fds) {
            Ok(done) => done,
            Err(error) => (failure(error), Vec::new()),
        };
        let raw: Vec<RawFd> = out_fds.iter().map(|f| f.as_raw_fd()).collect();
        protocol::send(socket, &reply, &raw)?;
    }
    Ok(())
}

fn failure_free() -> Reply {
    Reply {
        error: None,
        ..failure(String::new())
    }
}

fn io(context: &str) -> impl Fn(nix::errno::Errno) -> std::io::Error + '_ {
    move |errno| std::io::Error::other(format!("{context}: {errno}"))
}

/// Builds the read-only file tree and moves into it.
fn build_root(setup: &Setup) -> std::io::Result<()> {
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    )
    .map_err(io("making mounts private"))?;
    mount(
        Some("tmpfs"),
        STAGING,
        Some("tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
        Some("size=16m,mode=0755"),
    )
    .map_err(io("mounting the new root"))?;
    let root = Path::new(STAGING);
    for path in &setup.read_only_paths {
        let source = Path::new(path);
        let Ok(metadata) = fs::symlink_metadata(source) else {
            continue;
        };
        let target = root.join(path.trim_start_matches('/'));
        if metadata.file_type().is_symlink() {
            // A link such as /lib64 -> usr/lib64 is recreated as the same link.
            fs::create_dir_all(target.parent().unwrap_or(root))?;
            std::os::unix::fs::symlink(fs::read_link(source)?, &target)?;
            continue;
        }
        if metadata.is_dir() {
            fs::create_dir_all(&target)?;
        } else {
            fs::create_dir_all(target.parent().unwrap_or(root))?;
            File::create(&target)?;
        }
        bind_read_only(source, &target)?;
    }
    for (link, points_to) in &setup.usr_links {
        let target = root.join(link.trim_start_matches('/'));
        let host = Path::new(link);
        if fs::symlink_metadata(host).is_ok_and(|m| m.file_type().is_symlink()) {
            std::os::unix::fs::symlink(points_to, &target)?;
        } else if host.is_dir() {
            fs::create_dir_all(&target)?;
            bind_read_only(host, &target)?;
        }
    }
    let dev = root.join("dev");
    fs::create_dir_all(&dev)?;
    mount(
        Some("tmpfs"),
        &dev,
        Some("tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
        Some("size=64k,mode=0755"),
    )
    .map_err(io("mounting /dev"))?;
    for device in &setup.devices {
        let target = root.join(device.trim_start_matches('/'));
        File::create(&target)?;
        mount(
            Some(device.as_str()),
            &target,
            None::<&str>,
            MsFlags::MS_BIND,
            None::<&str>,
        )
        .map_err(io("binding a device"))?;
    }
    for (name, points_to) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        std::os::unix::fs::symlink(points_to, dev.join(name))?;
    }
    let proc = root.join("proc");
    fs::create_dir_all(&proc)?;
    // hidepid=2: a program sees only its own user's processes, so not this supervisor.
    mount(
        Some("proc"),
        &proc,
        Some("proc"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
        Some("hidepid=2"),
    )
    .map_err(io("mounting /proc"))?;
    for directory in ["box", "tmp"] {
        fs::create_dir_all(root.join(directory))?;
    }
    std::env::set_current_dir(root)?;
    nix::unistd::pivot_root(".", ".").map_err(io("pivot_root"))?;
    // The old root is stacked under the new one at "/"; detaching it leaves only the new tree.
    umount2(".", MntFlags::MNT_DETACH).map_err(io("detaching the old root"))?;
    std::env::set_current_dir("/")?;
    nix::unistd::sethostname("sandbox").map_err(io("setting the host name"))?;
    // The root itself and /dev become read-only: /box and /tmp are mounted over it per run, and
    // the mount point for programs exists from here on.
    fs::create_dir_all("/prog")?;
    let read_only =
        MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    mount(
        None::<&str>,
        "/dev",
        None::<&str>,
        read_only | MsFlags::MS_NOEXEC,
        None::<&str>,
    )
    .map_err(io("making /dev read-only"))?;
    mount(None::<&str>, "/", None::<&str>, read_only, None::<&str>)
        .map_err(io("making the root read-only"))?;
    Ok(())
}

/// Binds `source` at `target` and makes the binding read-only, keeping the flags the kernel
/// locks on mounts inherited from a more privileged namespace.
fn bind_read_only(source: &Path, target: &Path) -> std::io::Result<()> {
    mount(
        Some(source),
        target,
        None::<&str>,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None::<&str>,
    )
    .map_err(io("binding a system directory"))?;
    // Submounts under the binding (MS_REC) become read-only, nosuid and nodev as well.
    set_recursive_read_only(target)?;
    let locked = nix::sys::statvfs::statvfs(source)
        .map_err(io("statvfs"))?
        .flags();
    let mut flags = MsFlags::MS_BIND
        | MsFlags::MS_REMOUNT
        | MsFlags::MS_RDONLY
        | MsFlags::MS_NOSUID
        | MsFlags::MS_NODEV;
    use nix::sys::statvfs::FsFlags;
    for (has, flag) in [
        (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
        (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
        (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
        (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
    ] {
        if locked.contains(has) {
            flags |= flag;
        }
    }
    mount(None::<&str>, target, None::<&str>, flags, None::<&str>)
        .map_err(io("making a binding read-only"))
}

fn set_recursive_read_only(target: &Path) -> std::io::Result<()> {
    let path =
        CString::new(target.as_os_str().as_encoded_bytes()).map_err(std::io::Error::other)?;
    super::mount_api::make_read_only(libc::AT_FDCWD, &path, super::mount_api::AT_RECURSIVE)
        .map_err(|e| std::io::Error::other(format!("mount_setattr {}: {e}", target.display())))
}

/// Mounts a fresh, empty tmpfs owned by the run user at `target`, replacing the last run's.
fn fresh_scratch(target: &str, size: u64, mode: &str, setup: &Setup) -> std::io::Result<()> {
    let _ = umount2(target, MntFlags::MNT_DETACH);
    mount(
        Some("tmpfs"),
        target,
        Some("tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
        Some(
            format!(
                "size={size},nr_inodes=4096,mode={mode},uid={},gid={}",
                setup.run_uid, setup.run_gid
            )
            .as_str(),
        ),
    )
    .map_err(io("mounting scratch space"))
}

fn run(
    slot: &mut Slot,
    socket: BorrowedFd<'_>,
    request: &Request,
    fds: Vec<OwnedFd>,
) -> Result<(Reply, Vec<OwnedFd>), String> {
    let fresh_mounts = request.mounts.iter().filter(|(_, fresh)| *fresh).count();
    let expected = 3 + fresh_mounts + request.copy_in.len();
    if fds.len() != expected || request.argv.is_empty() {
        return Err(format!(
            "malformed request: {} descriptors for {expected}",
            fds.len()
        ));
    }
    let mut fds = fds.into_iter();
    let stdio: Vec<OwnedFd> = fds.by_ref().take(3).collect();
    let limits = &request.limits;
    fresh_scratch("/box", limits.scratch_bytes, "0755", &slot.setup).map_err(|e| e.to_string())?;
    fresh_scratch("/tmp", limits.scratch_bytes, "1777", &slot.setup).map_err(|e| e.to_string())?;
    // Targets the judge no longer wants are emptied; kept ones stay mounted.
    let wanted: Vec<&String> = request.mounts.iter().map(|(target, _)| target).collect();
    slot.mounted.retain(|target| {
        let keep = wanted.contains(&target);
        if !keep {
            let _ = umount2(target.as_str(), MntFlags::MNT_DETACH);
        }
        keep
    });
    for (target, fresh) in &request.mounts {
        if !target.starts_with('/') || target.contains("..") || target == "/" {
            return Err(format!("bad mount target {target}"));
        }
        if !*fresh {
            if !slot.mounted.contains(target) {
                return Err(format!("{target} was to be kept but is not mounted"));
            }
            continue;
        }
        let tree = fds.next().ok_or("missing mount descriptor")?;
        if slot.mounted.contains(target) {
            let _ = umount2(target.as_str(), MntFlags::MNT_DETACH);
            slot.mounted.retain(|t| t != target);
        }
        fs::create_dir_all(target).map_err(|e| format!("{target}: {e}"))?;
        attach(tree, target).map_err(|e| format!("{target}: {e}"))?;
        slot.mounted.push(target.clone());
    }
    for (name, executable) in &request.copy_in {
        let source = fds.next().ok_or("missing file descriptor")?;
        copy_into_box(source, name, *executable, &slot.setup)
            .map_err(|e| format!("{name}: {e}"))?;
    }

    let argv: Vec<CString> = request
        .argv
        .iter()
        .map(|a| CString::new(a.as_str()))
        .collect::<Result<_, _>>()
        .map_err(|_| "a NUL byte in the command")?;
    let env: Vec<CString> = request
        .env
        .iter()
        .map(|a| CString::new(a.as_str()))
        .collect::<Result<_, _>>()
        .map_err(|_| "a NUL byte in the environment")?;
    let (error_read, error_write) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| e.to_string())?;
    let launch = Launch::new(
        limits,
        (slot.setup.run_uid, slot.setup.run_gid),
        &slot.filter,
        &stdio,
        &error_write,
        &argv,
        &env,
    );

    let started = Instant::now();
    let child = super::launch::launch(&launch, &slot.stack)
        .map_err(|e| format!("starting the program: {e}"))?;
    drop(launch);
    drop(error_write);
    drop(stdio);
    let mut report = Vec::new();
    let _ = File::from(error_read).read_to_end(&mut report);
    let exec_error = super::launch::failure_message(&report, &request.argv[0]);

    let (exit, killed, rusage) = supervise(slot, socket, child, limits, started);
    let wall = started.elapsed();
    let ended_at_nanos = monotonic_nanos();
    // Whatever the program left running dies with it: kill(-1) from process 1 reaches every
    // other process in the namespace.
    let _ = kill(Pid::from_raw(-1), Signal::SIGKILL);
    reap_all();
    let (copied_out, out_fds) = copy_out(&request.copy_out);
    // Scratch space is memory charged to the slot: free it now, before the judge sets the next
    // run's (possibly lower) memory limit. Files handed back stay readable through their
    // descriptors.
    for scratch in ["/box", "/tmp"] {
        let _ = umount2(scratch, MntFlags::MNT_DETACH);
    }
    Ok((
        Reply {
            exit: Some(exit),
            killed,
            wall_micros: wall.as_micros() as u64,
            cpu_micros: rusage.0,
            max_rss_kib: rusage.1,
            ended_at_nanos,
            copied_out,
            error: exec_error,
        },
        out_fds,
    ))
}

/// Attaches a detached mount (made by the judge with `open_tree`) at `target`.
fn attach(tree: OwnedFd, target: &str) -> std::io::Result<()> {
    const MOVE_MOUNT_F_EMPTY_PATH: libc::c_uint = 0x4;
    let empty = c"";
    let target = CString::new(target).map_err(std::io::Error::other)?;
    // SAFETY: move_mount reads two NUL-terminated paths and two descriptors, all valid here.
    let result = unsafe {
        libc::syscall(
            libc::SYS_move_mount,
            tree.as_raw_fd(),
            empty.as_ptr(),
            libc::AT_FDCWD,
            target.as_ptr(),
            MOVE_MOUNT_F_EMPTY_PATH,
        )
    };
    if result != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn copy_into_box(
    source: OwnedFd,
    name: &str,
    executable: bool,
    setup: &Setup,
) -> std::io::Result<()> {
    if name.is_empty() || name.contains('/') || name.starts_with('.') {
        return Err(std::io::Error::other("bad file name"));
    }
    let mut target = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(Path::new("/box").join(name))?;
    let mut source = File::from(source);
    std::io::copy(&mut source, &mut target)?;
    let mode = if executable { 0o755 } else { 0o644 };
    target.set_permissions(fs::Permissions::from_mode(mode))?;
    nix::unistd::fchown(
        target.as_fd(),
        Some(nix::unistd::Uid::from_raw(setup.run_uid)),
        Some(nix::unistd::Gid::from_raw(setup.run_gid)),
    )
    .map_err(std::io::Error::from)?;
    Ok(())
}

/// Opens the requested files of the working directory without following links and only if they
/// are regular files; the judge receives the open descriptors, never a path.
fn copy_out(names: &[String]) -> (Vec<String>, Vec<OwnedFd>) {
    let mut wanted: Vec<String> = Vec::new();
    for name in names {
        if let Some(suffix) = name.strip_prefix('*') {
            if let Ok(entries) = fs::read_dir("/box") {
                for entry in entries.flatten() {
                    let file = entry.file_name().to_string_lossy().into_owned();
                    if file.ends_with(suffix) && !file.starts_with('.') {
                        wanted.push(file);
                    }
                }
            }
        } else if !name.contains('/') {
            wanted.push(name.clone());
        }
    }
    wanted.sort();
    wanted.dedup();
    let mut copied = Vec::new();
    let mut fds = Vec::new();
    if wanted.len() > protocol::MAX_FDS {
        // Handing back only some files would store an incomplete program; hand back none.
        return (copied, fds);
    }
    for name in wanted {
        let opened = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(Path::new("/box").join(&name));
        let Ok(mut file) = opened else { continue };
        if !file.metadata().is_ok_and(|m| m.is_file()) || file.rewind().is_err() {
            continue;
        }
        copied.push(name);
        fds.push(OwnedFd::from(file));
    }
    (copied, fds)
}

/// The machine's monotonic clock, which every process on it shares.
pub fn monotonic_nanos() -> u64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
        .unwrap_or(0)
}

/// Waits for the program, killing it at the CPU or wall limit, when the judge orders it
/// stopped, or when the judge goes away.
fn supervise(
    slot: &mut Slot,
    socket: BorrowedFd<'_>,
    child: Pid,
    limits: &super::policy::Limits,
    started: Instant,
) -> (Exit, Option<Killed>, (u64, u64)) {
    let pidfd = pidfd_open(child);
    let mut killed = None;
    loop {
        if let Some(done) = try_wait(child) {
            return (done.0, killed, done.1);
        }
        let wall = started.elapsed();
        let cpu = slot
            .cpu_usage
            .as_mut()
            .and_then(|file| read_cpu(file, slot.setup.cpu_usage_is_v2))
            .or_else(|| proc_cpu(child))
            .unwrap_or_default();
        if killed.is_none() {
            if cpu > limits.cpu {
                killed = Some(Killed::Cpu);
            } else if wall > limits.wall {
                killed = Some(Killed::Wall);
            }
            if killed.is_some() {
                let _ = kill(Pid::from_raw(-1), Signal::SIGKILL);
                continue;
            }
        }
        // Sleep until the program ends, the judge hangs up, or it is time to look at the clocks
        // again: at most half the CPU left (two cores can spend it twice as fast) and at most
        // the wall time left.
        let cpu_left = limits.cpu.saturating_sub(cpu) / 2;
        let wall_left = limits.wall.saturating_sub(wall);
        let nap = cpu_left
            .min(wall_left)
            .clamp(Duration::from_millis(1), Duration::from_millis(100));
        let timeout = PollTimeout::try_from(nap.as_millis() as i32).unwrap_or(PollTimeout::MAX);
        match &pidfd {
            Some(pidfd) => {
                let mut fds = [
                    PollFd::new(pidfd.as_fd(), PollFlags::POLLIN),
                    PollFd::new(socket, PollFlags::POLLIN),
                ];
                let _ = poll(&mut fds, timeout);
                let events = fds[1].revents().unwrap_or(PollFlags::empty());
                let mut hung_up = events.intersects(PollFlags::POLLHUP | PollFlags::POLLERR);
                if events.contains(PollFlags::POLLIN) {
                    match protocol::receive::<Order>(socket) {
                        Ok(Some((Order::Stop, _))) => {
                            if killed.is_none() {
                                killed = Some(Killed::Stopped);
                                let _ = kill(Pid::from_raw(-1), Signal::SIGKILL);
                            }
                        }
                        // A new run before this one ended, or no judge: out of step.
                        _ => hung_up = true,
                    }
                }
                if hung_up {
                    let _ = kill(Pid::from_raw(-1), Signal::SIGKILL);
                    std::process::exit(0);
                }
            }
            None => std::thread::sleep(nap),
        }
    }
}

fn try_wait(child: Pid) -> Option<(Exit, (u64, u64))> {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes only into the two locals passed by pointer.
    let pid = unsafe { libc::wait4(child.as_raw(), &mut status, libc::WNOHANG, &mut usage) };
    if pid != child.as_raw() {
        return None;
    }
    let exit = if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    let cpu = micros(usage.ru_utime) + micros(usage.ru_stime);
    Some((exit, (cpu, usage.ru_maxrss as u64)))
}

fn reap_all() {
    // Until ECHILD: every process of the namespace has been reaped.
    while let Ok(_) | Err(nix::errno::Errno::EINTR) =
        waitpid(Pid::from_raw(-1), Some(WaitPidFlag::__WALL))
    {}
}

fn pidfd_open(child: Pid) -> Option<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, child.as_raw(), 0) };
    // SAFETY: a non-negative result is a descriptor this process now owns.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

fn read_cpu(file: &mut File, v2: bool) -> Option<Duration> {
    file.rewind().ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    let kind = if v2 {
        super::cgroup::CgroupKind::V2
    } else {
        super::cgroup::CgroupKind::V1
    };
    super::cgroup::parse_cpu_usage(&text, kind)
}

/// CPU of the main process alone, where no control group counts the whole tree.
fn proc_cpu(child: Pid) -> Option<Duration> {
    let stat = fs::read_to_string(format!("/proc/{child}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(Duration::from_micros(ticks * 1_000_000 / per_second))
}

/// What every program forked from here inherits, set once per slot rather than once per run:
/// default signal actions and an empty signal mask (dispositions set to "ignore" survive exec,
/// and the Rust runtime of this very binary ignores SIGPIPE, so a program writing to a closed
/// pipe would loop instead of dying), and an empty capability bounding set (emptied while
/// this process still holds CAP_SETPCAP; it limits only what an exec may gain, so the
/// supervisor keeps the capabilities it works with).
fn inheritable_start() -> Result<(), String> {
    reset_signals()?;
    for capability in 0..=63 {
        // SAFETY: PR_CAPBSET_DROP takes a capability number; unknown numbers fail harmlessly.
        unsafe { libc::prctl(libc::PR_CAPBSET_DROP, capability, 0, 0, 0) };
    }
    Ok(())
}

/// Every signal back to its default action, and an empty signal mask.
fn reset_signals() -> Result<(), String> {
    use nix::sys::signal::{SigSet, SigmaskHow};
    // The raw system call, because glibc's wrapper refuses signals 32 and 33, which it keeps
    // for itself but which a parent may still have left ignored. The kernel's structure for
    // SIG_DFL with no flags, no restorer and an empty mask is all zeros.
    let default_action = [0u64; 4];
    for number in 1..=64 {
        if number == libc::SIGKILL || number == libc::SIGSTOP {
            continue;
        }
        // SAFETY: rt_sigaction reads the zeroed action (8-byte signal set) and writes nothing
        // back, since the old-action pointer is null.
        let result = unsafe {
            libc::syscall(
                libc::SYS_rt_sigaction,
                number,
                default_action.as_ptr(),
                std::ptr::null_mut::<u64>(),
                8usize,
            )
        };
        if result != 0 {
            return Err(format!(
                "resetting signal {number}: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    nix::sys::signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None)
        .map_err(|e| format!("clearing the signal mask: {e}"))
}
