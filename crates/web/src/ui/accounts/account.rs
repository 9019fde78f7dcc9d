//! My account: who I am, my unit or households, where I am reached besides the app (one form per channel), and
//! two-step enrolment for officers.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::alerting::ContactInput;
use binhyen_core::auth::{Principal, Stage};
use binhyen_core::CoreError;
use binhyen_domain::channel::ChannelKind;
use binhyen_domain::entities::accounts::Household;
use binhyen_domain::{time_vn, AccountKind, PhoneNumber};
use serde::Deserialize;

use crate::i18n::{account_kind, channel_address, channel_name, message, role, Lang};
use crate::session::{CsrfForm, Visitor};
use crate::ui::{or_page, page, Layout};
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
    /// Where one is reached: None for a session still owing enrolment (it may only enrol).
    channels: Option<ChannelsView>,
    unread: Option<i64>,
}

/// The channels this installation has, each with what the account set (or just typed, when refused).
pub(crate) struct ChannelsView {
    rows: Vec<ChannelRow>,
    /// A refusal that belongs to no row (a channel this installation does not have).
    error: Option<String>,
}

pub(crate) struct ChannelRow {
    /// email, sms, zalo.
    code: &'static str,
    name: &'static str,
    address_label: &'static str,
    input_type: &'static str,
    address: String,
    enabled: bool,
    address_error: Option<String>,
    channel_error: Option<String>,
    saved: bool,
}

/// What the channel form sent, and why core refused it.
pub(crate) struct ChannelAttempt {
    channel: String,
    address: String,
    enabled: bool,
    field: String,
    message: String,
}

/// What the page shows beyond the account: the TOTP enrolment under way, a channel just saved or refused.
#[derive(Default)]
struct Shown {
    enrolment: Option<(String, String)>,
    error: Option<String>,
    saved: Option<String>,
    attempt: Option<ChannelAttempt>,
}

/// The `type` of a channel's address field: the keyboard a phone shows.
fn input_type(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Email => "email",
        ChannelKind::Sms => "tel",
        ChannelKind::Zalo | ChannelKind::Webhook => "text",
    }
}

/// A stored address as people type it: a number is stored as +84…, read and typed as 09….
fn address_as_typed(kind: ChannelKind, stored: &str) -> String {
    match kind {
        ChannelKind::Sms => PhoneNumber::parse(stored).map(|p| p.national()).unwrap_or(stored.to_owned()),
        ChannelKind::Email | ChannelKind::Zalo | ChannelKind::Webhook => stored.to_owned(),
    }
}

async fn channels_view(
    state: &AppState,
    lang: Lang,
    account_id: i64,
    saved: Option<&str>,
    attempt: Option<ChannelAttempt>,
) -> Result<ChannelsView, CoreError> {
    let stored = state.core.alerting().contact_channels(account_id).await?;
    let mut error = None;
    let mut rows: Vec<ChannelRow> = state
        .core
        .alerting()
        .available_channels()
        .into_iter()
        .map(|k| {
            let code = k.as_str();
            let mine = stored.iter().find(|c| c.channel == k);
            ChannelRow {
                code,
                name: channel_name(lang, k),
                address_label: channel_address(lang, k),
                input_type: input_type(k),
                address: mine.map(|c| address_as_typed(k, &c.address)).unwrap_or_default(),
                enabled: mine.is_some_and(|c| c.enabled),
                address_error: None,
                channel_error: None,
                saved: saved == Some(code),
            }
        })
        .collect();
    if let Some(a) = attempt {
        match rows.iter_mut().find(|r| r.code == a.channel) {
            Some(row) => {
                row.address = a.address;
                row.enabled = a.enabled;
                if a.field == "address" {
                    row.address_error = Some(a.message);
                } else {
                    row.channel_error = Some(a.message);
                }
            }
            None => error = Some(a.message),
        }
    }
    Ok(ChannelsView { rows, error })
}

/// The signed-in account, or one whose session waits only for TOTP enrolment (which this page offers).
fn account_holder(v: &Visitor) -> Option<&Principal> {
    v.principal.as_ref().or(match &v.pending {
        Some((p, Stage::EnrolmentOwed)) => Some(p),
        _ => None,
    })
}

