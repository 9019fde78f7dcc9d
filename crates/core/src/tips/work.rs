//! What officers do with tips: the inbox, a tip's page, the workflow, assignment, priority, notes and messages,
//! transfers, and opening a confidential tipster's identity (asked with a reason, approved by a commander).

use crate::Tips;
use binhyen_domain::tip::TipEventKind;
use binhyen_domain::tip::{Priority, TipCategory, TipState, Transition, Verdict};
use binhyen_domain::{AccountKind, Action, Actor, Invalid, Reach};
use binhyen_store::tips::{self, NewTipEvent, Outcome, Tip, TipFilter};
use binhyen_store::StoreError;

use super::SealedReporter;
use crate::seal::TIPS_REPORTER;
use crate::{CoreError, Result};

/// Filters of the officers' inbox. `unit_id`: a unit of the officer's subtree (default: their own unit).
#[derive(Debug, Clone, Default)]
pub struct TipQuery {
    pub unit_id: Option<i64>,
    pub state: Option<TipState>,
    pub category: Option<TipCategory>,
    pub priority: Option<Priority>,
    pub assigned_to_me: bool,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub oldest_first: bool,
    pub page: i64,
    pub per_page: i64,
}

/// What an officer sees of who sent a tip.
#[derive(Debug, Clone, PartialEq)]
pub enum ReporterView {
    Anonymous,
    /// Identified: the account, or the person an officer filed for.
    Known {
        account_id: Option<i64>,
        name: Option<String>,
        phone: Option<String>,
        household_id: Option<i64>,
    },
    /// Confidential and not opened for this officer.
    Sealed,
}

/// What a transition needs besides the action.
#[derive(Debug, Clone, Default)]
pub struct TransitionInput {
    /// Transfer: the receiving unit.
    pub to_unit_id: Option<i64>,
    /// Transfer and reopen: why.
    pub reason: Option<String>,
    /// Resolve: what was found.
    pub outcome: Option<Outcome>,
}

/// Text someone must give: normalised, not empty, at most `max` characters (errors name `field`).
pub(crate) fn required_text(value: Option<&str>, field: &'static str, max: usize) -> Result<String> {
    let text = binhyen_text::normalize_multiline(value.unwrap_or_default());
    if text.is_empty() {
        return Err(Invalid::new(field, "required").into());
    }
    if text.chars().count() > max {
        return Err(Invalid::new(field, "too_long").into());
    }
    Ok(text)
}

fn changed(e: StoreError) -> CoreError {
    match e {
        StoreError::Conflict("tip_changed") => CoreError::Conflict { code: "tip_changed", field: None },
        other => other.into(),
    }
}

