//! Search end to end on the demo: what anyone finds (posts, guides, forms, units, areas) with or without tone
//! marks, with the words marked in the original text; what officers find (tips and questions of their subtree,
//! nobody else's); changes found once indexed (by the worker, without being asked); and every kind of bad
//! query with the answer it gets.

use serde_json::{json, Value};

use crate::support::*;

fn enc(q: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("q", q)]).unwrap().query().unwrap().to_owned()
}

async fn search(app: &TestApp, q: &str, extra: &str, token: Option<&str>) -> (u16, Value) {
    app.get_json(&format!("/api/v1/search?{}{extra}", enc(q)), token).await
}

async fn results(app: &TestApp, q: &str, extra: &str, token: Option<&str>) -> Vec<Value> {
    let (status, body) = search(app, q, extra, token).await;
    assert_eq!(status, 200, "{q}: {body}");
    body["results"].as_array().unwrap().clone()
}

/// The marked words of a title or snippet, in order.
fn hits(segments: &Value) -> Vec<String> {
    segments
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["hit"] == true)
        .map(|s| s["text"].as_str().unwrap().to_owned())
        .collect()
}

fn text(segments: &Value) -> String {
    segments.as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn anyone_finds_public_documents_with_or_without_tone_marks() {
    let app = TestApp::spawn().await;
    for typed in ["trộm chó", "trom cho", "TRỘM CHÓ", "Trôm chó"] {
        let found = results(&app, typed, "", None).await;
        let first = &found[0];
        assert_eq!(first["kind"], "post", "{typed}");
        assert_eq!(text(&first["title"]), "Cảnh giác trộm chó ban đêm tại buôn Bling", "{typed}");
        assert!(first["link"].as_str().unwrap().starts_with("/units/ca-xa-ea-kpam#post-"), "{typed}");
        // Tips about dog theft exist in the demo, but only officers find them.
        assert!(found.iter().all(|r| r["kind"] != "tip" && r["kind"] != "question"));
    }
    let first = &results(&app, "trom cho", "", None).await[0];
    assert_eq!(hits(&first["title"]), ["trộm", "chó"]);

    let guides = results(&app, "cap lai can cuoc", "&kind=guide", None).await;
    assert_eq!(text(&guides[0]["title"]), "Cấp lại thẻ căn cước");
    assert!(guides[0]["link"].as_str().unwrap().starts_with("/guides/"));
    assert!(guides.iter().all(|r| r["kind"] == "guide"));

    let forms = results(&app, "CT01", "&kind=form", None).await;
    assert!(text(&forms[0]["title"]).contains("Tờ khai thay đổi thông tin cư trú"));
    assert!(forms[0]["link"].as_str().unwrap().ends_with("#unit-forms"));

    let units = results(&app, "cong an xa ea kpam", "&kind=unit", None).await;
    assert_eq!(units[0]["unit_code"], "ca-xa-ea-kpam");
    assert_eq!(units[0]["link"], "/units/ca-xa-ea-kpam");
    let areas = results(&app, "Ea Kpăm", "&kind=area", None).await;
    assert!(text(&areas[0]["title"]).contains("Ea KPam"), "{areas:?}");
    assert!(areas[0]["link"].as_str().unwrap().starts_with("/areas/"));
}

#[tokio::test]
async fn officers_find_the_tips_and_questions_of_their_subtree_only() {
    let app = TestApp::spawn().await;
    let tan_loi = app.token(TAN_LOI_OFFICER).await;
    let mobile = app.token(MOBILE_OFFICER).await;
    let ea_kpam = app.token(EA_KPAM_OFFICER).await;
    let district = app.token(DISTRICT_COMMANDER).await;
    let citizen = app.token(CITIZEN_HDAO).await;

    // The Tân Lợi tip of the article went to the mobile police (transferred), so they find it.
    let found = results(&app, "ma tau tu tap", "&kind=tip", Some(&mobile)).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["kind"], "tip");
    assert!(found[0]["link"].as_str().unwrap().starts_with("/inbox/"));
    // "…mang hung khí, mã tấu đang tụ tập trên đường Hà Huy Tập…": every word found is marked.
    assert_eq!(hits(&found[0]["snippet"]), ["mã", "tấu", "tụ", "tập", "Tập"]);
    // Another commune's officer, a citizen, and nobody at all: not a word of it.
    for token in [Some(ea_kpam.as_str()), Some(citizen.as_str()), None] {
        assert!(results(&app, "ma tau tu tap", "", token).await.iter().all(|r| r["kind"] != "tip"), "{token:?}");
    }

    // H'Đào's question to Ea KPam: its officers find it (and the answer's words), so does the district above.
    for token in [&ea_kpam, &district] {
        let q = results(&app, "mat can cuoc", "&kind=question", Some(token)).await;
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(results(&app, "CC01 70.000", "&kind=question", Some(token)).await.len(), 1);
    }
    for token in [Some(tan_loi.as_str()), Some(citizen.as_str()), None] {
        assert!(results(&app, "mat can cuoc", "&kind=question", token).await.is_empty());
    }
}

