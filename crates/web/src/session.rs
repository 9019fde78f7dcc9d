//! Who is asking: bearer tokens for the API, HttpOnly session cookies for pages, the language, and the CSRF
//! token every form carries (double-submit: an HttpOnly, SameSite=Strict cookie that a form field must match).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use binhyen_core::auth::{Principal, Stage};
use binhyen_core::CoreError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::AppState;

pub(crate) const SESSION_COOKIE: &str = "binhyen_session";
const CSRF_COOKIE: &str = "binhyen_csrf";
const LANG_COOKIE: &str = "binhyen_lang";

/// A fully signed-in API caller (`Authorization: Bearer …`).
pub struct ApiPrincipal(pub Principal);

impl FromRequestParts<AppState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "no_session"))?;
        Ok(ApiPrincipal(state.core.auth().authenticate(token).await?))
    }
}

/// A caller who may or may not be signed in (anonymous tips). A token that is sent must be valid.
pub struct MaybeApiPrincipal(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybeApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match bearer_token(parts) {
            Some(token) => Ok(MaybeApiPrincipal(Some(state.core.auth().authenticate(token).await?))),
            None => Ok(MaybeApiPrincipal(None)),
        }
    }
}

pub(crate) fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    (!token.is_empty()).then_some(token)
}

/// The caller's address, when the server was started with connection info (used hashed, for throttling).
pub(crate) fn client_address(parts: &Parts) -> Option<String> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip().to_string())
}

/// Everything a page needs to know about the visitor. Any cookie it sets travels in `jar`, which the handler
/// returns with its response.
pub struct Visitor {
    pub lang: Lang,
    /// Set when the session is fully signed in.
    pub principal: Option<Principal>,
    /// Set when a session exists but still owes a second factor or enrolment.
    pub pending: Option<(Principal, Stage)>,
    pub session_token: Option<String>,
    pub csrf: String,
    pub jar: CookieJar,
    pub client: Option<String>,
    /// Why a session cookie was refused (e.g. "session_expired"), to say so on the sign-in page.
    pub session_problem: Option<&'static str>,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let mut jar = CookieJar::from_headers(&parts.headers);
        let secure = state.config.secure_cookies;
        let query_lang =
            parts.uri.query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(Lang::parse));
        let lang = match query_lang {
            Some(l) => {
                jar = jar.add(cookie(LANG_COOKIE, l.code().to_owned(), secure, SameSite::Lax, false));
                l
            }
            None => jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())).unwrap_or_default(),
        };
        let csrf = match jar.get(CSRF_COOKIE) {
            Some(c) if c.value().len() == 64 => c.value().to_owned(),
            _ => {
                let token = state.core.random.token(32);
                jar = jar.add(cookie(CSRF_COOKIE, token.clone(), secure, SameSite::Strict, true));
                token
            }
        };
        let mut visitor = Visitor {
            lang,
            principal: None,
            pending: None,
            session_token: None,
            csrf,
            jar,
            client: client_address(parts),
            session_problem: None,
        };
        if let Some(token) = visitor.jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
            match state.core.auth().session_principal(&token).await {
                Ok(p) if p.stage == Stage::Full => {
                    visitor.principal = Some(p);
                    visitor.session_token = Some(token);
                }
                Ok(p) => {
                    let stage = p.stage;
                    visitor.pending = Some((p, stage));
                    visitor.session_token = Some(token);
                }
                Err(CoreError::Unauthenticated { reason }) => {
                    visitor.session_problem = Some(reason);
                    visitor.jar = visitor.jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
                }
                Err(e) => tracing::warn!(error = %e, "session lookup failed"),
            }
        }
        Ok(visitor)
    }
}

impl Visitor {
    pub(crate) fn start_session(&mut self, token: String, secure: bool) {
        self.jar = self.jar.clone().add(cookie(SESSION_COOKIE, token.clone(), secure, SameSite::Lax, true));
        self.session_token = Some(token);
    }

    pub(crate) fn end_session(&mut self) {
        self.jar = self.jar.clone().remove(Cookie::build(SESSION_COOKIE).path("/"));
        self.session_token = None;
        self.principal = None;
    }
}