async fn render(state: &AppState, v: Visitor, shown: Shown) -> Response {
    let Some(p) = account_holder(&v).cloned() else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let a = p.account;
    let status = if shown.attempt.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let signed_in = v.principal.is_some();
    let channels = match signed_in {
        true => Some(or_page!(v, channels_view(state, v.lang, a.id, shown.saved.as_deref(), shown.attempt).await)),
        false => None,
    };
    let unread = match signed_in {
        true => crate::ui::officers::alerting::unread_count(state, a.id).await,
        false => None,
    };
    let unit = match a.unit_id.or(a.overseeing_unit_id) {
        Some(id) => Some(or_page!(v, state.core.units().unit(id).await)),
        None => None,
    };
    let home_area = match a.home_area_id {
        Some(id) => Some(or_page!(v, state.core.units().area(id).await)),
        None => None,
    };
    let households = or_page!(v, state.core.accounts().households(a.id).await);
    let since = time::OffsetDateTime::from_unix_timestamp(a.created_at_ms / 1000).map(time_vn::today);
    let mut l = Layout::new(&v, v.lang.text().my_account);
    l.user = Some(a.display_name.clone());
    l.unread = unread;
    let tpl = AccountPage {
        l,
        channels,
        unread,
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
        enrolment: shown.enrolment,
        error: shown.error,
    };
    page(v, status, &tpl)
}

#[derive(Deserialize, Default)]
pub(crate) struct AccountQuery {
    /// The channel just saved (after the redirect of its form).
    #[serde(default)]
    saved: Option<String>,
}

pub(crate) async fn show(State(state): State<AppState>, v: Visitor, Query(q): Query<AccountQuery>) -> Response {
    render(&state, v, Shown { saved: q.saved, ..Shown::default() }).await
}

#[derive(Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn begin_totp(State(state): State<AppState>, CsrfForm(v, _): CsrfForm<Empty>) -> Response {
    let Some(id) = account_holder(&v).map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let e = or_page!(v, state.core.auth().begin_totp_enrolment(id).await);
    render(&state, v, Shown { enrolment: Some((e.secret, e.uri)), ..Shown::default() }).await
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
    match state.core.auth().confirm_totp_enrolment(p.account.id, &f.code, v.session_token.as_deref()).await {
        Ok(()) => (v.jar, Redirect::to("/account")).into_response(),
        Err(CoreError::Invalid(i)) => {
            let secret = match state.core.auth().totp_secret(&p.account) {
                Ok(secret) => secret.unwrap_or_default(),
                Err(e) => return crate::ui::error_page(v, e.into()),
            };
            let error = Some(message(v.lang, i.code).to_owned());
            render(&state, v, Shown { enrolment: Some((secret, String::new())), error, ..Shown::default() }).await
        }
        Err(e) => crate::ui::error_page(v, e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct ChannelForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    address: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    enabled: Option<String>,
}

/// Saves one channel (its form on the account page) and keeps the others as they are: an empty address left
/// unticked removes the channel. A refusal shows the page again with the message beside the field.
pub(crate) async fn set_channel(State(state): State<AppState>, CsrfForm(v, f): CsrfForm<ChannelForm>) -> Response {
    let Some(account_id) = v.principal.as_ref().map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let stored = or_page!(v, state.core.alerting().contact_channels(account_id).await);
    let available = state.core.alerting().available_channels();
    // The others stay; one this installation no longer has cannot stay turned on.
    let mut input: Vec<ContactInput> = stored
        .into_iter()
        .filter(|c| c.channel.as_str() != f.channel)
        .map(|c| ContactInput {
            enabled: c.enabled && available.contains(&c.channel),
            channel: c.channel.as_str().to_owned(),
            address: c.address,
        })
        .collect();
    let enabled = f.enabled.is_some();
    if enabled || !f.address.trim().is_empty() {
        input.push(ContactInput { channel: f.channel.clone(), address: f.address.clone(), enabled });
    }
    match state.core.alerting().set_contact_channels(account_id, &input).await {
        Ok(_) => {
            let to = match available.iter().find(|k| k.as_str() == f.channel) {
                Some(k) => format!("/account?saved={}#channels", k.as_str()),
                None => "/account#channels".to_owned(),
            };
            (v.jar, Redirect::to(&to)).into_response()
        }
        Err(CoreError::Invalid(i)) => {
            let attempt = ChannelAttempt {
                channel: f.channel,
                address: f.address,
                enabled,
                field: i.field.to_owned(),
                message: message(v.lang, i.code).to_owned(),
            };
            render(&state, v, Shown { attempt: Some(attempt), ..Shown::default() }).await
        }
        Err(e) => crate::ui::error_page(v, e.into()),
    }
}
