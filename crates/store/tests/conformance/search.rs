//! Full-text search: both engines match folded words, rank exact tone marks, titles and recency the same way,
//! keep officer-only documents to the subtree asked for, read every query word as a word, and queue every change
//! of an indexed source.

use binhyen_domain::unit::UnitKind;
use binhyen_store::search::{self, NewDoc, SearchQuery, Term};
use binhyen_store::Store;

use crate::support::{put_unit, unit};

fn terms(text: &str) -> Vec<Term> {
    binhyen_text::words(text).into_iter().map(|w| Term { exact: w.exact, folded: w.folded }).collect()
}

fn doc(kind: &'static str, ref_id: i64, title: &str, body: &str, at_ms: i64) -> NewDoc {
    NewDoc {
        kind,
        ref_id,
        unit_id: None,
        officer_only: false,
        title: title.to_owned(),
        body: body.to_owned(),
        at_ms,
        title_terms: terms(title),
        body_terms: terms(body),
    }
}

/// A query as core reads one (without abbreviations).
fn query(text: &str) -> SearchQuery {
    let words = binhyen_text::words(text);
    SearchQuery {
        words: words.iter().map(|w| vec![vec![w.folded.clone()]]).collect(),
        exact: words.iter().map(|w| w.exact.clone()).collect(),
        now_ms: 1_000_000,
        limit: 20,
        ..Default::default()
    }
}

async fn put(store: &Store, docs: &[NewDoc]) {
    let mut tx = store.begin().await.unwrap();
    search::insert_docs(&mut tx, docs).await.unwrap();
    tx.commit().await.unwrap();
}

async fn found(store: &Store, q: &SearchQuery) -> Vec<i64> {
    store.search(q).await.unwrap().into_iter().map(|h| h.ref_id).collect()
}

pub async fn search_matches_folded_and_ranks_exact_titles_and_recency(store: Store) {
    put(
        &store,
        &[
            doc("post", 1, "Trộm cắp ở chợ Ea KPam", "Công an xã nhắc bà con cho xe vào nơi an toàn.", 10),
            doc("post", 2, "Cảnh giác trộm chó ban đêm", "Kẻ gian dùng bả độc.", 10),
            doc("post", 3, "Tuyên truyền pháp luật", "Đêm qua có trộm chó ở buôn Bling.", 10),
            doc("post", 4, "Đăng ký tạm trú", "Hồ sơ gồm tờ khai CT01.", 10),
            doc("post", 5, "Hòa giải ở cơ sở", "Tổ hoà giải thôn 3.", 20),
            doc("post", 6, "Hòa giải ở cơ sở", "Tổ hoà giải thôn 3.", 30),
            doc("post", 7, "Trộm chó sắp bị xử lý", "Bài viết sẽ đăng sau.", 2_000_000),
        ],
    )
    .await;
    // Folded words find the marked text; the exact words and the title put 2 first, the text's phrase 3 next,
    // and the one that only folds alike last.
    assert_eq!(found(&store, &query("trộm chó")).await, [2, 3, 1]);
    assert_eq!(found(&store, &query("trom cho")).await, [2, 3, 1]);
    // đ folds to d.
    assert_eq!(found(&store, &query("dang ky tam tru")).await, [4]);
    // Either tone placement; equal documents: the newer first. The one scheduled after now is not found.
    assert_eq!(found(&store, &query("hoà giải")).await, [6, 5]);
    assert_eq!(found(&store, &query("hòa giai")).await, [6, 5]);
    // Every word must be found.
    assert!(found(&store, &query("trộm xe máy")).await.is_empty());
    // Paging.
    let mut q = query("trom cho");
    q.limit = 1;
    q.offset = 1;
    assert_eq!(found(&store, &q).await, [3]);
}

