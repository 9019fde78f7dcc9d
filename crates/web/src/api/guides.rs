//! Procedure guides and the forms library over the API: public reading and search; commanders write guides and
//! upload form versions.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use binhyen_domain::entities::guides::{Form, FormVersion, Guide, GuideText};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
use super::tip_dto::rfc3339;
use super::tips::officer;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
pub struct GuideTextJson {
    pub title: String,
    /// What the procedure is for.
    pub summary: String,
    /// What to bring (Markdown).
    pub documents: String,
    /// "70.000 đồng", "Miễn phí".
    pub fee: String,
    pub processing_time: String,
    /// Where and when.
    pub place: String,
    /// Codes of related forms ("CT01, CC01").
    #[serde(default)]
    pub form_codes: String,
}

impl From<GuideTextJson> for GuideText {
    fn from(g: GuideTextJson) -> Self {
        Self {
            title: g.title,
            summary: g.summary,
            documents: g.documents,
            fee: g.fee,
            processing_time: g.processing_time,
            place: g.place,
            form_codes: g.form_codes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GuideJson {
    pub id: i64,
    pub unit_id: i64,
    #[serde(flatten)]
    pub text: GuideTextJson,
    /// The question it was written from.
    pub source_question_id: Option<i64>,
    pub updated_at: String,
}

impl From<Guide> for GuideJson {
    fn from(g: Guide) -> Self {
        let t = g.text;
        Self {
            id: g.id,
            unit_id: g.unit_id,
            text: GuideTextJson {
                title: t.title,
                summary: t.summary,
                documents: t.documents,
                fee: t.fee,
                processing_time: t.processing_time,
                place: t.place,
                form_codes: t.form_codes,
            },
            source_question_id: g.source_question_id,
            updated_at: rfc3339(g.updated_at_ms),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct GuideQuery {
    /// Words to look for (tones and case do not matter: "mat can cuoc").
    q: Option<String>,
    /// A unit's code: only the guides that apply there (its own and those above it).
    unit: Option<String>,
}

/// Guides: the best matches for `q`, or (without `q`) those that apply at `unit`. Public.
#[utoipa::path(get, path = "/guides", tag = "guides", params(GuideQuery),
    responses((status = 200, body = Vec<GuideJson>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn guides(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<GuideQuery>,
) -> Result<Json<Vec<GuideJson>>, ApiError> {
    let unit = match q.unit.as_deref() {
        Some(code) => Some(state.core.units().unit_by_code(code).await?.id),
        None => None,
    };
    let found = match (q.q.as_deref(), unit) {
        (Some(words), unit) => state.core.guides().search_guides(words, unit).await?,
        (None, Some(unit)) => state.core.guides().unit_guides(unit).await?,
        (None, None) => return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "required").field("q")),
    };
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

fn id_of(raw: &str, code: &'static str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, code))
}

/// One guide. Public.
#[utoipa::path(get, path = "/guides/{id}", tag = "guides", params(("id" = i64, Path)),
    responses((status = 200, body = GuideJson), (status = 404, body = ErrorBody)))]
pub async fn guide(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<GuideJson>, ApiError> {
    Ok(Json(state.core.guides().guide(id_of(&id, "guide_not_found")?).await?.into()))
}

/// Write a guide for a unit (commanders of the unit or above).
#[utoipa::path(post, path = "/pages/{code}/guides", tag = "guides", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = GuideTextJson,
    responses((status = 201, body = GuideJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_guide(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<GuideTextJson>,
) -> Result<(StatusCode, Json<GuideJson>), ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let guide = state.core.guides().create_guide(&actor, unit.id, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(guide.into())))
}

/// Rewrite a guide.
#[utoipa::path(put, path = "/guides/{id}", tag = "guides", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = GuideTextJson, responses((status = 200, body = GuideJson), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_guide(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<GuideTextJson>,
) -> Result<Json<GuideJson>, ApiError> {
    let actor = officer(&p)?;
    Ok(Json(state.core.guides().edit_guide(&actor, id_of(&id, "guide_not_found")?, &body.into()).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormVersionJson {
    pub version: String,
    /// pdf, docx or xlsx.
    pub kind: String,
    pub bytes: i64,
    pub uploaded_at: String,
    pub download_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormJson {
    pub unit_id: i64,
    pub code: String,
    pub title: String,
    pub downloads: i64,
    /// The version offered: the newest.
    pub current: Option<FormVersionJson>,
    /// Earlier versions, newest first.
    pub older: Vec<FormVersionJson>,
}

/// Where a version of a form is downloaded (the API and the pages link the same address).
pub(crate) fn download_url(unit_code: &str, form_code: &str, version: &str) -> String {
    let query = serde_urlencoded::to_string([("version", version)]).unwrap_or_default();
    format!("/api/v1/pages/{unit_code}/forms/{form_code}/download?{query}")
}

fn version_json(unit_code: &str, form_code: &str, v: &FormVersion) -> FormVersionJson {
    FormVersionJson {
        version: v.version.clone(),
        kind: v.kind.clone(),
        bytes: v.bytes,
        uploaded_at: rfc3339(v.created_at_ms),
        download_url: download_url(unit_code, form_code, &v.version),
    }
}

pub(crate) fn form_json(form: Form, unit_code: &str) -> FormJson {
    let mut versions = form.versions.iter().map(|v| version_json(unit_code, &form.code, v));
    let current = versions.next();
    FormJson {
        unit_id: form.unit_id,
        code: form.code.clone(),
        title: form.title.clone(),
        downloads: form.downloads,
        current,
        older: versions.collect(),
    }
}

/// The forms that apply at a unit (its own and those above it). Public.
#[utoipa::path(get, path = "/pages/{code}/forms", tag = "guides", params(("code" = String, Path)),
    responses((status = 200, body = Vec<FormJson>), (status = 404, body = ErrorBody)))]
pub async fn forms(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<Vec<FormJson>>, ApiError> {
    let unit = state.core.units().unit_by_code(&code).await?;
    let forest = state.core.units().directory_snapshot().await?.forest;
    let mut out = Vec::new();
    for form in state.core.guides().unit_forms(unit.id).await? {
        let owner = unit_code(&forest, form.unit_id).unwrap_or_else(|| unit.code.clone());
        out.push(form_json(form, &owner));
    }
    Ok(Json(out))
}

/// The code of a unit, from the directory's copy.
pub(crate) fn unit_code(forest: &[binhyen_core::units::UnitNode], id: i64) -> Option<String> {
    forest.iter().find_map(|n| if n.unit.id == id { Some(n.unit.code.clone()) } else { unit_code(&n.children, id) })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The form's title ("Tờ khai thay đổi thông tin cư trú").
    title: String,
    /// This version's name ("2023", "v2").
    version: String,
}

/// Upload a version of a form (commanders): the file's bytes as the body, PDF, DOCX or XLSX (recognised from the
/// bytes; executables, HTML and macro-enabled files are refused).
#[utoipa::path(put, path = "/pages/{code}/forms/{form_code}", tag = "guides", security(("bearer" = [])),
    params(("code" = String, Path), ("form_code" = String, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = FormVersionJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "version_exists"), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "unsupported_type, corrupt_file, too_large, invalid_form_code")))]
pub async fn upload_form(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path((code, form_code)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<FormVersionJson>), ApiError> {
    let body = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"))?;
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let (code, v) =
        state.core.guides().upload_form(&actor, unit.id, &form_code, &q.title, &q.version, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(version_json(&unit.code, &code, &v))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DownloadQuery {
    /// A version's name; the newest when absent.
    version: Option<String>,
}

/// Download a form (counted). Public.
#[utoipa::path(get, path = "/pages/{code}/forms/{form_code}/download", tag = "guides",
    params(("code" = String, Path), ("form_code" = String, Path), DownloadQuery),
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn download_form(
    State(state): State<AppState>,
    Path((code, form_code)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    let unit = state.core.units().unit_by_code(&code).await?;
    let (form, version, bytes) = state.core.guides().download_form(unit.id, &form_code, q.version.as_deref()).await?;
    let kind = binhyen_media::DocumentKind::parse(&version.kind).unwrap_or(binhyen_media::DocumentKind::Pdf);
    // The file name is made of the code (letters, digits, dashes) and the version reduced to the same.
    let safe: String = version.version.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let disposition = format!("attachment; filename=\"{}-{safe}.{}\"", form.code, kind.extension());
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
