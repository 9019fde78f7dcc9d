//! Citizens sign up: phone, name, password and, optionally, where they live (typed as a name and resolved
//! by `places`, so the form works without JavaScript; several matches are offered as choices).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::accounts::CitizenSignUp;
use binhyen_core::auth::SessionKind;
use binhyen_core::CoreError;
use serde::Deserialize;

use crate::error::ApiError;
use crate::i18n::message;
use crate::session::{CsrfForm, Visitor};
use crate::ui::{page, Layout};
use crate::AppState;
use binhyen_core::places::{PlaceChoice as Choice, TypedPlace as Place};

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
    let home = match state.core.units().resolve_typed_place(&f.home_area, f.home_area_id.as_deref()).await {
        Ok(h) => h,
        Err(e) => return crate::ui::error_page(v, e.into()),
    };
    let home_area_id = match home {
        Place::None => None,
        Place::Found(id) => Some(id),
        Place::Choose(choices) => return redisplay(v, f, StatusCode::OK, Vec::new(), choices),
        Place::Unknown => {
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
    match state.core.accounts().sign_up_citizen(input).await {
        Ok(_) => {
            match state.core.auth().sign_in(&f.phone, &f.password, None, SessionKind::Web, v.client.as_deref()).await {
                Ok(issued) => v.start_session(issued.token, state.config.secure_cookies),
                Err(e) => return crate::ui::error_page(v, e.into()),
            }
            (v.jar, Redirect::to("/account")).into_response()
        }
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict { .. } | CoreError::NotFound { .. })) => {
            let api = ApiError::from(e);
            let field = api.field.clone().unwrap_or_default();
            let errors = vec![(field, message(v.lang, api.code).to_owned())];
            redisplay(v, f, api.status, errors, Vec::new())
        }
        Err(e) => crate::ui::error_page(v, e.into()),
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
