//! Procedure guides and the forms a unit offers.

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuideText {
    pub title: String,
    /// What the procedure is for.
    pub summary: String,
    /// What to bring (Markdown, usually a list).
    pub documents: String,
    pub fee: String,
    pub processing_time: String,
    /// Where and when.
    pub place: String,
    /// Codes of related forms, comma-separated ("CT01, CC01").
    pub form_codes: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    pub id: i64,
    pub unit_id: i64,
    pub text: GuideText,
    pub source_question_id: Option<i64>,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub id: i64,
    pub unit_id: i64,
    pub code: String,
    pub title: String,
    pub downloads: i64,
    /// The newest version first.
    pub versions: Vec<FormVersion>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormVersion {
    pub id: i64,
    pub version: String,
    pub object_key: String,
    /// pdf, docx or xlsx.
    pub kind: String,
    pub bytes: i64,
    pub created_at_ms: i64,
}
