//! Control groups: one per sandbox slot, reused between runs, removed when the slot closes.
//!
//! Works with cgroup v2 (one unified hierarchy) and with the v1 `memory`, `pids` and `cpuacct`
//! controllers mounted separately, as on this project's build machines. Where neither is
//! writable, [`SlotCgroup::create`] returns `None` and the sandbox falls back to resource limits.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::fd::{AsFd, BorrowedFd};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Which kind of hierarchy holds the controllers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CgroupKind {
    V1,
    V2,
}

/// What a run used, read from the control group after it ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub cpu: Duration,
    pub peak_memory_bytes: u64,
    pub memory_limit_hit: bool,
    /// Memory use reached the limit at least once (the kernel then had to reclaim or refuse):
    /// evidence of an overrun when the program also failed, though not proof on its own, since
    /// page cache counts too.
    pub memory_limit_reached: bool,
    pub process_limit_hit: bool,
}

/// One slot's control group(s).
#[derive(Debug)]
pub struct SlotCgroup {
    kind: CgroupKind,
    /// v1: the group in each of memory, pids, cpuacct. v2: one directory.
    directories: Vec<PathBuf>,
    /// The groups' `cgroup.procs` files.
    procs: Vec<File>,
    cpu_usage: File,
    oom_kills_before: u64,
    memory_max_before: u64,
    pids_max_before: u64,
    /// The memory and process limits the group holds now: a run with the same limits as the
    /// last (every case of a problem) does not rewrite them.
    limits: Option<(u64, u32)>,
    /// The counters above were read when the last run ended, and nothing has run since: they
    /// are the next run's baselines without reading them again.
    baselines_known: bool,
}

const V1_CONTROLLERS: [&str; 3] = ["memory", "pids", "cpuacct"];

impl SlotCgroup {
    /// Creates the slot's group, named after the judge process and slot so that groups a crashed
    /// judge left behind can be recognised and removed.
    pub fn create(name: &str) -> io::Result<Option<SlotCgroup>> {
        if let Some(root) = v2_root()? {
            let directory = root.join(name);
            make_fresh(&directory)?;
            let procs = vec![OpenOptions::new()
                .write(true)
                .open(directory.join("cgroup.procs"))?];
            let cpu_usage = File::open(directory.join("cpu.stat"))?;
            let group = SlotCgroup {
                kind: CgroupKind::V2,
                directories: vec![directory],
                procs,
                cpu_usage,
                oom_kills_before: 0,
                memory_max_before: 0,
                pids_max_before: 0,
                limits: None,
                baselines_known: false,
            };
            return Ok(Some(group));
        }
        let mut directories = Vec::new();
        for controller in V1_CONTROLLERS {
            let Some(root) = v1_root(controller)? else {
                return Ok(None);
            };
            let directory = root.join(name);
            make_fresh(&directory)?;
            directories.push(directory);
        }
        let procs = directories
            .iter()
            .map(|d| OpenOptions::new().write(true).open(d.join("cgroup.procs")))
            .collect::<io::Result<Vec<_>>>()?;
        let cpu_usage = File::open(directories[2].join("cpuacct.usage"))?;
        Ok(Some(SlotCgroup {
            kind: CgroupKind::V1,
            directories,
            procs,
            cpu_usage,
            oom_kills_before: 0,
            memory_max_before: 0,
            pids_max_before: 0,
            limits: None,
            baselines_known: false,
        }))
    }

    pub fn kind(&self) -> CgroupKind {
        self.kind
    }

    /// Moves a process (the slot's supervisor) into the group. Its children are born there, so
    /// no run pays for migrating into a group: on cgroup v1 every migration waits for an RCU
    /// grace period, measured at 10 to 15 ms for a JVM.
    pub fn add(&mut self, pid: u32) -> io::Result<()> {
        for procs in &mut self.procs {
            procs.write_all(pid.to_string().as_bytes())?;
        }
        Ok(())
    }

