//! Unit pages over the API: a page, following it, its posts, writing and editing posts, and one's home feed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use binhyen_core::pages::{FeedPage, PostInput};
use binhyen_domain::page::PostKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::UnitJson;
use super::extract::{ApiJson, ApiQuery};
use super::params::parse_time;
use super::tip_dto::rfc3339;
use super::tips::officer;
use crate::error::{ApiError, ErrorBody};
use crate::session::{ApiPrincipal, MaybeApiPrincipal};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PostJson {
    pub id: i64,
    pub unit_id: i64,
    pub kind: PostKind,
    pub title: String,
    /// The Markdown as written.
    pub body: String,
    /// Rendered and sanitised: safe to insert into a page.
    pub body_html: String,
    /// Published with a time to come: scheduled.
    pub state: binhyen_domain::page::PostState,
    pub pinned: bool,
    pub published_at: Option<String>,
    pub updated_at: String,
}

impl From<binhyen_domain::entities::pages::Post> for PostJson {
    fn from(p: binhyen_domain::entities::pages::Post) -> Self {
        Self {
            id: p.id,
            unit_id: p.unit_id,
            kind: p.kind,
            title: p.title,
            body: p.body,
            body_html: p.body_html,
            state: p.state,
            pinned: p.pinned,
            published_at: p.published_at_ms.map(rfc3339),
            updated_at: rfc3339(p.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageJson {
    pub unit: UnitJson,
    pub description: Option<String>,
    /// Its avatar (a photo), when it has one.
    pub avatar_url: Option<String>,
    pub followers: i64,
    /// Whether you follow it (false without a token).
    pub following: bool,
    pub pinned: Vec<PostJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedJson {
    /// On the first page only: the public alerts in force over your home (your feed) or issued by the page (a
    /// page's feed), most severe first.
    pub alerts: Vec<super::public_alerts::AlertJson>,
    pub posts: Vec<PostJson>,
    /// Pass as `cursor` for older posts; absent on the last page.
    pub next_cursor: Option<String>,
}

impl FeedJson {
    fn new(state: &AppState, f: FeedPage) -> Self {
        let (base, now) = (&state.core.alerts.public_url, state.core.now_ms());
        Self {
            alerts: f.alerts.into_iter().map(|a| super::public_alerts::AlertJson::new(a, base, now)).collect(),
            posts: f.posts.into_iter().map(Into::into).collect(),
            next_cursor: f.next,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CursorQuery {
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
}

async fn unit_id(state: &AppState, code: &str) -> Result<i64, ApiError> {
    Ok(state.core.units().unit_by_code(code).await?.id)
}

/// A unit's page: public.
#[utoipa::path(get, path = "/pages/{code}", tag = "pages", params(("code" = String, Path)),
    responses((status = 200, body = PageJson), (status = 404, body = ErrorBody)))]
pub async fn page(
    State(state): State<AppState>,
    MaybeApiPrincipal(p): MaybeApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<PageJson>, ApiError> {
    let id = unit_id(&state, &code).await?;
    let view = state.core.pages().page(id, p.map(|p| p.account.id)).await?;
    Ok(Json(PageJson {
        avatar_url: view.avatar.then(|| format!("/api/v1/pages/{}/avatar", view.unit.code)),
        unit: view.unit.into(),
        description: view.description,
        followers: view.followers,
        following: view.following,
        pinned: view.pinned.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EditPageRequest {
    /// What the page is for; empty for none. At most 2,000 characters.
    pub description: String,
}

/// Rewrite a page's description (commanders of the unit or above).
#[utoipa::path(put, path = "/pages/{code}", tag = "pages", security(("bearer" = [])), params(("code" = String, Path)),
    request_body = EditPageRequest, responses((status = 204), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_page(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<EditPageRequest>,
) -> Result<StatusCode, ApiError> {
    let actor = officer(&p)?;
    let id = unit_id(&state, &code).await?;
    state.core.pages().edit_page(&actor, id, &body.description).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set a page's avatar: the photo's bytes as the body (JPEG, PNG or WebP; metadata is removed).
#[utoipa::path(put, path = "/pages/{code}/avatar", tag = "pages", security(("bearer" = [])),
    params(("code" = String, Path)), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "empty, too_large, unsupported_type, corrupt_file or not_an_image")))]
pub async fn set_avatar(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"))?;
    let actor = officer(&p)?;
    let id = unit_id(&state, &code).await?;
    state.core.pages().set_page_avatar(&actor, id, body.to_vec()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page's avatar: public.
#[utoipa::path(get, path = "/pages/{code}/avatar", tag = "pages", params(("code" = String, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody)))]
pub async fn avatar(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let id = unit_id(&state, &code).await?;
    let (kind, bytes) = state.core.pages().page_avatar(id).await?;
    Ok(crate::attachment::attachment_response(&kind, bytes))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowJson {
    pub following: bool,
    pub followers: i64,
}

/// Follow a page (again: no change).
#[utoipa::path(put, path = "/pages/{code}/follow", tag = "pages", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = FollowJson), (status = 404, body = ErrorBody)))]
pub async fn follow(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<FollowJson>, ApiError> {
    let id = unit_id(&state, &code).await?;
    let followers = state.core.pages().set_following(p.account.id, id, true).await?;
    Ok(Json(FollowJson { following: true, followers }))
}

/// Stop following a page.
#[utoipa::path(delete, path = "/pages/{code}/follow", tag = "pages", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = FollowJson), (status = 404, body = ErrorBody)))]
pub async fn unfollow(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<FollowJson>, ApiError> {
    let id = unit_id(&state, &code).await?;
    let followers = state.core.pages().set_following(p.account.id, id, false).await?;
    Ok(Json(FollowJson { following: false, followers }))
}

/// A page's posts, newest first.
#[utoipa::path(get, path = "/pages/{code}/posts", tag = "pages", params(("code" = String, Path), CursorQuery),
    responses((status = 200, body = FeedJson), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn page_posts(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<CursorQuery>,
) -> Result<Json<FeedJson>, ApiError> {
    let id = unit_id(&state, &code).await?;
    Ok(Json(FeedJson::new(&state, state.core.pages().page_feed(id, q.cursor.as_deref()).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPostRequest {
    pub kind: PostKind,
    pub title: String,
    /// Markdown; HTML in it is sanitised.
    pub body: String,
    /// true: keep as a draft.
    #[serde(default)]
    pub draft: bool,
    /// RFC 3339: publish then (scheduled); default now.
    pub publish_at: Option<String>,
}

/// Write a post on a unit's page (commanders of the unit or above).
#[utoipa::path(post, path = "/pages/{code}/posts", tag = "pages", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = NewPostRequest,
    responses((status = 201, body = PostJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_post(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<NewPostRequest>,
) -> Result<(StatusCode, Json<PostJson>), ApiError> {
    let actor = officer(&p)?;
    let id = unit_id(&state, &code).await?;
    let at = parse_time(body.publish_at.as_deref(), "publish_at")?;
    // Not a draft: published at the time given, or now (core publishes a time already past as now).
    let publish_at_ms = (!body.draft).then(|| at.unwrap_or(i64::MIN));
    let input = PostInput { kind: body.kind, title: body.title, body: body.body, publish_at_ms };
    let post = state.core.pages().create_post(&actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(post.into())))
}

fn post_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "post_not_found"))
}

/// A post: published ones for anyone, drafts and scheduled ones for the officers who may edit them.
#[utoipa::path(get, path = "/posts/{id}", tag = "pages", params(("id" = i64, Path)),
    responses((status = 200, body = PostJson), (status = 404, body = ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    MaybeApiPrincipal(p): MaybeApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<PostJson>, ApiError> {
    let actor = p.and_then(|p| p.actor());
    Ok(Json(state.core.pages().post(actor.as_ref(), post_id(&id)?).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EditPostRequest {
    pub title: String,
    pub body: String,
}

/// Edit a post (its earlier text is kept).
#[utoipa::path(put, path = "/posts/{id}", tag = "pages", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = EditPostRequest, responses((status = 200, body = PostJson), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn edit_post(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EditPostRequest>,
) -> Result<Json<PostJson>, ApiError> {
    let actor = officer(&p)?;
    Ok(Json(state.core.pages().edit_post(&actor, post_id(&id)?, &body.title, &body.body).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PinRequest {
    pub pinned: bool,
}

/// Pin or unpin a post at the top of its page.
#[utoipa::path(put, path = "/posts/{id}/pin", tag = "pages", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = PinRequest, responses((status = 200, body = PostJson), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn pin_post(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PinRequest>,
) -> Result<Json<PostJson>, ApiError> {
    let actor = officer(&p)?;
    Ok(Json(state.core.pages().pin_post(&actor, post_id(&id)?, body.pinned).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishRequest {
    /// RFC 3339: publish then (scheduled); default now.
    pub at: Option<String>,
}

/// Publish a draft.
#[utoipa::path(post, path = "/posts/{id}/publish", tag = "pages", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PublishRequest,
    responses((status = 200, body = PostJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already published")))]
pub async fn publish_post(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PublishRequest>,
) -> Result<Json<PostJson>, ApiError> {
    let actor = officer(&p)?;
    let at = parse_time(body.at.as_deref(), "at")?;
    Ok(Json(state.core.pages().publish_post(&actor, post_id(&id)?, at).await?.into()))
}

/// The posts of the pages you follow, newest first.
#[utoipa::path(get, path = "/me/feed", tag = "pages", security(("bearer" = [])), params(CursorQuery),
    responses((status = 200, body = FeedJson), (status = 422, body = ErrorBody)))]
pub async fn home_feed(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<CursorQuery>,
) -> Result<Json<FeedJson>, ApiError> {
    Ok(Json(FeedJson::new(&state, state.core.pages().home_feed(p.account.id, q.cursor.as_deref()).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedJson {
    /// The unit answering for your home place today, then the units above it.
    pub pages: Vec<UnitJson>,
}

/// Pages offered to you: your commune's and those above it.
#[utoipa::path(get, path = "/me/suggested-pages", tag = "pages", security(("bearer" = [])),
    responses((status = 200, body = SuggestedJson)))]
pub async fn suggested(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<SuggestedJson>, ApiError> {
    let units = state.core.pages().suggested_pages(p.account.id).await?;
    Ok(Json(SuggestedJson { pages: units.into_iter().map(Into::into).collect() }))
}

/// A page's newest posts as an Atom feed, for feed readers and other sites.
#[utoipa::path(get, path = "/pages/{code}/feed.atom", tag = "pages", params(("code" = String, Path)),
    responses((status = 200, content_type = "application/atom+xml", body = String), (status = 404, body = ErrorBody)))]
pub async fn atom(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let id = unit_id(&state, &code).await?;
    let page = state.core.pages().page(id, None).await?;
    let posts = state.core.pages().page_feed(id, None).await?.posts;
    let now_ms = state.core.now_ms();
    let xml = crate::atom::page_feed(&state.core.alerts.public_url, &page, &posts, now_ms);
    Ok(([(axum::http::header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleJson {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub body: String,
    /// Whether the published post names its author.
    pub credit: bool,
    pub state: binhyen_domain::page::ArticleState,
    /// Why it was not published.
    pub reason: Option<String>,
    /// The post it became.
    pub post_id: Option<i64>,
    pub created_at: String,
}

impl From<binhyen_domain::entities::articles::Article> for ArticleJson {
    fn from(a: binhyen_domain::entities::articles::Article) -> Self {
        Self {
            id: a.id,
            unit_id: a.unit_id,
            title: a.title,
            body: a.body,
            credit: a.credit,
            state: a.state,
            reason: a.reason,
            post_id: a.post_id,
            created_at: rfc3339(a.created_at_ms),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewArticleRequest {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// false: publish without naming me. Default true.
    #[serde(default = "yes")]
    pub credit: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlesJson {
    pub articles: Vec<ArticleJson>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ArticlesQuery {
    /// submitted (default), approved or rejected.
    state: Option<String>,
}

/// Send an article to a unit's page (anyone signed in); officers decide whether it is published.
#[utoipa::path(post, path = "/pages/{code}/articles", tag = "pages", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = NewArticleRequest,
    responses((status = 201, body = ArticleJson), (status = 404, body = ErrorBody)))]
pub async fn submit_article(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<NewArticleRequest>,
) -> Result<(StatusCode, Json<ArticleJson>), ApiError> {
    let id = unit_id(&state, &code).await?;
    let article =
        state.core.pages().submit_article(p.account.id, id, &body.title, &body.body, body.credit, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(article.into())))
}

/// The articles sent to a page, oldest first (commanders of the unit or above).
#[utoipa::path(get, path = "/pages/{code}/articles", tag = "pages", security(("bearer" = [])),
    params(("code" = String, Path), ArticlesQuery),
    responses((status = 200, body = ArticlesJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn article_queue(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<ArticlesQuery>,
) -> Result<Json<ArticlesJson>, ApiError> {
    let actor = officer(&p)?;
    let id = unit_id(&state, &code).await?;
    let articles = state.core.pages().article_queue(&actor, id, q.state.as_deref().unwrap_or("submitted")).await?;
    Ok(Json(ArticlesJson { articles: articles.into_iter().map(Into::into).collect() }))
}

/// Your articles and what became of them.
#[utoipa::path(get, path = "/me/articles", tag = "pages", security(("bearer" = [])),
    responses((status = 200, body = ArticlesJson)))]
pub async fn my_articles(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<ArticlesJson>, ApiError> {
    let articles = state.core.pages().my_articles(p.account.id).await?;
    Ok(Json(ArticlesJson { articles: articles.into_iter().map(Into::into).collect() }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApproveRequest {
    pub kind: PostKind,
    /// The title as edited (default: as written).
    pub title: Option<String>,
    /// The text as edited (default: as written).
    pub body: Option<String>,
}

fn article_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "article_not_found"))
}

/// Publish an article (edited if need be) as a post of its page.
#[utoipa::path(post, path = "/articles/{id}/approve", tag = "pages", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ApproveRequest,
    responses((status = 200, body = PostJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already decided")))]
pub async fn approve_article(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApproveRequest>,
) -> Result<Json<PostJson>, ApiError> {
    let actor = officer(&p)?;
    let approval = binhyen_core::pages::Approval { kind: body.kind, title: body.title, body: body.body };
    Ok(Json(state.core.pages().approve_article(&actor, article_id(&id)?, approval).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RejectRequest {
    /// What the author reads.
    pub reason: String,
}

/// Turn an article down, with a reason.
#[utoipa::path(post, path = "/articles/{id}/reject", tag = "pages", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = RejectRequest,
    responses((status = 200, body = ArticleJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already decided")))]
pub async fn reject_article(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> Result<Json<ArticleJson>, ApiError> {
    let actor = officer(&p)?;
    Ok(Json(state.core.pages().reject_article(&actor, article_id(&id)?, &body.reason).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImageJson {
    pub id: i64,
    /// jpg, png or webp: what the bytes really are.
    pub kind: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Where the image is served.
    pub url: String,
    /// Paste into the post's body to show it.
    pub markdown: String,
}

/// Add a photo to a post (JPEG, PNG or WebP; location and device metadata removed before anything is stored).
#[utoipa::path(post, path = "/posts/{id}/images", tag = "pages", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ImageJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "empty, too_large, unsupported_type, corrupt_file or not_an_image")))]
pub async fn add_image(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<ImageJson>), ApiError> {
    let body = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"))?;
    let actor = officer(&p)?;
    let post_id = post_id(&id)?;
    let image = state.core.pages().add_post_image(&actor, post_id, body.to_vec()).await?;
    let url = format!("/api/v1/posts/{post_id}/images/{}", image.id);
    Ok((
        StatusCode::CREATED,
        Json(ImageJson {
            id: image.id,
            kind: image.kind,
            width: image.width,
            height: image.height,
            markdown: format!("![]({url})"),
            url,
        }),
    ))
}

/// A post's photo: public once the post is.
#[utoipa::path(get, path = "/posts/{id}/images/{image_id}", tag = "pages",
    params(("id" = i64, Path), ("image_id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody)))]
pub async fn image(
    State(state): State<AppState>,
    MaybeApiPrincipal(p): MaybeApiPrincipal,
    Path((id, image_id)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "image_not_found");
    let (post_id, image_id) = (post_id(&id)?, image_id.parse().map_err(|_| not_found())?);
    let actor = p.and_then(|p| p.actor());
    let (image, bytes) = state.core.pages().post_image(actor.as_ref(), post_id, image_id).await?;
    Ok(crate::attachment::attachment_response(&image.kind, bytes))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleImageJson {
    pub id: i64,
    /// jpg, png or webp.
    pub kind: String,
    /// Where the author and the page's commanders see it (with their token).
    pub url: String,
}

/// Add a photo to your article while it waits (at most 6): JPEG, PNG or WebP; metadata is removed. Approved,
/// the article's photos become the post's.
#[utoipa::path(post, path = "/articles/{id}/images", tag = "pages", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ArticleImageJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "empty, too_large, unsupported_type, corrupt_file, not_an_image or too_many_files")))]
pub async fn add_article_image(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<ArticleImageJson>), ApiError> {
    let body = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"))?;
    let id = article_id(&id)?;
    let image = state.core.pages().add_article_image(p.account.id, id, body.to_vec()).await?;
    let url = format!("/api/v1/articles/{id}/images/{}", image.id);
    Ok((StatusCode::CREATED, Json(ArticleImageJson { id: image.id, kind: image.kind, url })))
}

/// A photo of an article, for its author and the page's commanders.
#[utoipa::path(get, path = "/articles/{id}/images/{image_id}", tag = "pages", security(("bearer" = [])),
    params(("id" = i64, Path), ("image_id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody)))]
pub async fn article_image(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path((id, image_id)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "image_not_found");
    let (id, image_id) = (article_id(&id)?, image_id.parse().map_err(|_| not_found())?);
    let (kind, bytes) = state.core.pages().article_image(p.account.id, p.actor().as_ref(), id, image_id).await?;
    Ok(crate::attachment::attachment_response(&kind, bytes))
}
