//! A search as typed → words to look for. Whatever is typed is words: quotes, `*`, `NEAR`, `-` and `col:` are
//! not syntax here (punctuation separates words; the store quotes each word for its engine).

use binhyen_domain::error::Invalid;
use binhyen_text::{expand_abbreviation, normalize, words};

use crate::Result;

/// Longest query accepted, in characters: a question pasted whole is still shorter.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query looked for; the rest are ignored (every word must be found, so more would find nothing).
pub const MAX_QUERY_WORDS: usize = 12;

/// A query's words.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedQuery {
    /// Per word, its folded alternatives: itself, and what it abbreviates ("csgt" → "canh sat giao thong").
    pub alternatives: Vec<Vec<Vec<String>>>,
    /// The words' exact forms (lowercase, NFC, tones placed uniformly).
    pub exact: Vec<String>,
    /// Every folded word that counts as found (the words and their expansions), for marking snippets.
    pub folded: Vec<String>,
}

/// Reads a query: refused when empty (`query_required`), longer than `MAX_QUERY_CHARS` (`query_too_long`), or without a
/// single letter or digit (`query_no_words`: only spaces, punctuation or emoji).
pub fn parse(raw: &str) -> Result<ParsedQuery> {
    if raw.chars().count() > MAX_QUERY_CHARS {
        return Err(Invalid::new("q", "query_too_long").into());
    }
    let text = normalize(raw);
    if text.is_empty() {
        return Err(Invalid::new("q", "query_required").into());
    }
    let found = words(&text);
    if found.is_empty() {
        return Err(Invalid::new("q", "query_no_words").into());
    }
    let mut parsed = ParsedQuery::default();
    for word in found.into_iter().take(MAX_QUERY_WORDS) {
        let mut alternatives = vec![vec![word.folded.clone()]];
        parsed.folded.push(word.folded.clone());
        if let Some(full) = expand_abbreviation(&word.folded) {
            alternatives.push(full.iter().map(|w| (*w).to_owned()).collect());
            parsed.folded.extend(full.iter().map(|w| (*w).to_owned()));
        }
        parsed.alternatives.push(alternatives);
        parsed.exact.push(word.exact);
    }
    Ok(parsed)
}