#[tokio::test]
async fn changes_are_found_once_the_worker_has_indexed_them() {
    let app = TestApp::spawn().await;
    let commander = app.token(EA_KPAM_COMMANDER).await;
    let body = json!({"kind": "warning", "title": "Cảnh báo lừa đảo mua bán sầu riêng qua mạng",
        "body": "Đối tượng giả làm thương lái **sầu riêng** yêu cầu chuyển tiền cọc, có khi giả danh cảnh sát giao thông."});
    let (status, post) = app.post_json("/api/v1/pages/ca-xa-ea-kpam/posts", &body, Some(&commander)).await;
    assert_eq!(status, 201, "{post}");
    // The worker indexes on its own (every 50 ms in tests); nobody calls it here.
    let mut found = Vec::new();
    for _ in 0..100 {
        found = results(&app, "sau rieng", "", None).await;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(found.len(), 1, "the new post was not indexed");
    assert_eq!(found[0]["id"], post["id"]);
    // The Markdown is indexed as words, without its markup.
    assert_eq!(hits(&found[0]["snippet"]), ["sầu", "riêng"]);
    // Abbreviations are looked for whole and expanded.
    let abbreviated = results(&app, "csgt gia danh", "", None).await;
    assert_eq!(abbreviated[0]["id"], post["id"]);
    assert_eq!(hits(&abbreviated[0]["snippet"]), ["giả", "giả", "danh", "cảnh", "sát", "giao", "thông"]);

    // Edited: the new words are found, the old ones no longer.
    let edit = json!({"title": "Cảnh báo lừa đảo mua bán cà phê qua mạng", "body": "Giả làm thương lái."});
    let path = format!("/api/v1/posts/{}", post["id"]);
    let (status, _) = app.send_json(reqwest::Method::PUT, &path, &edit, Some(&commander)).await;
    assert_eq!(status, 200);
    app.core.search().index_search().await.unwrap();
    assert!(results(&app, "sau rieng", "", None).await.is_empty());
    assert_eq!(results(&app, "lua dao ca phe", "", None).await[0]["id"], post["id"]);
}

#[tokio::test]
async fn bad_queries_get_clear_answers() {
    let app = TestApp::spawn().await;
    for (q, code) in [
        ("", "query_required"),
        ("    ", "query_required"),
        ("?!… -- \"\" *", "query_no_words"),
        ("🚓🚨", "query_no_words"),
    ] {
        let (status, body) = search(&app, q, "", None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some(code)), "{q:?}: {body}");
        assert_eq!(body["error"]["field"], "q");
    }
    let (status, body) = search(&app, &"trộm chó ".repeat(1_250), "", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("query_too_long")));
    assert!(body["error"]["message"].as_str().unwrap().contains("200 ký tự"), "{body}");
    let (status, body) = app.get_json("/api/v1/search", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("query_required")));

    // Full-text syntax is words: its punctuation separates them, and its operators are words looked for.
    for q in ["\"trộm chó\"", "trộm* chó", "trộm -chó", "(trộm) ^chó:", "{trộm} chó"] {
        assert_eq!(results(&app, q, "", None).await[0]["kind"], "post", "{q}");
    }
    for q in ["trộm NEAR chó", "title:trộm chó", "trộm AND chó OR", "NEAR(trộm chó)"] {
        assert!(results(&app, q, "", None).await.is_empty(), "{q}");
    }
    // Emoji are not words; other scripts are, and are looked for.
    assert_eq!(results(&app, "🐕 trộm chó 🐕", "", None).await[0]["kind"], "post");
    assert!(results(&app, "trộm chó 狗 собака", "", None).await.is_empty());

    // Not UTF-8: 400, naming the parameter. An unknown kind: 422.
    let (status, body) = app.get_json("/api/v1/search?q=tr%E1%BB%99m%FF", None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
        (400, Some("invalid_utf8"), Some("q"))
    );
    let (status, body) = search(&app, "trộm", "&kind=post,weapons", None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
        (422, Some("unknown_kind"), Some("kind"))
    );
}

#[tokio::test]
async fn the_search_page_marks_the_words_and_explains_refusals() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page("/search?q=trom+cho").await;
    assert_eq!(status, 200);
    assert!(html.contains("<mark>trộm</mark> <mark>chó</mark>"), "{html}");
    assert!(html.contains("href=\"/units/ca-xa-ea-kpam#post-"));
    let (status, html) = app.page(&format!("/search?q={}", "a".repeat(300))).await;
    assert_eq!(status, 422);
    assert!(html.contains("Từ khoá tìm kiếm quá dài"));
    let (status, _) = app.page("/search?q=%FF").await;
    assert_eq!(status, 400);
    let (status, html) = app.page("/search?q=tr%E1%BB%99m&kind=weapons").await;
    assert_eq!(status, 422);
    assert!(html.contains("Loại nội dung tìm kiếm không hợp lệ."));
    // Markup typed in a query comes back escaped.
    let (_, html) = app.page("/search?q=%3Cscript%3Etr%E1%BB%99m").await;
    assert!(!html.contains("<script>tr"));
}
