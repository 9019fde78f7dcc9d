//! Atom feeds (RFC 4287) of unit pages, built with `atom_syndication` so that escaping and dates are the
//! library's business. Entries carry the post's sanitised HTML.

use atom_syndication::{Category, Content, Entry, Feed, Link, Person, Text};
use binhyen_core::pages::PageView;
use binhyen_domain::entities::pages::Post;

/// Atom dates are RFC 3339; Vietnam time (UTC+7), as everywhere people read them.
pub(crate) fn time(ms: i64) -> atom_syndication::FixedDateTime {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).expect("a valid offset");
    chrono::DateTime::from_timestamp(ms.div_euclid(1000), 0).unwrap_or_default().with_timezone(&vietnam)
}

/// The feed of a page's newest posts. `base` is the public address of the site, without a trailing slash.
pub(crate) fn page_feed(base: &str, page: &PageView, posts: &[Post], now_ms: i64) -> String {
    let page_url = format!("{base}/units/{}", page.unit.code);
    let updated = posts.iter().map(|p| p.updated_at_ms).max().unwrap_or(now_ms);
    let entries: Vec<Entry> = posts
        .iter()
        .map(|p| {
            let url = format!("{page_url}#post-{}", p.id);
            let mut entry = Entry::default();
            entry.set_id(format!("{base}/api/v1/posts/{}", p.id));
            entry.set_title(Text::plain(p.title.clone()));
            entry.set_updated(time(p.updated_at_ms));
            entry.set_published(p.published_at_ms.map(time));
            entry.set_links(vec![Link { href: url, rel: "alternate".into(), ..Default::default() }]);
            entry.set_categories(vec![Category { term: p.kind.as_str().to_owned(), ..Default::default() }]);
            let mut content = Content::default();
            content.set_content_type(Some("html".to_owned()));
            content.set_value(Some(p.body_html.clone()));
            entry.set_content(Some(content));
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(page_url.clone());
    feed.set_title(Text::plain(page.unit.name.clone()));
    feed.set_subtitle(page.description.clone().map(Text::plain));
    feed.set_updated(time(updated));
    feed.set_authors(vec![Person { name: page.unit.name.clone(), ..Default::default() }]);
    feed.set_links(vec![
        Link { href: page_url, rel: "alternate".into(), ..Default::default() },
        Link {
            href: format!("{base}/api/v1/pages/{}/feed.atom", page.unit.code),
            rel: "self".into(),
            mime_type: Some("application/atom+xml".into()),
            ..Default::default()
        },
    ]);
    feed.set_lang(Some("vi".to_owned()));
    feed.set_entries(entries);
    feed.to_string()
}
