//! Running a unit's page on the site (`/units/{code}/manage`, commanders of the unit and above): its
//! description, writing posts (drafts and scheduled ones too), issuing and ending public alerts, and deciding
//! the articles citizens sent. Citizens send articles from the unit's page. Every POST goes through
//! `CsrfForm`, calls its use case and goes back (303) with what was done, or shows the page again with why not.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::pages::{Approval, PostInput};
use binhyen_core::public_alerts::AlertInput;
use binhyen_core::CoreError;
use binhyen_domain::alert::{AlertCategory, Certainty, Severity, Urgency};
use binhyen_domain::entities::units::Unit;
use binhyen_domain::page::PostKind;
use binhyen_domain::{Action, Actor, Invalid};
use serde::Deserialize;

use super::public_alerts::AlertCard;
use crate::error::ApiError;
use crate::i18n::{self, alert_category, alert_certainty, alert_severity, alert_urgency, post_kind, Lang};
use crate::session::{CsrfForm, CsrfMultipart, Visitor};
use crate::ui::officers::actor_of;
use crate::ui::{or_page, page, Layout};
use crate::AppState;

/// A choice in a select.
pub(crate) struct Choice {
    value: String,
    label: String,
}

fn choices<T: Copy>(all: &[T], value: impl Fn(T) -> &'static str, label: impl Fn(T) -> String) -> Vec<Choice> {
    all.iter().map(|&x| Choice { value: value(x).to_owned(), label: label(x) }).collect()
}

/// An article waiting for a decision.
pub(crate) struct Waiting {
    id: i64,
    title: String,
    body: String,
    credit: bool,
    /// Its photos' ids.
    photos: Vec<i64>,
}

#[derive(Template)]
#[template(path = "page_manage.html")]
struct ManagePage {
    l: Layout,
    code: String,
    name: String,
    description: String,
    done: Option<&'static str>,
    error: Option<String>,
    kinds: Vec<Choice>,
    areas: Vec<Choice>,
    categories: Vec<Choice>,
    severities: Vec<Choice>,
    urgencies: Vec<Choice>,
    certainties: Vec<Choice>,
    /// `datetime-local` value a day from now, Vietnam time.
    expires_default: String,
    alerts: Vec<AlertCard>,
    articles: Vec<Waiting>,
    /// The unit's canned replies to questions (title, text).
    canned: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// The officer and the unit, or the page to answer instead (not an officer, no such unit, not allowed): the
/// guard of every page a commander runs their unit from.
pub(crate) async fn unit_to_manage(state: &AppState, v: &Visitor, code: &str) -> Result<(Actor, Unit), ApiError> {
    let code_for = |reason| ApiError::new(StatusCode::FORBIDDEN, reason);
    let actor =
        actor_of(v).ok_or_else(|| code_for(if v.principal.is_some() { "not_an_officer" } else { "no_session" }))?;
    let unit = state.core.units().unit_by_code(code).await?;
    state.core.authorize(&actor, Action::EditUnit, unit.id).await?;
    Ok((actor, unit))
}

/// `2026-11-30T08:00` in Vietnam time, as `datetime-local` inputs send it; None when empty.
fn local_time(value: &str, field: &'static str) -> Result<Option<i64>, CoreError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let at = time::PrimitiveDateTime::parse(value, &format).map_err(|_| Invalid::new(field, "invalid_time"))?;
    Ok(Some((at.assume_offset(binhyen_domain::time_vn::VIETNAM).unix_timestamp_nanos() / 1_000_000) as i64))
}

fn datetime_local(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| t.to_offset(binhyen_domain::time_vn::VIETNAM).format(&format).unwrap_or_default())
        .unwrap_or_default()
}

/// What a `?done=` says was done.
fn done_text(lang: Lang, done: &str) -> Option<&'static str> {
    let t = lang.text();
    match done {
        "post" | "page" | "article" | "alert" | "cancelled" | "canned" => Some(t.saved),
        _ => None,
    }
}

