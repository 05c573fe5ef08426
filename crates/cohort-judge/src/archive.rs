//! Problem packages as zip archives: how a recruiter uploads one, how the problem bank stores one
//! (in the blob store, so every judge machine can fetch it), and how a judge unpacks one.
//!
//! An uploaded archive is untrusted input. Unpacking refuses names that leave the destination,
//! links, and archives whose contents exceed the limits, and writes into a fresh directory that is
//! renamed into place only when complete, so a judge never sees half a package.

use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// Bounds on what an archive may hold once unpacked.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveLimits {
    pub max_files: usize,
    pub max_total_bytes: u64,
}

impl Default for ArchiveLimits {
    /// Enough for a package with a few hundred test files and tens of megabytes of data (the
    /// built-in bank's largest is 11 MB), not enough to fill a disk.
    fn default() -> ArchiveLimits {
        ArchiveLimits {
            max_files: 2_000,
            max_total_bytes: 256 * 1024 * 1024,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the file is not a zip archive")]
    NotZip,
    #[error("the archive is damaged: {0}")]
    Damaged(String),
    #[error("the archive holds a file named {0:?}, which points outside the package")]
    UnsafeName(String),
    #[error("the archive holds a link ({0}); packages may hold only files and folders")]
    Link(String),
    #[error("the archive holds more than {0} files")]
    TooManyFiles(usize),
    #[error("the archive unpacks to more than {} MB", .0 / (1024 * 1024))]
    TooLarge(u64),
    #[error("the archive has no problem.yaml at its top level or in a single top folder")]
    NoProblemYaml,
    #[error("the archive holds {0} twice, or both as a file and as a folder")]
    Conflict(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Unpacks `bytes` into `destination`, which must not exist yet. If every entry sits in one top
/// folder (as when someone zips the package's folder), that folder becomes the destination.
pub fn unpack(bytes: &[u8], destination: &Path, limits: ArchiveLimits) -> Result<(), ArchiveError> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|error| match error {
            zip::result::ZipError::InvalidArchive(_) => ArchiveError::NotZip,
            other => ArchiveError::Damaged(other.to_string()),
        })?;
    if archive.len() > limits.max_files {
        return Err(ArchiveError::TooManyFiles(limits.max_files));
    }
    let mut entries = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| ArchiveError::Damaged(e.to_string()))?;
        let name = entry.name().to_owned();
        let path = entry
            .enclosed_name()
            .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))))
            .ok_or_else(|| ArchiveError::UnsafeName(name.clone()))?;
        if entry.is_symlink() {
            return Err(ArchiveError::Link(name));
        }
        entries.push((index, path, entry.is_dir()));
    }
    check_no_conflicts(&entries)?;
    let prefix = common_top_folder(&entries);
    let has_yaml = entries.iter().any(|(_, path, is_dir)| {
        !is_dir && strip(path, prefix.as_deref()) == Path::new("problem.yaml")
    });
    if !has_yaml {
        return Err(ArchiveError::NoProblemYaml);
    }

    let parent = destination.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".unpacking-")
        .tempdir_in(parent)?;
    let mut total = 0_u64;
    for (index, path, is_dir) in entries {
        let relative = strip(&path, prefix.as_deref());
        if relative.as_os_str().is_empty() {
            continue;
        }
        let target = staging.path().join(relative);
        if is_dir {
            fs::create_dir_all(&target)?;
            continue;
        }
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder)?;
        }
        let mut entry = archive
            .by_index(index)
            .map_err(|e| ArchiveError::Damaged(e.to_string()))?;
        let executable = entry.unix_mode().is_some_and(|mode| mode & 0o111 != 0);
        let mut file = fs::File::create_new(&target)?;
        // The sizes in the archive's directory are claims; count what decompression produces.
        let allowed = limits.max_total_bytes - total;
        let written = std::io::copy(&mut (&mut entry).take(allowed + 1), &mut file)
            .map_err(|e| ArchiveError::Damaged(format!("{}: {e}", path.display())))?;
        total += written;
        if total > limits.max_total_bytes {
            return Err(ArchiveError::TooLarge(limits.max_total_bytes));
        }
        file.flush()?;
        set_mode(&target, if executable { 0o755 } else { 0o644 })?;
    }
    let staged = staging.keep();
    if let Err(error) = fs::rename(&staged, destination) {
        // Another process may have put the same package in place first; either way the staged
        // copy must not stay behind.
        let _ = fs::remove_dir_all(&staged);
        return Err(error.into());
    }
    Ok(())
}

/// Refuses an archive in which one path is two things: a file listed twice, or a file that is
/// also a folder (named as one, or holding other entries), which could not be unpacked.
fn check_no_conflicts(entries: &[(usize, PathBuf, bool)]) -> Result<(), ArchiveError> {
    let mut files = std::collections::HashSet::new();
    let mut folders = std::collections::HashSet::new();
    for (_, path, is_dir) in entries {
        if *is_dir {
            folders.insert(path.as_path());
        } else if !files.insert(path.as_path()) {
            return Err(ArchiveError::Conflict(path.display().to_string()));
        }
        folders.extend(path.ancestors().skip(1));
    }
    match files.iter().find(|file| folders.contains(*file)) {
        Some(both) => Err(ArchiveError::Conflict(both.display().to_string())),
        None => Ok(()),
    }
}

