//! What a sandboxed program may see and do, as data.
//!
//! The policy is printed by `cohort judge policy`, unit-tested here, and turned into mounts,
//! limits and a seccomp filter by the rest of the sandbox. Changing what submissions may do means
//! changing this table, not code paths.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The Linux namespaces every sandbox gets. Each one is new and private to the sandbox.
pub const NAMESPACES: &[(&str, &str)] = &[
    (
        "user",
        "ids inside map to unprivileged ids outside; no capability outside",
    ),
    (
        "pid",
        "the program sees only its own processes and cannot signal others",
    ),
    (
        "mount",
        "a private file tree built from read-only system directories",
    ),
    (
        "network",
        "no interfaces but a loopback that is down: no network at all",
    ),
    (
        "ipc",
        "no shared memory or message queues with the host or other runs",
    ),
    ("uts", "its own host name"),
];

/// Host directories the languages need, bound read-only when they exist. Nothing else of the host
/// is visible: no `/home`, `/root`, `/var` (but GHC's package database), `/run`, `/srv`, no judge
/// files, no other runs.
pub const READ_ONLY_PATHS: &[&str] = &[
    "/usr",
    "/lib",
    "/lib64",
    "/lib32",
    "/etc/alternatives",
    "/etc/java-17-openjdk",
    "/etc/mono",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/ssl/certs",
    // GHC keeps its package database here.
    "/var/lib/ghc",
];

/// Merged-/usr systems make these symbolic links into `/usr`; they are recreated as links.
pub const USR_LINKS: &[(&str, &str)] = &[("/bin", "usr/bin"), ("/sbin", "usr/sbin")];

/// Device nodes bound from the host; everything else in `/dev` is absent.
pub const DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"];

/// The user and group a program runs as inside its namespace (mapped to an unprivileged host id).
pub const RUN_UID: u32 = 1000;
pub const RUN_GID: u32 = 1000;

/// A system call a submission never needs, and why it is refused (with `EPERM`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DeniedSyscall {
    pub name: &'static str,
    pub number: i64,
    pub why: &'static str,
}

macro_rules! denied {
    ($($name:ident: $why:literal),* $(,)?) => {
        &[$(DeniedSyscall { name: stringify!($name), number: paste_sys!($name), why: $why }),*]
    };
}

macro_rules! paste_sys {
    (ptrace) => {
        libc::SYS_ptrace
    };
    (process_vm_readv) => {
        libc::SYS_process_vm_readv
    };
    (process_vm_writev) => {
        libc::SYS_process_vm_writev
    };
    (kcmp) => {
        libc::SYS_kcmp
    };
    (pidfd_getfd) => {
        libc::SYS_pidfd_getfd
    };
    (mount) => {
        libc::SYS_mount
    };
    (umount2) => {
        libc::SYS_umount2
    };
    (pivot_root) => {
        libc::SYS_pivot_root
    };
    (chroot) => {
        libc::SYS_chroot
    };
    (open_tree) => {
        libc::SYS_open_tree
    };
    (move_mount) => {
        libc::SYS_move_mount
    };
    (fsopen) => {
        libc::SYS_fsopen
    };
    (fsmount) => {
        libc::SYS_fsmount
    };
    (fsconfig) => {
        libc::SYS_fsconfig
    };
    (fspick) => {
        libc::SYS_fspick
    };
    (mount_setattr) => {
        libc::SYS_mount_setattr
    };
    (unshare) => {
        libc::SYS_unshare
    };
    (setns) => {
        libc::SYS_setns
    };
    (keyctl) => {
        libc::SYS_keyctl
    };
    (add_key) => {
        libc::SYS_add_key
    };
    (request_key) => {
        libc::SYS_request_key
    };
    (bpf) => {
        libc::SYS_bpf
    };
    (perf_event_open) => {
        libc::SYS_perf_event_open
    };
    (userfaultfd) => {
        libc::SYS_userfaultfd
    };
    (io_uring_setup) => {
        libc::SYS_io_uring_setup
    };
    (io_uring_enter) => {
        libc::SYS_io_uring_enter
    };
    (io_uring_register) => {
        libc::SYS_io_uring_register
    };
    (socket) => {
        libc::SYS_socket
    };
    (init_module) => {
        libc::SYS_init_module
    };
    (finit_module) => {
        libc::SYS_finit_module
    };
    (delete_module) => {
        libc::SYS_delete_module
    };
    (kexec_load) => {
        libc::SYS_kexec_load
    };
    (kexec_file_load) => {
        libc::SYS_kexec_file_load
    };
    (reboot) => {
        libc::SYS_reboot
    };
    (swapon) => {
        libc::SYS_swapon
    };
    (swapoff) => {
        libc::SYS_swapoff
    };
    (acct) => {
        libc::SYS_acct
    };
    (quotactl) => {
        libc::SYS_quotactl
    };
    (syslog) => {
        libc::SYS_syslog
    };
    (settimeofday) => {
        libc::SYS_settimeofday
    };
    (clock_settime) => {
        libc::SYS_clock_settime
    };
    (clock_adjtime) => {
        libc::SYS_clock_adjtime
    };
    (adjtimex) => {
        libc::SYS_adjtimex
    };
    (open_by_handle_at) => {
        libc::SYS_open_by_handle_at
    };
    (name_to_handle_at) => {
        libc::SYS_name_to_handle_at
    };
    (fanotify_init) => {
        libc::SYS_fanotify_init
    };
    (lookup_dcookie) => {
        libc::SYS_lookup_dcookie
    };
    (vhangup) => {
        libc::SYS_vhangup
    };
    (personality) => {
        libc::SYS_personality
    };
}

