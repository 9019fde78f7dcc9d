//! Articles citizens submit to a page: officers of the unit edit and approve them (the article becomes a
//! post, crediting its author unless they asked not to be named) or reject them with a reason. The author is
//! told in the app either way.

use crate::Pages;
use binhyen_domain::notification::NotificationKind;
use binhyen_domain::page::{ArticleState, PostKind};
use binhyen_domain::{Action, Actor, Invalid};
use binhyen_store::articles::{self, Article, ArticleImage};
use binhyen_store::notifications::{self, NewNotification};
use binhyen_store::pages::{self, NewPost, Post};
use binhyen_store::StoreError;

use super::clean;
use crate::audit::AuditEvent;
use crate::{CoreError, Result};

/// Photos an article may carry.
const ARTICLE_PHOTOS: usize = 6;

/// What an officer publishes of an article: its kind, and the text as edited (None: as written).
#[derive(Debug, Clone)]
pub struct Approval {
    pub kind: PostKind,
    pub title: Option<String>,
    pub body: Option<String>,
}

fn article_image(article_id: i64, cleaned: &binhyen_media::Cleaned, key: &binhyen_media::ObjectKey) -> ArticleImage {
    ArticleImage {
        id: 0,
        article_id,
        object_key: key.as_str().to_owned(),
        kind: cleaned.kind.extension().to_owned(),
        bytes: cleaned.bytes.len() as i64,
        width: cleaned.width.map(i64::from),
        height: cleaned.height.map(i64::from),
    }
}

fn decided(e: StoreError) -> CoreError {
    match e {
        StoreError::Conflict(code) => CoreError::Conflict { code, field: None },
        StoreError::NotFound => CoreError::not_found("article"),
        other => other.into(),
    }
}

