//! Sealing: authenticated encryption of values at rest (tipster identity and contact) under a ring of keys.
//!
//! A sealed value is self-describing text, `v1.<key id>.<nonce>.<ciphertext>` (nonce and ciphertext in
//! unpadded base64url), encrypted with XChaCha20-Poly1305: its 24-byte nonce is safe to draw at random for
//! every value, so no counter has to be kept across nodes. The key id says which key opens it, so keys can be
//! rotated: new values are sealed under the current key, old ones open under whichever key they name until
//! `binhyen keys rotate` has rewritten them (see `Core::rotate_keys`).
//!
//! Every value is sealed with associated data naming where it lives ("tips.reporter:42"), so a sealed value
//! copied into another row, or another column, fails to open instead of disclosing its plaintext there.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use binhyen_store::sealed::{ColumnRef, Replacement};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::audit::AuditEvent;
use crate::{Core, CoreError, Random, Result};

/// The format tag: a different algorithm or layout later gets `v2` and both open side by side.
const VERSION: &str = "v1";
const NONCE_LEN: usize = 24;
/// Values examined per page and rewritten per transaction by `rotate_keys`.
const ROTATION_BATCH: i64 = 500;

/// Every column that holds sealed values: key rotation rewrites exactly these. A feature that seals a column
/// adds it here (and seals with `SealedColumn::aad`), and rotation covers it without further code.
pub const SEALED_COLUMNS: &[SealedColumn] = &[TIPS_REPORTER, ACCOUNTS_TOTP, APPOINTMENTS_CODE, APPOINTMENTS_HOLDER];

/// A booking's confirmation code, kept sealed so that its holder can see it again.
pub const APPOINTMENTS_CODE: SealedColumn =
    SealedColumn { table: "appointments", id_column: "id", column: "code_sealed", aad_prefix: "appointments.code" };

/// A walk-in's name and phone as the officer wrote them down (JSON), sealed.
pub const APPOINTMENTS_HOLDER: SealedColumn =
    SealedColumn { table: "appointments", id_column: "id", column: "holder_sealed", aad_prefix: "appointments.holder" };

/// Officers' TOTP secrets (base32).
pub const ACCOUNTS_TOTP: SealedColumn =
    SealedColumn { table: "accounts", id_column: "id", column: "totp_secret", aad_prefix: "accounts.totp" };

/// Who sent a tip (account, household, or the name and phone an officer wrote down).
pub const TIPS_REPORTER: SealedColumn =
    SealedColumn { table: "tips", id_column: "id", column: "reporter_sealed", aad_prefix: "tips.reporter" };

/// A column of sealed values in a table with an integer id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    pub table: &'static str,
    pub id_column: &'static str,
    pub column: &'static str,
    /// The associated data of the value in row `id` is `"<aad_prefix>:<id>"`, e.g. "tips.reporter:42".
    pub aad_prefix: &'static str,
}

impl SealedColumn {
    /// The associated data a value in row `id` of this column is sealed with.
    pub fn aad(&self, id: i64) -> String {
        format!("{}:{id}", self.aad_prefix)
    }

    fn column_ref(&self) -> ColumnRef {
        ColumnRef { table: self.table, id_column: self.id_column, column: self.column }
    }
}

/// A key's name: 1 to 32 of `a-z`, `0-9`, `-`, `_` (no dot: it separates the parts of a sealed value; no
/// capitals: environment variables lowercase configuration keys).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(String);

impl KeyId {
    pub fn new(id: &str) -> Result<Self, KeyRingError> {
        let plain = (1..=32).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if plain {
            Ok(Self(id.to_owned()))
        } else {
            Err(KeyRingError::InvalidKeyId(id.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Lets the ring be looked up by the `&str` read from a sealed value (same order as `String`).
impl std::borrow::Borrow<str> for KeyId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 32 secret bytes. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct SealKey([u8; 32]);

impl SealKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Standard or URL-safe base64, padded or not, of exactly 32 bytes.
    pub fn from_base64(text: &str) -> Option<Self> {
        let text = text.trim();
        let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].iter().find_map(|e| e.decode(text).ok())?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// A new random key, as the configuration writes it (standard base64).
    pub fn generate(random: &dyn Random) -> Self {
        let mut bytes = [0u8; 32];
        random.fill(&mut bytes);
        Self(bytes)
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.0))
    }
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey(***)")
    }
}

/// Why a key ring cannot be built from configuration. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRingError {
    #[error("key id {0:?}: use 1 to 32 of a-z, 0-9, '-' and '_'")]
    InvalidKeyId(String),
    #[error("key {0}: not the base64 of exactly 32 bytes")]
    InvalidKey(String),
    #[error("no keys")]
    NoKeys,
    #[error("the current key {0:?} is not among the keys")]
    CurrentMissing(String),
    #[error("several keys and no current one: name it in `current`")]
    NoCurrent,
}