async fn render(
    state: &AppState,
    v: Visitor,
    unit: Unit,
    status: StatusCode,
    done: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let lang = v.lang;
    let actor = actor_of(&v);
    let view = or_page!(v, state.core.pages().page(unit.id, None).await);
    let detail = or_page!(v, state.core.units().unit_detail(unit.id).await);
    let mut areas = Vec::new();
    for a in &detail.jurisdiction {
        areas.push(Choice { value: a.id.to_string(), label: a.name.clone() });
        for child in or_page!(v, state.core.units().area_detail(a.id).await).children {
            areas.push(Choice { value: child.id.to_string(), label: format!("— {}", child.name) });
        }
    }
    let articles = match &actor {
        Some(actor) => or_page!(v, state.core.pages().article_queue(actor, unit.id, "submitted").await),
        None => Vec::new(),
    };
    let mut waiting = Vec::with_capacity(articles.len());
    for a in articles {
        let photos = or_page!(v, state.core.pages().article_photo_ids(a.id).await);
        waiting.push(Waiting { id: a.id, title: a.title, body: a.body, credit: a.credit, photos });
    }
    let alerts = or_page!(v, state.core.public_alerts().unit_alerts(unit.id).await);
    let canned = match &actor {
        Some(actor) => or_page!(v, state.core.questions().canned_replies(actor, unit.id).await),
        None => Vec::new(),
    };
    let now = state.core.now_ms();
    let tpl = ManagePage {
        l: Layout::new(&v, format!("{} – {}", lang.text().manage_page, unit.name)),
        description: view.description.unwrap_or_default(),
        kinds: choices(PostKind::ALL, PostKind::as_str, |k| post_kind(lang, k).to_owned()),
        categories: choices(AlertCategory::ALL, AlertCategory::as_str, |c| alert_category(lang, c).to_owned()),
        severities: choices(Severity::ALL, Severity::as_str, |s| alert_severity(lang, s).to_owned()),
        urgencies: choices(Urgency::ALL, Urgency::as_str, |u| alert_urgency(lang, u).to_owned()),
        certainties: choices(Certainty::ALL, Certainty::as_str, |c| alert_certainty(lang, c).to_owned()),
        expires_default: datetime_local(now + 86_400_000),
        alerts: AlertCard::all(lang, alerts, state),
        articles: waiting,
        canned: canned.into_iter().map(|c| (c.title, c.body)).collect(),
        code: unit.code,
        name: unit.name,
        areas,
        done,
        error,
    };
    page(v, status, &tpl)
}

pub(crate) async fn manage(
    State(state): State<AppState>,
    v: Visitor,
    Path(code): Path<String>,
    q: Result<Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let unit = match unit_to_manage(&state, &v, &code).await {
        Ok((_, unit)) => unit,
        Err(e) => return crate::ui::error_page(v, e),
    };
    let done = q.ok().and_then(|Query(q)| done_text(v.lang, &q.done));
    render(&state, v, unit, StatusCode::OK, done, None).await
}

/// Back to the manage page with what was done, or the page again with why not.
async fn finish(state: &AppState, v: Visitor, unit: Unit, what: &str, result: Result<(), CoreError>) -> Response {
    match result {
        Ok(()) => (v.jar, Redirect::to(&format!("/units/{}/manage?done={what}", unit.code))).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            let message = i18n::message(v.lang, api.code).to_owned();
            let shown = match api.field.as_deref() {
                Some(field) => format!("{message} ({field})"),
                None => message,
            };
            render(state, v, unit, api.status, None, Some(shown)).await
        }
    }
}

/// The officer and unit of a manage form, or an early return with the page to answer instead.
macro_rules! managing {
    ($state:expr, $v:expr, $code:expr) => {
        match super::manage::unit_to_manage(&$state, &$v, &$code).await {
            Ok(found) => found,
            Err(e) => {
                if crate::ui::officers::actor_of(&$v).is_none() {
                    return crate::ui::officers::officers_only($v);
                }
                return crate::ui::error_page($v, e);
            }
        }
    };
}
pub(crate) use managing;

#[derive(Deserialize)]
pub(crate) struct DescriptionForm {
    #[serde(default)]
    description: String,
}

pub(crate) async fn describe(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(v, f): CsrfForm<DescriptionForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = state.core.pages().edit_page(&actor, unit.id, &f.description).await;
    finish(&state, v, unit, "page", result).await
}

#[derive(Deserialize)]
pub(crate) struct PostForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// "1": keep as a draft.
    #[serde(default)]
    draft: String,
    #[serde(default)]
    publish_at: String,
}

pub(crate) async fn write_post(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(v, f): CsrfForm<PostForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = async {
        let kind: PostKind = f.kind.parse()?;
        let at = local_time(&f.publish_at, "publish_at")?;
        let publish_at_ms = (f.draft != "1").then(|| at.unwrap_or(i64::MIN));
        let input = PostInput { kind, title: f.title.clone(), body: f.body.clone(), publish_at_ms };
        state.core.pages().create_post(&actor, unit.id, input).await.map(|_| ())
    }
    .await;
    finish(&state, v, unit, "post", result).await
}

