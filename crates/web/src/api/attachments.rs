//! Attachments over the API: the raw bytes of one photo or video as the request body (its type is sniffed,
//! whatever Content-Type says), and officers' downloads. An anonymous tipster proves the tip is theirs with
//! the `X-Receipt` header, which no log records.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use binhyen_core::tips::{TipsterKey, Uploader};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::session::{client_address, ApiPrincipal, MaybeApiPrincipal};
use crate::AppState;

/// The largest upload: a short video (50 MiB), with room for the request itself.
pub const UPLOAD_LIMIT: usize = 51 * 1024 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadedJson {
    pub id: i64,
    /// jpeg, png, webp or mp4 — what the bytes really are.
    pub kind: String,
    /// Size after metadata was removed.
    pub bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

/// Attach a photo (JPEG, PNG, WebP, 10 MiB) or a short video (MP4, 50 MiB). Location and device metadata are
/// removed before anything is stored.
#[utoipa::path(post, path = "/tips/{id}/attachments", params(("id" = i64, Path),
        ("X-Receipt" = Option<String>, Header, description = "an anonymous tipster's receipt code")),
    tag = "tips", request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = UploadedJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "empty, too_large, unsupported_type or corrupt_file (field: file)"),
        (status = 429, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    MaybeApiPrincipal(principal): MaybeApiPrincipal,
    Path(id): Path<String>,
    parts: Parts,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<UploadedJson>), ApiError> {
    let body = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"))?;
    let tip_id = id.parse::<i64>().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "tip_not_found"))?;
    let receipt = parts.headers.get("x-receipt").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let client = client_address(&parts);
    let actor = principal.as_ref().and_then(|p| p.actor());
    let who = match (&principal, &actor, &receipt) {
        (_, Some(actor), _) => Uploader::Officer(actor),
        (Some(p), None, _) => Uploader::Tipster(TipsterKey::Account(&p.account)),
        (None, _, Some(code)) => Uploader::Tipster(TipsterKey::Receipt(code)),
        (None, _, None) => return Err(ApiError::new(StatusCode::UNAUTHORIZED, "no_session")),
    };
    let a = state.core.tips().attach_to_tip(who, Some(tip_id), body.to_vec(), client.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadedJson { id: a.id, kind: a.kind, bytes: a.bytes, width: a.width, height: a.height }),
    ))
}

/// An attachment's bytes, for officers handling the tip.
#[utoipa::path(get, path = "/tips/{id}/attachments/{attachment_id}", params(("id" = i64, Path), ("attachment_id" = i64, Path)),
    tag = "tips", security(("bearer" = [])),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path((id, attachment_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "not_found");
    let (tip_id, attachment_id) =
        (id.parse().map_err(|_| not_found())?, attachment_id.parse().map_err(|_| not_found())?);
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let (a, bytes) = state.core.tips().attachment_bytes(&actor, tip_id, attachment_id).await?;
    Ok(crate::attachment::attachment_response(&a.kind, bytes))
}