/// Zips the package folder `root` deterministically (sorted names, fixed times, regular files
/// only), so that importing the same folder twice yields the same bytes and the same blob.
pub fn pack(root: &Path) -> Result<Vec<u8>, ArchiveError> {
    let mut files = Vec::new();
    collect_files(root, root, &mut files)?;
    files.sort();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for relative in files {
        let full = root.join(&relative);
        let executable = is_executable(&full)?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(if executable { 0o755 } else { 0o644 });
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        writer
            .start_file(name, options)
            .map_err(|e| ArchiveError::Damaged(e.to_string()))?;
        writer.write_all(&fs::read(&full)?)?;
    }
    Ok(writer
        .finish()
        .map_err(|e| ArchiveError::Damaged(e.to_string()))?
        .into_inner())
}

fn collect_files(root: &Path, folder: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_files(root, &entry.path(), out)?;
        } else if kind.is_file() {
            let path = entry.path();
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

/// The one folder every entry sits in, if there is one.
fn common_top_folder(entries: &[(usize, PathBuf, bool)]) -> Option<PathBuf> {
    let mut top: Option<&std::ffi::OsStr> = None;
    for (_, path, is_dir) in entries {
        let mut components = path.components();
        let first = components.next()?.as_os_str();
        if !is_dir && components.next().is_none() {
            return None;
        }
        match top {
            None => top = Some(first),
            Some(seen) if seen == first => {}
            Some(_) => return None,
        }
    }
    top.map(PathBuf::from)
}

fn strip<'a>(path: &'a Path, prefix: Option<&Path>) -> &'a Path {
    match prefix {
        Some(prefix) => path.strip_prefix(prefix).unwrap_or(path),
        None => path,
    }
}

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

fn is_executable(path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    Ok(fs::metadata(path)?.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, contents) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(contents).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn a_path_that_is_both_a_file_and_a_folder_is_refused_with_its_name_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let destination = dir.path().join("unpacked");
        for entries in [
            &[
                ("problem.yaml", &b"name: Sum\n"[..]),
                ("data", b"a file"),
                ("data/x.in", b"1\n"),
            ][..],
            &[
                ("problem.yaml", &b"name: Sum\n"[..]),
                ("data/x.in/deeper", b"1\n"),
                ("data/x.in", b"1\n"),
            ][..],
        ] {
            let error =
                unpack(&zip_of(entries), &destination, ArchiveLimits::default()).unwrap_err();
            assert!(matches!(error, ArchiveError::Conflict(_)), "{error}");
            assert!(error.to_string().contains("both as a file and as a folder"));
            assert!(!destination.exists());
        }
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "no staging left"
        );
    }

    #[test]
    fn a_package_zipped_with_its_folder_unpacks_without_that_folder() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = zip_of(&[
            ("sum/problem.yaml", b"name: Sum\n"),
            ("sum/data/sample/1.in", b"1 2\n"),
        ]);
        let destination = dir.path().join("unpacked");
        unpack(&bytes, &destination, ArchiveLimits::default()).unwrap();
        assert_eq!(
            fs::read_to_string(destination.join("problem.yaml")).unwrap(),
            "name: Sum\n"
        );
        assert!(destination.join("data/sample/1.in").is_file());
    }

    #[test]
    fn names_that_climb_out_of_the_package_are_refused_and_nothing_is_left_behind() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = zip_of(&[("problem.yaml", b""), ("../escape.txt", b"x")]);
        let destination = dir.path().join("unpacked");
        let error = unpack(&bytes, &destination, ArchiveLimits::default()).unwrap_err();
        assert!(matches!(error, ArchiveError::UnsafeName(_)), "{error}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn an_archive_larger_than_the_limit_when_unpacked_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![b'0'; 4096];
        let bytes = zip_of(&[("problem.yaml", b""), ("data/big.in", &big)]);
        let limits = ArchiveLimits {
            max_files: 10,
            max_total_bytes: 1000,
        };
        let error = unpack(&bytes, &dir.path().join("p"), limits).unwrap_err();
        assert!(matches!(error, ArchiveError::TooLarge(1000)), "{error}");
        assert!(!dir.path().join("p").exists());
    }

    #[test]
    fn a_file_that_is_not_a_zip_or_lacks_problem_yaml_is_refused_with_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            unpack(b"hello", &dir.path().join("a"), ArchiveLimits::default()),
            Err(ArchiveError::NotZip)
        ));
        let bytes = zip_of(&[("README.md", b"hi"), ("other/x", b"y")]);
        assert!(matches!(
            unpack(&bytes, &dir.path().join("b"), ArchiveLimits::default()),
            Err(ArchiveError::NoProblemYaml)
        ));
    }

    #[test]
    fn packing_a_folder_twice_gives_the_same_bytes_and_unpacks_to_the_same_files() {
        let dir = tempfile::tempdir().unwrap();
        let package = dir.path().join("pkg");
        fs::create_dir_all(package.join("data/secret")).unwrap();
        fs::write(package.join("problem.yaml"), "name: X\n").unwrap();
        fs::write(package.join("data/secret/1.in"), "5\n").unwrap();
        let first = pack(&package).unwrap();
        assert_eq!(first, pack(&package).unwrap());
        unpack(&first, &dir.path().join("copy"), ArchiveLimits::default()).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("copy/data/secret/1.in")).unwrap(),
            "5\n"
        );
    }
}
