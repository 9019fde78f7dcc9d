//! Sending a tip from the browser: one multipart form (what, when, where, protection, photos and videos) that
//! works without JavaScript. The tip is submitted first and the files attached after it, one by one, so a
//! refused file never loses the tip: the confirmation says which file was refused and why.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::tips::{Reporter, TipInput, TipsterKey, Uploader};
use binhyen_core::CoreError;
use binhyen_domain::tip::{Protection, TipCategory};
use binhyen_domain::AccountKind;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::i18n::{message, protection, protection_hint, tip_category, Lang};
use crate::session::{CsrfMultipart, UploadedFile, Visitor};
use crate::ui::{page, Layout, SelectOption};
use crate::AppState;
use binhyen_core::places::{PlaceChoice as Choice, TypedPlace as Place};

/// The whole form with its files: a short video (50 MiB) and a few photos, with room for the text.
pub(crate) const FORM_LIMIT: usize = 101 * 1024 * 1024;

/// Fields whose errors the form shows beside them; any other error is shown at the top.
const FIELDS: &[&str] =
    &["category", "description", "occurred_at", "area_id", "location", "address", "protection", "household_id"];

#[derive(Deserialize, Default)]
pub(crate) struct TipForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    happening_now: Option<String>,
    /// `datetime-local`: "2025-07-01T14:30", Vietnam time.
    #[serde(default)]
    occurred_at: String,
    /// A commune, ward or village as typed.
    #[serde(default)]
    area: String,
    /// One of several matches, chosen on the redisplayed form.
    #[serde(default)]
    area_id: Option<String>,
    #[serde(default)]
    address: String,
    /// Filled by app.js only when the tipster presses "Gửi vị trí của tôi".
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    protection: String,
    #[serde(default)]
    household_id: String,
}

pub(crate) struct ProtectionChoice {
    value: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: bool,
    enabled: bool,
}

#[derive(Template)]
#[template(path = "tip_new.html")]
struct NewTipPage {
    l: Layout,
    form: TipForm,
    categories: Vec<SelectOption>,
    protections: Vec<ProtectionChoice>,
    households: Vec<SelectOption>,
    signed_in: bool,
    choices: Vec<Choice>,
    error: Option<String>,
    errors: Vec<(String, String)>,
    files_again: bool,
}