/// Why a sealed value does not open. Never carries the value or the plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("not a sealed value")]
    Malformed,
    /// Sealed under a key this ring no longer (or never) held.
    #[error("sealed under unknown key {0:?}")]
    UnknownKey(String),
    /// Wrong key, wrong associated data (a value copied to another row), or altered ciphertext.
    #[error("sealed value fails authentication")]
    Authentication,
}

impl From<SealError> for CoreError {
    fn from(e: SealError) -> Self {
        CoreError::Internal(format!("sealed value: {e}"))
    }
}

/// The keys a process can open with, and the one it seals with. `Debug` shows key ids only.
#[derive(Clone)]
pub struct KeyRing {
    current: KeyId,
    keys: BTreeMap<KeyId, SealKey>,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing").field("current", &self.current).field("keys", &self.keys.keys()).finish()
    }
}

impl KeyRing {
    pub fn new(current: KeyId, keys: BTreeMap<KeyId, SealKey>) -> Result<Self, KeyRingError> {
        if !keys.contains_key(&current) {
            return Err(KeyRingError::CurrentMissing(current.0));
        }
        Ok(Self { current, keys })
    }

    /// From configuration: key id → base64 key, and the current id (which may be left out when there is one
    /// key only).
    pub fn from_config<'a>(
        current: Option<&str>,
        keys: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, KeyRingError> {
        let mut ring = BTreeMap::new();
        for (id, text) in keys {
            let id = KeyId::new(id)?;
            let key = SealKey::from_base64(text).ok_or_else(|| KeyRingError::InvalidKey(id.0.clone()))?;
            ring.insert(id, key);
        }
        let current = match current {
            Some(c) => KeyId::new(c)?,
            None if ring.len() == 1 => ring.keys().next().cloned().ok_or(KeyRingError::NoKeys)?,
            None if ring.is_empty() => return Err(KeyRingError::NoKeys),
            None => return Err(KeyRingError::NoCurrent),
        };
        Self::new(current, ring)
    }

    /// One key, `id`.
    pub fn single(id: KeyId, key: SealKey) -> Self {
        Self { current: id.clone(), keys: BTreeMap::from([(id, key)]) }
    }

    /// A random key that lives as long as this process: for processes that seal nothing they keep (the
    /// benchmark, commands that touch no sealed column), and the default of `Core::new`. Anything sealed with
    /// it is lost with the process.
    pub fn ephemeral(random: &dyn Random) -> Self {
        Self::single(KeyId("ephemeral".to_owned()), SealKey::generate(random))
    }

    /// A fixed, public key for tests (id "test"). Never for real data: its bytes are in the source.
    pub fn for_tests() -> Self {
        Self::single(KeyId("test".to_owned()), SealKey([7; 32]))
    }

