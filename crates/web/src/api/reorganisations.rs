//! Reorganisations of the unit tree: a plan of merges, dissolutions, renames and moves from a day, checked whole
//! before anything is written, then applied by a job at 00:00 of that day (`core::reorganise`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use binhyen_core::reorganise::{PlanOutcome, ReorganisationReport, ReorganisationView};
use binhyen_domain::reorganisation::{Change, Plan};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::ApiJson;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

/// One change. `action` is merge (with `into`), dissolve (with `successor`), rename (with `name`) or
/// reparent (with `parent`); units are named by code.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct ChangeJson {
    pub action: String,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

impl ChangeJson {
    fn into_change(self) -> Result<Change, ApiError> {
        let need = |value: Option<String>, field: &'static str| {
            value.ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "required").field(field))
        };
        Ok(match self.action.as_str() {
            "merge" => Change::Merge { unit: self.unit, into: need(self.into, "into")? },
            "dissolve" => Change::Dissolve { unit: self.unit, successor: need(self.successor, "successor")? },
            "rename" => Change::Rename { unit: self.unit, name: need(self.name, "name")? },
            "reparent" => Change::Reparent { unit: self.unit, parent: need(self.parent, "parent")? },
            _ => return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").field("action")),
        })
    }

    fn from_change(c: Change) -> Self {
        let blank = |action: &str, unit: String| ChangeJson {
            action: action.to_owned(),
            unit,
            into: None,
            successor: None,
            name: None,
            parent: None,
        };
        match c {
            Change::Merge { unit, into } => ChangeJson { into: Some(into), ..blank("merge", unit) },
            Change::Dissolve { unit, successor } => {
                ChangeJson { successor: Some(successor), ..blank("dissolve", unit) }
            }
            Change::Rename { unit, name } => ChangeJson { name: Some(name), ..blank("rename", unit) },
            Change::Reparent { unit, parent } => ChangeJson { parent: Some(parent), ..blank("reparent", unit) },
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanRequest {
    /// YYYY-MM-DD: the changes take effect at 00:00 (Vietnam time) of that day.
    pub effective_on: String,
    pub changes: Vec<ChangeJson>,
    /// Say what would move, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a plan did or would do, per unit that ends.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanResponse {
    /// The plan recorded (absent for a dry run).
    pub id: Option<i64>,
    #[schema(value_type = Object)]
    pub report: ReorganisationReport,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReorganisationJson {
    pub id: i64,
    pub effective_on: String,
    pub changes: Vec<ChangeJson>,
    /// scheduled or applied.
    pub state: &'static str,
    /// What applying it moved.
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
}

impl From<ReorganisationView> for ReorganisationJson {
    fn from(v: ReorganisationView) -> Self {
        Self {
            id: v.id,
            effective_on: binhyen_domain::time_vn::iso(v.effective_on),
            changes: v.changes.into_iter().map(ChangeJson::from_change).collect(),
            state: if v.applied { "applied" } else { "scheduled" },
            report: v.report,
        }
    }
}

/// Plans a reorganisation (or, with `dry_run`, says what it would move). Administrators of every unit named.
#[utoipa::path(post, path = "/reorganisations", tag = "units", request_body = PlanRequest, security(("bearer" = [])),
    responses((status = 201, body = PlanResponse), (status = 200, body = PlanResponse, description = "dry run"),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(body): ApiJson<PlanRequest>,
) -> Result<(StatusCode, Json<PlanResponse>), ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let effective_on =
        super::units::parse_date(Some(&body.effective_on), "effective_on")?.unwrap_or(state.core.today());
    let changes = body.changes.into_iter().map(ChangeJson::into_change).collect::<Result<Vec<_>, _>>()?;
    let PlanOutcome { id, report } =
        state.core.units().reorganise(Some(&actor), Plan { effective_on, changes }, body.dry_run).await?;
    let status = if id.is_some() { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(PlanResponse { id, report })))
}

/// Every plan, newest day first. Administrators.
#[utoipa::path(get, path = "/reorganisations", tag = "units", security(("bearer" = [])),
    responses((status = 200, body = Vec<ReorganisationJson>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Vec<ReorganisationJson>>, ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let all = state.core.units().reorganisations(&actor).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/reorganisations/{id}", tag = "units", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ReorganisationJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<ReorganisationJson>, ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let id = id.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "reorganisation_not_found"))?;
    Ok(Json(state.core.units().reorganisation(&actor, id).await?.into()))
}
