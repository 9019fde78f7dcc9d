//! What officers do on a tip's page, one form each: every POST goes through `CsrfForm`, calls its use case and
//! goes back to the tip's page (303); a refused action shows the page again with the reason.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::tips::TransitionInput;
use binhyen_core::CoreError;
use binhyen_domain::entities::tips::Outcome;
use binhyen_domain::tip::{Priority, Transition};
use binhyen_domain::{Actor, Invalid};
use serde::Deserialize;

use super::inbox_tip::{render_tip, Shown};
use super::{actor_of, officers_only};
use crate::error::ApiError;
use crate::i18n;
use crate::session::{CsrfForm, Visitor};
use crate::ui::parse_id;
use crate::AppState;

/// The officer and the tip's id, or an early return with the page to answer instead.
macro_rules! officer_on_tip {
    ($v:expr, $id:expr) => {{
        let Some(actor) = actor_of(&$v) else { return officers_only($v) };
        match parse_id(&$id) {
            Ok(id) => ($v, actor, id),
            Err(e) => return crate::ui::error_page($v, e),
        }
    }};
}

/// Back to the tip's page when done, or the page again with the reason it was refused.
async fn done(state: &AppState, v: Visitor, actor: &Actor, id: i64, result: Result<(), CoreError>) -> Response {
    match result {
        Ok(()) => (v.jar, Redirect::to(&format!("/inbox/{id}"))).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            let shown = Shown { error: Some(i18n::message(v.lang, api.code).to_owned()), identity: None };
            render_tip(state, v, actor, id, api.status, shown).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct TransitionForm {
    #[serde(default)]
    action: String,
    /// Transfer: the receiving unit's code.
    #[serde(default)]
    to_unit: String,
    /// Transfer and reopen.
    #[serde(default)]
    reason: String,
    /// Resolve.
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    duplicate_of: String,
    #[serde(default)]
    arrests: String,
    #[serde(default)]
    vehicles_seized: String,
    #[serde(default)]
    items_seized: String,
    #[serde(default)]
    property_recovered: String,
    #[serde(default)]
    note: String,
}

fn count(s: &str) -> Result<i64, Invalid> {
    match s.trim() {
        "" => Ok(0),
        n => n.parse().map_err(|_| Invalid::new("outcome", "invalid_count")),
    }
}

fn outcome(f: &TransitionForm) -> Result<Outcome, Invalid> {
    Ok(Outcome {
        verdict: match f.verdict.as_str() {
            "" => None,
            v => Some(v.parse()?),
        },
        duplicate_of: match f.duplicate_of.trim() {
            "" => None,
            n => Some(
                n.trim_start_matches('#').parse().map_err(|_| Invalid::new("outcome.duplicate_of", "tip_not_found"))?,
            ),
        },
        arrests: count(&f.arrests)?,
        vehicles_seized: count(&f.vehicles_seized)?,
        items_seized: count(&f.items_seized)?,
        property_recovered: count(&f.property_recovered)?,
        note: Some(f.note.trim().to_owned()).filter(|n| !n.is_empty()),
    })
}

async fn transition_input(
    state: &AppState,
    f: &TransitionForm,
    action: Transition,
) -> Result<TransitionInput, CoreError> {
    let to_unit_id = match (action, f.to_unit.trim()) {
        (Transition::Transfer, "") => None,
        (Transition::Transfer, code) => Some(state.core.units().unit_by_code(code).await?.id),
        (
            Transition::Acknowledge
            | Transition::Verify
            | Transition::Dispatch
            | Transition::Resolve
            | Transition::Reopen,
            _,
        ) => None,
    };
    Ok(TransitionInput {
        to_unit_id,
        reason: Some(f.reason.clone()).filter(|r| !r.trim().is_empty()),
        outcome: if action == Transition::Resolve { Some(outcome(f)?) } else { None },
    })
}

pub(crate) async fn transition(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<TransitionForm>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    let result = async {
        let action = Transition::parse(&f.action)?;
        let input = transition_input(&state, &f, action).await?;
        state.core.tips().transition_tip(&actor, id, action, input).await.map(|_| ())
    }
    .await;
    done(&state, v, &actor, id, result).await
}

#[derive(Deserialize)]
pub(crate) struct AssignForm {
    #[serde(default)]
    officer_id: String,
}

pub(crate) async fn assign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<AssignForm>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    let result = async {
        let officer = match f.officer_id.as_str() {
            "" => None,
            n => Some(n.parse().map_err(|_| Invalid::new("officer_id", "account_not_found"))?),
        };
        state.core.tips().assign_tip(&actor, id, officer).await
    }
    .await;
    done(&state, v, &actor, id, result).await
}

#[derive(Deserialize)]
pub(crate) struct PriorityForm {
    #[serde(default)]
    priority: String,
}

pub(crate) async fn priority(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<PriorityForm>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    let result = async {
        let p: Priority = f.priority.parse()?;
        state.core.tips().set_tip_priority(&actor, id, p).await
    }
    .await;
    done(&state, v, &actor, id, result).await
}

#[derive(Deserialize)]
pub(crate) struct TriageForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    priority: String,
}

/// The officer's decision on the triage suggestion (accepted as shown, or corrected).
pub(crate) async fn triage(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<TriageForm>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    let result = async {
        let category = f.category.parse()?;
        let priority: Priority = f.priority.parse()?;
        state.core.tips().decide_triage(&actor, id, category, priority).await
    }
    .await;
    done(&state, v, &actor, id, result).await
}

#[derive(Deserialize)]
pub(crate) struct TextForm {
    #[serde(default)]
    body: String,
}

pub(crate) async fn note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<TextForm>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    let result = state.core.tips().officer_writes(&actor, id, &f.body, false).await.map(|_| ());
    done(&state, v, &actor, id, result).await
}

pub(crate) async fn message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<TextForm>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    let result = state.core.tips().officer_writes(&actor, id, &f.body, true).await.map(|_| ());
    done(&state, v, &actor, id, result).await
}

#[derive(Deserialize)]
pub(crate) struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub(crate) async fn request_unseal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<ReasonForm>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    let result = state.core.tips().request_unseal(&actor, id, &f.reason).await.map(|_| ());
    done(&state, v, &actor, id, result).await
}

#[derive(Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn approve_unseal(
    State(state): State<AppState>,
    Path((id, rid)): Path<(String, String)>,
    CsrfForm(v, _): CsrfForm<Empty>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    let result = match rid.parse() {
        Ok(rid) => state.core.tips().approve_unseal(&actor, id, rid).await,
        Err(_) => Err(CoreError::not_found("unseal_request")),
    };
    done(&state, v, &actor, id, result).await
}

/// Opens a confidential tipster's identity (after approval). Shown in this answer only, never behind a GET:
/// every view is audited and the tipster is told.
pub(crate) async fn identity(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, _): CsrfForm<Empty>,
) -> Response {
    let (v, actor, id) = officer_on_tip!(v, id);
    match state.core.tips().view_sealed_identity(&actor, id).await {
        Ok(who) => render_tip(&state, v, &actor, id, StatusCode::OK, Shown { error: None, identity: Some(who) }).await,
        Err(e) => done(&state, v, &actor, id, Err(e)).await,
    }
}