    pub fn current(&self) -> &KeyId {
        &self.current
    }

    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.keys()
    }

    /// Seals `plaintext` under the current key with a fresh random nonce, bound to `aad`.
    pub fn seal(&self, random: &dyn Random, plaintext: &[u8], aad: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        random.fill(&mut nonce);
        // With a 32-byte key and a 24-byte nonce the only failure the crate has is a message past what
        // XChaCha20 can address (256 GiB): unreachable for what we seal, and a panic beats storing a value
        // that would never open.
        let ciphertext = self.keys[&self.current]
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad })
            .expect("XChaCha20-Poly1305 encrypts any message under 256 GiB");
        format!("{VERSION}.{}.{}.{}", self.current, URL_SAFE_NO_PAD.encode(nonce), URL_SAFE_NO_PAD.encode(ciphertext))
    }

    /// Opens a sealed value with the key it names, checking `aad`.
    pub fn open(&self, sealed: &str, aad: &[u8]) -> Result<Vec<u8>, SealError> {
        let parts = Parts::parse(sealed)?;
        let key = self.keys.get(parts.key_id).ok_or_else(|| SealError::UnknownKey(parts.key_id.to_owned()))?;
        let nonce = URL_SAFE_NO_PAD.decode(parts.nonce).map_err(|_| SealError::Malformed)?;
        let ciphertext = URL_SAFE_NO_PAD.decode(parts.ciphertext).map_err(|_| SealError::Malformed)?;
        if nonce.len() != NONCE_LEN {
            return Err(SealError::Malformed);
        }
        key.cipher()
            .decrypt(XNonce::from_slice(&nonce), Payload { msg: &ciphertext, aad })
            .map_err(|_| SealError::Authentication)
    }

    /// A keyed tag of `data` under the current key, `"<key id>:<hex>"`: finds rows by a value that must not
    /// be stored in clear (a confidential tipster's account id). The tag key is derived from the sealing key,
    /// never used to encrypt.
    pub fn tag(&self, data: &[u8]) -> String {
        let key = self.keys.get(&self.current).expect("the current key is in the ring (checked at construction)");
        tag_with(&self.current, key, data)
    }

    /// The tags of `data` under every key of the ring, so rows tagged before a rotation are still found.
    pub fn tags(&self, data: &[u8]) -> Vec<String> {
        self.keys.iter().map(|(id, key)| tag_with(id, key, data)).collect()
    }

    /// Whether a value is sealed under the current key (by its header: this does not authenticate it).
    pub fn is_current(&self, sealed: &str) -> bool {
        Parts::parse(sealed).is_ok_and(|p| p.key_id == self.current.as_str())
    }
}

fn tag_with(id: &KeyId, key: &SealKey, data: &[u8]) -> String {
    use hmac::{Mac, SimpleHmac};
    use sha2::{Digest, Sha256};
    let tag_key = Sha256::new().chain_update(b"binhyen tag key v1").chain_update(key.0).finalize();
    let mut mac = <SimpleHmac<Sha256> as Mac>::new_from_slice(&tag_key).expect("HMAC takes keys of any length");
    mac.update(data);
    format!("{}:{}", id.as_str(), hex::encode(mac.finalize().into_bytes()))
}

struct Parts<'a> {
    key_id: &'a str,
    nonce: &'a str,
    ciphertext: &'a str,
}

impl<'a> Parts<'a> {
    fn parse(sealed: &'a str) -> Result<Self, SealError> {
        let mut it = sealed.split('.');
        match (it.next(), it.next(), it.next(), it.next(), it.next()) {
            (Some(VERSION), Some(key_id), Some(nonce), Some(ciphertext), None) if !key_id.is_empty() => {
                Ok(Self { key_id, nonce, ciphertext })
            }
            _ => Err(SealError::Malformed),
        }
    }
}

/// A suggested id for a key made today: `k` and the date, then 4 random hex digits so that two keys made the
/// same day differ; `_` rather than `-` so that it can be spelt in an environment variable's name.
pub fn suggested_key_id(today: time::Date, random: &dyn Random) -> KeyId {
    let mut salt = [0u8; 2];
    random.fill(&mut salt);
    KeyId(format!("k{:04}{:02}{:02}_{}", today.year(), u8::from(today.month()), today.day(), hex::encode(salt)))
}

/// What `rotate_keys` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// Non-null sealed values looked at.
    pub examined: u64,
    /// Values re-sealed under the current key.
    pub rewritten: u64,
    /// Values already under the current key, left alone.
    pub already_current: u64,
    /// Values the application rewrote between our read and our write (left as the application wrote them).
    pub changed_meanwhile: u64,
    /// Values that did not open: left untouched, and the old keys must stay until they are dealt with.
    pub failures: Vec<RotationFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationFailure {
    pub table: &'static str,
    pub column: &'static str,
    pub id: i64,
    pub error: SealError,
}

