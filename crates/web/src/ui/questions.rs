//! Questions on the site: asking a unit (`/units/{code}/ask`, with a photo; guides are suggested while typing by
//! `app.js`, and again beside the question), the thread (`/questions/{id}`: its asker and the unit's officers
//! write, officers may start from a canned reply, either may close it), one's questions (`/my/questions`) and a
//! unit's (`/units/{code}/questions`, officers).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_domain::entities::questions::Question;
use binhyen_domain::question::QuestionState;
use binhyen_domain::time_vn::format_instant_ms;
use binhyen_domain::Invalid;
use serde::Deserialize;

use super::guides::GuideLink;
use super::{or_page, page, Layout};
use crate::error::ApiError;
use crate::i18n::{self, Lang};
use crate::session::{CsrfForm, CsrfMultipart, UploadedFile, Visitor};
use crate::ui::officers::{actor_of, officers_only};
use crate::AppState;

/// The question form with its photo (a phone's photo is a few MiB).
pub(crate) const FORM_LIMIT: usize = 16 * 1024 * 1024;

fn state_label(lang: Lang, state: QuestionState) -> &'static str {
    let t = lang.text();
    match state {
        QuestionState::Open => t.question_state_open,
        QuestionState::Answered => t.question_state_answered,
        QuestionState::Closed => t.question_state_closed,
    }
}

/// A question in a list.
pub(crate) struct QuestionLink {
    id: i64,
    excerpt: String,
    state: &'static str,
    at: String,
}

fn links(lang: Lang, questions: Vec<Question>) -> Vec<QuestionLink> {
    questions
        .into_iter()
        .map(|q| QuestionLink {
            id: q.id,
            excerpt: q.body.chars().take(120).collect(),
            state: state_label(lang, q.state),
            at: format_instant_ms(q.created_at_ms),
        })
        .collect()
}

fn signed_in(v: &Visitor) -> Option<i64> {
    v.principal.as_ref().map(|p| p.account.id)
}

#[derive(Template)]
#[template(path = "ask.html")]
struct AskPage {
    l: Layout,
    code: String,
    name: String,
    body: String,
    error: Option<String>,
}

pub(crate) async fn ask_form(State(state): State<AppState>, v: Visitor, Path(code): Path<String>) -> Response {
    if signed_in(&v).is_none() {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    }
    let unit = or_page!(v, state.core.units().unit_by_code(&code).await);
    let tpl = AskPage {
        l: Layout::new(&v, v.lang.text().ask_title),
        code: unit.code,
        name: unit.name,
        body: String::new(),
        error: None,
    };
    page(v, StatusCode::OK, &tpl)
}

#[derive(Deserialize, Default)]
pub(crate) struct AskForm {
    #[serde(default)]
    body: String,
}

pub(crate) async fn ask(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfMultipart(v, f, files): CsrfMultipart<AskForm>,
) -> Response {
    let Some(account) = signed_in(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let unit = or_page!(v, state.core.units().unit_by_code(&code).await);
    let photo = files
        .into_iter()
        .find(|file: &UploadedFile| !file.name.is_empty() || file.bytes.as_ref().is_ok_and(|b| !b.is_empty()));
    let result = async {
        let photo = match photo.map(|p| p.bytes) {
            Some(Ok(bytes)) if !bytes.is_empty() => Some(bytes),
            Some(Err(code)) => return Err(Invalid::new("file", code).into()),
            _ => None,
        };
        state.core.questions().ask_question(account, unit.id, &f.body, photo).await
    }
    .await;
    match result {
        Ok(q) => (v.jar, Redirect::to(&format!("/questions/{}", q.id))).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            let error = Some(i18n::message(v.lang, api.code).to_owned());
            let tpl = AskPage {
                l: Layout::new(&v, v.lang.text().ask_title),
                code: unit.code,
                name: unit.name,
                body: f.body,
                error,
            };
            page(v, api.status, &tpl)
        }
    }
}

/// A message of the thread as shown.
pub(crate) struct Shown {
    from_officer: bool,
    body: String,
    at: String,
}

#[derive(Template)]
#[template(path = "question.html")]
struct QuestionPage {
    l: Layout,
    id: i64,
    body: String,
    state: &'static str,
    closed: bool,
    has_photo: bool,
    at: String,
    unit: (String, String),
    messages: Vec<Shown>,
    /// Officers: the unit's canned replies (title, text).
    canned: Vec<(String, String)>,
    suggested: Vec<GuideLink>,
    error: Option<String>,
}

