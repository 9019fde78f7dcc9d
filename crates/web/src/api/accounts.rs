//! Citizens sign up; anyone signed in reads their own account.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use binhyen_core::accounts::CitizenSignUp;
use serde::Deserialize;
use utoipa::ToSchema;

use super::dto::AccountJson;
use super::extract::ApiJson;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignUpRequest {
    /// A Vietnamese mobile number: 0xxxxxxxxx or +84xxxxxxxxx.
    phone: String,
    /// 8 to 128 characters.
    password: String,
    display_name: String,
    /// A commune/ward or village in force today.
    home_area_id: Option<i64>,
}

/// A citizen signs up.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = SignUpRequest,
    responses((status = 201, body = AccountJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "phone_taken"), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn sign_up(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SignUpRequest>,
) -> Result<(StatusCode, Json<AccountJson>), ApiError> {
    let id = state
        .core
        .sign_up_citizen(CitizenSignUp {
            phone: body.phone,
            password: body.password,
            display_name: body.display_name,
            home_area_id: body.home_area_id,
        })
        .await?;
    let account = state.core.account(id).await?;
    Ok((StatusCode::CREATED, Json(AccountJson::new(account, Vec::new()))))
}

/// The signed-in account (with its households, for a cluster).
#[utoipa::path(get, path = "/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = AccountJson), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, ApiPrincipal(p): ApiPrincipal) -> Result<Json<AccountJson>, ApiError> {
    let households = state.core.store.households(p.account.id).await.map_err(binhyen_core::CoreError::from)?;
    Ok(Json(AccountJson::new(p.account, households)))
}
