//! The HTML pages: Vietnamese first (`?lang=en` switches), usable without JavaScript, rendered by askama
//! templates (auto-escaped). Handlers turn a `Visitor` and core results into a page or an error page.

mod accounts;
mod appointments;
mod directory;
mod groups;
mod guides;
mod officers;
mod pages;
mod questions;
mod search;
mod tips;

use askama::Template;
use axum::extract::DefaultBodyLimit;
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
        .route("/units/{code}/follow", post(pages::feed::follow))
        .route(
            "/units/{code}/articles",
            post(pages::manage::send_article).layer(DefaultBodyLimit::max(pages::manage::ARTICLE_FORM_LIMIT)),
        )
        .route("/articles/{id}/images/{image_id}", get(pages::manage::article_photo))
        .route("/units/{code}/manage", get(pages::manage::manage))
        .route("/units/{code}/manage/page", post(pages::manage::describe))
        .route("/units/{code}/manage/canned", post(pages::manage::add_canned))
        .route("/units/{code}/manage/posts", post(pages::manage::write_post))
        .route("/units/{code}/manage/alerts", post(pages::manage::issue_alert))
        .route("/units/{code}/manage/alerts/{id}/cancel", post(pages::manage::cancel_alert))
        .route("/units/{code}/manage/articles/{id}", post(pages::manage::decide_article))
        .route("/feed", get(pages::feed::feed))
        .route("/search", get(search::search))
        .route("/groups", get(groups::mine))
        .route("/groups/{id}", get(groups::show))
        .route("/groups/{id}/messages", post(groups::write))
        .route("/groups/{id}/join", post(groups::join))
        .route("/groups/{id}/messages/{message}/hide", post(groups::hide))
        .route("/group-messages/{id}/file", get(groups::file))
        .route("/guides", get(guides::search))
        .route("/guides/{id}", get(guides::show))
        .route(
            "/units/{code}/ask",
            get(questions::ask_form).post(questions::ask).layer(DefaultBodyLimit::max(questions::FORM_LIMIT)),
        )
        .route("/units/{code}/questions", get(questions::of_unit))
        .route("/questions/{id}", get(questions::show))
        .route("/questions/{id}/photo", get(questions::photo))
        .route("/questions/{id}/reply", post(questions::reply))
        .route("/questions/{id}/close", post(questions::close))
        .route("/my/questions", get(questions::mine))
        .route(
            "/units/{code}/appointments",
            get(appointments::booking::book_page).post(appointments::booking::book_submit),
        )
        .route("/units/{code}/appointments/day", get(appointments::desk::day))
        .route("/units/{code}/appointments/manage", get(appointments::manage::manage))
        .route("/units/{code}/appointments/manage/services", post(appointments::manage::create_service))
        .route("/units/{code}/appointments/manage/services/{id}", post(appointments::manage::edit_service))
        .route("/units/{code}/appointments/manage/services/{id}/hours", post(appointments::manage::set_hours))
        .route("/units/{code}/appointments/manage/closures", post(appointments::manage::add_closure))
        .route("/units/{code}/appointments/manage/closures/{id}/remove", post(appointments::manage::remove_closure))
        .route("/appointments/{id}/check-in", post(appointments::desk::check_in))
        .route("/appointments/{id}/no-show", post(appointments::desk::no_show))
        .route("/appointments/lookup", get(appointments::booking::lookup_form).post(appointments::booking::lookup))
        .route("/appointments/lookup/cancel", post(appointments::booking::lookup_cancel))
        .route("/appointments/lookup/ics", post(appointments::booking::lookup_ics))
        .route("/my/appointments", get(appointments::booking::mine))
        .route("/my/appointments/{id}", get(appointments::booking::show_mine))
        .route("/my/appointments/{id}/ics", get(appointments::booking::mine_ics))
        .route("/my/appointments/{id}/cancel", post(appointments::booking::cancel_mine))
        .route("/my/appointments/{id}/move", post(appointments::booking::move_mine))
        .route("/alerts", get(pages::public_alerts::list))
        .route("/alerts/{id}", get(pages::public_alerts::show))
        .route("/areas/{id}", get(directory::area))
        .route("/sign-in", get(accounts::sign_in::form).post(accounts::sign_in::submit))
        .route("/sign-in/totp", get(accounts::sign_in::totp_form).post(accounts::sign_in::totp_submit))
        .route("/sign-out", post(accounts::sign_in::sign_out))
        .route("/sign-up", get(accounts::sign_up::form).post(accounts::sign_up::submit))
        .route("/account", get(accounts::account::show))
        .route("/account/totp", post(accounts::account::begin_totp))
        .route("/account/totp/confirm", post(accounts::account::confirm_totp))
        .route("/account/channels", post(accounts::account::set_channel))
        .route("/notifications", get(officers::alerting::notifications))
        .route("/notifications/read", post(officers::alerting::mark_read))
        .route("/events", get(officers::alerting::events))
        .route("/duty", post(officers::alerting::duty))
        // The tip form carries photos and videos: its limit alone is raised.
        .route(
            "/tips/new",
            get(tips::submit::form).post(tips::submit::submit).layer(DefaultBodyLimit::max(tips::submit::FORM_LIMIT)),
        )
        .route("/receipt", get(tips::follow::receipt_form).post(tips::follow::receipt_lookup))
        .route("/receipt/messages", post(tips::follow::receipt_message))
        .route("/my/tips", get(tips::follow::my_tips))
        .route("/my/tips/{id}", get(tips::follow::my_tip))
        .route("/my/tips/{id}/messages", post(tips::follow::my_tip_message))
        .route("/inbox", get(officers::inbox::list))
        .route("/inbox/{id}", get(officers::inbox::show))
        .route("/inbox/{id}/attachments/{aid}", get(officers::inbox::attachment))
        .route("/inbox/{id}/transitions", post(officers::inbox_actions::transition))
        .route("/inbox/{id}/assignment", post(officers::inbox_actions::assign))
        .route("/inbox/{id}/priority", post(officers::inbox_actions::priority))
        .route("/inbox/{id}/triage", post(officers::inbox_actions::triage))
        .route("/inbox/{id}/notes", post(officers::inbox_actions::note))
        .route("/inbox/{id}/messages", post(officers::inbox_actions::message))
        .route("/inbox/{id}/unseal-requests", post(officers::inbox_actions::request_unseal))
        .route("/inbox/{id}/unseal-requests/{rid}/approval", post(officers::inbox_actions::approve_unseal))
        .route("/inbox/{id}/identity", post(officers::inbox_actions::identity))
        .route("/admin/jobs", get(officers::jobs::list))
        .route("/admin/jobs/{id}/retry", post(officers::jobs::retry))
}