async fn render(state: &AppState, v: Visitor, id: i64, status: StatusCode, error: Option<String>) -> Response {
    let Some(account) = signed_in(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let actor = actor_of(&v);
    let thread = or_page!(v, state.core.questions().question_thread(account, actor.as_ref(), id).await);
    let q = thread.question;
    let unit = or_page!(v, state.core.units().unit_detail(q.unit_id).await).unit;
    let canned = match &actor {
        Some(actor) => state.core.questions().canned_replies(actor, q.unit_id).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let suggested = state.core.guides().search_guides(&q.body, Some(q.unit_id)).await.unwrap_or_default();
    let tpl = QuestionPage {
        l: Layout::new(&v, format!("{} #{id}", v.lang.text().question_title)),
        id,
        state: state_label(v.lang, q.state),
        closed: q.state == QuestionState::Closed,
        has_photo: q.attachment.is_some(),
        at: format_instant_ms(q.created_at_ms),
        body: q.body,
        unit: (unit.code, unit.name),
        messages: thread
            .messages
            .into_iter()
            .map(|m| Shown { from_officer: m.from_officer, body: m.body, at: format_instant_ms(m.at_ms) })
            .collect(),
        canned: canned.into_iter().map(|c| (c.title, c.body)).collect(),
        suggested: suggested.into_iter().take(3).map(Into::into).collect(),
        error,
    };
    page(v, status, &tpl)
}

fn question_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "question_not_found"))
}

pub(crate) async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    match question_id(&id) {
        Ok(id) => render(&state, v, id, StatusCode::OK, None).await,
        Err(e) => super::error_page(v, e),
    }
}

/// The question's photo, for whoever may read the question.
pub(crate) async fn photo(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let Some(account) = signed_in(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let id = match question_id(&id) {
        Ok(id) => id,
        Err(e) => return super::error_page(v, e),
    };
    let (kind, bytes) = or_page!(v, state.core.questions().question_photo(account, actor_of(&v).as_ref(), id).await);
    crate::attachment::attachment_response(&kind, bytes)
}

#[derive(Deserialize)]
pub(crate) struct ReplyForm {
    #[serde(default)]
    body: String,
}

pub(crate) async fn reply(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<ReplyForm>,
) -> Response {
    let Some(account) = signed_in(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let id = match question_id(&id) {
        Ok(id) => id,
        Err(e) => return super::error_page(v, e),
    };
    match state.core.questions().write_in_question(account, actor_of(&v).as_ref(), id, &f.body).await {
        Ok(_) => (v.jar, Redirect::to(&format!("/questions/{id}"))).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            if api.status == StatusCode::NOT_FOUND || api.status == StatusCode::FORBIDDEN {
                return super::error_page(v, api);
            }
            let message = i18n::message(v.lang, api.code).to_owned();
            render(&state, v, id, api.status, Some(message)).await
        }
    }
}

pub(crate) async fn close(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, _): CsrfForm<crate::ui::officers::alerting::Empty>,
) -> Response {
    let Some(account) = signed_in(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let id = match question_id(&id) {
        Ok(id) => id,
        Err(e) => return super::error_page(v, e),
    };
    or_page!(v, state.core.questions().close_question(account, actor_of(&v).as_ref(), id).await);
    (v.jar, Redirect::to(&format!("/questions/{id}"))).into_response()
}

#[derive(Template)]
#[template(path = "questions.html")]
struct QuestionsPage {
    l: Layout,
    heading: String,
    questions: Vec<QuestionLink>,
}

pub(crate) async fn mine(State(state): State<AppState>, v: Visitor) -> Response {
    let Some(account) = signed_in(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let questions = or_page!(v, state.core.questions().my_questions(account).await);
    let heading = v.lang.text().my_questions.to_owned();
    let tpl = QuestionsPage { l: Layout::new(&v, heading.clone()), heading, questions: links(v.lang, questions) };
    page(v, StatusCode::OK, &tpl)
}

pub(crate) async fn of_unit(State(state): State<AppState>, v: Visitor, Path(code): Path<String>) -> Response {
    let Some(actor) = actor_of(&v) else { return officers_only(v) };
    let unit = or_page!(v, state.core.units().unit_by_code(&code).await);
    let questions = or_page!(v, state.core.questions().unit_questions(&actor, unit.id, None).await);
    let heading = format!("{} – {}", v.lang.text().unit_questions, unit.name);
    let tpl = QuestionsPage { l: Layout::new(&v, heading.clone()), heading, questions: links(v.lang, questions) };
    page(v, StatusCode::OK, &tpl)
}
