//! The parts of Linux's new mount API (5.2 and later) that the sandbox uses and the `libc` crate
//! does not wrap.

use std::ffi::CStr;
use std::os::fd::RawFd;

const MOUNT_ATTR_RDONLY: u64 = 0x1;
const MOUNT_ATTR_NOSUID: u64 = 0x2;
const MOUNT_ATTR_NODEV: u64 = 0x4;

/// `AT_RECURSIVE`: apply to the whole tree below the mount.
pub const AT_RECURSIVE: libc::c_uint = 0x8000;

#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

/// Makes the mount at (`directory`, `path`) read-only, nosuid and nodev with `mount_setattr`;
/// `flags` are `AT_EMPTY_PATH` (the descriptor itself) and/or [`AT_RECURSIVE`].
pub fn make_read_only(directory: RawFd, path: &CStr, flags: libc::c_uint) -> std::io::Result<()> {
    let attributes = MountAttr {
        attr_set: MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
        attr_clr: 0,
        propagation: 0,
        userns_fd: 0,
    };
    // SAFETY: mount_setattr reads a NUL-terminated path and an attribute struct of the given size,
    // both valid for the duration of the call.
    let result = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            directory,
            path.as_ptr(),
            flags,
            &attributes as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    if result != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
