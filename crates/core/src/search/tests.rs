//! Reading queries and marking snippets. Matching and ranking are tested on both engines in the store's
//! conformance suite; search through the API in the server's tests.

use super::query::parse;
use super::snippet::{marked, passage};
use super::*;
use crate::CoreError;

fn refused(q: &str) -> &'static str {
    match parse(q) {
        Err(CoreError::Invalid(invalid)) => {
            assert_eq!(invalid.field, "q");
            invalid.code
        }
        other => panic!("{q:?} was not refused: {other:?}"),
    }
}

#[test]
fn bad_queries_are_refused_with_a_reason() {
    assert_eq!(refused(""), "query_required");
    assert_eq!(refused("   \t "), "query_required");
    assert_eq!(refused("?!… -- \"\" *"), "query_no_words");
    assert_eq!(refused("🚓🚨"), "query_no_words");
    assert_eq!(refused(&"a".repeat(10_000)), "query_too_long");
    assert_eq!(refused(&"ạ".repeat(MAX_QUERY_CHARS + 1)), "query_too_long");
    assert!(parse(&"ạ".repeat(MAX_QUERY_CHARS)).is_ok());
}

#[test]
fn search_syntax_is_read_as_words() {
    let q = parse("\"trộm chó\" NEAR(x y) -cờ title:bạc *").unwrap();
    let folded: Vec<&str> = q.alternatives.iter().map(|a| a[0][0].as_str()).collect();
    assert_eq!(folded, ["trom", "cho", "near", "x", "y", "co", "title", "bac"]);
    assert_eq!(q.exact[..2], ["trộm".to_owned(), "chó".to_owned()]);
}

#[test]
fn emoji_and_other_scripts_are_kept_or_dropped_as_words() {
    let q = parse("trộm 🐕 chó 狗 собака").unwrap();
    let folded: Vec<&str> = q.alternatives.iter().map(|a| a[0][0].as_str()).collect();
    assert_eq!(folded, ["trom", "cho", "狗", "собака"]);
}

#[test]
fn abbreviations_are_looked_for_whole_and_expanded() {
    let q = parse("CSGT xử phạt").unwrap();
    assert_eq!(
        q.alternatives[0],
        vec![vec!["csgt".to_owned()], "canh sat giao thong".split(' ').map(str::to_owned).collect()]
    );
    assert!(q.folded.contains(&"giao".to_owned()));
}

#[test]
fn long_queries_keep_their_first_words() {
    let q = parse(&"một hai ba bốn năm sáu bảy tám chín mười mười_một mười_hai mười_ba mười_bốn".replace('_', " "))
        .unwrap();
    assert_eq!(q.alternatives.len(), MAX_QUERY_WORDS);
}

fn render(segments: &[Segment]) -> String {
    segments.iter().map(|s| if s.hit { format!("[{}]", s.text) } else { s.text.clone() }).collect()
}

#[test]
fn snippets_mark_the_query_in_the_original_text() {
    let q = parse("trom cho").unwrap();
    assert_eq!(render(&marked("Cảnh giác trộm chó ban đêm", &q)), "Cảnh giác [trộm] [chó] ban đêm");
    let q = parse("hoà giải").unwrap();
    assert_eq!(render(&marked("Tổ hòa giải thôn 3", &q)), "Tổ [hòa] [giải] thôn 3");
}

#[test]
fn long_texts_are_cut_around_the_most_hits() {
    let filler = "người dân cần chú ý bảo vệ tài sản của gia đình mình ".repeat(8);
    let text = format!("{filler}Đêm qua kẻ gian trộm chó ở buôn Bling. {filler}");
    let q = parse("trộm chó").unwrap();
    let shown = render(&passage(&text, &q));
    assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
    assert!(shown.contains("kẻ gian [trộm] [chó] ở buôn Bling"), "{shown}");
    assert!(shown.split(' ').count() <= 32, "{shown}");
}

#[test]
fn markdown_is_indexed_as_its_words() {
    assert_eq!(
        markdown_text("# Cảnh báo\n\n**Trộm** chó [ở đây](https://x.vn)\n\n- một\n- hai"),
        "Cảnh báo\nTrộm chó ở đây\nmột\nhai\n"
    );
}
