//! Questions (hỏi đáp): anyone signed in asks a unit a question, with a photo if it helps; officers of the unit
//! (and of the units above it) reply in a thread, from the unit's canned replies if they like; the question is
//! open until answered, answered until the asker writes again (open) or someone closes it. An answered question
//! becomes a public guide when a commander rewrites it: the guide is a new text, so nothing of the asker (name,
//! wording, photo) reaches it unless the commander writes it in.

use crate::Questions;
use binhyen_domain::notification::NotificationKind;
use binhyen_domain::question::{QuestionAction, QuestionState};
use binhyen_domain::{Action, Actor};
use binhyen_store::guides::{Guide, GuideText};
use binhyen_store::notifications::{self, NewNotification};
use binhyen_store::questions::{self, CannedReply, Question, QuestionMessage};
use binhyen_store::StoreError;

use crate::audit::AuditEvent;
use crate::{CoreError, Result};

/// A question with its thread.
#[derive(Debug, Clone)]
pub struct QuestionThread {
    pub question: Question,
    pub messages: Vec<QuestionMessage>,
}

fn question_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("question"),
        other => other.into(),
    }
}

/// A closed question takes no more messages and cannot be closed again.
fn question_closed() -> CoreError {
    CoreError::Conflict { code: "question_closed", field: None }
}

fn changed(e: StoreError) -> CoreError {
    match e {
        StoreError::Conflict(code) => CoreError::Conflict { code, field: None },
        other => other.into(),
    }
}

