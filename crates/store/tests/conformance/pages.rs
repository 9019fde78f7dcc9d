//! Unit pages: followers, posts with revisions, and keyset-paged feeds.

use binhyen_domain::page::ArticleState;
use binhyen_domain::UnitKind;
use binhyen_store::pages::{self, FeedCursor, NewPost};
use binhyen_store::{Store, StoreError};

use crate::support::*;

fn post(unit_id: i64, author: i64, title: &str, at: Option<i64>) -> NewPost {
    NewPost {
        unit_id,
        kind: binhyen_domain::page::PostKind::News,
        title: title.into(),
        body: format!("**{title}**"),
        body_html: format!("<p><strong>{title}</strong></p>"),
        published_at_ms: at,
        author_account_id: author,
    }
}

async fn put_post(store: &Store, p: &NewPost) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = pages::insert_post(&mut tx, p, NOW).await.unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn follows_posts_and_feeds(store: Store) {
    let a = put_unit(&store, &unit("ca-xa-a", UnitKind::CommunePolice, "Công an xã A")).await;
    let b = put_unit(&store, &unit("ca-xa-b", UnitKind::CommunePolice, "Công an xã B")).await;
    let c = put_unit(&store, &unit("ca-xa-c", UnitKind::CommunePolice, "Công an xã C")).await;
    let reader = put_account(&store, &citizen("+84399000111", "H'Đào Niê")).await;

    assert!(store.set_following(reader, a, true, NOW).await.unwrap());
    assert!(!store.set_following(reader, a, true, NOW).await.unwrap(), "following twice changes nothing");
    assert!(store.set_following(reader, b, true, NOW).await.unwrap());
    assert_eq!((store.follower_count(a).await.unwrap(), store.followed_units(reader).await.unwrap()), (1, vec![a, b]));

    // Posts at the same instant are ordered by id; a draft and a scheduled post are not in feeds yet.
    let a1 = put_post(&store, &post(a, reader, "A1", Some(NOW - 3))).await;
    let b1 = put_post(&store, &post(b, reader, "B1", Some(NOW - 2))).await;
    let a2 = put_post(&store, &post(a, reader, "A2", Some(NOW - 2))).await;
    let c1 = put_post(&store, &post(c, reader, "C1", Some(NOW - 1))).await;
    let draft = put_post(&store, &post(a, reader, "draft", None)).await;
    let scheduled = put_post(&store, &post(a, reader, "later", Some(NOW + 60_000))).await;
    let ids = |posts: Vec<pages::Post>| posts.into_iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(ids(store.home_feed(reader, NOW, None, 10).await.unwrap()), [a2, b1, a1], "not C, not unpublished");
    let first = store.home_feed(reader, NOW, None, 2).await.unwrap();
    let last = first.last().unwrap();
    let cursor = FeedCursor { published_at_ms: last.published_at_ms.unwrap(), id: last.id };
    assert_eq!(ids(store.home_feed(reader, NOW, Some(cursor), 2).await.unwrap()), [a1]);
    assert_eq!(ids(store.home_feed(reader, NOW + 60_000, None, 1).await.unwrap()), [scheduled], "its time came");
    assert_eq!(ids(store.page_feed(a, NOW, None, 10).await.unwrap()), [a2, a1]);
    assert!(store.page_feed(a, NOW, None, 10).await.unwrap().iter().all(|p| p.id != draft && p.id != scheduled));
    let _ = c1;

    // Edits keep the old text; an edit from a stale copy is refused.
    let old = store.post(a1).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    pages::edit_post(&mut tx, &old, reader, "A1 (sửa)", "mới", "<p>mới</p>", NOW + 1).await.unwrap();
    pages::set_pinned(&mut tx, a1, true, NOW + 2).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        pages::edit_post(&mut tx, &old, reader, "x", "y", "z", NOW + 3).await,
        Err(StoreError::Conflict("post_changed"))
    ));
    drop(tx);
    let now = store.post(a1).await.unwrap();
    assert_eq!((now.title.as_str(), now.pinned), ("A1 (sửa)", true));
    let revisions = store.post_revisions(a1).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].2, "A1");
    assert_eq!(ids(store.pinned_posts(a, NOW).await.unwrap()), [a1]);

    let mut tx = store.begin().await.unwrap();
    pages::publish_post(&mut tx, draft, NOW + 5, NOW + 5).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.page_feed(a, NOW + 5, None, 1).await.unwrap()[0].id, draft);

    assert_eq!(store.page_profile(a).await.unwrap(), pages::PageProfile::default());
    let mut tx = store.begin().await.unwrap();
    pages::set_avatar(&mut tx, a, "ab/cdef", "png", NOW).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.page_profile(a).await.unwrap().description, None, "an avatar alone: no description");
    let mut tx = store.begin().await.unwrap();
    pages::set_description(&mut tx, a, "Trang của Công an xã A", NOW).await.unwrap();
    pages::set_description(&mut tx, a, "Trang mới", NOW).await.unwrap();
    tx.commit().await.unwrap();
    let profile = store.page_profile(a).await.unwrap();
    assert_eq!(profile.description.as_deref(), Some("Trang mới"));
    assert_eq!(profile.avatar, Some(("ab/cdef".to_owned(), "png".to_owned())), "kept by a new description");
    assert!(store.referenced_objects().await.unwrap().contains(&"ab/cdef".to_owned()), "the sweep keeps it");
    assert!(store.set_following(reader, a, false, NOW).await.unwrap());
    assert_eq!(store.follower_count(a).await.unwrap(), 0);
}