    /// The file the slot's supervisor polls for CPU time while a run goes on.
    pub fn cpu_usage_file(&self) -> BorrowedFd<'_> {
        self.cpu_usage.as_fd()
    }

    /// Sets the limits of the next run and clears the counters of the last. Every file write
    /// costs a few microseconds on the path of every run, so limits that did not change are
    /// not written again, and event counters are compared with their values at the end of the
    /// last run instead of being read again.
    pub fn prepare(&mut self, memory_bytes: u64, processes: u32) -> io::Result<()> {
        let limits_changed = self.limits != Some((memory_bytes, processes));
        // Until every write below has succeeded, what the group holds is not known.
        self.limits = None;
        let baselines_known = std::mem::take(&mut self.baselines_known);
        match self.kind {
            CgroupKind::V1 => {
                let memory = &self.directories[0];
                write(memory, "memory.max_usage_in_bytes", "0")?;
                write(&self.directories[2], "cpuacct.usage", "0")?;
                if !baselines_known {
                    self.oom_kills_before = v1_oom_kills(memory)?;
                    self.memory_max_before = read_number(memory, "memory.failcnt")?;
                    self.pids_max_before = keyed(&self.directories[1], "pids.events", "max")?;
                }
                if !limits_changed {
                    self.limits = Some((memory_bytes, processes));
                    return Ok(());
                }
                // Swap would let a program exceed its memory limit unseen; where swap accounting
                // exists, the limit covers memory and swap together. The kernel insists that
                // memsw >= memory at every step, so memsw is lifted first and lowered last.
                let swap_accounting = memory.join("memory.memsw.limit_in_bytes").exists();
                if swap_accounting {
                    write(memory, "memory.memsw.limit_in_bytes", "-1")?;
                }
                if write(memory, "memory.limit_in_bytes", &memory_bytes.to_string()).is_err() {
                    // Cached pages of earlier runs exceed the new limit: reclaim them, retry.
                    write(memory, "memory.force_empty", "0")?;
                    write(memory, "memory.limit_in_bytes", &memory_bytes.to_string())?;
                }
                if swap_accounting {
                    write(
                        memory,
                        "memory.memsw.limit_in_bytes",
                        &memory_bytes.to_string(),
                    )?;
                }
                // The supervisor is in the group too: it counts as one process.
                write(
                    &self.directories[1],
                    "pids.max",
                    &(processes + 1).to_string(),
                )?;
            }
            CgroupKind::V2 => {
                let directory = &self.directories[0];
                write(directory, "memory.max", &memory_bytes.to_string())?;
                let _ = write(directory, "memory.swap.max", "0");
                // Resetting the peak needs Linux 6.12; on older kernels the peak is the slot's.
                let _ = write(directory, "memory.peak", "reset");
                write(directory, "pids.max", &(processes + 1).to_string())?;
                if !baselines_known {
                    self.oom_kills_before = keyed(directory, "memory.events", "oom_kill")?;
                    self.memory_max_before = keyed(directory, "memory.events", "max")?;
                    self.pids_max_before = keyed(directory, "pids.events", "max")?;
                }
            }
        }
        self.limits = Some((memory_bytes, processes));
        Ok(())
    }

    /// CPU time used since [`prepare`](Self::prepare), read through the already-open file.
    pub fn cpu_used(file: &mut File, kind: CgroupKind) -> io::Result<Duration> {
        file.rewind()?;
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        Ok(parse_cpu_usage(&text, kind).unwrap_or_default())
    }

    /// What the run that just ended used. Its counters become the next run's baselines.
    pub fn usage(&mut self) -> io::Result<Usage> {
        let kind = self.kind;
        let cpu = Self::cpu_used(&mut self.cpu_usage, kind)?;
        let (peak_memory_bytes, oom_kills, memory_max, pids_max) = match kind {
            CgroupKind::V1 => {
                let memory = &self.directories[0];
                (
                    read_number(memory, "memory.max_usage_in_bytes")?,
                    v1_oom_kills(memory)?,
                    read_number(memory, "memory.failcnt")?,
                    keyed(&self.directories[1], "pids.events", "max")?,
                )
            }
            CgroupKind::V2 => {
                let directory = &self.directories[0];
                (
                    read_number(directory, "memory.peak").unwrap_or(0),
                    keyed(directory, "memory.events", "oom_kill")?,
                    keyed(directory, "memory.events", "max")?,
                    keyed(directory, "pids.events", "max")?,
                )
            }
        };
        let usage = Usage {
            cpu,
            peak_memory_bytes,
            memory_limit_hit: oom_kills > self.oom_kills_before,
            memory_limit_reached: memory_max > self.memory_max_before,
            process_limit_hit: pids_max > self.pids_max_before,
        };
        self.oom_kills_before = oom_kills;
        self.memory_max_before = memory_max;
        self.pids_max_before = pids_max;
        self.baselines_known = true;
        Ok(usage)
    }

    pub fn directories(&self) -> &[PathBuf] {
        &self.directories
    }
}

