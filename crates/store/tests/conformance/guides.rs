//! Guides, forms and questions: the folded-text pre-filter, form versions (a version twice is a conflict, the
//! newest first), download counts, question states moved only from the state expected, canned replies, and the
//! sweep's view of the objects they name.

use binhyen_domain::question::QuestionState;
use binhyen_domain::UnitKind;
use binhyen_store::guides::{self, FormVersion, GuideText};
use binhyen_store::questions;
use binhyen_store::{Store, StoreError};

use crate::support::*;

fn version(name: &str, key: &str) -> FormVersion {
    FormVersion {
        id: 0,
        version: name.into(),
        object_key: key.into(),
        kind: "pdf".into(),
        bytes: 10,
        created_at_ms: NOW,
    }
}

pub async fn guides_forms_and_questions_round_trip(store: Store) {
    let unit = put_unit(&store, &unit("ca-xa-a", UnitKind::CommunePolice, "Công an xã A")).await;
    let author = put_account(&store, &citizen("+84399000777", "Người dân")).await;
    let text = GuideText {
        title: "Cấp lại thẻ căn cước".into(), summary: "Khi bị mất".into(), ..GuideText::default()
    };
    let mut tx = store.begin().await.unwrap();
    let id =
        guides::insert_guide(&mut tx, unit, &text, "cap lai the can cuoc khi bi mat", None, author, NOW).await.unwrap();
    tx.commit().await.unwrap();
    let found = store.guides_matching(&["cuoc".into(), "xyz".into()], 10).await.unwrap();
    assert_eq!(found.iter().map(|f| f.guide.id).collect::<Vec<_>>(), [id]);
    assert_eq!(found[0].folded, "cap lai the can cuoc khi bi mat");
    assert!(store.guides_matching(&["xyz".into()], 10).await.unwrap().is_empty());
    assert_eq!(store.guides_of_units(&[unit]).await.unwrap()[0].text, text);

    let mut tx = store.begin().await.unwrap();
    let form = guides::upsert_form(&mut tx, unit, "CT01", "Tờ khai", NOW).await.unwrap();
    guides::add_form_version(&mut tx, form, &version("2021", "aa/one"), author, NOW).await.unwrap();
    guides::add_form_version(&mut tx, form, &version("2023", "aa/two"), author, NOW).await.unwrap();
    let again = guides::add_form_version(&mut tx, form, &version("2023", "aa/three"), author, NOW).await;
    assert!(matches!(again, Err(StoreError::Conflict("version_exists"))), "{again:?}");
    assert_eq!(guides::upsert_form(&mut tx, unit, "CT01", "Tờ khai (mới)", NOW).await.unwrap(), form, "same form");
    tx.commit().await.unwrap();
    store.count_download(form).await.unwrap();
    let read = store.form(unit, "CT01").await.unwrap();
    assert_eq!((read.title.as_str(), read.downloads), ("Tờ khai (mới)", 1));
    assert_eq!(read.versions.iter().map(|v| v.version.as_str()).collect::<Vec<_>>(), ["2023", "2021"]);

    let mut tx = store.begin().await.unwrap();
    let q = questions::insert(&mut tx, unit, author, "Hỏi?", Some(("bb/photo", "png")), NOW).await.unwrap();
    questions::add_message(&mut tx, q, true, author, "Đáp.", NOW + 1).await.unwrap();
    questions::set_state(&mut tx, q, QuestionState::Open, QuestionState::Answered, NOW + 1).await.unwrap();
    let stale = questions::set_state(&mut tx, q, QuestionState::Open, QuestionState::Closed, NOW + 2).await;
    assert!(matches!(stale, Err(StoreError::Conflict("question_changed"))), "{stale:?}");
    assert!(!questions::set_attachment(&mut tx, q, "bb/other", "png").await.unwrap(), "one photo");
    questions::insert_canned(&mut tx, unit, "Căn cước", "Mang tờ khai CC01.", NOW).await.unwrap();
    tx.commit().await.unwrap();
    let read = store.question(q).await.unwrap();
    assert_eq!((read.state.as_str(), read.attachment), ("answered", Some(("bb/photo".to_owned(), "png".to_owned()))));
    assert!(store.question_messages(q).await.unwrap()[0].from_officer);
    assert_eq!(store.unit_questions(unit, Some(QuestionState::Answered)).await.unwrap().len(), 1);
    assert!(store.unit_questions(unit, Some(QuestionState::Open)).await.unwrap().is_empty());
    assert_eq!(store.questions_of(author).await.unwrap()[0].id, q);
    assert_eq!(store.canned_replies(unit).await.unwrap()[0].title, "Căn cước");
    let objects = store.referenced_objects().await.unwrap();
    for key in ["aa/one", "aa/two", "bb/photo"] {
        assert!(objects.contains(&key.to_owned()), "{key}");
    }
}
