//! A tip's page for officers: the tip, where, who sent it as far as this officer may know, the files, the whole
//! timeline, and the forms of every action open to this officer from the tip's state.

use binhyen_domain::tip::TipEventKind;
use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use binhyen_core::tips::ReporterView;
use binhyen_domain::delivery::DeliveryState;
use binhyen_domain::entities::tips::TipEvent;
use binhyen_domain::time_vn::format_instant_ms;
use binhyen_domain::tip::{Priority, Protection, TipCategory, Transition, Verdict};
use binhyen_domain::{Actor, PhoneNumber};

use super::units_by_id;
use crate::i18n::{
    channel_name, delivery_state, priority, protection, tip_category, tip_state, transition, verdict, Lang,
};
use crate::session::Visitor;
use crate::ui::{or_page, page, Layout, SelectOption};
use crate::AppState;

/// What a page shows beyond the tip itself: the message of a refused action, an identity just opened.
#[derive(Default)]
pub(crate) struct Shown {
    pub error: Option<String>,
    pub identity: Option<ReporterView>,
}

pub(crate) struct Who {
    /// "Ẩn danh", "Danh tính được bảo mật", or empty when known.
    status: &'static str,
    name: Option<String>,
    phone: Option<String>,
    household: Option<String>,
}

pub(crate) struct Line {
    at: String,
    who: String,
    text: String,
    body: Option<String>,
    /// An internal note (never shown to the tipster).
    internal: bool,
    from_tipster: bool,
}

pub(crate) struct UnsealView {
    id: i64,
    by: String,
    reason: String,
    at: String,
    approved: bool,
    can_approve: bool,
}

/// One message sent outside the app about the tip, and where it stands.
pub(crate) struct DeliveryView {
    channel: &'static str,
    recipient: String,
    subject: String,
    /// For the style: its spelling is the CSS class.
    state: DeliveryState,
    state_label: &'static str,
    attempts: i64,
    /// Why it failed, when it is being retried or was given up.
    reason: Option<String>,
    at: String,
}

pub(crate) struct OutcomeView {
    verdict: Option<&'static str>,
    duplicate_of: Option<i64>,
    counts: Vec<(&'static str, i64)>,
    note: Option<String>,
}

#[derive(Template)]
#[template(path = "inbox_tip.html")]
struct TipPage {
    l: Layout,
    id: i64,
    error: Option<String>,
    category: &'static str,
    state: &'static str,
    priority: &'static str,
    protection: &'static str,
    urgent: bool,
    happening_now: bool,
    description: String,
    /// The triage rules' advice: (category, priority, the words that led there).
    triage: (&'static str, &'static str, String),
    /// The triage form: every category and priority, the suggestion selected.
    triage_categories: Vec<SelectOption>,
    triage_priorities: Vec<SelectOption>,
    sent_at: String,
    occurred_at: Option<String>,
    unit: String,
    area: Option<(i64, String)>,
    address: Option<String>,
    coords: Option<(f64, f64)>,
    reporter: Who,
    assignee: Option<String>,
    outcome: Option<OutcomeView>,
    /// (id, is a video)
    attachments: Vec<(i64, bool)>,
    lines: Vec<Line>,
    /// Steps with no input: acknowledge, verify, dispatch.
    steps: Vec<(&'static str, &'static str)>,
    can_resolve: bool,
    can_transfer: bool,
    can_reopen: bool,
    units: Vec<SelectOption>,
    officers: Vec<SelectOption>,
    priorities: Vec<SelectOption>,
    verdicts: Vec<SelectOption>,
    confidential: bool,
    unseal_requests: Vec<UnsealView>,
    can_view_identity: bool,
    deliveries: Vec<DeliveryView>,
}

impl TipPage {
    /// This page follows its own tip live.
    fn live_tip(&self) -> Option<i64> {
        Some(self.id)
    }

    /// The button of a step, by its name ("resolve").
    fn label(&self, step: &str) -> &'static str {
        Transition::parse(step).map(|t| transition(self.l.lang, t)).unwrap_or_default()
    }
}

fn who(lang: Lang, r: ReporterView, household: Option<String>) -> Who {
    let t = lang.text();
    match r {
        ReporterView::Anonymous => Who { status: t.reporter_anonymous, name: None, phone: None, household: None },
        ReporterView::Sealed => Who { status: t.reporter_sealed, name: None, phone: None, household: None },
        ReporterView::Known { name, phone, household_id, .. } => Who {
            status: "",
            name,
            phone: phone.map(|p| PhoneNumber::parse(&p).map(|n| n.national()).unwrap_or(p)),
            household: household.filter(|_| household_id.is_some()),
        },
    }
}