/// The seccomp deny list. Everything else is allowed: the namespaces, the unprivileged user and
/// the limits already bound what a program can reach, and an allow-list that is right for a JVM,
/// CPython and g++ at once is brittle across distribution updates.
pub const DENIED_SYSCALLS: &[DeniedSyscall] = denied! {
    ptrace: "inspecting or controlling other processes",
    process_vm_readv: "reading another process's memory",
    process_vm_writev: "writing another process's memory",
    kcmp: "comparing kernel objects of other processes",
    pidfd_getfd: "stealing another process's file descriptors",
    mount: "changing the file tree",
    umount2: "changing the file tree",
    pivot_root: "changing the file tree",
    chroot: "changing the file tree",
    open_tree: "changing the file tree (new mount API)",
    move_mount: "changing the file tree (new mount API)",
    fsopen: "changing the file tree (new mount API)",
    fsmount: "changing the file tree (new mount API)",
    fsconfig: "changing the file tree (new mount API)",
    fspick: "changing the file tree (new mount API)",
    mount_setattr: "changing the file tree (new mount API)",
    unshare: "making namespaces, where a process would regain capabilities",
    setns: "entering other namespaces",
    keyctl: "the kernel keyring is shared with the host",
    add_key: "the kernel keyring is shared with the host",
    request_key: "the kernel keyring is shared with the host",
    bpf: "loading programs into the kernel",
    perf_event_open: "performance counters leak information about other processes",
    userfaultfd: "a common ingredient of kernel exploits",
    io_uring_setup: "io_uring bypasses the system-call filter",
    io_uring_enter: "io_uring bypasses the system-call filter",
    io_uring_register: "io_uring bypasses the system-call filter",
    socket: "no network and no sockets, Unix sockets included",
    init_module: "loading kernel modules",
    finit_module: "loading kernel modules",
    delete_module: "unloading kernel modules",
    kexec_load: "replacing the kernel",
    kexec_file_load: "replacing the kernel",
    reboot: "rebooting the machine",
    swapon: "changing swap",
    swapoff: "changing swap",
    acct: "process accounting",
    quotactl: "disk quotas",
    syslog: "reading the kernel log",
    settimeofday: "setting the clock",
    clock_settime: "setting the clock",
    clock_adjtime: "setting the clock",
    adjtimex: "setting the clock",
    open_by_handle_at: "opening files by handle, around the mount tree",
    name_to_handle_at: "file handles, around the mount tree",
    fanotify_init: "watching file systems",
    lookup_dcookie: "kernel profiling",
    vhangup: "terminal control",
    personality: "turning off address-space randomisation",
};

/// `clone` flags that would create namespaces; `clone` with any of them is refused, and `clone3`
/// (whose flags seccomp cannot read) answers `ENOSYS` so that the C library falls back to `clone`.
pub const DENIED_CLONE_FLAGS: &[(&str, u64)] = &[
    ("CLONE_NEWUSER", libc::CLONE_NEWUSER as u64),
    ("CLONE_NEWNS", libc::CLONE_NEWNS as u64),
    ("CLONE_NEWPID", libc::CLONE_NEWPID as u64),
    ("CLONE_NEWNET", libc::CLONE_NEWNET as u64),
    ("CLONE_NEWIPC", libc::CLONE_NEWIPC as u64),
    ("CLONE_NEWUTS", libc::CLONE_NEWUTS as u64),
    ("CLONE_NEWCGROUP", libc::CLONE_NEWCGROUP as u64),
];