pub async fn search_reads_query_syntax_as_words(store: Store) {
    put(&store, &[doc("post", 1, "NEAR và AND", "title: \"bạc\" * - OR", 1)]).await;
    for typed in ["near", "\"near\"", "AND", "OR", "title", "NEAR(a b)", "bạc*", "-bạc", "title:bạc", "{title}"] {
        // Core splits on punctuation; the store must also survive words it never expected.
        let mut q = query(typed);
        q.words.push(vec![vec!["x\"y".into()], vec!["a'b".into(), "c\\d".into()]]);
        q.exact.push("x\"y'\\".into());
        assert!(store.search(&q).await.unwrap().is_empty(), "{typed}");
        assert!(store.search(&query(typed)).await.is_ok(), "{typed}");
    }
    assert_eq!(found(&store, &query("near")).await, [1]);
    assert_eq!(found(&store, &query("\"near\" AND title: bạc")).await, [1]);
    assert_eq!(found(&store, &query("-bạc* OR")).await, [1]);
}

pub async fn search_keeps_officer_documents_to_their_subtree(store: Store) {
    let province = put_unit(&store, &unit("ca-tinh", UnitKind::ProvincePolice, "Công an tỉnh")).await;
    let mut commune = unit("ca-xa", UnitKind::CommunePolice, "Công an xã");
    commune.parent_id = Some(province);
    let commune = put_unit(&store, &commune).await;
    let other = put_unit(&store, &unit("ca-khac", UnitKind::ProvincePolice, "Công an tỉnh khác")).await;
    let mut tip = doc("tip", 1, "", "Có nhóm thanh niên mang mã tấu", 5);
    tip.unit_id = Some(commune);
    tip.officer_only = true;
    let mut question = doc("question", 2, "", "Mã tấu có bị cấm không?", 5);
    question.unit_id = Some(commune);
    question.officer_only = true;
    put(&store, &[tip, question, doc("post", 3, "Thu hồi mã tấu", "", 5)]).await;

    let citizen = query("mã tấu");
    assert_eq!(found(&store, &citizen).await, [3]);
    let mut province_officer = query("mã tấu");
    province_officer.tip_root = Some(province);
    province_officer.question_root = Some(province);
    assert_eq!(found(&store, &province_officer).await.len(), 3);
    let mut tips_only = province_officer.clone();
    tips_only.kinds = vec!["tip"];
    assert_eq!(found(&store, &tips_only).await, [1]);
    let mut elsewhere = query("mã tấu");
    elsewhere.tip_root = Some(other);
    elsewhere.question_root = Some(other);
    assert_eq!(found(&store, &elsewhere).await, [3]);
}

pub async fn search_documents_are_replaced_and_changes_queued(store: Store) {
    put(&store, &[doc("post", 1, "Cũ", "", 1), doc("post", 2, "Giữ", "", 1)]).await;
    let mut tx = store.begin().await.unwrap();
    search::replace_docs(&mut tx, "post", &[1, 9], &[doc("post", 1, "Mới", "", 1)]).await.unwrap();
    tx.commit().await.unwrap();
    assert!(found(&store, &query("cũ")).await.is_empty());
    assert_eq!(found(&store, &query("mới")).await, [1]);
    assert_eq!(found(&store, &query("giữ")).await, [2]);
    assert_eq!(store.search_doc_count().await.unwrap(), 2);

    // A unit written is queued for indexing, in its own transaction; draining takes what was read.
    let before = store.search_queue_len().await.unwrap();
    put_unit(&store, &unit("ca-moi", UnitKind::ProvincePolice, "Công an mới")).await;
    assert_eq!(store.search_queue_len().await.unwrap(), before + 1);
    let mut tx = store.begin().await.unwrap();
    assert!(search::hold_indexer(&mut tx).await.unwrap());
    let queued = search::queued(&mut tx, 1000).await.unwrap();
    assert!(queued.iter().any(|q| q.kind == "unit"));
    let ids: Vec<i64> = queued.iter().map(|q| q.id).collect();
    search::dequeue(&mut tx, &ids).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.search_queue_len().await.unwrap(), 0);
}
