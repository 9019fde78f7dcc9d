//! Tipsters following their tips: the receipt page of an anonymous tip (the code travels in POST bodies only,
//! never in a URL) and a signed-in tipster's own tips, each with the events meant for them as sentences and
//! the messages as a conversation.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::tips::{TipsterKey, TipsterView};
use binhyen_core::CoreError;
use binhyen_domain::entities::tips::TipEvent;
use binhyen_domain::time_vn::format_instant_ms;
use binhyen_domain::tip::TipEventKind;
use serde::Deserialize;

use crate::error::ApiError;
use crate::i18n::{message, protection, tip_category, tip_state, Lang};
use crate::session::{CsrfForm, Visitor};
use crate::ui::{or_page, page, parse_id, Layout};
use crate::AppState;

/// One line of a tipster's timeline: an event as a sentence, or a message (`body`) in the conversation.
pub(crate) struct Line {
    at: String,
    text: &'static str,
    body: Option<String>,
    /// Written by the tipster (shown on their side of the conversation).
    mine: bool,
    who: &'static str,
}

fn lines(lang: Lang, events: Vec<TipEvent>) -> Vec<Line> {
    let t = lang.text();
    events
        .into_iter()
        .filter_map(|e| {
            // What the tipster is shown of the timeline; the rest is the police's own work.
            let text = match e.kind {
                TipEventKind::Submitted => t.ev_submitted,
                TipEventKind::StateChanged => tip_state(lang, e.to_state?),
                TipEventKind::IdentityViewed => t.ev_identity_viewed,
                TipEventKind::AttachmentAdded if e.from_tipster => t.ev_you_attached,
                TipEventKind::AttachmentAdded => t.ev_police_attached,
                TipEventKind::Message => "",
                TipEventKind::Assigned
                | TipEventKind::PriorityChanged
                | TipEventKind::Note
                | TipEventKind::UnsealRequested
                | TipEventKind::UnsealApproved
                | TipEventKind::Escalated
                | TipEventKind::UnitReorganised
                | TipEventKind::SupportAcknowledged
                | TipEventKind::SupportResolved => return None,
            };
            let body = if e.kind == TipEventKind::Message { e.body } else { None };
            let who = if e.from_tipster { t.you } else { t.police };
            Some(Line { at: format_instant_ms(e.at_ms), text, body, mine: e.from_tipster, who })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "tip_view.html")]
struct TipView {
    l: Layout,
    id: i64,
    category: &'static str,
    state: &'static str,
    protection: &'static str,
    sent_at: String,
    description: String,
    lines: Vec<Line>,
    /// Where the reply form posts.
    reply_to: String,
    /// An anonymous tip's code, sent back in a hidden field with the reply.
    receipt: Option<String>,
    sent: bool,
    error: Option<String>,
}

fn view(
    v: Visitor,
    view: TipsterView,
    reply_to: String,
    receipt: Option<String>,
    sent: bool,
    error: Option<String>,
) -> Response {
    let lang = v.lang;
    let tip = view.tip;
    let tpl = TipView {
        l: Layout::new(&v, format!("{} {}", lang.text().tip_no, tip.id)),
        id: tip.id,
        category: tip_category(lang, tip.category),
        state: tip_state(lang, tip.state),
        protection: protection(lang, tip.protection),
        sent_at: format_instant_ms(tip.submitted_at_ms),
        description: tip.description,
        lines: lines(lang, view.events),
        reply_to,
        receipt,
        sent,
        error,
    };
    let anonymous = tpl.receipt.is_some();
    let mut response = page(v, StatusCode::OK, &tpl);
    if anonymous {
        // The page holds the receipt code: no cache keeps it.
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[derive(Template)]
#[template(path = "tip_receipt.html")]
struct ReceiptPage {
    l: Layout,
    code: String,
    error: Option<String>,
}

fn receipt_page(v: Visitor, status: StatusCode, code: String, error: Option<String>) -> Response {
    let tpl = ReceiptPage { l: Layout::new(&v, v.lang.text().receipt_title), code, error };
    page(v, status, &tpl)
}

pub(crate) async fn receipt_form(v: Visitor) -> Response {
    receipt_page(v, StatusCode::OK, String::new(), None)
}

#[derive(Deserialize)]
pub(crate) struct ReceiptForm {
    #[serde(default)]
    receipt: String,
}

/// A wrong code and throttling come back to the form with their message; anything else is the error page.
fn refused(v: Visitor, code: String, e: CoreError) -> Response {
    let api = ApiError::from(e);
    match api.code {
        "receipt_not_found" | "too_many_attempts" => {
            let error = Some(message(v.lang, api.code).to_owned());
            receipt_page(v, api.status, code, error)
        }
        _ => crate::ui::error_page(v, api),
    }
}

pub(crate) async fn receipt_lookup(State(state): State<AppState>, CsrfForm(v, f): CsrfForm<ReceiptForm>) -> Response {
    match state.core.tips().tipster_view(TipsterKey::Receipt(&f.receipt), None, v.client.as_deref()).await {
        Ok(tip) => view(v, tip, "/receipt/messages".to_owned(), Some(f.receipt), false, None),
        Err(e) => refused(v, f.receipt, e),
    }
}

#[derive(Deserialize)]
pub(crate) struct ReceiptMessageForm {
    #[serde(default)]
    receipt: String,
    #[serde(default)]
    body: String,
}

pub(crate) async fn receipt_message(
    State(state): State<AppState>,
    CsrfForm(v, f): CsrfForm<ReceiptMessageForm>,
) -> Response {
    let key = TipsterKey::Receipt(&f.receipt);
    let written = state.core.tips().tipster_writes(key, None, &f.body, v.client.as_deref()).await;
    let (sent, error) = match written {
        Ok(_) => (true, None),
        Err(CoreError::Invalid(i)) => (false, Some(message(v.lang, i.code).to_owned())),
        Err(e) => return refused(v, f.receipt, e),
    };
    // The code was just proven (or the text alone was refused): showing the page again guesses nothing.
    match state.core.tips().tipster_view(TipsterKey::Receipt(&f.receipt), None, None).await {
        Ok(tip) => view(v, tip, "/receipt/messages".to_owned(), Some(f.receipt), sent, error),
        Err(e) => refused(v, f.receipt, e),
    }
}

pub(crate) struct MyTip {
    id: i64,
    category: &'static str,
    state: &'static str,
    protection: &'static str,
    sent_at: String,
}

#[derive(Template)]
#[template(path = "tip_mine.html")]
struct MyTipsPage {
    l: Layout,
    tips: Vec<MyTip>,
}

pub(crate) async fn my_tips(State(state): State<AppState>, v: Visitor) -> Response {
    let Some(account) = v.principal.as_ref().map(|p| p.account.clone()) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let lang = v.lang;
    let tips = or_page!(v, state.core.tips().my_tips(&account).await)
        .into_iter()
        .map(|t| MyTip {
            id: t.id,
            category: tip_category(lang, t.category),
            state: tip_state(lang, t.state),
            protection: protection(lang, t.protection),
            sent_at: format_instant_ms(t.submitted_at_ms),
        })
        .collect();
    let tpl = MyTipsPage { l: Layout::new(&v, lang.text().my_tips), tips };
    page(v, StatusCode::OK, &tpl)
}

async fn show_mine(state: &AppState, v: Visitor, raw_id: &str, sent: bool, error: Option<String>) -> Response {
    let Some(account) = v.principal.as_ref().map(|p| p.account.clone()) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let id = or_page!(v, parse_id(raw_id));
    let tip = or_page!(v, state.core.tips().tipster_view(TipsterKey::Account(&account), Some(id), None).await);
    view(v, tip, format!("/my/tips/{id}/messages"), None, sent, error)
}

pub(crate) async fn my_tip(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    show_mine(&state, v, &id, false, None).await
}

#[derive(Deserialize)]
pub(crate) struct MessageForm {
    #[serde(default)]
    body: String,
}

pub(crate) async fn my_tip_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<MessageForm>,
) -> Response {
    let Some(account) = v.principal.as_ref().map(|p| p.account.clone()) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let tip_id = or_page!(v, parse_id(&id));
    match state.core.tips().tipster_writes(TipsterKey::Account(&account), Some(tip_id), &f.body, None).await {
        Ok(_) => (v.jar, Redirect::to(&format!("/my/tips/{tip_id}"))).into_response(),
        Err(CoreError::Invalid(i)) => {
            let error = Some(message(v.lang, i.code).to_owned());
            show_mine(&state, v, &id, false, error).await
        }
        Err(e) => crate::ui::error_page(v, e.into()),
    }
}
