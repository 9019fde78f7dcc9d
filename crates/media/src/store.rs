//! A content-addressed object store in a local directory: attachments are files named by their SHA-256,
//! under `ab/cd/<hash>` so that no directory grows past a few thousand entries.
//!
//! Same bytes, same key: storing a file twice costs nothing and the tip rows only hold keys. A key returned
//! by [`ObjectStore::put`] is durable (file and directory entries fsynced), like a committed SQLite row.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// The SHA-256 of an object's bytes as 64 lowercase hex digits. Only such strings parse, so a key taken
/// from a URL or a row can never name a path outside the store (`..`, `/`, NUL…).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey(String);

impl ObjectKey {
    pub fn parse(s: &str) -> Option<Self> {
        let valid = s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| Self(s.to_owned()))
    }

    /// The key `bytes` are stored under.
    pub fn of(bytes: &[u8]) -> Self {
        Self(hex::encode(Sha256::digest(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Attachment files under one directory. Every method does blocking file I/O (and `put`/`delete` fsync):
/// async callers run them with `tokio::task::spawn_blocking`.
///
/// A sweep that deletes objects no row references must not race an upload whose row is not committed
/// yet: skip objects [`modified`](Self::modified) recently (`put` of bytes already stored refreshes the
/// time, so re-uploaded bytes count as new).
#[derive(Debug, Clone)]
pub struct ObjectStore {
    root: PathBuf,
}

impl ObjectStore {
    /// Opens the store in `dir`, creating the directory if needed.
    pub fn open(dir: impl Into<PathBuf>) -> io::Result<Self> {
        let root = dir.into();
        fs::create_dir_all(&root)?;
        if !root.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotADirectory, "object store path is not a directory"));
        }
        Ok(Self { root })
    }

    fn path(&self, key: &ObjectKey) -> PathBuf {
        let k = key.as_str();
        self.root.join(&k[0..2]).join(&k[2..4]).join(k)
    }

    /// Stores `bytes` and returns their key once they are on disk for good. The file is written under a
    /// temporary name in its final directory, fsynced, renamed into place and the directory fsynced, so a
    /// crash leaves either nothing or the whole file under its key, never a partial file.
    pub fn put(&self, bytes: &[u8]) -> io::Result<ObjectKey> {
        let key = ObjectKey::of(bytes);
        let path = self.path(&key);
        let dir = path.parent().expect("object paths have a parent");
        if path.is_file() {
            // Already stored (a file only ever appears there complete and fsynced): refresh its time for
            // the sweep, and make sure its directory entries are durable in case the put that wrote it
            // crashed before syncing them.
            // The filesystem's real time, as the kernel gives a new file, since the sweep measures an object's
            // age with `SystemTime::elapsed`; the app's Clock may have started at a test instant.
            #[allow(clippy::disallowed_methods)]
            let now = SystemTime::now();
            File::open(&path)?.set_modified(now)?;
            self.sync_dirs(dir)?;
            return Ok(key);
        }
        fs::create_dir_all(dir)?;
        // tempfile picks an unused name and removes the file if anything below fails.
        let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        // Two concurrent puts of the same bytes both rename identical content: either result is right.
        tmp.persist(&path).map_err(|e| e.error)?;
        self.sync_dirs(dir)?;
        Ok(key)
    }

    /// Makes the file's entry in `ab/cd`, and the `ab/cd` and `ab` entries a put (maybe an earlier, crashed
    /// one) created, durable: without that a renamed file can vanish in a power cut. fsync of a directory
    /// with nothing pending costs next to nothing, so all three are synced every time.
    fn sync_dirs(&self, leaf: &Path) -> io::Result<()> {
        sync_dir(leaf)?;
        sync_dir(leaf.parent().expect("object directories have a parent"))?;
        sync_dir(&self.root)
    }

    /// The bytes stored under `key`; `NotFound` if there are none.
    pub fn get(&self, key: &ObjectKey) -> io::Result<Vec<u8>> {
        fs::read(self.path(key))
    }

    /// When `key` was stored or last re-stored.
    pub fn modified(&self, key: &ObjectKey) -> io::Result<SystemTime> {
        fs::metadata(self.path(key))?.modified()
    }

    /// Removes the object; removing one that is not there is not an error (sweeps may overlap).
    pub fn delete(&self, key: &ObjectKey) -> io::Result<()> {
        let path = self.path(key);
        match fs::remove_file(&path) {
            Ok(()) => sync_dir(path.parent().expect("object paths have a parent")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Every stored key, sorted. Temporary files of puts in progress (or of a crash) are not keys and are
    /// skipped, as is anything not at its key's own path.
    pub fn keys(&self) -> io::Result<Vec<ObjectKey>> {
        let mut keys = Vec::new();
        for outer in subdirectories(&self.root)? {
            for inner in subdirectories(&outer)? {
                for entry in fs::read_dir(&inner)? {
                    let entry = entry?;
                    let Some(key) = entry.file_name().to_str().and_then(ObjectKey::parse) else { continue };
                    if entry.file_type()?.is_file() && self.path(&key) == entry.path() {
                        keys.push(key);
                    }
                }
            }
        }
        keys.sort();
        Ok(keys)
    }
}

/// The two-hex-digit subdirectories of `dir`.
fn subdirectories(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let is_shard = name.to_str().is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()));
        if is_shard && entry.file_type()?.is_dir() {
            dirs.push(entry.path());
        }
    }
    Ok(dirs)
}

/// Makes a directory's entries (a renamed, created or removed file) durable: on Linux a rename reaches the
/// disk only when its directory is fsynced.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}
