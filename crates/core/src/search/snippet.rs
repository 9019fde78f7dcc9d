//! Results show the original text, not the folded words that matched: the words are found again in the original
//! (by their folded or exact form) and marked there.

use binhyen_text::words;

use super::ParsedQuery;

/// A piece of a title or snippet; `hit` when it is one of the query's words. Rendered escaped, the hits in <mark>.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// Words a snippet shows around the best place.
const SNIPPET_WORDS: usize = 28;

fn is_hit(parsed: &ParsedQuery, folded: &str, exact: &str) -> bool {
    parsed.folded.iter().any(|w| w == folded) || parsed.exact.iter().any(|w| w == exact)
}

/// `text` whole, its query words marked.
pub(super) fn marked(text: &str, parsed: &ParsedQuery) -> Vec<Segment> {
    cut(text, parsed, 0, usize::MAX)
}

/// The passage of `text` of about `SNIPPET_WORDS` words with the most query words (the earliest such), marked,
/// with "…" where it was cut.
pub(super) fn passage(text: &str, parsed: &ParsedQuery) -> Vec<Segment> {
    let all = words(text);
    let hits: Vec<bool> = all.iter().map(|w| is_hit(parsed, &w.folded, &w.exact)).collect();
    if all.len() <= SNIPPET_WORDS {
        return cut(text, parsed, 0, usize::MAX);
    }
    let mut best = (0, 0);
    let mut in_window = hits[..SNIPPET_WORDS].iter().filter(|h| **h).count();
    best.1 = in_window;
    for start in 1..=all.len() - SNIPPET_WORDS {
        in_window += usize::from(hits[start + SNIPPET_WORDS - 1]);
        in_window -= usize::from(hits[start - 1]);
        if in_window > best.1 {
            best = (start, in_window);
        }
    }
    // Start a few words before the window's first hit, so it reads in context.
    let first_hit = (best.0..best.0 + SNIPPET_WORDS).find(|&i| hits[i]).unwrap_or(best.0);
    let start = first_hit.saturating_sub(3).min(all.len() - SNIPPET_WORDS);
    let from = if start == 0 { 0 } else { all[start].span.start };
    let last = start + SNIPPET_WORDS - 1;
    let to = if last + 1 >= all.len() { text.len() } else { all[last].span.end };
    cut(text, parsed, from, to)
}

/// `text[from..to]` in segments, with "…" on a side that was cut.
fn cut(text: &str, parsed: &ParsedQuery, from: usize, to: usize) -> Vec<Segment> {
    let to = to.min(text.len());
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |s: &str, hit: bool| {
        if s.is_empty() {
            return;
        }
        // A snippet is one line: the text's line breaks read as spaces.
        let s = s.replace('\n', " ");
        match out.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(&s),
            _ => out.push(Segment { text: s, hit }),
        }
    };
    if from > 0 {
        push("…", false);
    }
    let slice = &text[from..to];
    let mut at = 0;
    for w in words(slice) {
        if is_hit(parsed, &w.folded, &w.exact) {
            push(&slice[at..w.span.start], false);
            push(&slice[w.span.clone()], true);
            at = w.span.end;
        }
    }
    push(&slice[at..], false);
    if to < text.len() {
        push("…", false);
    }
    out
}