impl Questions<'_> {
    /// Asks a unit a question; `photo`, when sent, is cleaned like a tip's attachment.
    pub async fn ask_question(&self, asker: i64, unit_id: i64, body: &str, photo: Option<Vec<u8>>) -> Result<Question> {
        self.units().in_force(unit_id).await?;
        let body = crate::tips::required_text(Some(body), "body", 4000)?;
        let kept = match photo {
            Some(bytes) => Some(self.keep_media(bytes).await?),
            None => None,
        };
        let attachment = kept.as_ref().map(|(c, k)| (k.as_str(), c.kind.extension()));
        let mut tx = self.store.begin().await?;
        let id = questions::insert(&mut tx, unit_id, asker, &body, attachment, self.now_ms()).await?;
        let detail = serde_json::json!({"unit_id": unit_id});
        self.audit(&mut tx, AuditEvent::new("question.asked", "question", Some(id)).by(Some(asker)).detail(detail))
            .await?;
        tx.commit().await?;
        Ok(self.store.question(id).await?)
    }

    /// Whether `account` may read the question: its asker, or an officer who may work the unit's tips.
    async fn may_read(&self, account_id: i64, actor: Option<&Actor>, q: &Question) -> bool {
        if q.asker_account_id == account_id {
            return true;
        }
        match actor {
            Some(actor) => self.authorize(actor, Action::WorkTips, q.unit_id).await.is_ok(),
            None => false,
        }
    }

    /// A question and its thread, for its asker and the unit's officers (others: not found).
    pub async fn question_thread(&self, account_id: i64, actor: Option<&Actor>, id: i64) -> Result<QuestionThread> {
        let question = self.store.question(id).await.map_err(question_not_found)?;
        if !self.may_read(account_id, actor, &question).await {
            return Err(CoreError::not_found("question"));
        }
        Ok(QuestionThread { messages: self.store.question_messages(id).await?, question })
    }

    /// Writes in a question's thread: an officer's reply answers it (and tells the asker); the asker writing
    /// again opens it again. A closed question takes no more messages.
    pub async fn write_in_question(
        &self,
        account_id: i64,
        actor: Option<&Actor>,
        id: i64,
        body: &str,
    ) -> Result<QuestionThread> {
        let q = self.store.question(id).await.map_err(question_not_found)?;
        let from_officer = q.asker_account_id != account_id;
        if from_officer {
            // An officer of another unit is told no; anyone else learns nothing of the question.
            let actor = actor.ok_or(CoreError::not_found("question"))?;
            self.authorize(actor, Action::WorkTips, q.unit_id).await?;
        }
        let action = if from_officer { QuestionAction::Reply } else { QuestionAction::FollowUp };
        let next = q.state.next(action).ok_or_else(question_closed)?;
        let body = crate::tips::required_text(Some(body), "body", 4000)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        questions::add_message(&mut tx, id, from_officer, account_id, &body, now).await?;
        if q.state != next {
            questions::set_state(&mut tx, id, q.state, next, now).await.map_err(changed)?;
        }
        if from_officer {
            let note = NewNotification {
                account_id: q.asker_account_id,
                at_ms: now,
                kind: NotificationKind::QuestionAnswered,
                tip_id: None,
                title: format!("Công an đã trả lời câu hỏi #{id} của bạn"),
                body: "Mở binhyen để xem câu trả lời.".to_owned(),
                link: Some(format!("{}/questions/{id}", self.alerts.public_url)),
            };
            notifications::insert(&mut tx, &note).await?;
        }
        let kind = if from_officer { "question.answered" } else { "question.followed_up" };
        self.audit(&mut tx, AuditEvent::new(kind, "question", Some(id)).by(Some(account_id))).await?;
        tx.commit().await?;
        self.question_thread(account_id, actor, id).await
    }

    /// Closes a question (its asker, or an officer of the unit).
    pub async fn close_question(&self, account_id: i64, actor: Option<&Actor>, id: i64) -> Result<Question> {
        let q = self.store.question(id).await.map_err(question_not_found)?;
        if !self.may_read(account_id, actor, &q).await {
            return Err(CoreError::not_found("question"));
        }
        let closed = q.state.next(QuestionAction::Close).ok_or_else(question_closed)?;
        let mut tx = self.store.begin().await?;
        questions::set_state(&mut tx, id, q.state, closed, self.now_ms()).await.map_err(changed)?;
        self.audit(&mut tx, AuditEvent::new("question.closed", "question", Some(id)).by(Some(account_id))).await?;
        tx.commit().await?;
        Ok(self.store.question(id).await?)
    }

    /// A unit's questions (its officers), newest first; `state` open, answered or closed, or all.
    pub async fn unit_questions(&self, actor: &Actor, unit_id: i64, state: Option<&str>) -> Result<Vec<Question>> {
        self.authorize(actor, Action::WorkTips, unit_id).await?;
        let state = state.map(str::parse::<QuestionState>).transpose()?;
        Ok(self.store.unit_questions(unit_id, state).await?)
    }

    /// The questions an account asked, newest first.
    pub async fn my_questions(&self, account_id: i64) -> Result<Vec<Question>> {
        Ok(self.store.questions_of(account_id).await?)
    }

    /// The photo sent with a question, for whoever may read it: (kind, bytes).
    pub async fn question_photo(&self, account_id: i64, actor: Option<&Actor>, id: i64) -> Result<(String, Vec<u8>)> {
        let thread = self.question_thread(account_id, actor, id).await?;
        let (key, kind) = thread.question.attachment.ok_or(CoreError::not_found("image"))?;
        Ok((kind, self.read_object(&key).await?))
    }

    /// Adds a photo to one's own question (one per question).
    pub async fn attach_question_photo(&self, account_id: i64, id: i64, bytes: Vec<u8>) -> Result<Question> {
        let q = self.store.question(id).await.map_err(question_not_found)?;
        if q.asker_account_id != account_id {
            return Err(CoreError::not_found("question"));
        }
        let (cleaned, key) = self.keep_media(bytes).await?;
        let mut tx = self.store.begin().await?;
        if !questions::set_attachment(&mut tx, id, key.as_str(), cleaned.kind.extension()).await? {
            return Err(CoreError::Conflict { code: "photo_already_sent", field: Some("file") });
        }
        tx.commit().await?;
        Ok(self.store.question(id).await?)
    }

    /// Adds a canned reply to a unit's list (commanders).
    pub async fn add_canned_reply(&self, actor: &Actor, unit_id: i64, title: &str, body: &str) -> Result<CannedReply> {
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let title = crate::tips::required_text(Some(title), "title", 120)?;
        let body = crate::tips::required_text(Some(body), "body", 4000)?;
        let mut tx = self.store.begin().await?;
        let id = questions::insert_canned(&mut tx, unit_id, &title, &body, self.now_ms()).await?;
        tx.commit().await?;
        Ok(CannedReply { id, unit_id, title, body })
    }

    /// A unit's canned replies (its officers).
    pub async fn canned_replies(&self, actor: &Actor, unit_id: i64) -> Result<Vec<CannedReply>> {
        self.authorize(actor, Action::WorkTips, unit_id).await?;
        Ok(self.store.canned_replies(unit_id).await?)
    }

    /// Publishes an answered question as a guide of its unit, in the commander's words (`text`): the asker's
    /// identity and wording stay with the question.
    pub async fn guide_from_question(&self, actor: &Actor, id: i64, text: &GuideText) -> Result<Guide> {
        let q = self.store.question(id).await.map_err(question_not_found)?;
        self.authorize(actor, Action::EditUnit, q.unit_id).await?;
        if !q.state.may_become_guide() {
            return Err(CoreError::Conflict { code: "question_not_answered", field: None });
        }
        let t = crate::guides::checked_text(text)?;
        self.guides().insert_guide(actor, q.unit_id, &t, Some(id)).await
    }
}
