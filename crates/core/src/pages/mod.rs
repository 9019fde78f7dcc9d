//! Unit pages (issue 5, first part): a page per unit that citizens follow, posts (drafts, scheduled, pinned,
//! edited with history, Markdown rendered safely), and feeds read at query time from the pages one follows
//! (fan-out on read), paged by a signed cursor.

mod articles;
mod images;
mod markdown;

use crate::Pages;
use binhyen_domain::page::{PostKind, PostState};
use binhyen_domain::{Action, Actor, Invalid};
use binhyen_store::pages::{self, FeedCursor, NewPost, Post};
use binhyen_store::public_alerts::PublicAlert;
use binhyen_store::units::Unit;
use binhyen_store::StoreError;

use crate::audit::AuditEvent;
use crate::{CoreError, Result};

pub use articles::Approval;
pub use markdown::render as render_markdown;

/// Posts per feed page.
const PER_PAGE: i64 = 20;

#[derive(Debug, Clone)]
pub struct PageView {
    pub unit: Unit,
    pub description: Option<String>,
    /// Whether it has an avatar (served at the page's avatar address).
    pub avatar: bool,
    pub followers: i64,
    /// Whether the viewer (when signed in) follows it.
    pub following: bool,
    pub pinned: Vec<Post>,
}

#[derive(Debug, Clone)]
pub struct PostInput {
    pub kind: PostKind,
    pub title: String,
    pub body: String,
    /// None: a draft. A time to come: scheduled.
    pub publish_at_ms: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct FeedPage {
    /// On the first page only: the public alerts in force over the reader's home (home feed) or issued by the
    /// page (a page's feed), most severe first.
    pub alerts: Vec<PublicAlert>,
    pub posts: Vec<Post>,
    /// Pass back for the next (older) page; None on the last one.
    pub next: Option<String>,
}

/// Text an author must give (see `tips::required_text`).
fn clean(value: &str, field: &'static str, max: usize) -> Result<String> {
    crate::tips::required_text(Some(value), field, max)
}

fn post_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("post"),
        other => other.into(),
    }
}

