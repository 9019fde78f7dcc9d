//! The JSON API under `/api/v1`. Routes are registered through `utoipa_axum`, so the OpenAPI document at
//! `/api/v1/openapi.json` is generated from the very handlers and types the router serves.

mod accounts;
mod alerting;
mod appointment_dto;
mod appointment_services;
mod appointments;
mod areas;
mod attachments;
mod auth;
mod dto;
mod extract;
mod group_dto;
mod groups;
mod guides;
mod pages;
mod params;
mod public_alerts;
mod questions;
mod reorganisations;
mod search;
pub(crate) use extract::not_utf8;
pub(crate) use search::link as search_link;
mod tip_dto;
mod tips;
mod tipster;
mod units;

pub(crate) use appointment_dto::vn_rfc3339;
pub(crate) use guides::{download_url, unit_code};

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

/// Answers that come from the extractors rather than the handlers, documented wherever they apply so no
/// handler can forget them: a bearer-protected operation can be 401; one with a JSON body can be 400
/// (malformed), 413 (too large), 415 (not JSON) or 422 (missing or mistyped field). Runs after the routes are
/// collected (modifiers on `ApiDoc` run before, on an empty path list).
fn document_extractor_errors(openapi: &mut utoipa::openapi::OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        for op in
            [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
        {
            let mut extra = Vec::new();
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                extra.push(("401", "not signed in, or the session has expired"));
            }
            if op.request_body.is_some() {
                extra.extend([
                    ("400", "malformed JSON"),
                    ("413", "body too large"),
                    ("415", "not application/json"),
                    ("422", "a field is missing, mistyped or invalid"),
                ]);
            }
            for (status, description) in extra {
                op.responses.responses.entry(status.to_owned()).or_insert_with(|| error_response(description));
            }
        }
    }
}

fn error_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
        .into()
}

