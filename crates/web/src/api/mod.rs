//! The JSON API under `/api/v1`. Routes are registered through `utoipa_axum`, so the OpenAPI document at
//! `/api/v1/openapi.json` is generated from the very handlers and types the router serves.

mod accounts;
mod areas;
mod auth;
mod dto;
mod extract;
mod units;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::AppState;

pub use extract::{ApiJson, ApiQuery};

#[derive(OpenApi)]
#[openapi(
    info(title = "binhyen API", description = "Police units, areas, accounts and sign-in. Errors are \
        `{\"error\": {\"code\", \"message\", \"field\"}}` with a stable code."),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API router and its OpenAPI document, from one list of handlers.
pub fn api_router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(units::directory))
        .routes(routes!(units::search))
        .routes(routes!(units::create_unit))
        .routes(routes!(units::unit))
        .routes(routes!(units::edit_contact))
        .routes(routes!(units::officers, units::create_officer))
        .routes(routes!(areas::by_code))
        .routes(routes!(areas::search))
        .routes(routes!(areas::area))
        .routes(routes!(areas::responsible_unit))
        .routes(routes!(areas::create_village))
        .routes(routes!(accounts::sign_up))
        .routes(routes!(accounts::me))
        .routes(routes!(auth::create_token, auth::revoke_token))
        .routes(routes!(auth::begin_totp))
        .routes(routes!(auth::confirm_totp))
        .routes(routes!(auth::totp_roles))
        .split_for_parts()
}

pub(crate) fn routes(_state: AppState) -> Router<AppState> {
    let (router, doc) = api_router();
    let doc = Arc::new(doc);
    router
        .route("/openapi.json", get(move || async move { Json(doc.as_ref().clone()) }))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
}
