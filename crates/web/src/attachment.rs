//! Serving stored media (tip attachments, photos in posts) the same way from the API and the pages.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The stored bytes with their real type. `nosniff` keeps a browser from reinterpreting them as something
/// else, and nothing is cached: these are evidence, not public media.
pub(crate) fn attachment_response(kind: &str, bytes: Vec<u8>) -> Response {
    let mime = match kind {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "video/mp4",
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}
