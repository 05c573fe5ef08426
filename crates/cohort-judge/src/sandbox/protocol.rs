//! Messages between the judge and a slot's supervisor, over a `SOCK_SEQPACKET` socket pair:
//! one JSON document per packet, with file descriptors passed alongside as `SCM_RIGHTS`.

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use nix::sys::socket::{recvmsg, sendmsg, ControlMessage, ControlMessageOwned, MsgFlags};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::policy::Limits;

/// Sent once, when the slot starts: how to build its file tree.
#[derive(Debug, Serialize, Deserialize)]
pub struct Setup {
    pub run_uid: u32,
    pub run_gid: u32,
    pub read_only_paths: Vec<String>,
    pub usr_links: Vec<(String, String)>,
    pub devices: Vec<String>,
    /// Whether the control group's CPU usage file comes as a descriptor.
    pub has_cpu_usage: bool,
    /// cgroup v1 reports CPU in nanoseconds; v2's `cpu.stat` in microseconds on a keyed line.
    pub cpu_usage_is_v2: bool,
}

/// One run. The descriptors that come with it are, in order: stdin, stdout, stderr, one per
/// fresh entry of `mounts`, then one per entry of `copy_in`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub limits: Limits,
    /// Directories bound read-only at these absolute paths. `true`: a detached mount comes as
    /// a descriptor; `false`: the slot keeps what it already has there from the last run.
    pub mounts: Vec<(String, bool)>,
    /// Files copied into the working directory under these names; `true` makes one executable.
    pub copy_in: Vec<(String, bool)>,
    /// Regular files copied out of the working directory after the run.
    pub copy_out: Vec<String>,
}

/// What the judge says to a supervisor once it is set up.
#[derive(Debug, Serialize, Deserialize)]
pub enum Order {
    /// Run a program and reply when it has ended.
    Run(Box<Request>),
    /// End the program now running (its partner in an interactive run has finished); ignored
    /// when no run is going on.
    Stop,
}

/// How the process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

/// Which limit the supervisor enforced by killing the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Killed {
    Cpu,
    Wall,
    /// The judge ordered it stopped.
    Stopped,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub exit: Option<Exit>,
    pub killed: Option<Killed>,
    pub wall_micros: u64,
    /// CPU time of the main process and the children it waited for.
    pub cpu_micros: u64,
    /// Peak resident set of the largest process, from `getrusage`.
    pub max_rss_kib: u64,
    /// When the main process was reaped, on the machine's monotonic clock (nanoseconds), so
    /// the judge can tell which of two partners ended first.
    pub ended_at_nanos: u64,
    /// Files of `copy_out` that existed as regular files and were copied.
    pub copied_out: Vec<String>,
    /// Set when the run could not be started (a missing program, a bad mount): a judge error.
    pub error: Option<String>,
}

/// At most this many descriptors travel with one message (the kernel's SCM_MAX_FD is 253).
pub const MAX_FDS: usize = 250;
/// Large enough for any request or reply: argv and env are bounded by the language table.
const MAX_MESSAGE: usize = 64 * 1024;

pub fn send<T: Serialize>(
    socket: BorrowedFd<'_>,
    message: &T,
    fds: &[RawFd],
) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(message).map_err(std::io::Error::other)?;
    if bytes.len() > MAX_MESSAGE || fds.len() > MAX_FDS {
        return Err(std::io::Error::other("sandbox message too large"));
    }
    let iov = [IoSlice::new(&bytes)];
    let control = [ControlMessage::ScmRights(fds)];
    let control: &[ControlMessage] = if fds.is_empty() { &[] } else { &control };
    sendmsg::<()>(
        socket.as_raw_fd(),
        &iov,
        control,
        MsgFlags::MSG_NOSIGNAL,
        None,
    )?;
    Ok(())
}

/// Receives one message; `Ok(None)` when the other end has closed.
pub fn receive<T: DeserializeOwned>(
    socket: BorrowedFd<'_>,
) -> std::io::Result<Option<(T, Vec<OwnedFd>)>> {
    let mut buffer = vec![0u8; MAX_MESSAGE];
    let mut control = nix::cmsg_space!([RawFd; MAX_FDS]);
    let (length, fds) = {
        let mut iov = [IoSliceMut::new(&mut buffer)];
        let message = loop {
            match recvmsg::<()>(
                socket.as_raw_fd(),
                &mut iov,
                Some(&mut control),
                MsgFlags::MSG_CMSG_CLOEXEC,
            ) {
                Err(nix::errno::Errno::EINTR) => continue,
                other => break other?,
            }
        };
        let mut fds = Vec::new();
        for cmsg in message.cmsgs()? {
            if let ControlMessageOwned::ScmRights(received) = cmsg {
                // SAFETY: the kernel has just installed these descriptors in this process for
                // this message; nothing else owns them.
                fds.extend(
                    received
                        .into_iter()
                        .map(|fd| unsafe { OwnedFd::from_raw_fd(fd) }),
                );
            }
        }
        (message.bytes, fds)
    };
    if length == 0 {
        return Ok(None);
    }
    let message = serde_json::from_slice(&buffer[..length]).map_err(std::io::Error::other)?;
    Ok(Some((message, fds)))
}
