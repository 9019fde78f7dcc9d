//! Procedure guides (the knowledge base) and the forms library: what people need to know before they go to the
//! police station (what to bring, fees, processing time, where and when, which forms), per unit, the province
//! police's applying province-wide. Guides are found by Vietnamese search that ignores tones and case ("mat can
//! cuoc" finds "mất căn cước"); forms keep every version, offer the newest and count downloads.

use crate::Guides;
use std::collections::BTreeSet;

use binhyen_domain::{Action, Actor, Invalid};
use binhyen_store::guides::{self, Form, FormVersion, Guide, GuideText};
use binhyen_store::StoreError;

use crate::audit::AuditEvent;
use crate::{CoreError, Result};

/// Guides a search returns at most.
const FOUND: usize = 10;

fn text(value: &str, field: &'static str, max: usize) -> Result<String> {
    crate::tips::required_text(Some(value), field, max)
}

/// A guide's text, checked and normalised.
pub(crate) fn checked_text(input: &GuideText) -> Result<GuideText> {
    let codes = form_codes(&input.form_codes)?;
    Ok(GuideText {
        title: text(&input.title, "title", 200)?,
        summary: text(&input.summary, "summary", 2000)?,
        documents: text(&input.documents, "documents", 4000)?,
        fee: text(&input.fee, "fee", 200)?,
        processing_time: text(&input.processing_time, "processing_time", 200)?,
        place: text(&input.place, "place", 1000)?,
        form_codes: codes.join(", "),
    })
}

/// "ct01, CC01" → ["CT01", "CC01"]: codes are letters, digits and dashes.
fn form_codes(raw: &str) -> Result<Vec<String>> {
    raw.split([',', ' ', ';'])
        .filter(|c| !c.is_empty())
        .map(|c| {
            let code = c.trim().to_uppercase();
            let ok = (1..=20).contains(&code.len()) && code.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-');
            if ok {
                Ok(code)
            } else {
                Err(Invalid::new("form_codes", "invalid_form_code").into())
            }
        })
        .collect()
}

fn folded(t: &GuideText) -> String {
    binhyen_text::fold(&format!("{} {} {}", t.title, t.summary, t.documents))
}

fn guide_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("guide"),
        other => other.into(),
    }
}