impl NewTipPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "tip_sent.html")]
struct SentPage {
    l: Layout,
    unit: String,
    receipt: Option<String>,
    groups: Vec<String>,
    my_tip: Option<i64>,
    attached: usize,
    refused: Vec<(String, &'static str)>,
}

pub(crate) async fn form(State(state): State<AppState>, v: Visitor) -> Response {
    render(&state, v, TipForm::default(), StatusCode::OK, Vec::new(), Vec::new(), false).await
}

/// Errors of a form that comes back to its author: `(field, message)`, the field "" meaning the whole form.
type Errors = Vec<(String, String)>;

async fn render(
    state: &AppState,
    v: Visitor,
    form: TipForm,
    status: StatusCode,
    errors: Errors,
    choices: Vec<Choice>,
    files_again: bool,
) -> Response {
    let lang = v.lang;
    let signed_in = v.principal.is_some();
    let households = match v.principal.as_ref().map(|p| &p.account) {
        Some(a) if a.kind == AccountKind::Cluster => match state.core.accounts().households(a.id).await {
            Ok(list) => list,
            Err(e) => return crate::ui::error_page(v, e.into()),
        },
        _ => Vec::new(),
    };
    let households = households
        .into_iter()
        .map(|h| {
            SelectOption::new(
                h.id.to_string(),
                format!("{}. {} – {}", h.position, h.head_name, h.address),
                &form.household_id,
            )
        })
        .collect();
    let asked =
        form.protection.parse().unwrap_or(if signed_in { Protection::Confidential } else { Protection::Anonymous });
    let protections = [Protection::Identified, Protection::Confidential, Protection::Anonymous]
        .into_iter()
        .map(|p| {
            let enabled = signed_in || p == Protection::Anonymous;
            ProtectionChoice {
                value: p.as_str(),
                label: protection(lang, p),
                hint: protection_hint(lang, p),
                checked: enabled && (p == asked || (!signed_in && p == Protection::Anonymous)),
                enabled,
            }
        })
        .collect();
    let categories = TipCategory::ALL
        .iter()
        .map(|c| SelectOption::new(c.as_str(), tip_category(lang, *c), &form.category))
        .collect();
    let (error, errors): (Vec<_>, Vec<_>) = errors.into_iter().partition(|(f, _)| !FIELDS.contains(&f.as_str()));
    let tpl = NewTipPage {
        l: Layout::new(&v, lang.text().send_tip_title),
        form,
        categories,
        protections,
        households,
        signed_in,
        choices,
        error: error.into_iter().next().map(|(_, m)| m),
        errors,
        files_again,
    };
    page(v, status, &tpl)
}

fn field_error(lang: Lang, field: &str, code: &str) -> (String, String) {
    (field.to_owned(), message(lang, code).to_owned())
}

/// "2025-07-01T14:30" (seconds allowed) in Vietnam time; empty is none.
fn parse_local_time(s: &str) -> Result<Option<OffsetDateTime>, ()> {
    use time::macros::format_description;
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let at = time::PrimitiveDateTime::parse(s, format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .or_else(|_| {
            time::PrimitiveDateTime::parse(s, format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"))
        })
        .map_err(|_| ())?;
    Ok(Some(at.assume_offset(binhyen_domain::time_vn::VIETNAM)))
}

/// The point app.js filled in, if any.
fn parse_location(lat: &str, lon: &str) -> Result<Option<(f64, f64)>, ()> {
    match (lat.trim(), lon.trim()) {
        ("", "") => Ok(None),
        (lat, lon) => Ok(Some((lat.parse().map_err(|_| ())?, lon.parse().map_err(|_| ())?))),
    }
}

/// Everything the form can check before core, every problem at once.
fn check(v: &Visitor, f: &TipForm) -> Result<(TipInput, Option<i64>), Errors> {
    let lang = v.lang;
    let mut errors = Vec::new();
    let category = match f.category.parse::<TipCategory>() {
        Ok(c) => Some(c),
        Err(_) => {
            errors.push(field_error(lang, "category", "required"));
            None
        }
    };
    // The rule is the domain's (core enforces it too); checked here as well so that every mistake in the form
    // is shown at once.
    let signed_in = v.principal.is_some();
    let protection = match f.protection.as_str() {
        "" => Protection::Anonymous,
        p => match p.parse::<Protection>().and_then(|p| binhyen_domain::tip::check_protection(p, signed_in)) {
            Ok(p) => p,
            Err(e) => {
                errors.push(field_error(lang, "protection", e.code));
                Protection::Anonymous
            }
        },
    };
    let occurred_at = parse_local_time(&f.occurred_at).unwrap_or_else(|()| {
        errors.push(field_error(lang, "occurred_at", "invalid_datetime"));
        None
    });
    let location = parse_location(&f.lat, &f.lon).unwrap_or_else(|()| {
        errors.push(field_error(lang, "location", "invalid_coordinates"));
        None
    });
    let household_id = match f.household_id.trim() {
        "" => None,
        id => id.parse().map(Some).unwrap_or_else(|_| {
            errors.push(field_error(lang, "household_id", "not_your_household"));
            None
        }),
    };
    let (Some(category), true) = (category, errors.is_empty()) else { return Err(errors) };
    let input = TipInput {
        category,
        description: f.description.clone(),
        occurred_at,
        happening_now: f.happening_now.is_some(),
        area_id: None,
        location,
        address: Some(f.address.clone()).filter(|a| !a.trim().is_empty()),
        protection,
    };
    Ok((input, household_id))
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    CsrfMultipart(v, f, files): CsrfMultipart<TipForm>,
) -> Response {
    let lang = v.lang;
    let had_files = !files.is_empty();
    let (mut input, household_id) = match check(&v, &f) {
        Ok(x) => x,
        Err(errors) => {
            return render(&state, v, f, StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new(), had_files).await
        }
    };
    input.area_id = match state.core.units().resolve_typed_place(&f.area, f.area_id.as_deref()).await {
        Ok(Place::Found(id)) => Some(id),
        Ok(Place::None) => None,
        Ok(Place::Choose(choices)) => {
            return render(&state, v, f, StatusCode::OK, Vec::new(), choices, had_files).await
        }
        Ok(Place::Unknown) => {
            let errors = vec![field_error(lang, "area_id", "area_not_found")];
            return render(&state, v, f, StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new(), had_files).await;
        }
        Err(e) => return crate::ui::error_page(v, e.into()),
    };
    let account = v.principal.as_ref().map(|p| p.account.clone());
    let reporter = match &account {
        None => Reporter::Anonymous,
        Some(a) => Reporter::Account { account: a.clone(), household_id },
    };
    let done = match state.core.tips().submit_tip(reporter, input, v.client.as_deref()).await {
        Ok(done) => done,
        Err(
            e @ (CoreError::Invalid(_)
            | CoreError::NotFound { .. }
            | CoreError::Conflict { .. }
            | CoreError::Throttled { .. }),
        ) => {
            let api = ApiError::from(e);
            let errors = vec![field_error(lang, api.field.as_deref().unwrap_or_default(), api.code)];
            return render(&state, v, f, api.status, errors, Vec::new(), had_files).await;
        }
        Err(e) => return crate::ui::error_page(v, e.into()),
    };
    let key = match (&done.receipt, &account) {
        (Some(receipt), _) => TipsterKey::Receipt(receipt),
        (None, Some(a)) => TipsterKey::Account(a),
        (None, None) => return crate::ui::error_page(v, ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")),
    };
    let (attached, refused) = attach(&state, &key, done.tip_id, files).await;
    let refused: Vec<_> = refused.into_iter().map(|(name, code)| (name, message(lang, code))).collect();
    if done.receipt.is_none() && refused.is_empty() {
        return (v.jar, Redirect::to(&format!("/my/tips/{}", done.tip_id))).into_response();
    }
    let unit = state.core.units().unit(done.unit_id).await.map(|u| u.name).unwrap_or_default();
    let tpl = SentPage {
        l: Layout::new(&v, lang.text().tip_sent),
        unit,
        groups: done.receipt.as_deref().map(|r| r.split('-').map(str::to_owned).collect()).unwrap_or_default(),
        my_tip: done.receipt.is_none().then_some(done.tip_id),
        receipt: done.receipt,
        attached,
        refused,
    };
    let mut response = page(v, StatusCode::OK, &tpl);
    // The receipt is shown once: no cache keeps it.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Attaches each file in turn; returns how many were stored and, for the others, the name and the code of why.
async fn attach(
    state: &AppState,
    key: &TipsterKey<'_>,
    tip_id: i64,
    files: Vec<UploadedFile>,
) -> (usize, Vec<(String, &'static str)>) {
    let (mut attached, mut refused) = (0, Vec::new());
    for file in files {
        let bytes = match file.bytes {
            Ok(bytes) => bytes,
            Err(code) => {
                refused.push((file.name, code));
                continue;
            }
        };
        let who = Uploader::Tipster(match key {
            TipsterKey::Account(a) => TipsterKey::Account(a),
            TipsterKey::Receipt(r) => TipsterKey::Receipt(r),
        });
        // No client address: the receipt was issued by this very request, nothing is being guessed.
        match state.core.tips().attach_to_tip(who, Some(tip_id), bytes, None).await {
            Ok(_) => attached += 1,
            Err(e) => refused.push((file.name, ApiError::from(e).code)),
        }
    }
    (attached, refused)
}
