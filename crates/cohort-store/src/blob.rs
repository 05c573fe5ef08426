//! Uploaded files (résumés) live in a blob store, addressed by the SHA-256 of their content.
//!
//! The interface is small so that an object store can replace the directory later: put bytes, get
//! bytes back by id. Writing the same content twice stores it once.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A blob's id: the lower-case hex SHA-256 of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobId(String);

impl BlobId {
    pub fn of(bytes: &[u8]) -> BlobId {
        BlobId(hex::encode(Sha256::digest(bytes)))
    }

    /// Accepts only 64 lower-case hex digits, so an id can never name a path outside the store.
    pub fn parse(text: &str) -> Option<BlobId> {
        (text.len() == 64
            && text
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()))
        .then(|| BlobId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Somewhere to keep uploaded files.
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` durably and returns their id.
    fn put(&self, bytes: &[u8]) -> std::io::Result<BlobId>;
    /// Reads a blob back.
    fn get(&self, id: &BlobId) -> std::io::Result<Vec<u8>>;
}

/// A content-addressed directory: `<root>/ab/cdef…` for id `abcdef…`.
#[derive(Debug, Clone)]
pub struct DirectoryBlobStore {
    root: PathBuf,
}

impl DirectoryBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<DirectoryBlobStore> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(DirectoryBlobStore { root })
    }

    fn path_of(&self, id: &BlobId) -> PathBuf {
        self.root.join(&id.0[..2]).join(&id.0[2..])
    }
}

impl BlobStore for DirectoryBlobStore {
    fn put(&self, bytes: &[u8]) -> std::io::Result<BlobId> {
        let id = BlobId::of(bytes);
        let path = self.path_of(&id);
        if path.exists() {
            return Ok(id);
        }
        let folder = path.parent().expect("blob paths have a parent");
        std::fs::create_dir_all(folder)?;
        // Write to a temporary file of this write's own (concurrent writers of the same content
        // must not share one), flush it to disk, then link it to the final name without
        // replacing anything: a crash leaves either the whole blob or none, never a torn file
        // under the final name, and the first complete copy is the one kept.
        let mut file = tempfile::Builder::new()
            .prefix(".incoming-")
            .tempfile_in(folder)?;
        file.write_all(bytes)?;
        file.as_file().sync_all()?;
        match file.persist_noclobber(&path) {
            Ok(_) => {}
            // Another writer finished the same content first; ours is dropped and removed.
            Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error.error),
        }
        sync_directory(folder);
        Ok(id)
    }

    fn get(&self, id: &BlobId) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path_of(id))
    }
}

fn sync_directory(folder: &Path) {
    if let Ok(directory) = std::fs::File::open(folder) {
        let _ = directory.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_content_is_stored_once_and_read_back() {
        let folder = std::env::temp_dir().join(format!("cohort-blob-test-{}", std::process::id()));
        let store = DirectoryBlobStore::new(&folder).unwrap();
        let first = store.put(b"resume").unwrap();
        let second = store.put(b"resume").unwrap();
        assert_eq!(first, second);
        assert_eq!(store.get(&first).unwrap(), b"resume");
        std::fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn concurrent_writers_of_the_same_content_all_succeed_and_leave_one_whole_file() {
        let folder = tempfile::tempdir().unwrap();
        let store = DirectoryBlobStore::new(folder.path()).unwrap();
        let content: Vec<u8> = (0..2_000_000u32).map(|i| (i % 251) as u8).collect();
        let ids: Vec<BlobId> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..16)
                .map(|_| scope.spawn(|| store.put(&content)))
                .collect();
            writers
                .into_iter()
                .map(|writer| writer.join().unwrap().unwrap())
                .collect()
        });
        assert!(ids.iter().all(|id| *id == ids[0]));
        assert_eq!(store.get(&ids[0]).unwrap(), content);
        let shard = folder.path().join(&ids[0].as_str()[..2]);
        let names: Vec<_> = std::fs::read_dir(shard)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
    }

    #[test]
    fn blob_ids_cannot_name_paths() {
        assert!(BlobId::parse("../../etc/passwd").is_none());
        assert!(BlobId::parse(&"A".repeat(64)).is_none());
        assert!(BlobId::parse(&"a".repeat(64)).is_some());
    }
}