/// The API router and its OpenAPI document, from one list of handlers.
pub fn api_router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(units::directory))
        .routes(routes!(units::search))
        .routes(routes!(units::create_unit))
        .routes(routes!(reorganisations::plan, reorganisations::list))
        .routes(routes!(reorganisations::one))
        .routes(routes!(units::unit))
        .routes(routes!(units::edit_contact))
        .routes(routes!(units::officers, units::create_officer))
        .routes(routes!(areas::by_code))
        .routes(routes!(areas::search))
        .routes(routes!(areas::area))
        .routes(routes!(areas::responsible_unit))
        .routes(routes!(areas::create_village))
        .routes(routes!(accounts::sign_up))
        .routes(routes!(accounts::sign_up_cluster))
        .routes(routes!(accounts::register_business))
        .routes(routes!(accounts::me))
        .routes(routes!(auth::create_token, auth::revoke_token))
        .routes(routes!(auth::begin_totp))
        .routes(routes!(auth::confirm_totp))
        .routes(routes!(auth::totp_roles))
        .routes(routes!(tips::submit, tips::inbox))
        .routes(routes!(tips::tip))
        .routes(routes!(tips::transition))
        .routes(routes!(tips::assign))
        .routes(routes!(tips::priority))
        .routes(routes!(tips::triage))
        .routes(routes!(tips::note))
        .routes(routes!(tips::support))
        .routes(routes!(tips::message))
        .routes(routes!(tips::request_unseal))
        .routes(routes!(tips::approve_unseal))
        .routes(routes!(tips::identity))
        .routes(routes!(tipster::my_tips))
        .routes(routes!(tipster::my_tip))
        .routes(routes!(tipster::lookup))
        .routes(routes!(tipster::receipt_message))
        .routes(routes!(attachments::download))
        .routes(routes!(alerting::events))
        .routes(routes!(alerting::duty, alerting::set_duty))
        .routes(routes!(alerting::channels, alerting::set_channels))
        .routes(routes!(alerting::notifications))
        .routes(routes!(alerting::mark_read))
        .routes(routes!(alerting::sla, alerting::set_sla))
        .routes(routes!(alerting::set_urgent_watch))
        .routes(routes!(alerting::jobs))
        .routes(routes!(alerting::retry_job))
        .routes(routes!(pages::page, pages::edit_page))
        .routes(routes!(pages::avatar))
        .routes(routes!(pages::follow, pages::unfollow))
        .routes(routes!(pages::page_posts, pages::create_post))
        .routes(routes!(pages::post, pages::edit_post))
        .routes(routes!(pages::pin_post))
        .routes(routes!(pages::publish_post))
        .routes(routes!(search::search))
        .routes(routes!(groups::create_group, groups::unit_groups))
        .routes(routes!(groups::my_groups))
        .routes(routes!(groups::members))
        .routes(routes!(groups::invite))
        .routes(routes!(groups::join))
        .routes(routes!(groups::leave))
        .routes(routes!(groups::share_phone))
        .routes(routes!(groups::change_member))
        .routes(routes!(groups::history, groups::post))
        .routes(routes!(groups::hide))
        .routes(routes!(groups::pin))
        .routes(routes!(groups::report))
        .routes(routes!(groups::to_tip))
        .routes(routes!(groups::file))
        .routes(routes!(groups::events))
        .routes(routes!(pages::home_feed))
        .routes(routes!(pages::suggested))
        .routes(routes!(pages::atom))
        .routes(routes!(pages::submit_article, pages::article_queue))
        .routes(routes!(pages::my_articles))
        .routes(routes!(pages::approve_article))
        .routes(routes!(pages::reject_article))
        .routes(routes!(pages::image))
        .routes(routes!(pages::article_image))
        .routes(routes!(public_alerts::issue, public_alerts::unit_alerts))
        .routes(routes!(public_alerts::in_force))
        .routes(routes!(public_alerts::atom))
        .routes(routes!(public_alerts::alert))
        .routes(routes!(public_alerts::cancel))
        .routes(routes!(public_alerts::cap_document))
        .routes(routes!(appointment_services::unit_services, appointment_services::create_service))
        .routes(routes!(appointment_services::service, appointment_services::edit_service))
        .routes(routes!(appointment_services::set_hours))
        .routes(routes!(appointment_services::slots))
        .routes(routes!(appointment_services::closures, appointment_services::add_closure))
        .routes(routes!(appointment_services::remove_closure))
        .routes(routes!(appointments::book))
        .routes(routes!(appointments::my_appointments))
        .routes(routes!(appointments::my_appointment))
        .routes(routes!(appointments::my_ics))
        .routes(routes!(appointments::my_cancel))
        .routes(routes!(appointments::my_move))
        .routes(routes!(appointments::by_code))
        .routes(routes!(appointments::cancel_by_code))
        .routes(routes!(appointments::move_by_code))
        .routes(routes!(appointments::ics_by_code))
        .routes(routes!(appointments::day_list))
        .routes(routes!(appointments::check_in))
        .routes(routes!(appointments::no_show))
        .routes(routes!(appointments::officer_cancel))
        .routes(routes!(appointments::officer_ics))
        .routes(routes!(guides::guides))
        .routes(routes!(guides::guide, guides::edit_guide))
        .routes(routes!(guides::create_guide))
        .routes(routes!(guides::forms))
        .routes(routes!(guides::download_form))
        .routes(routes!(questions::ask, questions::unit_questions))
        .routes(routes!(questions::thread))
        .routes(routes!(questions::photo))
        .routes(routes!(questions::write))
        .routes(routes!(questions::close))
        .routes(routes!(questions::mine))
        .routes(routes!(questions::canned, questions::add_canned))
        .routes(routes!(questions::to_guide))
        // Uploads alone may be large: the limit is raised on this route only.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(attachments::upload))
                .routes(routes!(pages::add_image))
                .routes(routes!(pages::set_avatar))
                .routes(routes!(pages::add_article_image))
                .routes(routes!(guides::upload_form))
                .routes(routes!(questions::add_photo))
                .routes(routes!(groups::post_file))
                .layer(axum::extract::DefaultBodyLimit::max(attachments::UPLOAD_LIMIT)),
        )
        .split_for_parts();
    document_extractor_errors(&mut doc);
    (router, doc)
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
