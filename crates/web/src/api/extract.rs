//! Extractors whose every rejection is an `ApiError` with a stable code and, where known, the field.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body. Malformed JSON → 400 `malformed_json`; a missing field → 422 `missing_field`; a value of the
/// wrong type → 422 `invalid_field` (both with `field`); over the size limit → 413 `body_too_large`; not
/// JSON → 415 `unsupported_media_type`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
        if !is_json {
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "malformed_json")
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(path_error)?;
        de.end().map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_json"))?;
        Ok(ApiJson(value))
    }
}

fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    match inner.classify() {
        serde_json::error::Category::Data => {
            let text = inner.to_string();
            if let Some(missing) = text.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
                let field = if path == "." { missing.to_owned() } else { format!("{path}.{missing}") };
                return ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "missing_field").field(field);
            }
            let detail = text.split(" at line ").next().unwrap_or_default().to_owned();
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").field(path).detail(detail)
        }
        _ => ApiError::new(StatusCode::BAD_REQUEST, "malformed_json"),
    }
}

/// Query parameters; anything unparsable is 400 `invalid_query`, and a parameter whose percent-escapes are not
/// UTF-8 is 400 `invalid_utf8` with its name as `field` (decoding them leniently would search for, or store,
/// something other than what was sent).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(field) = parts.uri.query().and_then(not_utf8) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_utf8").field(field));
        }
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query").detail(e.body_text()))
    }
}

/// The name of the first parameter of `query` whose name or value does not decode to UTF-8.
pub(crate) fn not_utf8(query: &str) -> Option<String> {
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name_bytes = percent_decoded(name);
        if std::str::from_utf8(&name_bytes).is_err() || std::str::from_utf8(&percent_decoded(value)).is_err() {
            return Some(String::from_utf8_lossy(&name_bytes).into_owned());
        }
    }
    None
}

/// `application/x-www-form-urlencoded` bytes: `+` is a space, `%XX` a byte; a malformed escape stays as it is.
fn percent_decoded(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_parameters_that_are_not_utf8() {
        assert_eq!(not_utf8("q=tr%E1%BB%99m+ch%C3%B3&kind=post"), None);
        assert_eq!(not_utf8("kind=post&q=%FF%FE"), Some("q".to_owned()));
        assert_eq!(not_utf8("q=%C3"), Some("q".to_owned()));
        assert_eq!(not_utf8("q=100%"), None);
        assert_eq!(percent_decoded("a+b%41%4"), b"a bA%4");
    }
}
