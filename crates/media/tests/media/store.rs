//! The object store: keys are content hashes, writes are idempotent, keys cannot name other paths.

use std::fs;

use binhyen_media::{clean, Limits, ObjectKey, ObjectStore};
use sha2::{Digest, Sha256};

use crate::fixtures::{contains, exif_app1, jpeg_with, GPS_LATITUDE};

fn store() -> (tempfile::TempDir, ObjectStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = ObjectStore::open(dir.path().join("attachments")).unwrap();
    (dir, store)
}

#[test]
fn put_then_get_round_trips_under_the_sha256_key() {
    let (_dir, store) = store();
    let key = store.put(b"photo bytes").unwrap();
    assert_eq!(key.as_str(), hex::encode(Sha256::digest(b"photo bytes")));
    assert_eq!(key, ObjectKey::of(b"photo bytes"));
    assert_eq!(store.get(&key).unwrap(), b"photo bytes");
    assert_eq!(key.to_string(), key.as_str());
}

#[test]
fn putting_the_same_bytes_twice_stores_one_file() {
    let (dir, store) = store();
    let first = store.put(b"same").unwrap();
    let second = store.put(b"same").unwrap();
    assert_eq!(first, second);
    assert_eq!(store.keys().unwrap(), std::slice::from_ref(&first));
    let k = first.as_str();
    let leaf = dir.path().join("attachments").join(&k[..2]).join(&k[2..4]);
    let names: Vec<_> = fs::read_dir(&leaf).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, [k], "one file, no temporary file left behind");
}

#[test]
fn keys_lists_what_was_put_and_delete_removes_it() {
    let (_dir, store) = store();
    assert!(store.keys().unwrap().is_empty());
    let mut keys: Vec<_> = [b"a".as_slice(), b"b", b"c"].iter().map(|b| store.put(b).unwrap()).collect();
    keys.sort();
    assert_eq!(store.keys().unwrap(), keys);

    store.delete(&keys[1]).unwrap();
    assert_eq!(store.get(&keys[1]).unwrap_err().kind(), std::io::ErrorKind::NotFound);
    assert_eq!(store.keys().unwrap(), [keys[0].clone(), keys[2].clone()]);
    store.delete(&keys[1]).unwrap(); // deleting twice is fine: sweeps may overlap
}

#[test]
fn stray_files_are_not_keys() {
    let (dir, store) = store();
    let key = store.put(b"x").unwrap();
    let root = dir.path().join("attachments");
    let k = key.as_str();
    fs::write(root.join(&k[..2]).join(&k[2..4]).join(".tmp-crashed"), b"partial").unwrap();
    fs::write(root.join("README"), b"not an object").unwrap();
    // A valid key name in the wrong directory is not at its key's path either.
    fs::write(root.join(&k[..2]).join(&k[2..4]).join(ObjectKey::of(b"other").as_str()), b"misplaced").unwrap();
    assert_eq!(store.keys().unwrap(), [key]);
}

#[test]
fn re_putting_refreshes_the_time_a_sweep_looks_at() {
    let (_dir, store) = store();
    let key = store.put(b"again").unwrap();
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    let k = key.as_str();
    let path = _dir.path().join("attachments").join(&k[..2]).join(&k[2..4]).join(k);
    fs::File::open(&path).unwrap().set_modified(old).unwrap();
    assert_eq!(store.modified(&key).unwrap(), old);
    store.put(b"again").unwrap();
    assert!(store.modified(&key).unwrap() > old);
}

#[test]
fn keys_that_are_not_64_lowercase_hex_digits_are_refused() {
    let valid = "a".repeat(64);
    assert!(ObjectKey::parse(&valid).is_some());
    let refused = [
        "../etc/passwd".to_owned(),
        format!("../{}", &valid[3..]),
        format!("{}/{}", &valid[..31], &valid[32..]),
        "A".repeat(64),
        "a".repeat(63),
        "a".repeat(65),
        "g".repeat(64),
        format!("{}\0", &valid[1..]),
        String::new(),
    ];
    for s in refused {
        assert_eq!(ObjectKey::parse(&s), None, "{s:?}");
    }
}

#[test]
fn a_cleaned_photo_is_stored_without_exif() {
    let (dir, store) = store();
    let photo = clean(&jpeg_with(&[exif_app1(None)]), &Limits::default()).unwrap();
    let key = store.put(&photo.bytes).unwrap();
    let k = key.as_str();
    let on_disk = fs::read(dir.path().join("attachments").join(&k[..2]).join(&k[2..4]).join(k)).unwrap();
    assert!(!contains(&on_disk, b"Exif") && !contains(&on_disk, &GPS_LATITUDE));
    assert_eq!(hex::encode(Sha256::digest(&on_disk)), k);
}