impl Pages<'_> {
    /// Anyone signed in sends an article to a unit's page, with up to `ARTICLE_PHOTOS` photos: every photo is
    /// cleaned and checked before anything is written, then the article and its photos commit together.
    pub async fn submit_article(
        &self,
        account_id: i64,
        unit_id: i64,
        title: &str,
        body: &str,
        credit: bool,
        photos: Vec<Vec<u8>>,
    ) -> Result<Article> {
        self.units().in_force(unit_id).await?;
        let (title, body) = (clean(title, "title", 200)?, clean(body, "body", 20_000)?);
        if photos.len() > ARTICLE_PHOTOS {
            return Err(Invalid::new("file", "too_many_files").into());
        }
        let mut kept = Vec::with_capacity(photos.len());
        for bytes in photos {
            kept.push(self.keep_photo(bytes).await?);
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let id = articles::insert(&mut tx, unit_id, account_id, &title, &body, credit, now).await?;
        for (cleaned, key) in &kept {
            articles::add_image(&mut tx, &article_image(id, cleaned, key), now).await?;
        }
        let event = AuditEvent::new("article.submitted", "article", Some(id)).by(Some(account_id));
        self.audit(&mut tx, event.detail(serde_json::json!({"unit_id": unit_id, "photos": kept.len()}))).await?;
        tx.commit().await?;
        Ok(self.store.article(id).await?)
    }

    /// The articles waiting at a page (or decided ones, by `state`), for its commanders and those above.
    pub async fn article_queue(&self, actor: &Actor, unit_id: i64, state: &str) -> Result<Vec<Article>> {
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        // Parsed after the permission check, so a stranger learns nothing from the error.
        let state: ArticleState = state.parse().map_err(|_| Invalid::new("state", "unknown_value"))?;
        Ok(self.store.articles_of_unit(unit_id, state).await?)
    }

    pub async fn my_articles(&self, account_id: i64) -> Result<Vec<Article>> {
        Ok(self.store.articles_of_author(account_id).await?)
    }

    /// Adds a photo to one's own article while it waits (at most `ARTICLE_PHOTOS`), cleaned like every upload.
    pub async fn add_article_image(&self, account_id: i64, id: i64, bytes: Vec<u8>) -> Result<ArticleImage> {
        let article = self.store.article(id).await.map_err(decided)?;
        if article.author_account_id != account_id {
            return Err(CoreError::not_found("article"));
        }
        if article.state.is_decided() {
            return Err(CoreError::Conflict { code: "article_decided", field: None });
        }
        if self.store.article_images(id).await?.len() >= ARTICLE_PHOTOS {
            return Err(Invalid::new("file", "too_many_files").into());
        }
        let (cleaned, key) = self.keep_photo(bytes).await?;
        let mut image = article_image(id, &cleaned, &key);
        let mut tx = self.store.begin().await?;
        image.id = articles::add_image(&mut tx, &image, self.now_ms()).await?;
        tx.commit().await?;
        Ok(image)
    }

    /// An article's photo, for its author and the commanders who decide it: (kind, bytes).
    pub async fn article_image(
        &self,
        account_id: i64,
        actor: Option<&Actor>,
        id: i64,
        image_id: i64,
    ) -> Result<(String, Vec<u8>)> {
        let article = self.store.article(id).await.map_err(decided)?;
        let allowed = article.author_account_id == account_id
            || match actor {
                Some(actor) => self.authorize(actor, Action::EditUnit, article.unit_id).await.is_ok(),
                None => false,
            };
        if !allowed {
            return Err(CoreError::not_found("article"));
        }
        let image = self.store.article_images(id).await?.into_iter().find(|i| i.id == image_id);
        let image = image.ok_or(CoreError::not_found("image"))?;
        Ok((image.kind.clone(), self.read_object(&image.object_key).await?))
    }

    /// The ids of an article's photos (the pages that show them check who may see each).
    pub async fn article_photo_ids(&self, id: i64) -> Result<Vec<i64>> {
        Ok(self.store.article_images(id).await?.into_iter().map(|i| i.id).collect())
    }

    async fn article_to_decide(&self, actor: &Actor, id: i64) -> Result<Article> {
        let article = self.store.article(id).await.map_err(decided)?;
        self.authorize(actor, Action::EditUnit, article.unit_id).await?;
        Ok(article)
    }

    /// Publishes an article as a post of its page, now.
    pub async fn approve_article(&self, actor: &Actor, id: i64, approval: Approval) -> Result<Post> {
        let article = self.article_to_decide(actor, id).await?;
        let title = clean(approval.title.as_deref().unwrap_or(&article.title), "title", 200)?;
        let mut body = clean(approval.body.as_deref().unwrap_or(&article.body), "body", 20_000)?;
        if article.credit {
            let author = self.accounts().account(article.author_account_id).await?;
            body.push_str(&format!("\n\n*Bài viết của bạn đọc {}.*", author.display_name));
        }
        let now = self.now_ms();
        let post = NewPost {
            unit_id: article.unit_id,
            kind: approval.kind,
            body_html: super::markdown::render(&body),
            title: title.clone(),
            body,
            published_at_ms: Some(now),
            author_account_id: actor.account_id,
        };
        let mut tx = self.store.begin().await?;
        let post_id = pages::insert_post(&mut tx, &post, now).await?;
        // The photos become the post's (the same rows), placed after the text.
        let photos = pages::adopt_article_images(&mut tx, id, post_id).await?;
        if !photos.is_empty() {
            let mut body = post.body.clone();
            for image_id in photos {
                body.push_str(&format!("\n\n![](/api/v1/posts/{post_id}/images/{image_id})"));
            }
            pages::set_body(&mut tx, post_id, &body, &super::markdown::render(&body)).await?;
        }
        articles::decide(&mut tx, id, actor.account_id, Some(post_id), None, now).await.map_err(decided)?;
        let note = format!("Bài viết \"{title}\" của bạn đã được đăng.");
        let code = self.store.unit(article.unit_id).await?.code;
        let link = format!("{}/units/{code}#post-{post_id}", self.alerts.public_url);
        self.tell_author(&mut tx, &article, note, Some(link)).await?;
        let detail = serde_json::json!({"post_id": post_id});
        self.audit(
            &mut tx,
            AuditEvent::new("article.approved", "article", Some(id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(self.store.post(post_id).await?)
    }

    /// Turns an article down, with the reason its author reads.
    pub async fn reject_article(&self, actor: &Actor, id: i64, reason: &str) -> Result<Article> {
        let article = self.article_to_decide(actor, id).await?;
        let reason = clean(reason, "reason", 1000)?;
        let mut tx = self.store.begin().await?;
        articles::decide(&mut tx, id, actor.account_id, None, Some(&reason), self.now_ms()).await.map_err(decided)?;
        let note = format!("Bài viết \"{}\" của bạn chưa được đăng: {reason}", article.title);
        self.tell_author(&mut tx, &article, note, None).await?;
        self.audit(&mut tx, AuditEvent::new("article.rejected", "article", Some(id)).by(Some(actor.account_id)))
            .await?;
        tx.commit().await?;
        Ok(self.store.article(id).await?)
    }

    async fn tell_author(
        &self,
        tx: &mut binhyen_store::Tx,
        article: &Article,
        title: String,
        link: Option<String>,
    ) -> Result<()> {
        let note = NewNotification {
            account_id: article.author_account_id,
            at_ms: self.now_ms(),
            kind: NotificationKind::ArticleDecided,
            tip_id: None,
            title,
            body: String::new(),
            link,
        };
        notifications::insert(tx, &note).await?;
        Ok(())
    }
}