impl Core {
    /// Seals under the current key with a nonce from the injected `Random`.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> String {
        self.seal.seal(&*self.random, plaintext, aad)
    }

    pub fn open(&self, sealed: &str, aad: &[u8]) -> Result<Vec<u8>, SealError> {
        self.seal.open(sealed, aad)
    }

    /// Seals the value of row `id` of a registered column (the associated data rotation will expect).
    pub fn seal_for(&self, column: &SealedColumn, id: i64, plaintext: &[u8]) -> String {
        self.seal(plaintext, column.aad(id).as_bytes())
    }

    pub fn open_for(&self, column: &SealedColumn, id: i64, sealed: &str) -> Result<Vec<u8>, SealError> {
        self.open(sealed, column.aad(id).as_bytes())
    }

    /// Re-seals every value of every column in `SEALED_COLUMNS` under the current key.
    pub async fn rotate_keys(&self) -> Result<RotationReport> {
        let report = self.rotate_columns(SEALED_COLUMNS).await?;
        self.tips().retag_reporters().await?;
        Ok(report)
    }

    /// Re-seals every value of `columns` that is not under the current key, a batch per transaction, and
    /// records the rotation in the audit log. Safe to run while the application serves (a row it rewrites
    /// meanwhile is left alone) and to run again (values already current are skipped). A value that does
    /// not open is reported and left as it is.
    pub async fn rotate_columns(&self, columns: &[SealedColumn]) -> Result<RotationReport> {
        let mut report = RotationReport::default();
        for column in columns {
            let mut after = i64::MIN;
            loop {
                let page = self.store.sealed_values(column.column_ref(), after, ROTATION_BATCH).await?;
                let Some(&(last, _)) = page.last() else { break };
                after = last;
                let mut batch = Vec::new();
                for (id, old) in page {
                    report.examined += 1;
                    if self.seal.is_current(&old) {
                        report.already_current += 1;
                        continue;
                    }
                    match self.open_for(column, id, &old) {
                        Ok(plain) => batch.push(Replacement { id, new: self.seal_for(column, id, &plain), old }),
                        Err(error) => report.failures.push(RotationFailure {
                            table: column.table,
                            column: column.column,
                            id,
                            error,
                        }),
                    }
                }
                let changed = self.store.replace_sealed(column.column_ref(), &batch).await?;
                report.rewritten += changed;
                report.changed_meanwhile += batch.len() as u64 - changed;
            }
        }
        let mut tx = self.store.begin().await?;
        let names: Vec<String> = columns.iter().map(|c| format!("{}.{}", c.table, c.column)).collect();
        let detail = serde_json::json!({
            "current_key": self.seal.current().as_str(),
            "columns": names,
            "rewritten": report.rewritten,
            "already_current": report.already_current,
            "failed": report.failures.len(),
        });
        self.audit(&mut tx, AuditEvent::new("keys.rotated", "key_ring", None).detail(detail)).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The ring this process seals and opens with.
    pub fn key_ring(&self) -> &Arc<KeyRing> {
        &self.seal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRandom;

    fn ring(current: &str, ids: &[&str]) -> KeyRing {
        let keys = ids.iter().enumerate().map(|(i, id)| (KeyId::new(id).unwrap(), SealKey([i as u8 + 1; 32])));
        KeyRing::new(KeyId::new(current).unwrap(), keys.collect()).unwrap()
    }

    #[test]
    fn round_trip_and_format() {
        let random = SeededRandom::new(1);
        let r = ring("k1", &["k1"]);
        let sealed = r.seal(&random, "Y Bhim Niê, 0905 123 456".as_bytes(), b"tips.reporter:42");
        let parts: Vec<_> = sealed.split('.').collect();
        assert_eq!((parts.len(), parts[0], parts[1]), (4, "v1", "k1"));
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(), 24);
        assert!(!sealed.contains("Bhim"));
        assert_eq!(r.open(&sealed, b"tips.reporter:42").unwrap(), "Y Bhim Niê, 0905 123 456".as_bytes());
        assert!(r.is_current(&sealed));
        // A fresh nonce every time: the same plaintext never seals alike.
        assert_ne!(sealed, r.seal(&random, "Y Bhim Niê, 0905 123 456".as_bytes(), b"tips.reporter:42"));
        // Empty plaintext is a value too.
        assert_eq!(r.open(&r.seal(&random, b"", b"x"), b"x").unwrap(), b"");
    }

    #[test]
    fn wrong_row_wrong_key_and_tampering_are_errors() {
        let random = SeededRandom::new(2);
        let r = ring("k1", &["k1"]);
        let sealed = r.seal(&random, b"secret", b"tips.reporter:42");
        assert_eq!(r.open(&sealed, b"tips.reporter:43"), Err(SealError::Authentication), "copied to another row");
        let other = ring("k2", &["k2"]);
        assert_eq!(other.open(&sealed, b"tips.reporter:42"), Err(SealError::UnknownKey("k1".into())));
        // Same id, different bytes: authentication fails rather than garbage coming out.
        let impostor = KeyRing::single(KeyId::new("k1").unwrap(), SealKey([9; 32]));
        assert_eq!(impostor.open(&sealed, b"tips.reporter:42"), Err(SealError::Authentication));

        let mut flipped = sealed.clone().into_bytes();
        let last = flipped.len() - 2;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert!(matches!(r.open(&flipped, b"tips.reporter:42"), Err(SealError::Authentication | SealError::Malformed)));

        for bad in ["", "v1", "v1.k1", "v1.k1.AAAA", "v2.k1.AAAA.AAAA", "v1..AAAA.AAAA", "v1.k1.AAAA.AAAA.AAAA"] {
            assert!(matches!(r.open(bad, b""), Err(SealError::Malformed | SealError::UnknownKey(_))), "{bad}");
            assert!(!r.is_current(bad) || bad.starts_with("v1.k1."), "{bad}");
        }
        assert_eq!(r.open("v1.k1.AAAA.AAAA", b""), Err(SealError::Malformed), "short nonce");
        assert_eq!(r.open("v1.k1.!!!.AAAA", b""), Err(SealError::Malformed));
        let nonce = URL_SAFE_NO_PAD.encode([0u8; 24]);
        assert_eq!(r.open(&format!("v1.k1.{nonce}.AA"), b""), Err(SealError::Authentication), "shorter than a tag");
    }

    #[test]
    fn old_keys_open_new_values_use_current() {
        let random = SeededRandom::new(3);
        let old = ring("k1", &["k1"]);
        let sealed = old.seal(&random, b"x", b"a");
        let both = ring("k2", &["k1", "k2"]);
        assert_eq!(both.open(&sealed, b"a").unwrap(), b"x");
        assert!(!both.is_current(&sealed));
        assert!(both.seal(&random, b"x", b"a").starts_with("v1.k2."));
    }

    #[test]
    fn configuration_is_checked_and_keys_never_print() {
        let key = STANDARD.encode([5u8; 32]);
        let r = KeyRing::from_config(None, [("k1", key.as_str())]).unwrap();
        assert_eq!(r.current().as_str(), "k1");
        assert!(!format!("{r:?}").contains(&key) && !format!("{r:?}").contains("5, 5"), "{r:?}");
        assert!(format!("{r:?}").contains("k1"));
        assert_eq!(format!("{:?}", SealKey([5; 32])), "SealKey(***)");
        // URL-safe and unpadded spellings are accepted too.
        let url = URL_SAFE_NO_PAD.encode([5u8; 32]);
        assert_eq!(KeyRing::from_config(None, [("k1", url.as_str())]).unwrap().keys[&r.current], SealKey([5; 32]));

        let two = [("k1", key.as_str()), ("k2", key.as_str())];
        assert_eq!(KeyRing::from_config(None, two).unwrap_err(), KeyRingError::NoCurrent);
        assert_eq!(KeyRing::from_config(Some("k3"), two).unwrap_err(), KeyRingError::CurrentMissing("k3".into()));
        assert_eq!(KeyRing::from_config(Some("k2"), two).unwrap().current().as_str(), "k2");
        assert_eq!(KeyRing::from_config(None, []).unwrap_err(), KeyRingError::NoKeys);
        let short = STANDARD.encode([5u8; 16]);
        assert_eq!(
            KeyRing::from_config(None, [("k1", short.as_str())]).unwrap_err(),
            KeyRingError::InvalidKey("k1".into())
        );
        for bad in ["", "K1", "k.1", "k 1", &"k".repeat(33)] {
            assert!(matches!(KeyId::new(bad), Err(KeyRingError::InvalidKeyId(_))), "{bad}");
        }
        let generated = SealKey::generate(&SeededRandom::new(4));
        assert_eq!(SealKey::from_base64(&generated.to_base64()), Some(generated));
    }

    #[test]
    fn suggested_ids_are_valid() {
        let id = suggested_key_id(time::macros::date!(2025 - 07 - 01), &SeededRandom::new(5));
        assert!(id.as_str().starts_with("k20250701_") && id.as_str().len() == 14, "{id}");
        assert!(KeyId::new(id.as_str()).is_ok());
    }
}