/// The limits of one run. Every field has a default suitable for a test case of a typical problem.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Limits {
    /// CPU time of the whole process tree.
    #[serde(with = "duration_ms")]
    pub cpu: Duration,
    /// Wall-clock time, which catches sleeping and blocking.
    #[serde(with = "duration_ms")]
    pub wall: Duration,
    /// Resident memory of the whole process tree, files in the private `/tmp` and working
    /// directory included.
    pub memory_bytes: u64,
    /// Processes and threads together.
    pub processes: u32,
    /// The largest file the program may write, standard output included.
    pub file_bytes: u64,
    pub open_files: u32,
    pub stack_bytes: u64,
    /// Size of the private writable working directory and of `/tmp`, each.
    pub scratch_bytes: u64,
    /// An address-space limit, used only where memory cannot be measured by a control group.
    pub address_space_bytes: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu: Duration::from_secs(1),
            wall: Duration::from_secs(3),
            memory_bytes: 256 * MIB,
            processes: 16,
            file_bytes: 64 * MIB,
            open_files: 64,
            stack_bytes: 256 * MIB,
            scratch_bytes: 64 * MIB,
            address_space_bytes: None,
        }
    }
}

pub const MIB: u64 = 1024 * 1024;

mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(value.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(deserializer)?))
    }
}

/// The whole policy, for printing.
#[derive(Debug, Serialize)]
pub struct PolicyReport {
    pub namespaces: Vec<(&'static str, &'static str)>,
    pub read_only_paths: Vec<&'static str>,
    pub devices: Vec<&'static str>,
    pub writable: Vec<&'static str>,
    pub run_as: String,
    pub denied_syscalls: Vec<DeniedSyscall>,
    pub denied_clone_flags: Vec<&'static str>,
    pub default_limits: Limits,
}

pub fn report() -> PolicyReport {
    PolicyReport {
        namespaces: NAMESPACES.to_vec(),
        read_only_paths: READ_ONLY_PATHS.to_vec(),
        devices: DEVICES.to_vec(),
        writable: vec![
            "/box (the working directory, a private tmpfs of scratch_bytes)",
            "/tmp (a private tmpfs of scratch_bytes)",
        ],
        run_as: format!("uid {RUN_UID} gid {RUN_GID} inside, no capabilities, no_new_privs"),
        denied_syscalls: DENIED_SYSCALLS.to_vec(),
        denied_clone_flags: DENIED_CLONE_FLAGS.iter().map(|(name, _)| *name).collect(),
        default_limits: Limits::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deny_list_covers_the_dangerous_calls_and_names_each_once() {
        let names: Vec<&str> = DENIED_SYSCALLS.iter().map(|d| d.name).collect();
        for required in [
            "ptrace",
            "mount",
            "keyctl",
            "bpf",
            "perf_event_open",
            "io_uring_setup",
            "socket",
            "unshare",
            "setns",
            "process_vm_readv",
        ] {
            assert!(names.contains(&required), "{required} must be denied");
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "a syscall is listed twice");
        let mut numbers: Vec<i64> = DENIED_SYSCALLS.iter().map(|d| d.number).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), names.len(), "two names share a number");
    }

    #[test]
    fn what_every_program_needs_is_not_denied() {
        let needed = [
            libc::SYS_read,
            libc::SYS_write,
            libc::SYS_mmap,
            libc::SYS_execve,
            libc::SYS_clone,
            libc::SYS_exit_group,
            libc::SYS_openat,
            libc::SYS_futex,
            libc::SYS_socketpair,
        ];
        for number in needed {
            assert!(
                !DENIED_SYSCALLS.iter().any(|d| d.number == number),
                "syscall {number} is needed by ordinary programs"
            );
        }
    }

    #[test]
    fn nothing_of_the_hosts_private_directories_is_visible() {
        for private in [
            "/home", "/root", "/var", "/run", "/etc", "/proc", "/sys", "/tmp",
        ] {
            assert!(
                !READ_ONLY_PATHS.contains(&private),
                "{private} must not be bound into the sandbox"
            );
        }
        assert!(!READ_ONLY_PATHS.iter().any(|p| p.starts_with("/etc/shadow")));
    }

    #[test]
    fn the_report_prints_as_json_with_every_part() {
        let json = serde_json::to_value(report()).unwrap();
        assert_eq!(json["namespaces"].as_array().unwrap().len(), 6);
        assert_eq!(json["default_limits"]["cpu"], 1000);
        assert!(json["denied_clone_flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "CLONE_NEWUSER"));
    }

    #[test]
    fn the_default_stack_allows_deep_recursion() {
        assert!(Limits::default().stack_bytes >= 64 * MIB);
    }
}
