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

/// Query parameters; anything unparsable is 400 `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query").detail(e.body_text()))
    }
}
