//! Citizens sign up: phone, name, password and, optionally, where they live (typed as a name and resolved
//! here, so the form works without JavaScript; several matches are offered as choices).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::accounts::CitizenSignUp;
use binhyen_core::auth::SessionKind;
use binhyen_core::CoreError;
use binhyen_domain::AreaLevel;
use serde::Deserialize;

use super::{page, Layout};
use crate::error::ApiError;
use crate::i18n::message;
use crate::session::{CsrfForm, Visitor};
use crate::AppState;

#[derive(Deserialize, Default)]
pub(crate) struct SignUpForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    home_area: String,
    #[serde(default)]
    home_area_id: Option<String>,
}

pub(crate) struct Choice {
    id: i64,
    label: String,
}

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpPage {
    l: Layout,
    form: SignUpForm,
    error: Option<String>,
    errors: Vec<(String, String)>,
    choices: Vec<Choice>,
}

impl SignUpPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

pub(crate) async fn form(v: Visitor) -> Response {
    let tpl = SignUpPage {
        l: Layout::new(&v, v.lang.text().sign_up),
        form: SignUpForm::default(),
        error: None,
        errors: Vec::new(),
        choices: Vec::new(),
    };
    page(v, StatusCode::OK, &tpl)
}

/// How the typed home area resolved.
enum Home {
    None,
    Found(i64),
    Choose(Vec<Choice>),
    Unknown,
}

async fn resolve_home(state: &AppState, f: &SignUpForm) -> Result<Home, CoreError> {
    if let Some(id) = f.home_area_id.as_deref().and_then(|s| s.parse().ok()) {
        return Ok(Home::Found(id));
    }
    if f.home_area.trim().is_empty() {
        return Ok(Home::None);
    }
    let today = state.core.today();
    let candidates: Vec<_> = state
        .core
        .search_areas(&f.home_area)
        .await?
        .into_iter()
        .filter(|a| matches!(a.level, AreaLevel::Commune | AreaLevel::Village))
        .filter(|a| binhyen_domain::area::valid_on(a.valid_from, a.valid_to, today))
        .collect();
    let candidates = if candidates.is_empty() { successors_of_former(state, &f.home_area).await? } else { candidates };
    let typed = binhyen_text::fold(&f.home_area);
    let exact: Vec<_> = candidates.iter().filter(|a| binhyen_text::fold(&a.name).ends_with(&typed)).collect();
    Ok(match (candidates.len(), exact.len()) {
        (0, _) => Home::Unknown,
        (1, _) => Home::Found(candidates[0].id),
        (_, 1) => Home::Found(exact[0].id),
        _ => {
            let mut choices = Vec::new();
            for a in candidates.into_iter().take(15) {
                let parent = match a.parent_id {
                    Some(p) => state.core.store.area(p).await.map(|p| p.name).unwrap_or_default(),
                    None => String::new(),
                };
                choices.push(Choice { id: a.id, label: format!("{} – {}", a.name, parent) });
            }
            Home::Choose(choices)
        }
    })
}

/// People still name the commune they grew up in ("Ea KPam") after it merged into another in 2025: offer the
/// communes such former ones went into.
async fn successors_of_former(state: &AppState, typed: &str) -> Result<Vec<binhyen_store::areas::Area>, CoreError> {
    let mut found: Vec<binhyen_store::areas::Area> = Vec::new();
    let former = state.core.search_areas(typed).await?.into_iter().filter(|a| a.level == AreaLevel::Commune);
    for area in former.filter(|a| a.valid_to.is_some()) {
        let successors = state.core.store.area_successors(area.id).await?;
        if let Some((next, _)) = successors.into_iter().find(|(_, is_default)| *is_default) {
            if !found.iter().any(|a| a.id == next.id) {
                found.push(next);
            }
        }
    }
    Ok(found)
}

/// Every field's problem at once, so nobody submits once per mistake.
fn field_errors(v: &Visitor, f: &SignUpForm) -> Vec<(String, String)> {
    use binhyen_domain::{DisplayName, Password, PhoneNumber};
    [PhoneNumber::parse(&f.phone).err(), DisplayName::parse(&f.display_name).err(), Password::parse(&f.password).err()]
        .into_iter()
        .flatten()
        .map(|e| (e.field.to_owned(), message(v.lang, e.code).to_owned()))
        .collect()
}

pub(crate) async fn submit(State(state): State<AppState>, CsrfForm(mut v, f): CsrfForm<SignUpForm>) -> Response {
    let errors = field_errors(&v, &f);
    if !errors.is_empty() {
        return redisplay(v, f, StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new());
    }
    let home = match resolve_home(&state, &f).await {
        Ok(h) => h,
        Err(e) => return super::error_page(v, e.into()),
    };
    let home_area_id = match home {
        Home::None => None,
        Home::Found(id) => Some(id),
        Home::Choose(choices) => return redisplay(v, f, StatusCode::OK, Vec::new(), choices),
        Home::Unknown => {
            let errors = vec![("home_area_id".to_owned(), message(v.lang, "area_not_found").to_owned())];
            return redisplay(v, f, StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new());
        }
    };
    let input = CitizenSignUp {
        phone: f.phone.clone(),
        password: f.password.clone(),
        display_name: f.display_name.clone(),
        home_area_id,
    };
    match state.core.sign_up_citizen(input).await {
        Ok(_) => {
            match state.core.sign_in(&f.phone, &f.password, None, SessionKind::Web, v.client.as_deref()).await {
                Ok(issued) => v.start_session(issued.token, state.config.secure_cookies),
                Err(e) => return super::error_page(v, e.into()),
            }
            (v.jar, Redirect::to("/account")).into_response()
        }
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict { .. } | CoreError::NotFound { .. })) => {
            let api = ApiError::from(e);
            let field = api.field.clone().unwrap_or_default();
            let errors = vec![(field, message(v.lang, api.code).to_owned())];
            redisplay(v, f, api.status, errors, Vec::new())
        }
        Err(e) => super::error_page(v, e.into()),
    }
}

fn redisplay(
    v: Visitor,
    mut f: SignUpForm,
    status: StatusCode,
    errors: Vec<(String, String)>,
    choices: Vec<Choice>,
) -> Response {
    f.password.clear();
    let tpl = SignUpPage { l: Layout::new(&v, v.lang.text().sign_up), form: f, error: None, errors, choices };
    page(v, status, &tpl)
}
