//! Administrative areas: lookup by official code, search, details, responsibility, villages.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use binhyen_domain::AreaKind;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::dto::*;
use super::extract::{ApiJson, ApiQuery};
use super::units::parse_date;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "area_not_found").field("id"))
}

fn links(list: Vec<(binhyen_domain::entities::areas::Area, bool)>) -> Vec<AreaLinkJson> {
    list.into_iter().map(|(a, is_default)| AreaLinkJson { area: a.into(), is_default }).collect()
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CodeQuery {
    /// Official code, digits only, e.g. "24280". Codes repeat across editions: every match is returned.
    code: String,
}

/// Areas with an official code.
#[utoipa::path(get, path = "/areas", params(CodeQuery), tag = "areas",
    responses((status = 200, body = AreaListJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn by_code(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CodeQuery>,
) -> Result<Json<AreaListJson>, ApiError> {
    let areas = state.core.units().areas_by_code(&q.code).await?;
    Ok(Json(AreaListJson { areas: areas.into_iter().map(Into::into).collect() }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    q: String,
}

/// Areas whose name matches, however it is typed.
#[utoipa::path(get, path = "/areas/search", params(SearchQuery), tag = "areas",
    responses((status = 200, body = AreaListJson), (status = 400, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<AreaListJson>, ApiError> {
    let areas = state.core.units().search_areas(&q.q).await?;
    Ok(Json(AreaListJson { areas: areas.into_iter().map(Into::into).collect() }))
}

/// An area with its parents, children, successors, predecessors and units.
#[utoipa::path(get, path = "/areas/{id}", params(("id" = i64, Path)), tag = "areas",
    responses((status = 200, body = AreaDetailJson), (status = 404, body = ErrorBody)))]
pub async fn area(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<AreaDetailJson>, ApiError> {
    let d = state.core.units().area_detail(parse_id(&id)?).await?;
    Ok(Json(AreaDetailJson {
        area: d.area.into(),
        ancestors: d.ancestors.into_iter().map(Into::into).collect(),
        children: d.children.into_iter().map(Into::into).collect(),
        successors: links(d.successors),
        predecessors: links(d.predecessors),
        units: d.units.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DateQuery {
    /// YYYY-MM-DD; today in Vietnam when absent.
    date: Option<String>,
}

/// The unit responsible for an area on a day (following the area's successor after a merger).
#[utoipa::path(get, path = "/areas/{id}/responsible-unit", params(("id" = i64, Path), DateQuery), tag = "areas",
    responses((status = 200, body = ResponsibleUnitJson), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn responsible_unit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DateQuery>,
) -> Result<Json<ResponsibleUnitJson>, ApiError> {
    let area_id = parse_id(&id)?;
    let date = parse_date(q.date.as_deref(), "date")?.unwrap_or_else(|| state.core.today());
    let unit = state.core.units().responsible_unit(area_id, date).await?;
    Ok(Json(ResponsibleUnitJson { area_id, date: binhyen_domain::time_vn::iso(date), unit: unit.map(Into::into) }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateVillageRequest {
    kind: AreaKind,
    name: String,
}

/// Add a village (thôn, buôn, tổ dân phố) to a commune (administrators of a unit answering for it).
#[utoipa::path(post, path = "/areas/{id}/villages", params(("id" = i64, Path)), tag = "areas",
    request_body = CreateVillageRequest, security(("bearer" = [])),
    responses((status = 201, body = AreaJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_village(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateVillageRequest>,
) -> Result<(StatusCode, Json<AreaJson>), ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let village = state.core.units().create_village(&actor, parse_id(&id)?, body.kind, &body.name).await?;
    let area = state.core.units().area_detail(village).await?.area;
    Ok((StatusCode::CREATED, Json(area.into())))
}
