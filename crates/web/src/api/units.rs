//! Units: the directory, search, a unit's details, and changes officers make.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use binhyen_core::accounts::NewOfficer;
use binhyen_core::units::NewUnitInput;
use binhyen_domain::{Role, UnitKind};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::dto::*;
use super::extract::{ApiJson, ApiQuery};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct DirectoryQuery {
    /// Only units in force on this day (YYYY-MM-DD).
    on: Option<String>,
}

pub(crate) fn parse_date(value: Option<&str>, field: &'static str) -> Result<Option<time::Date>, ApiError> {
    value
        .map(|s| {
            binhyen_domain::time_vn::parse_iso(s)
                .ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_date").field(field))
        })
        .transpose()
}

/// The unit directory as a tree.
#[utoipa::path(get, path = "/units", params(DirectoryQuery), tag = "units",
    responses((status = 200, body = DirectoryJson), (status = 422, body = ErrorBody)))]
pub async fn directory(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DirectoryQuery>,
) -> Result<Response, ApiError> {
    let render = |forest: Vec<binhyen_core::units::UnitNode>| DirectoryJson {
        units: forest.into_iter().map(Into::into).collect(),
    };
    if let Some(on) = parse_date(q.on.as_deref(), "on")? {
        return Ok(Json(render(state.core.units().unit_directory(Some(on)).await?)).into_response());
    }
    // The whole directory is what nearly everyone asks for: its JSON is rendered once per directory copy.
    let snapshot = state.core.units().directory_snapshot().await?;
    let body = state.directory_json.get_or_render(snapshot.generation, || {
        serde_json::to_vec(&render(snapshot.forest.as_ref().clone())).unwrap_or_default()
    });
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Any spelling: "ea kpam", "Ea KPam", "Êa Kpăm".
    q: String,
}

/// Units whose name matches, however it is typed.
#[utoipa::path(get, path = "/units/search", params(SearchQuery), tag = "units",
    responses((status = 200, body = UnitListJson), (status = 400, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<UnitListJson>, ApiError> {
    let units = state.core.units().search_units(&q.q).await?;
    Ok(Json(UnitListJson { units: units.into_iter().map(Into::into).collect() }))
}

/// A unit with its parent, children, jurisdiction and successor.
#[utoipa::path(get, path = "/units/{code}", params(("code" = String, Path)), tag = "units",
    responses((status = 200, body = UnitDetailJson), (status = 404, body = ErrorBody)))]
pub async fn unit(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<UnitDetailJson>, ApiError> {
    let unit = state.core.units().unit_by_code(&code).await?;
    let d = state.core.units().unit_detail(unit.id).await?;
    Ok(Json(UnitDetailJson {
        unit: d.unit.into(),
        parent: d.parent.map(Into::into),
        children: d.children.into_iter().map(Into::into).collect(),
        jurisdiction: d.jurisdiction.into_iter().map(Into::into).collect(),
        successor: d.successor.map(Into::into),
    }))
}

/// Change a unit's contact details (commanders and administrators of the unit or a unit above it).
#[utoipa::path(patch, path = "/units/{code}/contact", params(("code" = String, Path)), tag = "units",
    request_body = ContactJson, security(("bearer" = [])),
    responses((status = 200, body = UnitJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_contact(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<ContactJson>,
) -> Result<Json<UnitJson>, ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    state.core.units().edit_unit_contact(&actor, unit.id, body.into()).await?;
    Ok(Json(state.core.units().unit_by_code(&code).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUnitRequest {
    /// Lowercase ASCII slug, e.g. "ca-xa-ea-kpam".
    code: String,
    kind: UnitKind,
    name: String,
    parent_code: String,
    #[serde(default)]
    area_ids: Vec<i64>,
    #[serde(default)]
    contact: ContactJson,
}

/// Create a unit below one the administrator's unit reaches.
#[utoipa::path(post, path = "/units", tag = "units", request_body = CreateUnitRequest, security(("bearer" = [])),
    responses((status = 201, body = UnitJson), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_unit(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(body): ApiJson<CreateUnitRequest>,
) -> Result<(StatusCode, Json<UnitJson>), ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let parent =
        state.core.units().unit_by_code(&body.parent_code).await.map_err(|e| ApiError::from(e).field("parent_code"))?;
    let input = NewUnitInput {
        code: body.code,
        kind: body.kind,
        name: body.name,
        parent_id: Some(parent.id),
        contact: body.contact.into(),
        area_ids: body.area_ids,
    };
    let id = state.core.units().create_unit(Some(&actor), input).await?;
    let unit = state.core.units().unit_detail(id).await?.unit;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

/// The officers of a unit (any officer of the unit or a unit above it).
#[utoipa::path(get, path = "/units/{code}/officers", params(("code" = String, Path)), tag = "units",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<AccountJson>), (status = 403, body = ErrorBody)))]
pub async fn officers(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Vec<AccountJson>>, ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let staff = state.core.units().unit_staff(&actor, unit.id).await?;
    Ok(Json(staff.into_iter().map(|a| AccountJson::new(a, Vec::new())).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOfficerRequest {
    phone: String,
    password: String,
    display_name: String,
    role: Role,
}

/// Create an officer account in a unit (commanders and administrators; never a role above one's own).
#[utoipa::path(post, path = "/units/{code}/officers", params(("code" = String, Path)), tag = "units",
    request_body = CreateOfficerRequest, security(("bearer" = [])),
    responses((status = 201, body = AccountJson), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_officer(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<CreateOfficerRequest>,
) -> Result<(StatusCode, Json<AccountJson>), ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let input = NewOfficer {
        phone: body.phone,
        password: body.password,
        display_name: body.display_name,
        unit_id: unit.id,
        role: body.role,
    };
    let id = state.core.accounts().create_officer(Some(&actor), input).await?;
    let account = state.core.accounts().account(id).await?;
    Ok((StatusCode::CREATED, Json(AccountJson::new(account, Vec::new()))))
}
