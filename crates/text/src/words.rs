//! Words as search sees them: where each sits in the original text, its exact form (lowercase, NFC, tone marks
//! placed uniformly) and its folded form. Both forms are indexed, so that a query typed with full tone marks ranks
//! the documents that carry the same marks above those that only fold alike ("trộm chó" above "trộm ở chợ").

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::{fold, place_tones, ToneStyle};

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte range in the text it was read from.
    pub span: Range<usize>,
    /// Lowercase, NFC, tone on the first vowel of "oa", "oe", "uy": "hoà" and "Hòa" both read "hòa".
    pub exact: String,
    /// Lowercase, every mark removed, đ → d: "hoa".
    pub folded: String,
}

/// The words of `text`: runs of letters and digits (with the marks that follow them); everything else separates.
/// Spans point into `text` as given; give NFC text (stored text is) so that letters are precomposed.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (at, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || (start.is_some() && is_combining_mark(c));
        match (inside, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                out.push(word(text, from..at));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        out.push(word(text, from..text.len()));
    }
    out
}

fn word(text: &str, span: Range<usize>) -> Word {
    let raw = &text[span.clone()];
    let folded = fold(raw);
    Word { exact: exact(raw, &folded), folded, span }
}

/// The exact form of one word whose folded form is `folded`.
fn exact(raw: &str, folded: &str) -> String {
    let lower: String = raw.nfc().flat_map(char::to_lowercase).collect();
    // Only the open pairs move a tone; skip the rewrite (and its allocations) for every other word.
    if lower != folded && (folded.contains("oa") || folded.contains("oe") || folded.contains("uy")) {
        place_tones(&lower, ToneStyle::OnFirstVowel)
    } else {
        lower
    }
}

/// Abbreviations people type in searches, folded → the folded words they stand for. Only unambiguous ones:
/// "k" or "r" alone mean too many things to expand in a search.
pub fn expand_abbreviation(folded: &str) -> Option<&'static [&'static str]> {
    Some(match folded {
        "ko" | "khg" | "hok" | "kh" => &["khong"],
        "dc" | "dk" | "dduoc" => &["duoc"],
        "ng" => &["nguoi"],
        "dg" => &["dang"],
        "cty" => &["cong", "ty"],
        "tp" => &["thanh", "pho"],
        "csgt" => &["canh", "sat", "giao", "thong"],
        "cand" => &["cong", "an", "nhan", "dan"],
        "cccd" => &["can", "cuoc", "cong", "dan"],
        "cmnd" => &["chung", "minh", "nhan", "dan"],
        "ubnd" => &["uy", "ban", "nhan", "dan"],
        "gplx" => &["giay", "phep", "lai", "xe"],
        "pccc" => &["phong", "chay", "chua", "chay"],
        "tdd" => &["tin", "dung", "den"],
        "mt" => &["ma", "tuy"],
        "sdt" => &["so", "dien", "thoai"],
        "bhyt" => &["bao", "hiem", "y", "te"],
        "thpt" => &["trung", "hoc", "pho", "thong"],
        "thcs" => &["trung", "hoc", "co", "so"],
        "hs" => &["hoc", "sinh"],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exacts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.exact).collect()
    }

    #[test]
    fn words_keep_their_place_in_the_original() {
        let text = "Cảnh giác: trộm chó ở Buôn Bling!";
        let found = words(text);
        let originals: Vec<&str> = found.iter().map(|w| &text[w.span.clone()]).collect();
        assert_eq!(originals, ["Cảnh", "giác", "trộm", "chó", "ở", "Buôn", "Bling"]);
        assert_eq!(found[2].folded, "trom");
        assert_eq!(found[2].exact, "trộm");
    }

    #[test]
    fn exact_forms_agree_across_tone_styles_and_case() {
        assert_eq!(exacts("Hoà thuỷ KHOẺ"), exacts("hòa thủy khỏe"));
        assert_ne!(exacts("chó"), exacts("chợ"));
        assert_eq!(words("Đắk")[0].folded, "dak");
    }

    #[test]
    fn decomposed_marks_stay_inside_their_word() {
        let decomposed: String = "trộm chó".nfd().collect();
        assert_eq!(exacts(&decomposed), ["trộm", "chó"]);
    }

    #[test]
    fn abbreviations_expand_to_folded_words() {
        assert_eq!(expand_abbreviation("csgt"), Some(&["canh", "sat", "giao", "thong"][..]));
        assert_eq!(expand_abbreviation("k"), None);
    }

    proptest! {
        #[test]
        fn folded_words_are_the_folded_tokens(s in "\\PC{0,40}") {
            let nfc: String = s.nfc().collect();
            let from_words: String = words(&nfc).iter().map(|w| w.folded.as_str()).collect();
            let from_tokens: String = crate::tokens(&nfc).concat();
            // Same letters in the same order (a mark on a separator may split differently).
            prop_assert_eq!(from_words.chars().filter(|c| c.is_alphanumeric()).count(),
                            from_tokens.chars().filter(|c| c.is_alphanumeric()).count());
        }

        #[test]
        fn exact_forms_fold_to_the_folded_forms(s in "\\PC{0,40}") {
            let nfc: String = s.nfc().collect();
            for w in words(&nfc) {
                prop_assert_eq!(fold(&w.exact), w.folded);
            }
        }
    }
}