fn cookie(name: &'static str, value: String, secure: bool, same_site: SameSite, http_only: bool) -> Cookie<'static> {
    Cookie::build((name, value)).path("/").http_only(http_only).secure(secure).same_site(same_site).build()
}

/// A submitted form whose `csrf` field matches the visitor's CSRF cookie. Every state-changing page handler
/// takes its input through this extractor, so a form without its token never reaches core.
pub struct CsrfForm<T>(pub Visitor, pub T);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// Why a form was refused before reaching its handler.
pub enum FormRejection {
    Csrf(Visitor),
    Malformed(Visitor),
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = FormRejection;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Ok(visitor) = Visitor::from_request_parts(&mut parts, state).await;
        let Ok(bytes) = axum::body::to_bytes(body, state.config.body_limit).await else {
            return Err(FormRejection::Malformed(visitor));
        };
        let field: CsrfField = serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfField { csrf: String::new() });
        let cookie_token = visitor.jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
        if cookie_token.is_empty() || !constant_time_eq(field.csrf.as_bytes(), cookie_token.as_bytes()) {
            return Err(FormRejection::Csrf(visitor));
        }
        match serde_urlencoded::from_bytes(&bytes) {
            Ok(form) => Ok(CsrfForm(visitor, form)),
            Err(_) => Err(FormRejection::Malformed(visitor)),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A file sent with a multipart form: the name the browser gave it, and its bytes or the error code of why
/// they were not read (`too_large` when the body went over the route's limit).
pub struct UploadedFile {
    pub name: String,
    pub bytes: Result<Vec<u8>, &'static str>,
}

/// `CsrfForm` for `multipart/form-data` (a form with files). The `csrf` part must come first and match the
/// cookie before any other part is read; the text parts then deserialize into `T` exactly as a url-encoded
/// form would, and the file parts are kept in order. When the body goes over the route's limit while files
/// are read, what came before is kept: the file being read is marked `too_large` and nothing after it is read.
/// A url-encoded body (the same form without files) is taken as `CsrfForm` takes it.
pub struct CsrfMultipart<T>(pub Visitor, pub T, pub Vec<UploadedFile>);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfMultipart<T> {
    type Rejection = FormRejection;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !content_type.starts_with("multipart/form-data") {
            let CsrfForm(visitor, form) = CsrfForm::<T>::from_request(req, state).await?;
            return Ok(CsrfMultipart(visitor, form, Vec::new()));
        }
        let (mut parts, body) = req.into_parts();
        let Ok(visitor) = Visitor::from_request_parts(&mut parts, state).await;
        let req = Request::from_parts(parts, body);
        let Ok(mut multipart) = axum::extract::Multipart::from_request(req, state).await else {
            return Err(FormRejection::Malformed(visitor));
        };
        let token = match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("csrf") => field.text().await.unwrap_or_default(),
            _ => String::new(),
        };
        let cookie_token = visitor.jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
        if cookie_token.is_empty() || !constant_time_eq(token.as_bytes(), cookie_token.as_bytes()) {
            return Err(FormRejection::Csrf(visitor));
        }
        let (mut text, mut files) = (Vec::<(String, String)>::new(), Vec::<UploadedFile>::new());
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                // Past the text parts, a body cut short loses files, never the form.
                Err(e) if !files.is_empty() => {
                    files.push(UploadedFile { name: String::new(), bytes: Err(upload_error(&e)) });
                    break;
                }
                Err(_) => return Err(FormRejection::Malformed(visitor)),
            };
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => match field.bytes().await {
                    // An empty file input still sends a part, with no name and no bytes.
                    Ok(bytes) if bytes.is_empty() && file_name.is_empty() => {}
                    Ok(bytes) => files.push(UploadedFile { name: file_name, bytes: Ok(bytes.to_vec()) }),
                    Err(e) => {
                        files.push(UploadedFile { name: file_name, bytes: Err(upload_error(&e)) });
                        break;
                    }
                },
                None => match field.text().await {
                    Ok(value) => text.push((name, value)),
                    Err(_) => return Err(FormRejection::Malformed(visitor)),
                },
            }
        }
        let encoded = serde_urlencoded::to_string(&text).unwrap_or_default();
        match serde_urlencoded::from_str(&encoded) {
            Ok(form) => Ok(CsrfMultipart(visitor, form, files)),
            Err(_) => Err(FormRejection::Malformed(visitor)),
        }
    }
}

fn upload_error(e: &axum::extract::multipart::MultipartError) -> &'static str {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        "too_large"
    } else {
        "corrupt_file"
    }
}