/// Names of the accounts a page mentions, looked up once each.
struct Names<'a> {
    state: &'a AppState,
    known: HashMap<i64, String>,
}

impl Names<'_> {
    async fn of(&mut self, id: i64) -> String {
        if let Some(n) = self.known.get(&id) {
            return n.clone();
        }
        let name = self.state.core.accounts().account(id).await.map(|a| a.display_name).unwrap_or_default();
        self.known.insert(id, name.clone());
        name
    }
}

async fn line(lang: Lang, e: TipEvent, names: &mut Names<'_>, units: &HashMap<i64, String>) -> Line {
    let t = lang.text();
    let unit = |id: Option<i64>| id.and_then(|id| units.get(&id)).cloned().unwrap_or_default();
    let (text, body) = match e.kind {
        TipEventKind::Submitted => (format!("{} – {}", t.tip_received, unit(e.unit_id)), None),
        TipEventKind::StateChanged => {
            let (from, to) = (e.from_state.map(|s| tip_state(lang, s)), e.to_state.map(|s| tip_state(lang, s)));
            let mut text = format!("{} → {}", from.unwrap_or_default(), to.unwrap_or_default());
            if e.to_state == Some(binhyen_domain::tip::TipState::Transferred) {
                text = format!("{text} ({} {})", t.transferred_to, unit(e.unit_id));
            }
            (text, e.body)
        }
        TipEventKind::Assigned => match e.body.as_deref().and_then(|b| b.parse().ok()) {
            Some(id) => (format!("{} {}", t.assign_to, names.of(id).await), None),
            None => (t.unassigned.to_owned(), None),
        },
        TipEventKind::PriorityChanged => {
            let p = e.body.as_deref().and_then(|b| b.parse::<Priority>().ok()).map(|p| priority(lang, p));
            (format!("{}: {}", t.priority, p.unwrap_or_default()), None)
        }
        TipEventKind::Note => (t.internal_note.to_owned(), e.body),
        TipEventKind::Message if e.from_tipster => (t.tipster_wrote.to_owned(), e.body),
        TipEventKind::Message => (t.message_tipster.to_owned(), e.body),
        TipEventKind::UnsealRequested => (t.request_unseal.to_owned(), e.body),
        TipEventKind::UnsealApproved => (t.unseal_approved.to_owned(), None),
        TipEventKind::IdentityViewed => (t.identity_viewed.to_owned(), None),
        TipEventKind::AttachmentAdded => (t.attachment_added.to_owned(), None),
        // The SLA ran out: `unit_id` is the unit above that was told, `body` how many times it happened.
        TipEventKind::UnitReorganised => (format!("{} {}", t.reorganised_to, unit(e.unit_id)), None),
        TipEventKind::SupportAcknowledged => (format!("{} {}", t.support_acknowledged, unit(e.unit_id)), None),
        TipEventKind::SupportResolved => (format!("{} {}", t.support_resolved, unit(e.unit_id)), e.body),
        TipEventKind::Escalated => {
            let mut text = format!("{} {}", t.escalated_to, unit(e.unit_id));
            if let Some(level) = e.body.as_deref().and_then(|b| b.parse::<i64>().ok()) {
                text = format!("{text} ({} {level})", t.escalation_level);
            }
            (text, None)
        }
    };
    let who = match (e.from_tipster, e.actor_account_id) {
        (true, _) => t.reporter.to_owned(),
        (false, Some(id)) => names.of(id).await,
        (false, None) => String::new(),
    };
    Line {
        at: format_instant_ms(e.at_ms),
        who,
        text,
        body,
        internal: e.kind == TipEventKind::Note,
        from_tipster: e.from_tipster,
    }
}

