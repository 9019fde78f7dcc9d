//! The durable job queue for administrators of a top-level unit: the jobs in one state, newest first, and a
//! "Thử lại" form on each failed (dead) job. Core decides who may see it; anyone else gets the 403 page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::jobs::JobReport;
use binhyen_domain::job::JobState;
use binhyen_domain::time_vn::format_instant_ms;
use binhyen_domain::Actor;
use serde::Deserialize;

use super::alerting::{unread_count, Empty};
use super::{actor_of, officers_only};
use crate::error::ApiError;
use crate::i18n::{job_kind, job_state, message, Lang};
use crate::session::{CsrfForm, Visitor};
use crate::ui::{page, Layout};
use crate::AppState;

/// The tabs, in this order; the first is shown when the query names none.
const STATES: [JobState; 4] = [JobState::Dead, JobState::Queued, JobState::Running, JobState::Done];

#[derive(Deserialize, Default)]
pub(crate) struct JobsQuery {
    #[serde(default)]
    state: String,
}

pub(crate) struct Tab {
    href: String,
    label: &'static str,
    current: bool,
}

pub(crate) struct Row {
    id: i64,
    kind: &'static str,
    /// For the CSS class: its spelling is the class.
    state: JobState,
    state_label: &'static str,
    attempts: i64,
    max_attempts: i64,
    last_error: Option<String>,
    run_at: String,
    updated_at: String,
}

impl Row {
    fn new(lang: Lang, j: JobReport) -> Row {
        Row {
            id: j.id,
            kind: job_kind(lang, j.kind),
            state_label: job_state(lang, j.state),
            state: j.state,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            last_error: j.last_error,
            run_at: format_instant_ms(j.run_at_ms),
            updated_at: format_instant_ms(j.updated_at_ms),
        }
    }

    fn dead(&self) -> bool {
        self.state == JobState::Dead
    }
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    l: Layout,
    tabs: Vec<Tab>,
    rows: Vec<Row>,
    error: Option<String>,
}

/// For a visitor who is not an officer: sign in first if not signed in, else the 403 page.
fn not_an_officer(v: Visitor) -> Response {
    if v.principal.is_none() {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    }
    officers_only(v)
}

pub(crate) async fn list(State(state): State<AppState>, v: Visitor, Query(q): Query<JobsQuery>) -> Response {
    let Some(actor) = actor_of(&v) else { return not_an_officer(v) };
    let shown = if q.state.is_empty() { STATES[0].as_str() } else { q.state.as_str() };
    render(&state, v, &actor, shown, StatusCode::OK, None).await
}

pub(crate) async fn retry(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, _): CsrfForm<Empty>,
) -> Response {
    let Some(actor) = actor_of(&v) else { return not_an_officer(v) };
    let result = match id.parse::<i64>() {
        Ok(id) => state.core.jobs().retry_job(&actor, id).await.map_err(ApiError::from),
        Err(_) => Err(ApiError::new(StatusCode::NOT_FOUND, "job_not_found")),
    };
    match result {
        Ok(()) => (v.jar, Redirect::to(&format!("/admin/jobs?state={}", JobState::Dead))).into_response(),
        Err(e) if e.status == StatusCode::FORBIDDEN => crate::ui::error_page(v, e),
        Err(e) => {
            // Core's "not found" is generic; here it can only be the job.
            let code = if e.status == StatusCode::NOT_FOUND { "job_not_found" } else { e.code };
            let error = message(v.lang, code).to_owned();
            render(&state, v, &actor, JobState::Dead.as_str(), e.status, Some(error)).await
        }
    }
}

/// The page for one state's jobs, with `error` (from a refused retry) above the list.
async fn render(
    state: &AppState,
    v: Visitor,
    actor: &Actor,
    shown: &str,
    mut status: StatusCode,
    mut error: Option<String>,
) -> Response {
    let (lang, t) = (v.lang, v.lang.text());
    let rows = match state.core.jobs().job_reports(actor, Some(shown)).await {
        Ok(jobs) => jobs.into_iter().map(|j| Row::new(lang, j)).collect(),
        Err(e) => {
            let e = ApiError::from(e);
            if e.field.as_deref() != Some("state") {
                return crate::ui::error_page(v, e);
            }
            (status, error) = (e.status, Some(t.jobs_unknown_state.to_owned()));
            Vec::new()
        }
    };
    let mut l = Layout::new(&v, t.jobs_title);
    l.unread = unread_count(state, actor.account_id).await;
    let tabs = STATES
        .iter()
        .map(|s| Tab {
            href: format!("/admin/jobs?state={s}"),
            label: job_state(lang, *s),
            current: s.as_str() == shown,
        })
        .collect();
    page(v, status, &JobsPage { l, tabs, rows, error })
}
