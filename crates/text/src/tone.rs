//! Uniform tone-mark placement. Sources disagree on which vowel of the open pairs "oa", "oe" and "uy" carries the
//! tone ("hòa"/"hoà", "thủy"/"thuỷ"); the two styles are named here by where the mark sits, not by which is "old".

use unicode_normalization::UnicodeNormalization;

/// Where the tone mark goes in an open syllable ending in "oa", "oe" or "uy".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToneStyle {
    /// "hòa", "khỏe", "thủy": on the first vowel of the pair.
    OnFirstVowel,
    /// "hoà", "khoẻ", "thuỷ": on the second vowel of the pair.
    OnSecondVowel,
}

const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];
/// Circumflex, breve and horn make a vowel of their own (â, ă, ê, ô, ơ, ư); the tone prefers it.
const VOWEL_MARKS: [char; 3] = ['\u{0302}', '\u{0306}', '\u{031B}'];

struct Letter {
    base: char,
    marks: Vec<char>,
}

/// Rewrites every word of `input` so its tone mark sits where `style` puts it. Output is NFC. Words whose
/// tone is already in place, words without a tone, and non-Vietnamese words come back unchanged.
pub fn place_tones(input: &str, style: ToneStyle) -> String {
    let mut out = String::with_capacity(input.len());
    let mut word: Vec<Letter> = Vec::new();
    for c in input.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            if let Some(last) = word.last_mut() {
                last.marks.push(c);
                continue;
            }
            out.push(c);
        } else if c.is_alphabetic() {
            word.push(Letter { base: c, marks: Vec::new() });
        } else {
            flush(&mut word, style, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, style, &mut out);
    out.nfc().collect()
}

fn flush(word: &mut Vec<Letter>, style: ToneStyle, out: &mut String) {
    // A Vietnamese syllable carries one tone mark. Two or more (stacked on one letter, or on several) are not
    // Vietnamese — pasted text, other languages — and are left exactly as they came: moving one of them would
    // reorder marks of the same combining class, and a second pass would move them back.
    let mut tones = word.iter().enumerate().flat_map(|(i, l)| {
        l.marks.iter().enumerate().filter(|(_, m)| TONE_MARKS.contains(m)).map(move |(j, _)| (i, j))
    });
    if let (Some((from, mark_at)), None) = (tones.next(), tones.next()) {
        if let Some(target) = tone_target(word, style) {
            // The tone goes after the target's vowel mark ("ế" is e, circumflex, acute), where NFC expects it.
            let tone = word[from].marks.remove(mark_at);
            word[target].marks.push(tone);
        }
    }
    for letter in word.drain(..) {
        out.push(letter.base);
        out.extend(letter.marks);
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c.to_lowercase().next(), Some('a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The index of the letter that should carry the tone, or `None` when the word is not a Vietnamese syllable.
fn tone_target(word: &[Letter], style: ToneStyle) -> Option<usize> {
    let mut start = word.iter().position(|l| is_vowel(l.base))?;
    let first = lower(word.first()?.base);
    // "qu" and "gi" (before another vowel) are consonants: "quý", "giá".
    let next_is_vowel = word.get(start + 1).is_some_and(|l| is_vowel(l.base));
    if start == 1 && next_is_vowel {
        let second = lower(word[1].base);
        if (first == 'q' && second == 'u') || (first == 'g' && second == 'i') {
            start += 1;
        }
    }
    let end = (start..word.len()).find(|&i| !is_vowel(word[i].base)).unwrap_or(word.len());
    if word[end..].iter().any(|l| is_vowel(l.base)) {
        return None;
    }
    let cluster = &word[start..end];
    if let Some(i) = cluster.iter().rposition(|l| l.marks.iter().any(|m| VOWEL_MARKS.contains(m))) {
        return Some(start + i);
    }
    let closed = end < word.len();
    let offset = match cluster.len() {
        1 => 0,
        _ if closed => cluster.len() - 1,
        2 => {
            let pair = (lower(cluster[0].base), lower(cluster[1].base));
            match (pair, style) {
                (('o', 'a') | ('o', 'e') | ('u', 'y'), ToneStyle::OnSecondVowel) => 1,
                _ => 0,
            }
        }
        3 => 1,
        _ => return None,
    };
    Some(start + offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn open_pairs_follow_the_style() {
        assert_eq!(place_tones("hoà thuỷ khoẻ", ToneStyle::OnFirstVowel), "hòa thủy khỏe");
        assert_eq!(place_tones("hòa thủy khỏe", ToneStyle::OnSecondVowel), "hoà thuỷ khoẻ");
        assert_eq!(place_tones("Hòa Bình", ToneStyle::OnSecondVowel), "Hoà Bình");
    }

    #[test]
    fn fixed_positions_do_not_move() {
        for s in ["hoàng", "toán", "quý", "giá", "người", "chuyện", "khuỷu", "Ea Kpăm", "Buôn Ma Thuột", "mùa"]
        {
            assert_eq!(place_tones(s, ToneStyle::OnFirstVowel), s, "{s}");
            assert_eq!(place_tones(s, ToneStyle::OnSecondVowel), s, "{s}");
        }
    }

    #[test]
    fn stacked_tones_are_left_as_they_came() {
        // Found by proptest: U with tilde and acute used to swap its marks on every pass.
        for s in ["Ṹ ", "Ú\u{303} ", "ha\u{300}\u{301}", "hòá"] {
            let once = place_tones(s, ToneStyle::OnFirstVowel);
            assert_eq!(place_tones(&once, ToneStyle::OnFirstVowel), once, "{s:?}");
            assert_eq!(once, s.nfc().collect::<String>(), "{s:?}");
        }
    }

    #[test]
    fn a_tone_typed_before_the_vowel_mark_is_put_after_it() {
        assert_eq!(place_tones("ke\u{301}\u{302}t", ToneStyle::OnFirstVowel), "kết");
    }

    #[test]
    fn misplaced_marks_are_moved() {
        assert_eq!(place_tones("hòang", ToneStyle::OnFirstVowel), "hoàng");
        assert_eq!(place_tones("ngừơi", ToneStyle::OnFirstVowel), "người");
    }

    proptest! {
        #[test]
        fn placement_is_idempotent(s in "\\PC{0,30}") {
            for style in [ToneStyle::OnFirstVowel, ToneStyle::OnSecondVowel] {
                let once = place_tones(&s, style);
                prop_assert_eq!(place_tones(&once, style), once.clone());
            }
        }

        /// Any text at all: stacked marks, marks on letters Vietnamese does not use, lone combining marks, NFD
        /// and NFC mixed.
        #[test]
        fn placement_is_idempotent_on_marks_of_any_kind(
            s in "([a-zA-Zđơưăâêô\u{0391}-\u{03C9} .']|[\u{0300}-\u{036F}\u{1DC0}-\u{1DFF}]){0,24}"
        ) {
            for style in [ToneStyle::OnFirstVowel, ToneStyle::OnSecondVowel] {
                let once = place_tones(&s, style);
                prop_assert_eq!(place_tones(&once, style), once.clone());
            }
        }

        #[test]
        fn placement_never_changes_the_folded_text(s in "[a-zàáảãạoeuyêôơư ]{0,30}") {
            let placed = place_tones(&s, ToneStyle::OnSecondVowel);
            prop_assert_eq!(crate::fold(&placed), crate::fold(&s));
        }
    }
}
