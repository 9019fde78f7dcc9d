//! The tipster's side of the API: my tips, and the receipt page of an anonymous tip. Receipt codes travel in
//! request bodies, never in paths or queries, so they cannot end up in a log line.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use binhyen_core::tips::TipsterKey;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::tip_dto::{TipsterListJson, TipsterTipJson};
use super::tips::CreatedJson;
use crate::error::{ApiError, ErrorBody};
use crate::session::{client_address, ApiPrincipal};
use crate::AppState;

/// The signed-in tipster's tips (identified and confidential), newest first.
#[utoipa::path(get, path = "/me/tips", tag = "tipsters", security(("bearer" = [])),
    responses((status = 200, body = TipsterListJson)))]
pub async fn my_tips(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<TipsterListJson>, ApiError> {
    let mut tips = Vec::new();
    for tip in state.core.tips().my_tips(&p.account).await? {
        let view = state.core.tips().tipster_view(TipsterKey::Account(&p.account), Some(tip.id), None).await?;
        tips.push(view.into());
    }
    Ok(Json(TipsterListJson { tips }))
}

/// One of my tips, with what happened and the messages.
#[utoipa::path(get, path = "/me/tips/{id}", params(("id" = i64, Path)), tag = "tipsters", security(("bearer" = [])),
    responses((status = 200, body = TipsterTipJson), (status = 404, body = ErrorBody)))]
pub async fn my_tip(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<TipsterTipJson>, ApiError> {
    let id = id.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "tip_not_found"))?;
    Ok(Json(state.core.tips().tipster_view(TipsterKey::Account(&p.account), Some(id), None).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptRequest {
    /// "7KQ2-M9XD-4HFA-2WBR"; case, spaces and dashes do not matter.
    pub receipt: String,
}

/// An anonymous tip's status and messages, by its receipt code. A wrong code is 404 whatever is wrong with
/// it, and guessing is slowed per address.
#[utoipa::path(post, path = "/receipts/lookup", tag = "tipsters", request_body = ReceiptRequest,
    responses((status = 200, body = TipsterTipJson), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn lookup(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<ReceiptRequest>,
) -> Result<Json<TipsterTipJson>, ApiError> {
    let client = client_address(&parts);
    let view = state.core.tips().tipster_view(TipsterKey::Receipt(&body.receipt), None, client.as_deref()).await?;
    Ok(Json(view.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptMessageRequest {
    pub receipt: String,
    pub body: String,
}

/// An anonymous tipster writes to the officers.
#[utoipa::path(post, path = "/receipts/messages", tag = "tipsters", request_body = ReceiptMessageRequest,
    responses((status = 201, body = CreatedJson), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn receipt_message(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<ReceiptMessageRequest>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let client = client_address(&parts);
    let id = state
        .core
        .tips()
        .tipster_writes(TipsterKey::Receipt(&body.receipt), None, &body.body, client.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}
