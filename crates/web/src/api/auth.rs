//! API tokens and two-factor enrolment.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use binhyen_core::auth::{SessionKind, Stage};
use binhyen_domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::ApiJson;
use crate::error::{ApiError, ErrorBody};
use crate::session::{bearer_token, client_address, ApiPrincipal};
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    phone: String,
    password: String,
    /// The 6-digit code, for accounts with two-step verification.
    totp: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenJson {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// RFC 3339.
    expires_at: String,
}

/// Sign in and get a bearer token. A wrong phone number and a wrong password get the same answer.
#[utoipa::path(post, path = "/auth/tokens", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = TokenJson),
        (status = 401, body = ErrorBody, description = "invalid_credentials, or totp_required"),
        (status = 403, body = ErrorBody, description = "totp_enrolment_required: enrol in the web UI first"),
        (status = 429, body = ErrorBody, description = "too_many_attempts")))]
pub async fn create_token(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<TokenJson>), ApiError> {
    let client = client_address(&parts);
    let issued = state
        .core
        .auth()
        .sign_in(&body.phone, &body.password, body.totp.as_deref(), SessionKind::Api, client.as_deref())
        .await?;
    if issued.stage != Stage::Full {
        // A token that cannot act is of no use to an API client: close it and say what is missing.
        state.core.auth().sign_out(&issued.token).await?;
        return Err(match issued.stage {
            Stage::TotpOwed => ApiError::new(StatusCode::UNAUTHORIZED, "totp_required").field("totp"),
            _ => ApiError::new(StatusCode::FORBIDDEN, "totp_enrolment_required"),
        });
    }
    let expires_at = issued.expires_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    Ok((StatusCode::CREATED, Json(TokenJson { token: issued.token, expires_at })))
}

/// Revoke the token used for this request.
#[utoipa::path(delete, path = "/auth/tokens", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    _who: ApiPrincipal,
    parts: Parts,
) -> Result<StatusCode, ApiError> {
    if let Some(token) = bearer_token(&parts) {
        state.core.auth().sign_out(token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolmentJson {
    /// Base32 secret for the authenticator app.
    secret: String,
    /// otpauth:// URI.
    uri: String,
}

/// Start two-step enrolment (officers): returns a new secret, in force once confirmed.
#[utoipa::path(post, path = "/me/totp", tag = "auth", security(("bearer" = [])),
    responses((status = 201, body = TotpEnrolmentJson), (status = 403, body = ErrorBody)))]
pub async fn begin_totp(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<(StatusCode, Json<TotpEnrolmentJson>), ApiError> {
    let e = state.core.auth().begin_totp_enrolment(p.account.id).await?;
    Ok((StatusCode::CREATED, Json(TotpEnrolmentJson { secret: e.secret, uri: e.uri })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TotpConfirmRequest {
    code: String,
}

/// Confirm enrolment with a current code.
#[utoipa::path(post, path = "/me/totp/confirm", tag = "auth", request_body = TotpConfirmRequest,
    security(("bearer" = [])), responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn confirm_totp(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(body): ApiJson<TotpConfirmRequest>,
) -> Result<StatusCode, ApiError> {
    state.core.auth().confirm_totp_enrolment(p.account.id, &body.code, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct TotpRolesJson {
    /// Roles that must sign in with two-step verification.
    roles: Vec<Role>,
}

/// Set which roles must use two-step verification (administrators of a top-level unit).
#[utoipa::path(put, path = "/security/totp-roles", tag = "auth", request_body = TotpRolesJson,
    security(("bearer" = [])), responses((status = 200, body = TotpRolesJson), (status = 403, body = ErrorBody)))]
pub async fn totp_roles(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(body): ApiJson<TotpRolesJson>,
) -> Result<Json<TotpRolesJson>, ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    state.core.auth().set_totp_required_roles(Some(&actor), &body.roles).await?;
    Ok(Json(TotpRolesJson { roles: state.core.auth().totp_required_roles().await? }))
}