/// Renders the tip's page for this officer; a tip they may not see is the error page.
pub(crate) async fn render_tip(
    state: &AppState,
    v: Visitor,
    actor: &Actor,
    id: i64,
    status: StatusCode,
    shown: Shown,
) -> Response {
    let lang = v.lang;
    let view = or_page!(v, state.core.tips().officer_tip(actor, id).await);
    let units = or_page!(v, units_by_id(state).await);
    let unit_names: HashMap<i64, String> = units.iter().map(|(id, u)| (*id, u.name.clone())).collect();
    let tip = view.tip;
    let mut names = Names { state, known: HashMap::new() };
    let mut lines = Vec::new();
    for e in view.events {
        lines.push(line(lang, e, &mut names, &unit_names).await);
    }
    let reporter_view = shown.identity.unwrap_or(view.reporter);
    let household =
        state.core.tips().reporter_household(&reporter_view).await.map(|h| format!("{} – {}", h.head_name, h.address));
    let can = view.can;
    let mut unseal_requests = Vec::new();
    for r in view.unseal_requests {
        unseal_requests.push(UnsealView {
            id: r.id,
            by: names.of(r.requested_by).await,
            reason: r.reason,
            at: format_instant_ms(r.requested_at_ms),
            approved: r.approved_by.is_some(),
            can_approve: can.approve_unseal.contains(&r.id),
        });
    }
    let assignee = tip.assignee_id.map(|a| a.to_string()).unwrap_or_default();
    let transfer_units: Vec<_> =
        can.transfer_to.iter().map(|u| SelectOption::new(u.code.clone(), u.name.clone(), "")).collect();
    let mut deliveries = Vec::new();
    for d in view.deliveries {
        let failed = d.state.failed();
        deliveries.push(DeliveryView {
            channel: channel_name(lang, d.channel),
            recipient: match d.account_id {
                Some(a) => names.of(a).await,
                None => lang.text().recipient_system.to_owned(),
            },
            subject: d.subject,
            state_label: delivery_state(lang, d.state),
            attempts: d.attempts,
            reason: d.last_error.filter(|_| failed),
            at: format_instant_ms(d.updated_at_ms),
            state: d.state,
        });
    }
    let next = |t: Transition| can.may(t);
    let t = lang.text();
    let mut l = Layout::new(&v, format!("{} {}", t.tip_no, tip.id));
    l.unread = super::alerting::unread_count(state, actor.account_id).await;
    let suggestion = binhyen_core::triage::suggest(&tip.description);
    let tpl = TipPage {
        l,
        deliveries,
        id: tip.id,
        error: shown.error,
        category: tip_category(lang, tip.category),
        state: tip_state(lang, tip.state),
        priority: priority(lang, tip.priority),
        protection: protection(lang, tip.protection),
        urgent: tip.priority == Priority::Urgent && tip.state.is_open(),
        happening_now: tip.happening_now,
        triage: (
            tip_category(lang, suggestion.category),
            priority(lang, suggestion.priority),
            suggestion.because.join(", "),
        ),
        triage_categories: TipCategory::ALL
            .iter()
            .map(|c| SelectOption::new(c.as_str(), tip_category(lang, *c), suggestion.category.as_str()))
            .collect(),
        triage_priorities: Priority::ALL
            .iter()
            .map(|p| SelectOption::new(p.as_str(), priority(lang, *p), suggestion.priority.as_str()))
            .collect(),
        description: tip.description,
        sent_at: format_instant_ms(tip.submitted_at_ms),
        occurred_at: tip.occurred_at_ms.map(format_instant_ms),
        unit: unit_names.get(&tip.unit_id).cloned().unwrap_or_default(),
        area: view.area.map(|a| (a.id, a.name)),
        address: tip.address,
        coords: tip.lat.zip(tip.lon),
        reporter: who(lang, reporter_view, household),
        assignee: match tip.assignee_id {
            Some(a) => Some(names.of(a).await),
            None => None,
        },
        outcome: tip.outcome.map(|o| OutcomeView {
            verdict: o.verdict.map(|x| verdict(lang, x)),
            duplicate_of: o.duplicate_of,
            counts: vec![
                (t.arrests, o.arrests),
                (t.vehicles_seized, o.vehicles_seized),
                (t.items_seized, o.items_seized),
                (t.property_recovered, o.property_recovered),
            ],
            note: o.note,
        }),
        attachments: view.attachments.iter().map(|a| (a.id, a.is_video())).collect(),
        lines,
        steps: [Transition::Acknowledge, Transition::Verify, Transition::Dispatch]
            .into_iter()
            .filter(|s| next(*s))
            .map(|s| (s.as_str(), transition(lang, s)))
            .collect(),
        can_resolve: next(Transition::Resolve),
        can_transfer: next(Transition::Transfer),
        can_reopen: next(Transition::Reopen),
        units: transfer_units,
        officers: can
            .assign_to
            .iter()
            .cloned()
            .map(|o| SelectOption::new(o.id.to_string(), o.display_name, &assignee))
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|p| SelectOption::new(p.as_str(), priority(lang, *p), tip.priority.as_str()))
            .collect(),
        verdicts: Verdict::ALL.iter().map(|x| SelectOption::new(x.as_str(), verdict(lang, *x), "")).collect(),
        confidential: tip.protection == Protection::Confidential,
        unseal_requests,
        can_view_identity: can.view_identity,
    };
    page(v, status, &tpl)
}
