//! Vietnamese text as pure functions: NFC normalisation, uniform tone-mark placement, folding for matching,
//! and tokenising. Nothing here does I/O; everything is deterministic and idempotent.

mod fold;
mod tone;
mod words;

pub use fold::{fold, normalize, normalize_multiline, tokens};
pub use tone::{place_tones, ToneStyle};
pub use words::{expand_abbreviation, words, Word};