impl Guides<'_> {
    /// The unit and the units above it: whose guides and forms apply to it.
    async fn unit_and_above(&self, unit_id: i64) -> Result<Vec<i64>> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        let forest = self.units().directory_snapshot().await?.forest;
        Ok(crate::alerting::ancestry(&forest, unit_id))
    }

    /// Writes a guide on a unit's page (commanders of the unit and above).
    pub async fn create_guide(&self, actor: &Actor, unit_id: i64, input: &GuideText) -> Result<Guide> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        self.insert_guide(actor, unit_id, &checked_text(input)?, None).await
    }

    pub(crate) async fn insert_guide(
        &self,
        actor: &Actor,
        unit_id: i64,
        t: &GuideText,
        source_question: Option<i64>,
    ) -> Result<Guide> {
        let mut tx = self.store.begin().await?;
        let id =
            guides::insert_guide(&mut tx, unit_id, t, &folded(t), source_question, actor.account_id, self.now_ms())
                .await?;
        let detail = serde_json::json!({"unit_id": unit_id, "from_question": source_question});
        self.audit(
            &mut tx,
            AuditEvent::new("guide.created", "guide", Some(id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(self.store.guide(id).await?)
    }

    pub async fn edit_guide(&self, actor: &Actor, id: i64, input: &GuideText) -> Result<Guide> {
        let guide = self.store.guide(id).await.map_err(guide_not_found)?;
        self.authorize(actor, Action::EditUnit, guide.unit_id).await?;
        let t = checked_text(input)?;
        let mut tx = self.store.begin().await?;
        guides::update_guide(&mut tx, id, &t, &folded(&t), self.now_ms()).await?;
        self.audit(&mut tx, AuditEvent::new("guide.edited", "guide", Some(id)).by(Some(actor.account_id))).await?;
        tx.commit().await?;
        Ok(self.store.guide(id).await?)
    }

    /// A guide: public.
    pub async fn guide(&self, id: i64) -> Result<Guide> {
        self.store.guide(id).await.map_err(guide_not_found)
    }

    /// The guides that apply at a unit: its own and those of the units above it.
    pub async fn unit_guides(&self, unit_id: i64) -> Result<Vec<Guide>> {
        Ok(self.store.guides_of_units(&self.unit_and_above(unit_id).await?).await?)
    }

    /// The guides that best answer `query`, best first (at a unit: those that apply there). A guide must share
    /// at least half of the query's words (folded: tones and case ignored); words in its title count three
    /// times.
    pub async fn search_guides(&self, query: &str, unit_id: Option<i64>) -> Result<Vec<Guide>> {
        let words: Vec<String> = binhyen_text::tokens(query).into_iter().filter(|w| w.chars().count() >= 2).collect();
        let words: Vec<String> = words.into_iter().collect::<BTreeSet<_>>().into_iter().take(12).collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let allowed = match unit_id {
            Some(unit) => Some(self.unit_and_above(unit).await?),
            None => None,
        };
        let needed = words.len().div_ceil(2);
        let mut scored: Vec<(usize, Guide)> = Vec::new();
        for found in self.store.guides_matching(&words, 500).await? {
            if allowed.as_ref().is_some_and(|units| !units.contains(&found.guide.unit_id)) {
                continue;
            }
            let text: BTreeSet<&str> = found.folded.split(|c: char| !c.is_alphanumeric()).collect();
            let title = binhyen_text::tokens(&found.guide.text.title);
            let matched: Vec<&String> = words.iter().filter(|w| text.contains(w.as_str())).collect();
            if matched.len() < needed {
                continue;
            }
            let score = matched.iter().map(|w| if title.contains(w) { 3 } else { 1 }).sum();
            scored.push((score, found.guide));
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.updated_at_ms.cmp(&a.1.updated_at_ms)));
        Ok(scored.into_iter().take(FOUND).map(|(_, g)| g).collect())
    }

    /// Uploads a version of a form (commanders of the unit and above): PDF, DOCX or XLSX only. Returns the
    /// form's code as kept ("ct01" is CT01) and the version.
    pub async fn upload_form(
        &self,
        actor: &Actor,
        unit_id: i64,
        code: &str,
        title: &str,
        version: &str,
        bytes: Vec<u8>,
    ) -> Result<(String, FormVersion)> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let code = match form_codes(code)?.as_slice() {
            [one] => one.clone(),
            _ => return Err(Invalid::new("code", "invalid_form_code").into()),
        };
        let title = text(title, "title", 300)?;
        let version = text(version, "version", 40)?;
        let (kind, size, key) = self.keep_document(bytes).await?;
        let now = self.now_ms();
        let mut v = FormVersion {
            id: 0,
            version,
            object_key: key.as_str().to_owned(),
            kind: kind.extension().to_owned(),
            bytes: size as i64,
            created_at_ms: now,
        };
        let mut tx = self.store.begin().await?;
        let form = guides::upsert_form(&mut tx, unit_id, &code, &title, now).await?;
        v.id = guides::add_form_version(&mut tx, form, &v, actor.account_id, now).await.map_err(|e| match e {
            StoreError::Conflict(code) => CoreError::Conflict { code, field: Some("version") },
            other => other.into(),
        })?;
        let detail = serde_json::json!({"unit_id": unit_id, "code": code, "version": v.version});
        self.audit(
            &mut tx,
            AuditEvent::new("form.uploaded", "form", Some(form)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok((code, v))
    }

    /// The forms that apply at a unit: its own and those of the units above it.
    pub async fn unit_forms(&self, unit_id: i64) -> Result<Vec<Form>> {
        Ok(self.store.forms_of_units(&self.unit_and_above(unit_id).await?).await?)
    }

    /// A form of a unit, by code.
    pub async fn form(&self, unit_id: i64, code: &str) -> Result<Form> {
        self.store.form(unit_id, &code.to_uppercase()).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found("form"),
            other => other.into(),
        })
    }

    /// Downloads a form (its newest version, or the one named) and counts it: (form, version, bytes).
    pub async fn download_form(
        &self,
        unit_id: i64,
        code: &str,
        version: Option<&str>,
    ) -> Result<(Form, FormVersion, Vec<u8>)> {
        let form = self.form(unit_id, code).await?;
        let chosen = match version {
            Some(v) => form.versions.iter().find(|x| x.version == v),
            None => form.versions.first(),
        }
        .cloned()
        .ok_or(CoreError::not_found("form"))?;
        let bytes = self.read_object(&chosen.object_key).await?;
        self.store.count_download(form.id).await?;
        Ok((form, chosen, bytes))
    }
}