impl Tips<'_> {
    /// The officer's inbox: tips of their unit's subtree (or of one unit in it), urgent open tips first.
    pub async fn list_tips(&self, actor: &Actor, q: &TipQuery) -> Result<Vec<Tip>> {
        let root = q.unit_id.unwrap_or(actor.unit_id);
        self.authorize(actor, Action::WorkTips, root).await?;
        let per_page = q.per_page.clamp(1, 100);
        let filter = TipFilter {
            root_unit_id: root,
            state: q.state,
            category: q.category,
            priority: q.priority,
            assignee_id: q.assigned_to_me.then_some(actor.account_id),
            from_ms: q.from_ms,
            until_ms: q.until_ms,
            oldest_first: q.oldest_first,
            limit: per_page,
            offset: q.page.max(0).saturating_mul(per_page),
        };
        Ok(self.store.list_tips(&filter).await?)
    }

    pub(crate) fn open_reporter(&self, tip: &Tip) -> Result<SealedReporter> {
        let Some(sealed) = tip.reporter_sealed.as_deref() else {
            return Ok(SealedReporter::default());
        };
        let bytes = self
            .open_for(&TIPS_REPORTER, tip.id, sealed)
            .map_err(|e| CoreError::Internal(format!("tip {}: sealed reporter does not open: {e}", tip.id)))?;
        serde_json::from_slice(&bytes).map_err(|e| CoreError::Internal(e.to_string()))
    }

    /// Moves a tip through its workflow. Illegal transitions are refused with `illegal_transition`.
    pub async fn transition_tip(
        &self,
        actor: &Actor,
        tip_id: i64,
        action: Transition,
        input: TransitionInput,
    ) -> Result<TipState> {
        let tip = self.tip_for_officer(actor, tip_id).await?;
        let to = tip.state.next(action).map_err(|_| Invalid::new("action", "illegal_transition"))?;
        if action == Transition::Reopen {
            self.authorize(actor, Action::ReopenTip, tip.unit_id).await?;
        }
        let now = self.now_ms();
        let mut event = NewTipEvent {
            tip_id,
            at_ms: now,
            actor_account_id: Some(actor.account_id),
            from_state: Some(tip.state),
            to_state: Some(to),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::StateChanged)
        };
        let mut tx = self.store.begin().await?;
        match action {
            Transition::Transfer => {
                let target = input.to_unit_id.ok_or(Invalid::new("to_unit_id", "required"))?;
                let unit =
                    self.store.unit(target).await.map_err(|_| CoreError::not_found_field("unit", "to_unit_id"))?;
                if unit.id == tip.unit_id {
                    return Err(Invalid::new("to_unit_id", "same_unit").into());
                }
                if !binhyen_domain::area::valid_on(unit.valid_from, unit.valid_to, self.today()) {
                    return Err(Invalid::new("to_unit_id", "unit_not_in_force").into());
                }
                event.body = Some(required_text(input.reason.as_deref(), "reason", 1000)?);
                event.unit_id = Some(unit.id);
                tips::set_unit(&mut tx, tip_id, unit.id, now).await?;
            }
            Transition::Reopen => event.body = Some(required_text(input.reason.as_deref(), "reason", 1000)?),
            Transition::Resolve => {
                let outcome = input.outcome.ok_or(Invalid::new("outcome", "required"))?;
                self.check_outcome(&tip, &outcome).await?;
                event.body = outcome.note.clone();
                tips::set_outcome(&mut tx, tip_id, &outcome).await?;
            }
            Transition::Acknowledge | Transition::Verify | Transition::Dispatch => {}
        }
        tips::set_state(&mut tx, tip_id, tip.state, to, now).await.map_err(changed)?;
        let event_id = tips::add_event(&mut tx, &event).await?;
        if let Some(unit_id) = event.unit_id {
            // Transferred: the receiving unit's SLA starts now.
            self.start_waiting(&mut tx, tip_id, unit_id, tip.priority).await?;
        }
        self.tell_tipster(&mut tx, &tip, event_id).await?;
        let detail = serde_json::json!({"from": tip.state.as_str(), "to": to.as_str(), "unit_id": event.unit_id});
        self.audit_tip(&mut tx, Some(actor.account_id), "tip.state_changed", tip_id, detail).await?;
        tx.commit().await?;
        Ok(to)
    }

    async fn check_outcome(&self, tip: &Tip, o: &Outcome) -> Result<()> {
        let counts = [o.arrests, o.vehicles_seized, o.items_seized, o.property_recovered];
        if counts.iter().any(|c| !(0..=100_000).contains(c)) {
            return Err(Invalid::new("outcome", "invalid_count").into());
        }
        if o.note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(Invalid::new("outcome.note", "too_long").into());
        }
        match (o.verdict, o.duplicate_of) {
            (None, _) => Err(Invalid::new("outcome.verdict", "required").into()),
            (Some(Verdict::Duplicate), None) => Err(Invalid::new("outcome.duplicate_of", "required").into()),
            (Some(Verdict::Duplicate), Some(other)) if other == tip.id => {
                Err(Invalid::new("outcome.duplicate_of", "same_tip").into())
            }
            (Some(Verdict::Duplicate), Some(other)) => {
                self.store.tip(other).await.map_err(|_| CoreError::not_found_field("tip", "outcome.duplicate_of"))?;
                Ok(())
            }
            (Some(_), _) => Ok(()),
        }
    }

    /// Assigns a tip to an officer of its unit (or takes it off anyone with `None`).
    pub async fn assign_tip(&self, actor: &Actor, tip_id: i64, officer_id: Option<i64>) -> Result<()> {
        let tip = self.tip_for_officer(actor, tip_id).await?;
        if let Some(id) = officer_id {
            let officer =
                self.accounts().account(id).await.map_err(|_| CoreError::not_found_field("account", "officer_id"))?;
            let reach = match officer.unit_id {
                Some(unit) if officer.kind == AccountKind::Officer => {
                    let officer_actor = Actor {
                        account_id: id,
                        unit_id: unit,
                        role: officer.role.unwrap_or(binhyen_domain::Role::Officer),
                    };
                    self.reach(&officer_actor, tip.unit_id).await?
                }
                _ => Reach::Outside,
            };
            if reach == Reach::Outside {
                return Err(Invalid::new("officer_id", "not_an_officer_of_the_unit").into());
            }
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        tips::set_assignee(&mut tx, tip_id, officer_id, now).await?;
        let event = NewTipEvent {
            tip_id,
            at_ms: now,
            actor_account_id: Some(actor.account_id),
            body: officer_id.map(|id| id.to_string()),
            ..NewTipEvent::of(TipEventKind::Assigned)
        };
        tips::add_event(&mut tx, &event).await?;
        let detail = serde_json::json!({"officer_id": officer_id});
        self.audit_tip(&mut tx, Some(actor.account_id), "tip.assigned", tip_id, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_tip_priority(&self, actor: &Actor, tip_id: i64, priority: Priority) -> Result<()> {
        let tip = self.tip_for_officer(actor, tip_id).await?;
        let mut tx = self.store.begin().await?;
        self.change_priority(&mut tx, actor, &tip, priority).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes, in `tx`, a tip's new priority with its timeline event, its audit entry and (while it waits) the
    /// new priority's SLA timer.
    async fn change_priority(
        &self,
        tx: &mut binhyen_store::Tx,
        actor: &Actor,
        tip: &Tip,
        priority: Priority,
    ) -> Result<()> {
        let (tip_id, now) = (tip.id, self.now_ms());
        tips::set_priority(tx, tip_id, priority, now).await?;
        if priority != tip.priority && matches!(tip.state, TipState::New | TipState::Transferred) {
            // Still waiting: the new priority's SLA applies from now (and an urgent one is announced).
            self.start_waiting(tx, tip_id, tip.unit_id, priority).await?;
        }
        let event = NewTipEvent {
            tip_id,
            at_ms: now,
            actor_account_id: Some(actor.account_id),
            body: Some(priority.as_str().to_owned()),
            ..NewTipEvent::of(TipEventKind::PriorityChanged)
        };
        tips::add_event(tx, &event).await?;
        let detail = serde_json::json!({"from": tip.priority.as_str(), "to": priority.as_str()});
        self.audit_tip(tx, Some(actor.account_id), "tip.priority_changed", tip_id, detail).await
    }

    /// The officer's decision on the triage suggestion: the tip's category and priority as the officer sets them
    /// (accepting or correcting the rules), kept beside what the rules suggested.
    pub async fn decide_triage(
        &self,
        actor: &Actor,
        tip_id: i64,
        category: binhyen_domain::tip::TipCategory,
        priority: Priority,
    ) -> Result<()> {
        let tip = self.tip_for_officer(actor, tip_id).await?;
        let suggestion = crate::triage::suggest(&tip.description);
        let now = self.now_ms();
        // One transaction: the decision is kept exactly when the tip takes it.
        let mut tx = self.store.begin().await?;
        if priority != tip.priority {
            self.change_priority(&mut tx, actor, &tip, priority).await?;
        }
        if category != tip.category {
            tips::set_category(&mut tx, tip_id, category, now).await?;
        }
        let decision = tips::TriageDecision {
            tip_id,
            suggested: (suggestion.category, suggestion.priority),
            decided: (category, priority),
            decided_by: actor.account_id,
            decided_at_ms: now,
        };
        tips::add_triage_decision(&mut tx, &decision).await?;
        let detail = serde_json::json!({
            "category": {"from": tip.category.as_str(), "to": category.as_str()},
            "suggested": {"category": suggestion.category.as_str(), "priority": suggestion.priority.as_str()},
        });
        self.audit_tip(&mut tx, Some(actor.account_id), "tip.triaged", tip_id, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An internal note (officers only) or, with `to_tipster`, a message the tipster reads.
    pub async fn officer_writes(&self, actor: &Actor, tip_id: i64, text: &str, to_tipster: bool) -> Result<i64> {
        let tip = self.tip_for_officer(actor, tip_id).await?;
        let body = required_text(Some(text), "body", 4000)?;
        let kind = if to_tipster { TipEventKind::Message } else { TipEventKind::Note };
        let event = NewTipEvent {
            tip_id,
            at_ms: self.now_ms(),
            actor_account_id: Some(actor.account_id),
            body: Some(body),
            visible_to_tipster: to_tipster,
            ..NewTipEvent::of(kind)
        };
        let mut tx = self.store.begin().await?;
        let id = tips::add_event(&mut tx, &event).await?;
        if to_tipster {
            self.tell_tipster(&mut tx, &tip, id).await?;
        }
        let action = if to_tipster { "tip.message_sent" } else { "tip.note_added" };
        self.audit_tip(&mut tx, Some(actor.account_id), action, tip_id, serde_json::json!({"event_id": id})).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Asks to see a confidential tipster's identity; a commander of the unit must approve.
    pub async fn request_unseal(&self, actor: &Actor, tip_id: i64, reason: &str) -> Result<i64> {
        let tip = self.tip_for_officer(actor, tip_id).await?;
        if tip.protection != binhyen_domain::tip::Protection::Confidential {
            return Err(Invalid::new("tip_id", "not_confidential").into());
        }
        let reason = required_text(Some(reason), "reason", 1000)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let id = tips::add_unseal_request(&mut tx, tip_id, actor.account_id, &reason, now).await?;
        let event = NewTipEvent {
            tip_id,
            at_ms: now,
            actor_account_id: Some(actor.account_id),
            body: Some(reason),
            ..NewTipEvent::of(TipEventKind::UnsealRequested)
        };
        tips::add_event(&mut tx, &event).await?;
        self.audit_tip(
            &mut tx,
            Some(actor.account_id),
            "tip.unseal_requested",
            tip_id,
            serde_json::json!({"request_id": id}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A commander approves another officer's request (nobody approves their own).
    pub async fn approve_unseal(&self, actor: &Actor, tip_id: i64, request_id: i64) -> Result<()> {
        let tip = self.tip_for_officer(actor, tip_id).await?;
        self.authorize(actor, Action::ApproveUnseal, tip.unit_id).await?;
        let requests = self.store.unseal_requests(tip_id).await?;
        let request = requests
            .iter()
            .find(|r| r.id == request_id)
            .ok_or(CoreError::not_found_field("unseal_request", "request_id"))?;
        if request.requested_by == actor.account_id {
            return Err(Invalid::new("request_id", "own_request").into());
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        tips::approve_unseal_request(&mut tx, request_id, actor.account_id, now).await.map_err(|e| match e {
            StoreError::Conflict(code) => CoreError::Conflict { code, field: Some("request_id") },
            other => other.into(),
        })?;
        let event = NewTipEvent {
            tip_id,
            at_ms: now,
            actor_account_id: Some(actor.account_id),
            body: Some(request_id.to_string()),
            ..NewTipEvent::of(TipEventKind::UnsealApproved)
        };
        tips::add_event(&mut tx, &event).await?;
        self.audit_tip(
            &mut tx,
            Some(actor.account_id),
            "tip.unseal_approved",
            tip_id,
            serde_json::json!({"request_id": request_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens the identity for an officer whose request was approved. Every view is audited and the tipster is
    /// told ("your identity was viewed").
    pub async fn view_sealed_identity(&self, actor: &Actor, tip_id: i64) -> Result<ReporterView> {
        let tip = self.tip_for_officer(actor, tip_id).await?;
        let approved = self
            .store
            .unseal_requests(tip_id)
            .await?
            .into_iter()
            .any(|r| r.requested_by == actor.account_id && r.approved_by.is_some());
        if !approved {
            return Err(CoreError::Forbidden);
        }
        let sealed = self.open_reporter(&tip)?;
        let account = match sealed.account_id {
            Some(id) => Some(self.accounts().account(id).await?),
            None => None,
        };
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let event = NewTipEvent {
            tip_id,
            at_ms: now,
            actor_account_id: Some(actor.account_id),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::IdentityViewed)
        };
        tips::add_event(&mut tx, &event).await?;
        self.audit_tip(&mut tx, Some(actor.account_id), "tip.identity_viewed", tip_id, serde_json::json!({})).await?;
        tx.commit().await?;
        Ok(ReporterView::Known {
            account_id: sealed.account_id,
            name: account.as_ref().map(|a| a.display_name.clone()).or(sealed.name),
            phone: account.as_ref().map(|a| a.phone.clone()).or(sealed.phone),
            household_id: sealed.household_id,
        })
    }
}