impl Pages<'_> {
    /// A page as anyone sees it.
    pub async fn page(&self, unit_id: i64, viewer: Option<i64>) -> Result<PageView> {
        let unit = self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        let following = match viewer {
            Some(account) => self.store.followed_units(account).await?.contains(&unit_id),
            None => false,
        };
        let profile = self.store.page_profile(unit_id).await?;
        Ok(PageView {
            description: profile.description,
            avatar: profile.avatar.is_some(),
            followers: self.store.follower_count(unit_id).await?,
            pinned: self.store.pinned_posts(unit_id, self.now_ms()).await?,
            following,
            unit,
        })
    }

    /// Rewrites a page's description (commanders of the unit and above); empty for none.
    pub async fn edit_page(&self, actor: &Actor, unit_id: i64, description: &str) -> Result<()> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let description = binhyen_text::normalize(description.trim());
        if description.chars().count() > 2000 {
            return Err(Invalid::new("description", "too_long").into());
        }
        let mut tx = self.store.begin().await?;
        pages::set_description(&mut tx, unit_id, &description, self.now_ms()).await?;
        self.audit(&mut tx, AuditEvent::new("page.edited", "unit", Some(unit_id)).by(Some(actor.account_id))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Follows or unfollows a page (doing it twice is the same as once); returns its follower count.
    pub async fn set_following(&self, account_id: i64, unit_id: i64, follow: bool) -> Result<i64> {
        if follow {
            self.units().in_force(unit_id).await?;
        } else {
            self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        }
        self.store.set_following(account_id, unit_id, follow, self.now_ms()).await?;
        Ok(self.store.follower_count(unit_id).await?)
    }

    /// The pages a person is offered: the unit answering today for their home place, and the units above it.
    pub async fn suggested_pages(&self, account_id: i64) -> Result<Vec<Unit>> {
        let account = self.accounts().account(account_id).await?;
        let Some(area) = account.home_area_id else { return Ok(Vec::new()) };
        let Some(unit) = self.units().responsible_unit(area, self.today()).await? else { return Ok(Vec::new()) };
        let forest = self.units().directory_snapshot().await?.forest;
        let mut out = Vec::new();
        for id in crate::alerting::ancestry(&forest, unit.id) {
            out.push(self.store.unit(id).await?);
        }
        Ok(out)
    }

    /// Writes a post on a unit's page: commanders of the unit and of the units above it.
    pub async fn create_post(&self, actor: &Actor, unit_id: i64, input: PostInput) -> Result<Post> {
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let title = clean(&input.title, "title", 200)?;
        let body = clean(&input.body, "body", 20_000)?;
        let new = NewPost {
            unit_id,
            kind: input.kind,
            body_html: markdown::render(&body),
            title,
            body,
            published_at_ms: input.publish_at_ms.map(|at| at.max(self.now_ms())),
            author_account_id: actor.account_id,
        };
        let mut tx = self.store.begin().await?;
        let id = pages::insert_post(&mut tx, &new, self.now_ms()).await?;
        let detail = serde_json::json!({"unit_id": unit_id, "published": new.published_at_ms.is_some()});
        self.audit(
            &mut tx,
            AuditEvent::new("post.created", "post", Some(id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(self.store.post(id).await?)
    }

    async fn post_to_change(&self, actor: &Actor, post_id: i64) -> Result<Post> {
        let post = self.store.post(post_id).await.map_err(post_not_found)?;
        self.authorize(actor, Action::EditUnit, post.unit_id).await?;
        Ok(post)
    }

    /// Edits a post; the earlier text is kept as a revision.
    pub async fn edit_post(&self, actor: &Actor, post_id: i64, title: &str, body: &str) -> Result<Post> {
        let old = self.post_to_change(actor, post_id).await?;
        let (title, body) = (clean(title, "title", 200)?, clean(body, "body", 20_000)?);
        let mut tx = self.store.begin().await?;
        pages::edit_post(&mut tx, &old, actor.account_id, &title, &body, &markdown::render(&body), self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(code) => CoreError::Conflict { code, field: None },
                other => other.into(),
            })?;
        self.audit(&mut tx, AuditEvent::new("post.edited", "post", Some(post_id)).by(Some(actor.account_id))).await?;
        tx.commit().await?;
        Ok(self.store.post(post_id).await?)
    }

    /// Publishes a draft now (or at a time to come), or pins and unpins a post.
    pub async fn publish_post(&self, actor: &Actor, post_id: i64, at_ms: Option<i64>) -> Result<Post> {
        let post = self.post_to_change(actor, post_id).await?;
        if !post.state.can_become(PostState::Published) {
            return Err(CoreError::Conflict { code: "already_published", field: None });
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        pages::publish_post(&mut tx, post_id, at_ms.unwrap_or(now).max(now), now).await?;
        self.audit(&mut tx, AuditEvent::new("post.published", "post", Some(post_id)).by(Some(actor.account_id)))
            .await?;
        tx.commit().await?;
        Ok(self.store.post(post_id).await?)
    }

    pub async fn pin_post(&self, actor: &Actor, post_id: i64, pinned: bool) -> Result<Post> {
        self.post_to_change(actor, post_id).await?;
        let mut tx = self.store.begin().await?;
        pages::set_pinned(&mut tx, post_id, pinned, self.now_ms()).await?;
        let detail = serde_json::json!({"pinned": pinned});
        self.audit(
            &mut tx,
            AuditEvent::new("post.pinned", "post", Some(post_id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(self.store.post(post_id).await?)
    }

    /// A published post whose time has come (anyone), or any post of a page the officer may edit.
    pub async fn post(&self, actor: Option<&Actor>, post_id: i64) -> Result<Post> {
        let post = self.store.post(post_id).await.map_err(post_not_found)?;
        let public = post.state == PostState::Published && post.published_at_ms.is_some_and(|at| at <= self.now_ms());
        if public {
            return Ok(post);
        }
        match actor {
            Some(actor) if self.authorize(actor, Action::EditUnit, post.unit_id).await.is_ok() => Ok(post),
            _ => Err(CoreError::not_found("post")),
        }
    }

    /// A page's own feed, newest first.
    pub async fn page_feed(&self, unit_id: i64, cursor: Option<&str>) -> Result<FeedPage> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        let after = cursor.map(|c| self.open_cursor(c)).transpose()?;
        let posts = self.store.page_feed(unit_id, self.now_ms(), after, PER_PAGE + 1).await?;
        let alerts = match after {
            None => {
                self.store.unit_alerts(unit_id, 20).await?.into_iter().filter(|a| a.active(self.now_ms())).collect()
            }
            Some(_) => Vec::new(),
        };
        Ok(self.feed_page(alerts, posts))
    }

    /// The posts of the pages the account follows, newest first.
    pub async fn home_feed(&self, account_id: i64, cursor: Option<&str>) -> Result<FeedPage> {
        let after = cursor.map(|c| self.open_cursor(c)).transpose()?;
        let posts = self.store.home_feed(account_id, self.now_ms(), after, PER_PAGE + 1).await?;
        let alerts = match after {
            None => self.public_alerts().alerts_for(account_id).await?,
            Some(_) => Vec::new(),
        };
        Ok(self.feed_page(alerts, posts))
    }

    fn feed_page(&self, alerts: Vec<PublicAlert>, mut posts: Vec<Post>) -> FeedPage {
        let more = posts.len() as i64 > PER_PAGE;
        posts.truncate(PER_PAGE as usize);
        let next = more.then(|| posts.last().map(|p| self.seal_cursor(p))).flatten();
        FeedPage { alerts, posts, next }
    }

    /// `<published_at>.<id>.<tag>`: the tag (keyed) makes a cursor that was altered or made up fail. (After a
    /// key rotation old cursors fail too: a reader starts again from the newest post.)
    fn seal_cursor(&self, p: &Post) -> String {
        self.cursor_text(p.published_at_ms.unwrap_or_default(), p.id)
    }

    fn cursor_text(&self, published_at_ms: i64, id: i64) -> String {
        let plain = format!("{published_at_ms}.{id}");
        let tag = self.seal.tag(format!("feed:{plain}").as_bytes());
        let short: String = tag.rsplit(':').next().unwrap_or_default().chars().take(16).collect();
        format!("{plain}.{short}")
    }

    fn open_cursor(&self, cursor: &str) -> Result<FeedCursor> {
        let invalid = || CoreError::from(Invalid::new("cursor", "invalid_cursor"));
        let mut parts = cursor.splitn(3, '.');
        let (Some(at), Some(id), Some(_)) = (parts.next(), parts.next(), parts.next()) else { return Err(invalid()) };
        let (published_at_ms, id) = (at.parse().map_err(|_| invalid())?, id.parse().map_err(|_| invalid())?);
        if self.cursor_text(published_at_ms, id) != cursor {
            return Err(invalid());
        }
        Ok(FeedCursor { published_at_ms, id })
    }
}
