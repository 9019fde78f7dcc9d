//! Triage assistance (issue 7, first part): from a tip's description, a suggested category and priority with the
//! words that led to them, for the officer who reads it to confirm or correct. Transparent rules in Vietnamese
//! (`rules.rs`), matched on folded words so that "trom cho", "trộm chó" and "TRỘM CHÓ" read alike, after common
//! abbreviations are expanded ("ko" → "không", "dg" → "đang"). Nothing is decided here: the tipster's choice and
//! the officer's word stand; the suggestion is advice with its reasons shown.

pub mod eval;
mod rules;

use binhyen_domain::tip::{Priority, TipCategory};

/// What the rules make of a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub category: TipCategory,
    pub priority: Priority,
    /// The cues that led there, as written in the rules (with their diacritics), strongest first.
    pub because: Vec<&'static str>,
}

/// The description's folded words, abbreviations expanded.
fn words(text: &str) -> Vec<String> {
    binhyen_text::tokens(text).into_iter().flat_map(|w| rules::expand(&w)).collect()
}

/// Where `phrase` (folded words) occurs in `words`, as the index of its first word.
fn find(words: &[String], phrase: &[&str]) -> Vec<usize> {
    if phrase.is_empty() || words.len() < phrase.len() {
        return Vec::new();
    }
    (0..=words.len() - phrase.len()).filter(|&i| phrase.iter().zip(&words[i..]).all(|(p, w)| p == w)).collect()
}

/// Whether the words just before `at` deny what follows ("không phải đánh nhau").
fn denied(words: &[String], at: usize) -> bool {
    let from = at.saturating_sub(3);
    words[from..at].iter().any(|w| rules::NEGATIONS.contains(&w.as_str()))
}

/// The cues of `table` present in `words`; with `negatable`, not those denied just before. (What a tip is about
/// is not denied by "không": "không khai báo y tế", "không đeo khẩu trang" are the very offences. Danger is.)
fn present<T: Copy>(words: &[String], table: &'static [rules::Cue<T>], negatable: bool) -> Vec<&'static rules::Cue<T>> {
    table
        .iter()
        .filter(|cue| {
            let phrase: Vec<&str> = cue.folded.split(' ').collect();
            find(words, &phrase).into_iter().any(|at| !negatable || !denied(words, at))
        })
        .collect()
}

/// Suggests a category and a priority for a tip's description.
pub fn suggest(description: &str) -> Suggestion {
    let words = words(description);
    let mut because = Vec::new();

    let mut scores: Vec<(TipCategory, u32)> = Vec::new();
    for cue in present(&words, rules::CATEGORY_CUES, false) {
        match scores.iter_mut().find(|(c, _)| *c == cue.value) {
            Some((_, s)) => *s += cue.weight,
            None => scores.push((cue.value, cue.weight)),
        }
    }
    scores.sort_by_key(|s| std::cmp::Reverse(s.1));
    let category = scores.first().map_or(TipCategory::Other, |(c, _)| *c);
    let mut category_cues: Vec<_> =
        present(&words, rules::CATEGORY_CUES, false).into_iter().filter(|c| c.value == category).collect();
    category_cues.sort_by_key(|c| std::cmp::Reverse(c.weight));
    because.extend(category_cues.iter().map(|c| c.text));

    let danger = present(&words, rules::DANGER_CUES, true);
    let now = present(&words, rules::NOW_CUES, true);
    let past = present(&words, rules::PAST_CUES, false);
    let priority = if !danger.is_empty() && !now.is_empty() {
        Priority::Urgent
    } else if danger.iter().any(|c| c.value == rules::Danger::Acute) && past.is_empty() {
        // A threat to someone's life is urgent even without "now".
        Priority::Urgent
    } else if !danger.is_empty() || (rules::SERIOUS.contains(&category) && past.is_empty()) {
        Priority::High
    } else {
        Priority::Normal
    };
    if priority != Priority::Normal {
        because.extend(danger.iter().map(|c| c.text));
    }
    if priority == Priority::Urgent {
        because.extend(now.iter().map(|c| c.text));
    }
    because.dedup();
    Suggestion { category, priority, because }
}

#[cfg(test)]
mod tests;