pub async fn follows_in_bulk(store: Store) {
    let a = put_unit(&store, &unit("ca-xa-a", UnitKind::CommunePolice, "Công an xã A")).await;
    let b = put_unit(&store, &unit("ca-xa-b", UnitKind::CommunePolice, "Công an xã B")).await;
    let mut readers = Vec::new();
    for i in 0..3 {
        readers.push(put_account(&store, &citizen(&format!("+8439900020{i}"), "Y Bih Mlô")).await);
    }
    store.set_following(readers[0], a, true, NOW).await.unwrap();
    // More rows than one statement can bind (3 values each): split in several; a follow already there is kept.
    let mut rows = vec![(readers[0], a), (readers[0], b), (readers[1], b), (readers[2], a)];
    rows.extend(std::iter::repeat_n((readers[2], b), 12_000));
    let mut tx = store.begin().await.unwrap();
    pages::insert_follows_many(&mut tx, &rows, NOW).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.followed_units(readers[0]).await.unwrap(), vec![a, b]);
    assert_eq!(store.followed_units(readers[1]).await.unwrap(), vec![b]);
    assert_eq!(store.followed_units(readers[2]).await.unwrap(), vec![a, b]);
    assert_eq!((store.follower_count(a).await.unwrap(), store.follower_count(b).await.unwrap()), (2, 3));
    // Nothing to insert is not an error.
    let mut tx = store.begin().await.unwrap();
    pages::insert_follows_many(&mut tx, &[], NOW).await.unwrap();
    tx.commit().await.unwrap();
}

pub async fn articles_are_decided_once(store: Store) {
    use binhyen_store::articles;
    let a = put_unit(&store, &unit("ca-xa-a", UnitKind::CommunePolice, "Công an xã A")).await;
    let author = put_account(&store, &citizen("+84399000112", "H'Đào Niê")).await;
    let mut tx = store.begin().await.unwrap();
    let one = articles::insert(&mut tx, a, author, "Đèn đường", "Đã lắp.", true, NOW).await.unwrap();
    let two = articles::insert(&mut tx, a, author, "Chợ phiên", "Đông vui.", false, NOW).await.unwrap();
    let photo = articles::ArticleImage {
        id: 0,
        article_id: one,
        object_key: "cc/photo".into(),
        kind: "jpg".into(),
        bytes: 10,
        width: Some(4),
        height: None,
    };
    let photo_id = articles::add_image(&mut tx, &photo, NOW).await.unwrap();
    let post = pages::insert_post(&mut tx, &post(a, author, "Đèn đường", Some(NOW)), NOW).await.unwrap();
    pages::set_body(&mut tx, post, "Đã lắp.\n\n![](x)", "<p>Đã lắp.</p>").await.unwrap();
    articles::decide(&mut tx, one, author, Some(post), None, NOW + 1).await.unwrap();
    articles::decide(&mut tx, two, author, None, Some("Trùng bài"), NOW + 1).await.unwrap();
    assert!(matches!(
        articles::decide(&mut tx, two, author, Some(post), None, NOW + 2).await,
        Err(StoreError::Conflict("article_decided"))
    ));
    tx.commit().await.unwrap();
    assert_eq!(store.article_images(one).await.unwrap(), [articles::ArticleImage { id: photo_id, ..photo }]);
    assert!(store.referenced_objects().await.unwrap().contains(&"cc/photo".to_owned()), "the sweep keeps it");
    assert_eq!(store.post(post).await.unwrap().body_html, "<p>Đã lắp.</p>");
    let got = store.article(one).await.unwrap();
    assert_eq!((got.state.as_str(), got.post_id, got.credit), ("approved", Some(post), true));
    let rejected = store.articles_of_unit(a, ArticleState::Rejected).await.unwrap();
    assert_eq!((rejected.len(), rejected[0].reason.as_deref()), (1, Some("Trùng bài")));
    assert!(store.articles_of_unit(a, ArticleState::Submitted).await.unwrap().is_empty());
    let mine: Vec<i64> = store.articles_of_author(author).await.unwrap().iter().map(|x| x.id).collect();
    assert_eq!(mine, [two, one]);
    // A rejection without a reason, or an approval without its post, cannot be stored.
    let mut tx = store.begin().await.unwrap();
    let three = articles::insert(&mut tx, a, author, "x", "y", true, NOW).await.unwrap();
    assert!(articles::decide(&mut tx, three, author, None, None, NOW).await.is_err());
}
