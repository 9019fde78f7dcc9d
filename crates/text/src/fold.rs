//! NFC normalisation and folding (lowercase, marks removed, đ → d).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The form text is stored in: NFC, trimmed, inner runs of whitespace collapsed to one space.
pub fn normalize(input: &str) -> String {
    let nfc: String = input.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Like `normalize`, for text with paragraphs: each line normalised, at most one blank line in a row, no blank
/// lines at either end.
pub fn normalize_multiline(input: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in input.lines().map(normalize) {
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// The form text is matched in: lowercase, every diacritic and tone mark removed, `đ` → `d`, whitespace collapsed.
/// "Ea KPam", "ea kpam" and "Êa Kpăm" fold alike; so do composed and decomposed input.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Folded words: runs of letters and digits; everything else separates.
pub fn tokens(input: &str) -> Vec<String> {
    fold(input).split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese_names() {
        assert_eq!(fold("Xã Ea KPam"), "xa ea kpam");
        assert_eq!(fold("Đắk Lắk"), "dak lak");
        assert_eq!(fold("  Buôn   Ma Thuột "), "buon ma thuot");
        assert_eq!(fold("Hoà"), fold("Hòa"));
        assert_eq!(fold("Thuỷ"), fold("thủy"));
    }

    #[test]
    fn normalizes_to_nfc_and_collapses_space() {
        let decomposed = "Ea Kpa\u{0306}m  H\u{0027}Đa\u{0300}o";
        assert_eq!(normalize(decomposed), "Ea Kpăm H'Đào");
    }

    #[test]
    fn multiline_keeps_paragraphs() {
        assert_eq!(normalize_multiline("\n\n a  b \r\n\n\n\nc\n\n"), "a b\n\nc");
        assert_eq!(normalize_multiline("   "), "");
    }

    #[test]
    fn tokens_split_on_punctuation() {
        assert_eq!(tokens("Cư M'gar, Đắk-Lắk!"), vec!["cu", "m", "gar", "dak", "lak"]);
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn nfc_and_nfd_fold_alike(s in "\\PC{0,40}") {
            let nfc: String = s.nfc().collect();
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(fold(&nfc), fold(&nfd));
        }

        #[test]
        fn normalize_is_idempotent(s in "\\PC{0,40}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }
    }
}