impl Drop for SlotCgroup {
    fn drop(&mut self) {
        for directory in &self.directories {
            remove(directory);
        }
    }
}

/// CPU time from `cpuacct.usage` (v1: nanoseconds) or `cpu.stat` (v2: the `usage_usec` line).
pub fn parse_cpu_usage(text: &str, kind: CgroupKind) -> Option<Duration> {
    match kind {
        CgroupKind::V1 => Some(Duration::from_nanos(text.trim().parse().ok()?)),
        CgroupKind::V2 => {
            let micros = text
                .lines()
                .find_map(|line| line.strip_prefix("usage_usec "))?
                .trim()
                .parse()
                .ok()?;
            Some(Duration::from_micros(micros))
        }
    }
}

/// Removes a group, waiting briefly for processes that are still being torn down.
fn remove(directory: &Path) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while let Err(error) = fs::remove_dir(directory) {
        if error.kind() == io::ErrorKind::NotFound || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Creates `directory`, first removing one of the same name (left by a judge with the same pid).
fn make_fresh(directory: &Path) -> io::Result<()> {
    if directory.exists() {
        remove(directory);
    }
    fs::create_dir(directory)
}

/// Removes the groups of judges that are no longer running: names are `<prefix>-<pid>-<slot>`.
pub fn remove_stale(prefix: &str) {
    let mut roots = Vec::new();
    if let Ok(Some(root)) = v2_root() {
        roots.push(root);
    }
    for controller in V1_CONTROLLERS {
        if let Ok(Some(root)) = v1_root(controller) {
            roots.push(root);
        }
    }
    for root in roots {
        let Ok(entries) = fs::read_dir(&root) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
                continue;
            };
            let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
                continue;
            };
            if !Path::new(&format!("/proc/{pid}")).exists() {
                remove(&entry.path());
            }
        }
    }
}

/// The unified hierarchy's directory for this process, when it has the memory and pids
/// controllers and can be written.
fn v2_root() -> io::Result<Option<PathBuf>> {
    let mount = Path::new("/sys/fs/cgroup");
    let Ok(controllers) = fs::read_to_string(mount.join("cgroup.controllers")) else {
        return Ok(None);
    };
    if !controllers.split_whitespace().any(|c| c == "memory")
        || !controllers.split_whitespace().any(|c| c == "pids")
    {
        return Ok(None);
    }
    let own = fs::read_to_string("/proc/self/cgroup")?;
    let Some(path) = own.lines().find_map(|line| line.strip_prefix("0::")) else {
        return Ok(None);
    };
    let directory = mount.join(path.trim_start_matches('/'));
    Ok(writable(&directory).then_some(directory))
}

/// A v1 controller's directory for this process, when mounted and writable.
fn v1_root(controller: &str) -> io::Result<Option<PathBuf>> {
    let mount = Path::new("/sys/fs/cgroup").join(controller);
    if !mount.join("cgroup.procs").exists() {
        return Ok(None);
    }
    let own = fs::read_to_string("/proc/self/cgroup")?;
    let path = own
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let _id = parts.next()?;
            let controllers = parts.next()?;
            let path = parts.next()?;
            controllers
                .split(',')
                .any(|c| c == controller)
                .then_some(path)
        })
        .next()
        .unwrap_or("/");
    let directory = mount.join(path.trim_start_matches('/'));
    Ok(writable(&directory).then_some(directory))
}

fn writable(directory: &Path) -> bool {
    nix::unistd::access(directory, nix::unistd::AccessFlags::W_OK).is_ok()
}

fn write(directory: &Path, file: &str, value: &str) -> io::Result<()> {
    let path = directory.join(file);
    OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|mut f| f.write_all(value.as_bytes()))
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("writing {value} to {}: {e}", path.display()),
            )
        })
}

fn read_number(directory: &Path, file: &str) -> io::Result<u64> {
    Ok(fs::read_to_string(directory.join(file))?
        .trim()
        .parse()
        .unwrap_or(0))
}

/// A value from a flat keyed file such as `memory.events` ("oom_kill 3"); 0 when absent.
fn keyed(directory: &Path, file: &str, key: &str) -> io::Result<u64> {
    let text = match fs::read_to_string(directory.join(file)) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    Ok(text
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(' ')?;
            (name == key).then(|| value.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0))
}

/// OOM kills in a v1 memory group: `oom_kill` in `memory.oom_control` (Linux 4.13 and later).
fn v1_oom_kills(memory: &Path) -> io::Result<u64> {
    keyed(memory, "memory.oom_control", "oom_kill")
}
