//! One error type for the API: a stable code, a message and the field at fault, with the right status.
//! Internal causes are logged once, here, and never sent to the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use binhyen_core::CoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{message, Lang};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: "invalid_phone", "phone_taken", "forbidden", …
    pub code: String,
    /// For people, in Vietnamese.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<String>,
    /// Extra detail for the message (e.g. serde's description of a type error), never internal state.
    pub detail: Option<String>,
    pub retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self { status, code, field: None, detail: None, retry_after: None }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        let mut text = message(lang, self.code).to_owned();
        if let Some(d) = &self.detail {
            text = format!("{text} ({d})");
        }
        ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: text, field: self.field.clone() } }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Invalid(i) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, i.code).field(i.field),
            CoreError::NotFound { what, field } => {
                let code = match what {
                    "area" => "area_not_found",
                    "unit" => "unit_not_found",
                    "account" => "account_not_found",
                    "tip" => "tip_not_found",
                    "receipt" => "receipt_not_found",
                    "post" => "post_not_found",
                    "alert" => "alert_not_found",
                    "service" => "service_not_found",
                    "appointment" => "appointment_not_found",
                    "closure" => "closure_not_found",
                    "guide" => "guide_not_found",
                    "form" => "form_not_found",
                    "question" => "question_not_found",
                    "article" => "article_not_found",
                    "image" => "image_not_found",
                    "job" => "job_not_found",
                    "group" => "group_not_found",
                    "message" => "message_not_found",
                    "reorganisation" => "reorganisation_not_found",
                    _ => "not_found",
                };
                let mut err = ApiError::new(StatusCode::NOT_FOUND, code);
                err.field = field.map(str::to_owned);
                err
            }
            CoreError::Conflict { code, field } => {
                let mut err = ApiError::new(StatusCode::CONFLICT, code);
                err.field = field.map(str::to_owned);
                err
            }
            CoreError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "forbidden"),
            CoreError::Unauthenticated { reason } => ApiError::new(StatusCode::UNAUTHORIZED, reason),
            CoreError::RateLimited { code, retry_after_secs } => {
                let mut err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, code);
                err.retry_after = Some(retry_after_secs);
                err
            }
            CoreError::Throttled { retry_after_secs } => {
                let mut err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
                err.retry_after = Some(retry_after_secs);
                err
            }
            CoreError::Store(cause) => {
                tracing::error!(error = %cause, "store error");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable")
            }
            CoreError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body(Lang::Vi))).into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(v) = secs.to_string().parse() {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response
    }
}
