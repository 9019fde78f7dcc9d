//! Signing in (password, then the TOTP code when the account has one) and signing out.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::auth::{SessionKind, Stage};
use binhyen_core::CoreError;
use binhyen_domain::AccountKind;
use serde::Deserialize;

use crate::i18n::message;
use crate::session::{CsrfForm, Visitor};
use crate::ui::{page, Layout};
use crate::AppState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    l: Layout,
    phone: String,
    error: Option<String>,
}

pub(crate) async fn form(v: Visitor) -> Response {
    if v.principal.is_some() {
        return (v.jar, Redirect::to("/account")).into_response();
    }
    let error = v.session_problem.filter(|p| *p == "session_expired").map(|p| message(v.lang, p).to_owned());
    let tpl = SignInPage { l: Layout::new(&v, v.lang.text().sign_in), phone: String::new(), error };
    page(v, StatusCode::OK, &tpl)
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn submit(State(state): State<AppState>, CsrfForm(mut v, f): CsrfForm<SignInForm>) -> Response {
    if let Some(old) = v.session_token.take() {
        let _ = state.core.auth().sign_out(&old).await;
    }
    let result = state.core.auth().sign_in(&f.phone, &f.password, None, SessionKind::Web, v.client.as_deref()).await;
    let (status, code) = match result {
        Ok(issued) => {
            let stage = issued.stage;
            v.start_session(issued.token, state.config.secure_cookies);
            let to = match stage {
                Stage::TotpOwed => "/sign-in/totp".to_owned(),
                Stage::EnrolmentOwed => "/account".to_owned(),
                Stage::Full => landing(&state, &f.phone).await,
            };
            return (v.jar, Redirect::to(&to)).into_response();
        }
        Err(CoreError::Throttled { .. }) => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        Err(CoreError::Unauthenticated { .. }) => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
        Err(e) => return crate::ui::error_page(v, e.into()),
    };
    let tpl = SignInPage {
        l: Layout::new(&v, v.lang.text().sign_in),
        phone: f.phone,
        error: Some(message(v.lang, code).to_owned()),
    };
    page(v, status, &tpl)
}

/// Officers land on the unit directory, everyone else on their account.
async fn landing(state: &AppState, phone: &str) -> String {
    match state.core.accounts().account_by_phone(phone).await {
        Ok(a) if a.kind == AccountKind::Officer => "/units".to_owned(),
        _ => "/account".to_owned(),
    }
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage {
    l: Layout,
    error: Option<String>,
}

pub(crate) async fn totp_form(v: Visitor) -> Response {
    if !matches!(v.pending, Some((_, Stage::TotpOwed))) {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    }
    let tpl = TotpPage { l: Layout::new(&v, v.lang.text().totp_title), error: None };
    page(v, StatusCode::OK, &tpl)
}

#[derive(Deserialize)]
pub(crate) struct TotpForm {
    #[serde(default)]
    code: String,
}

pub(crate) async fn totp_submit(State(state): State<AppState>, CsrfForm(v, f): CsrfForm<TotpForm>) -> Response {
    let Some(token) = v.session_token.clone().filter(|_| matches!(v.pending, Some((_, Stage::TotpOwed)))) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let (status, code) = match state.core.auth().complete_totp(&token, &f.code).await {
        Ok(()) => {
            let officer = v.pending.as_ref().is_some_and(|(p, _)| p.account.kind == AccountKind::Officer);
            return (v.jar, Redirect::to(if officer { "/units" } else { "/account" })).into_response();
        }
        Err(CoreError::Throttled { .. }) => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        Err(CoreError::Invalid(i)) => (StatusCode::UNPROCESSABLE_ENTITY, i.code),
        Err(e) => return crate::ui::error_page(v, e.into()),
    };
    let tpl = TotpPage { l: Layout::new(&v, v.lang.text().totp_title), error: Some(message(v.lang, code).to_owned()) };
    page(v, status, &tpl)
}

#[derive(Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn sign_out(State(state): State<AppState>, CsrfForm(mut v, _): CsrfForm<Empty>) -> Response {
    if let Some(token) = v.session_token.clone() {
        if let Err(e) = state.core.auth().sign_out(&token).await {
            return crate::ui::error_page(v, e.into());
        }
    }
    v.end_session();
    (v.jar, Redirect::to("/")).into_response()
}
