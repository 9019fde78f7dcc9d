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
        .accounts()
        .sign_up_citizen(CitizenSignUp {
            phone: body.phone,
            password: body.password,
            display_name: body.display_name,
            home_area_id: body.home_area_id,
        })
        .await?;
    let account = state.core.accounts().account(id).await?;
    Ok((StatusCode::CREATED, Json(AccountJson::new(account, Vec::new()))))
}

/// The signed-in account (with its households, for a cluster).
#[utoipa::path(get, path = "/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = AccountJson), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, ApiPrincipal(p): ApiPrincipal) -> Result<Json<AccountJson>, ApiError> {
    let households = state.core.accounts().households(p.account.id).await?;
    Ok(Json(AccountJson::new(p.account, households)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct HouseholdRequest {
    /// Head of the household.
    head_name: String,
    address: String,
    /// The village (thôn, buôn) the household lives in.
    village_area_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ClusterRequest {
    /// The representative's mobile number: the cluster signs in with it.
    phone: String,
    password: String,
    /// The cluster's name, e.g. "Cụm 7 hộ buôn Bling".
    display_name: String,
    home_area_id: Option<i64>,
    /// 2 to 10 households, in the order they are numbered.
    households: Vec<HouseholdRequest>,
}

/// A representative signs up a household cluster: one account for 2–10 households without smartphones.
#[utoipa::path(post, path = "/clusters", tag = "accounts", request_body = ClusterRequest,
    responses((status = 201, body = AccountJson), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "phone_taken")))]
pub async fn sign_up_cluster(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ClusterRequest>,
) -> Result<(StatusCode, Json<AccountJson>), ApiError> {
    let input = binhyen_core::accounts::NewCluster {
        phone: body.phone,
        password: body.password,
        display_name: body.display_name,
        home_area_id: body.home_area_id,
        households: body
            .households
            .into_iter()
            .map(|h| binhyen_core::accounts::NewHousehold {
                head_name: h.head_name,
                address: h.address,
                village_area_id: h.village_area_id,
            })
            .collect(),
    };
    let id = state.core.accounts().create_cluster(input).await?;
    let households = state.core.accounts().households(id).await?;
    Ok((StatusCode::CREATED, Json(AccountJson::new(state.core.accounts().account(id).await?, households))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BusinessRequest {
    phone: String,
    password: String,
    /// The business or institution's name.
    display_name: String,
    business_kind: binhyen_domain::BusinessKind,
    /// Where it is.
    home_area_id: Option<i64>,
}

/// Register a business or institution overseen by a unit (commanders and administrators of the unit or above).
#[utoipa::path(post, path = "/units/{code}/businesses", params(("code" = String, Path)), tag = "accounts",
    request_body = BusinessRequest, security(("bearer" = [])),
    responses((status = 201, body = AccountJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn register_business(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    axum::extract::Path(code): axum::extract::Path<String>,
    ApiJson(body): ApiJson<BusinessRequest>,
) -> Result<(StatusCode, Json<AccountJson>), ApiError> {
    let actor = p.actor().ok_or(binhyen_core::CoreError::Forbidden)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let input = binhyen_core::accounts::NewBusiness {
        phone: body.phone,
        password: body.password,
        display_name: body.display_name,
        business_kind: body.business_kind,
        overseeing_unit_id: unit.id,
        home_area_id: body.home_area_id,
    };
    let id = state.core.accounts().create_business(Some(&actor), input).await?;
    Ok((StatusCode::CREATED, Json(AccountJson::new(state.core.accounts().account(id).await?, Vec::new()))))
}
