//! The HTML pages: Vietnamese first (`?lang=en` switches), usable without JavaScript, rendered by askama
//! templates (auto-escaped). Handlers turn a `Visitor` and core results into a page or an error page.

mod account;
mod directory;
mod sign_in;
mod sign_up;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use time::Date;

use crate::error::ApiError;
use crate::i18n::{message, Lang, Text};
use crate::session::{FormRejection, Visitor};
use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(directory::home))
        .route("/units", get(directory::units))
        .route("/units/{code}", get(directory::unit))
        .route("/areas/{id}", get(directory::area))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-in/totp", get(sign_in::totp_form).post(sign_in::totp_submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/sign-up", get(sign_up::form).post(sign_up::submit))
        .route("/account", get(account::show))
        .route("/account/totp", post(account::begin_totp))
        .route("/account/totp/confirm", post(account::confirm_totp))
}

/// What every page's frame needs: the language's words, who is signed in, the CSRF token, the title.
pub(crate) struct Layout {
    pub t: &'static Text,
    pub lang: Lang,
    pub user: Option<String>,
    pub csrf: String,
    pub title: String,
}

impl Layout {
    pub(crate) fn new(v: &Visitor, title: impl Into<String>) -> Self {
        Self {
            t: v.lang.text(),
            lang: v.lang,
            user: v.principal.as_ref().map(|p| p.account.display_name.clone()),
            csrf: v.csrf.clone(),
            title: title.into(),
        }
    }
}

/// Renders a template with the visitor's cookies.
pub(crate) fn page(v: Visitor, status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, v.jar, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    heading: String,
    message: String,
}

/// The error page for any API-style error, in the visitor's language, with the error's status.
pub(crate) fn error_page(v: Visitor, e: ApiError) -> Response {
    let t = v.lang.text();
    let heading = if e.status == StatusCode::NOT_FOUND { t.not_found_title } else { t.error_title };
    let tpl = ErrorPage {
        l: Layout::new(&v, heading),
        heading: heading.to_owned(),
        message: message(v.lang, e.code).to_owned(),
    };
    page(v, e.status, &tpl)
}

/// Unwraps a core result or returns the error page for it.
macro_rules! or_page {
    ($v:expr, $e:expr) => {
        match $e {
            Ok(x) => x,
            Err(e) => return crate::ui::error_page($v, crate::error::ApiError::from(e)),
        }
    };
}
pub(crate) use or_page;

pub(crate) async fn not_found(v: Visitor) -> Response {
    error_page(v, ApiError::new(StatusCode::NOT_FOUND, "not_found"))
}

impl IntoResponse for FormRejection {
    fn into_response(self) -> Response {
        match self {
            FormRejection::Csrf(v) => error_page(v, ApiError::new(StatusCode::FORBIDDEN, "csrf_failed")),
            FormRejection::Malformed(v) => error_page(v, ApiError::new(StatusCode::BAD_REQUEST, "invalid_field")),
        }
    }
}

/// "đến trước ngày 01/07/2025", "từ ngày 01/07/2025", or nothing for a unit or area in force for ever.
pub(crate) fn validity(t: &Text, from: Option<Date>, to: Option<Date>) -> Option<String> {
    use binhyen_domain::time_vn::format_date;
    match (from, to) {
        (_, Some(to)) => Some(format!("{} {}", t.valid_until, format_date(to))),
        (Some(from), None) => Some(format!("{} {}", t.valid_from, format_date(from))),
        (None, None) => None,
    }
}
