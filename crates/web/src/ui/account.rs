//! My account: who I am, my unit or households, and two-step enrolment for officers.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::auth::{Principal, Stage};
use binhyen_core::CoreError;
use binhyen_domain::{time_vn, AccountKind, PhoneNumber};
use binhyen_store::accounts::Household;
use serde::Deserialize;

use super::{or_page, page, Layout};
use crate::i18n::{account_kind, message, role};
use crate::session::{CsrfForm, Visitor};
use crate::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    name: String,
    phone: String,
    kind: &'static str,
    unit: Option<(String, String)>,
    role: Option<&'static str>,
    home_area: Option<(i64, String)>,
    since: String,
    households: Vec<Household>,
    is_officer: bool,
    totp_enabled: bool,
    enrolment: Option<(String, String)>,
    error: Option<String>,
}

/// The signed-in account, or one whose session waits only for TOTP enrolment (which this page offers).
fn account_holder(v: &Visitor) -> Option<&Principal> {
    v.principal.as_ref().or(match &v.pending {
        Some((p, Stage::EnrolmentOwed)) => Some(p),
        _ => None,
    })
}

async fn render(state: &AppState, v: Visitor, enrolment: Option<(String, String)>, error: Option<String>) -> Response {
    let Some(p) = account_holder(&v).cloned() else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let a = p.account;
    let unit = match a.unit_id.or(a.overseeing_unit_id) {
        Some(id) => Some(or_page!(v, state.core.store.unit(id).await.map_err(CoreError::from))),
        None => None,
    };
    let home_area = match a.home_area_id {
        Some(id) => Some(or_page!(v, state.core.store.area(id).await.map_err(CoreError::from))),
        None => None,
    };
    let households = or_page!(v, state.core.store.households(a.id).await.map_err(CoreError::from));
    let since = time::OffsetDateTime::from_unix_timestamp(a.created_at_ms / 1000).map(time_vn::today);
    let mut l = Layout::new(&v, v.lang.text().my_account);
    l.user = Some(a.display_name.clone());
    let tpl = AccountPage {
        l,
        phone: PhoneNumber::parse(&a.phone).map(|p| p.national()).unwrap_or_default(),
        kind: account_kind(v.lang, a.kind),
        unit: unit.map(|u| (u.code, u.name)),
        role: a.role.map(|r| role(v.lang, r)),
        home_area: home_area.map(|h| (h.id, h.name)),
        since: since.map(time_vn::format_date).unwrap_or_default(),
        households,
        is_officer: a.kind == AccountKind::Officer,
        totp_enabled: a.totp_enabled,
        name: a.display_name,
        enrolment,
        error,
    };
    page(v, StatusCode::OK, &tpl)
}

pub(crate) async fn show(State(state): State<AppState>, v: Visitor) -> Response {
    render(&state, v, None, None).await
}

#[derive(Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn begin_totp(State(state): State<AppState>, CsrfForm(v, _): CsrfForm<Empty>) -> Response {
    let Some(id) = account_holder(&v).map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let e = or_page!(v, state.core.begin_totp_enrolment(id).await);
    render(&state, v, Some((e.secret, e.uri)), None).await
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
}

pub(crate) async fn confirm_totp(State(state): State<AppState>, CsrfForm(v, f): CsrfForm<CodeForm>) -> Response {
    let Some(p) = account_holder(&v).cloned() else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    match state.core.confirm_totp_enrolment(p.account.id, &f.code, v.session_token.as_deref()).await {
        Ok(()) => (v.jar, Redirect::to("/account")).into_response(),
        Err(CoreError::Invalid(i)) => {
            let secret = match state.core.totp_secret(&p.account) {
                Ok(secret) => secret.unwrap_or_default(),
                Err(e) => return super::error_page(v, e.into()),
            };
            let error = Some(message(v.lang, i.code).to_owned());
            render(&state, v, Some((secret, String::new())), error).await
        }
        Err(e) => super::error_page(v, e.into()),
    }
}