/// What every page's frame needs: the language's words, who is signed in, the CSRF token, the title.
pub(crate) struct Layout {
    pub t: &'static Text,
    pub lang: Lang,
    pub user: Option<String>,
    /// A signed-in police officer: the nav links the inbox.
    pub officer: bool,
    pub csrf: String,
    pub title: String,
    /// Unread notifications, on the pages that count them (the nav shows the number).
    pub unread: Option<i64>,
}

impl Layout {
    pub(crate) fn new(v: &Visitor, title: impl Into<String>) -> Self {
        Self {
            t: v.lang.text(),
            lang: v.lang,
            user: v.principal.as_ref().map(|p| p.account.display_name.clone()),
            officer: v.principal.as_ref().is_some_and(|p| p.actor().is_some()),
            csrf: v.csrf.clone(),
            title: title.into(),
            unread: None,
        }
    }

    /// The number the nav shows beside "Thông báo": unread ones, when the page counted them.
    pub(crate) fn unread_badge(&self) -> Option<i64> {
        self.unread.filter(|n| *n > 0)
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

/// One `<option>` of a select (or one radio button).
pub(crate) struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl SelectOption {
    pub(crate) fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Self {
        let value = value.into();
        Self { selected: value == current, label: label.into(), value }
    }
}

/// A path parameter that must be an id; anything else is the not-found page.
pub(crate) fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "tip_not_found"))
}
