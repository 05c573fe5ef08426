//! The host user ids that slots map their users to.
//!
//! Each slot needs two host ids of its own (its namespace's root and the run user), never
//! shared with another slot, another judge process on the machine, or any account, or
//! per-user limits and file ownership would mix runs. The ids come from a configured range
//! ([`UidRange`], by default [`UidRange::DEFAULT`]), which is checked at start against the
//! ranges `/etc/subuid` and `/etc/subgid` hand to other users' containers; within the range,
//! a slot holds an exclusive lock on a file named after its pair of ids, so judges started
//! side by side take different pairs, and a pair is free again the moment its holder dies.

use std::fs::{self, File, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::SandboxError;

/// A range of host ids: `first` and the `count` after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UidRange {
    pub first: u32,
    pub count: u32,
}

impl UidRange {
    /// 65,536 ids from 2,000,000,000: far above ordinary accounts and the ranges that
    /// `useradd` hands out in `/etc/subuid` (from 100,000 in steps of 65,536).
    pub const DEFAULT: UidRange = UidRange {
        first: 2_000_000_000,
        count: 65_536,
    };

    /// Parses `FIRST:COUNT` (as `/etc/subuid` writes a range, without the user).
    pub fn parse(text: &str) -> Result<UidRange, String> {
        let (first, count) = text
            .split_once(':')
            .ok_or_else(|| format!("\"{text}\" is not FIRST:COUNT"))?;
        let first: u32 = first
            .trim()
            .parse()
            .map_err(|_| format!("\"{first}\" is not a user id"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| format!("\"{count}\" is not a number of ids"))?;
        if first < 1000 || count < 2 || first.checked_add(count).is_none() {
            return Err(format!(
                "{first}:{count}: the range must start at 1000 or above, hold at least two ids \
                 and end below 2^32"
            ));
        }
        Ok(UidRange { first, count })
    }

    fn end(self) -> u64 {
        u64::from(self.first) + u64::from(self.count)
    }

    fn overlaps(self, first: u64, count: u64) -> bool {
        u64::from(self.first) < first + count && first < self.end()
    }
}

impl std::fmt::Display for UidRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.first, self.count)
    }
}

/// Refuses a range that overlaps an entry of `/etc/subuid` or `/etc/subgid` (given as their
/// texts): those ids belong to another user's containers.
pub fn check_against_subordinate_ids(
    range: UidRange,
    files: &[(&str, &str)],
) -> Result<(), String> {
    for (file, text) in files {
        for line in text.lines() {
            let mut parts = line.trim().split(':');
            let (Some(owner), Some(first), Some(count)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let (Ok(first), Ok(count)) = (first.parse::<u64>(), count.parse::<u64>()) else {
                continue;
            };
            if range.overlaps(first, count) {
                return Err(format!(
                    "the judge's host id range {range} overlaps {owner}'s range {first}:{count} \
                     in {file}; choose another range with --judge-uids FIRST:COUNT"
                ));
            }
        }
    }
    Ok(())
}

/// A pair of host ids held by one slot for as long as this value lives.
#[derive(Debug)]
pub struct UidLease {
    /// The slot's namespace root.
    pub root: u32,
    /// The user programs run as.
    pub run: u32,
    /// Holds the lock on the pair's file; closing it (or dying) frees the pair.
    _lock: File,
}

/// Where the lock files live: under /run, which holds only this boot's state.
pub const LOCK_DIRECTORY: &str = "/run/cohort-judge";

/// Takes `slots` free pairs of ids from `range`, checked against `/etc/subuid` and `/etc/subgid`.
pub fn lease(
    range: UidRange,
    slots: usize,
    directory: &Path,
) -> Result<Vec<UidLease>, SandboxError> {
    let read = |path: &str| fs::read_to_string(path).unwrap_or_default();
    let (subuid, subgid) = (read("/etc/subuid"), read("/etc/subgid"));
    check_against_subordinate_ids(range, &[("/etc/subuid", &subuid), ("/etc/subgid", &subgid)])
        .map_err(SandboxError::Setup)?;
    fs::create_dir_all(directory).map_err(|e| {
        SandboxError::Setup(format!(
            "creating the id lock directory {}: {e}",
            directory.display()
        ))
    })?;
    // Someone who could write there could hold every pair, or plant links: the directory must
    // be the judge's own.
    {
        use std::os::unix::fs::MetadataExt;
        let metadata = fs::symlink_metadata(directory)
            .map_err(|e| SandboxError::Setup(format!("{}: {e}", directory.display())))?;
        let own = metadata.uid() == nix::unistd::geteuid().as_raw();
        if !metadata.is_dir() || !own || metadata.mode() & 0o022 != 0 {
            return Err(SandboxError::Setup(format!(
                "{} must be a directory owned by the judge's user and writable by no one else",
                directory.display()
            )));
        }
    }
    let mut leases = Vec::new();
    for pair in 0..range.count / 2 {
        if leases.len() == slots {
            break;
        }
        let root = range.first + pair * 2;
        let path: PathBuf = directory.join(format!("ids-{root}.lock"));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| SandboxError::Setup(format!("{}: {e}", path.display())))?;
        // SAFETY: flock takes a descriptor this process owns and integer flags.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        if locked {
            leases.push(UidLease {
                root,
                run: root + 1,
                _lock: file,
            });
        }
    }
    if leases.len() < slots {
        return Err(SandboxError::Setup(format!(
            "the host id range {range} has no {slots} free pairs of ids left (other judges on this \
             machine hold the rest); give this judge another range with --judge-uids FIRST:COUNT"
        )));
    }
    Ok(leases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_parsed_and_checked_for_sense() {
        assert_eq!(
            UidRange::parse("300000:1024").unwrap(),
            UidRange {
                first: 300_000,
                count: 1024
            }
        );
        assert!(UidRange::parse("0:10").is_err());
        assert!(UidRange::parse("4294967000:1000").is_err());
        assert!(UidRange::parse("300000").is_err());
    }

    #[test]
    fn a_range_that_overlaps_subordinate_ids_is_refused_with_the_owner() {
        let subuid = "root:100000:65536\nalice:165536:65536\n";
        let overlapping = UidRange::parse("200000:100").unwrap();
        let error =
            check_against_subordinate_ids(overlapping, &[("/etc/subuid", subuid)]).unwrap_err();
        assert!(
            error.contains("alice") && error.contains("--judge-uids"),
            "{error}"
        );
        assert!(
            check_against_subordinate_ids(UidRange::DEFAULT, &[("/etc/subuid", subuid)]).is_ok()
        );
    }

    #[test]
    fn two_judges_take_different_pairs_and_a_pair_is_free_again_when_its_holder_goes() {
        let directory = tempfile::tempdir().unwrap();
        let range = UidRange::parse("3000000:6").unwrap();
        let first = lease(range, 2, directory.path()).unwrap();
        let second = lease(range, 1, directory.path()).unwrap();
        let held: Vec<u32> = first.iter().chain(&second).map(|l| l.root).collect();
        assert_eq!(held, [3_000_000, 3_000_002, 3_000_004]);
        let error = lease(range, 1, directory.path()).unwrap_err().to_string();
        assert!(error.contains("no 1 free pairs"), "{error}");
        drop(second);
        assert_eq!(
            lease(range, 1, directory.path()).unwrap()[0].root,
            3_000_004
        );
    }
}