#[derive(Deserialize)]
pub(crate) struct AlertForm {
    #[serde(default)]
    area_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    certainty: String,
    #[serde(default)]
    headline: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    instruction: String,
    #[serde(default)]
    expires_at: String,
}

pub(crate) async fn issue_alert(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(v, f): CsrfForm<AlertForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = async {
        let input = AlertInput {
            area_id: f.area_id.parse().map_err(|_| Invalid::new("area_id", "required"))?,
            category: f.category.parse()?,
            event: f.event.clone(),
            severity: f.severity.parse()?,
            urgency: f.urgency.parse()?,
            certainty: f.certainty.parse()?,
            headline: f.headline.clone(),
            description: f.description.clone(),
            instruction: Some(f.instruction.clone()),
            expires_at_ms: local_time(&f.expires_at, "expires_at")?.ok_or(Invalid::new("expires_at", "required"))?,
        };
        state.core.public_alerts().issue_alert(&actor, unit.id, input).await.map(|_| ())
    }
    .await;
    finish(&state, v, unit, "alert", result).await
}

pub(crate) async fn cancel_alert(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    CsrfForm(v, _): CsrfForm<crate::ui::officers::alerting::Empty>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = async {
        let id = id.parse().map_err(|_| CoreError::not_found("alert"))?;
        state.core.public_alerts().cancel_alert(&actor, id).await.map(|_| ())
    }
    .await;
    finish(&state, v, unit, "cancelled", result).await
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    /// "approve" or "reject".
    #[serde(default)]
    decision: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reason: String,
}

pub(crate) async fn decide_article(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    CsrfForm(v, f): CsrfForm<DecisionForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = async {
        let id = id.parse().map_err(|_| CoreError::not_found("article"))?;
        match f.decision.as_str() {
            "approve" => {
                let approval = Approval { kind: f.kind.parse()?, title: None, body: None };
                state.core.pages().approve_article(&actor, id, approval).await.map(|_| ())
            }
            "reject" => state.core.pages().reject_article(&actor, id, &f.reason).await.map(|_| ()),
            _ => Err(Invalid::new("decision", "unknown_value").into()),
        }
    }
    .await;
    finish(&state, v, unit, "article", result).await
}

#[derive(Deserialize)]
pub(crate) struct CannedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// Adds a canned reply to the unit's list (offered when officers answer questions).
pub(crate) async fn add_canned(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(v, f): CsrfForm<CannedForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = state.core.questions().add_canned_reply(&actor, unit.id, &f.title, &f.body).await.map(|_| ());
    finish(&state, v, unit, "canned", result).await
}

#[derive(Deserialize)]
pub(crate) struct ArticleForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// "1": name the author when published.
    #[serde(default)]
    credit: String,
}

/// The article form with its photos.
pub(crate) const ARTICLE_FORM_LIMIT: usize = 64 * 1024 * 1024;

/// A citizen sends the page an article, with photos; back to the page with a thank-you, or the error page with
/// why not (nothing is kept then).
pub(crate) async fn send_article(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfMultipart(v, f, files): CsrfMultipart<ArticleForm>,
) -> Response {
    let Some(account_id) = v.principal.as_ref().map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let unit = or_page!(v, state.core.units().unit_by_code(&code).await);
    let mut photos = Vec::new();
    for file in files {
        match file.bytes {
            Ok(bytes) if bytes.is_empty() && file.name.is_empty() => {}
            Ok(bytes) => photos.push(bytes),
            Err(code) => {
                return crate::ui::error_page(v, ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code).field("file"))
            }
        }
    }
    or_page!(
        v,
        state.core.pages().submit_article(account_id, unit.id, &f.title, &f.body, f.credit == "1", photos).await
    );
    (v.jar, Redirect::to(&format!("/units/{}?sent=article#send-article", unit.code))).into_response()
}

/// A photo of an article, for its author and the page's commanders (signed in on the site).
pub(crate) async fn article_photo(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, image_id)): Path<(String, String)>,
) -> Response {
    let Some(account_id) = v.principal.as_ref().map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "image_not_found");
    let (Ok(id), Ok(image_id)) = (id.parse::<i64>(), image_id.parse::<i64>()) else {
        return crate::ui::error_page(v, not_found());
    };
    let (kind, bytes) =
        or_page!(v, state.core.pages().article_image(account_id, actor_of(&v).as_ref(), id, image_id).await);
    crate::attachment::attachment_response(&kind, bytes)
}
