//! A tip as an officer sees it: the tip, its timeline, its files and messages, and what this officer may do
//! with it — decided here, so that pages and the API render flags and hold no rule.

use crate::Tips;
use binhyen_domain::tip::{Protection, Transition};
use binhyen_domain::{Action, Actor};
use binhyen_store::accounts::{Account, Household};
use binhyen_store::areas::Area;
use binhyen_store::tips::{Attachment, Tip, TipEvent, TipSupport, UnsealRequest};

use super::support::TipStanding;
use binhyen_store::units::Unit;

use super::ReporterView;
use crate::Result;

#[derive(Debug, Clone)]
pub struct OfficerTipView {
    pub tip: Tip,
    pub reporter: ReporterView,
    pub events: Vec<TipEvent>,
    pub attachments: Vec<Attachment>,
    pub unseal_requests: Vec<UnsealRequest>,
    /// Messages this tip caused (alerts, escalations, news to the tipster) and where each stands.
    pub deliveries: Vec<binhyen_store::deliveries::Delivery>,
    /// The area the tip is filed under.
    pub area: Option<Area>,
    /// Units working it beside the responsible one, with their own outcomes.
    pub support: Vec<TipSupport>,
    /// What the viewing officer may do with it.
    pub can: TipAbilities,
}

/// What one officer may do with one tip, by the same rules that refuse them when they try anyway.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TipAbilities {
    /// The workflow steps open to them from the tip's state (reopening only with the right to reopen).
    pub transitions: Vec<Transition>,
    /// The unseal requests they may approve: another officer's, not yet approved, with the right to approve.
    pub approve_unseal: Vec<i64>,
    /// Their own request to see the sealed identity was approved.
    pub view_identity: bool,
    /// Units in force today it may be transferred to (any but its own).
    pub transfer_to: Vec<Unit>,
    /// Officers it may be assigned to: the unit's officers, and the viewer.
    pub assign_to: Vec<Account>,
    /// The viewer's unit supports the tip (alerted by its watch) and may acknowledge it as such.
    pub support_acknowledge: bool,
    /// The viewer's supporting unit acknowledged it and may record its own outcome.
    pub support_resolve: bool,
}

impl TipAbilities {
    pub fn may(&self, t: Transition) -> bool {
        self.transitions.contains(&t)
    }
}

impl Tips<'_> {
    /// A tip's page for an officer, with its whole timeline and what they may do.
    pub async fn officer_tip(&self, actor: &Actor, tip_id: i64) -> Result<OfficerTipView> {
        let (tip, standing) = self.tip_for_viewer(actor, tip_id).await?;
        let support = self.store.tip_support(tip_id).await?;
        let reporter = match (tip.protection, standing) {
            (Protection::Anonymous, _) => ReporterView::Anonymous,
            // A supporting unit works the facts; who told them stays with the unit responsible.
            (Protection::Identified | Protection::Confidential, TipStanding::Supporting { .. }) => ReporterView::Sealed,
            (Protection::Identified, TipStanding::Responsible) => {
                let sealed = self.open_reporter(&tip)?;
                let account = match tip.reporter_account_id {
                    Some(id) => Some(self.accounts().account(id).await?),
                    None => None,
                };
                ReporterView::Known {
                    account_id: tip.reporter_account_id,
                    name: account.as_ref().map(|a| a.display_name.clone()).or(sealed.name),
                    phone: account.as_ref().map(|a| a.phone.clone()).or(sealed.phone),
                    household_id: sealed.household_id,
                }
            }
            (Protection::Confidential, TipStanding::Responsible) => ReporterView::Sealed,
        };
        let unseal_requests = self.store.unseal_requests(tip_id).await?;
        let can = match standing {
            TipStanding::Responsible => self.tip_abilities(actor, &tip, &unseal_requests).await?,
            TipStanding::Supporting { unit_id } => {
                let mine = support.iter().find(|s| s.unit_id == unit_id);
                TipAbilities {
                    support_acknowledge: mine.is_none(),
                    support_resolve: mine.is_some_and(|s| s.resolved_at_ms.is_none()),
                    ..Default::default()
                }
            }
        };
        let area = match tip.area_id {
            Some(a) => self.store.area(a).await.ok(),
            None => None,
        };
        Ok(OfficerTipView {
            events: self.store.tip_events(tip_id).await?,
            attachments: self.store.tip_attachments(tip_id).await?,
            deliveries: self.store.tip_deliveries(tip_id).await?,
            unseal_requests,
            reporter,
            area,
            support,
            can,
            tip,
        })
    }

    async fn tip_abilities(&self, actor: &Actor, tip: &Tip, requests: &[UnsealRequest]) -> Result<TipAbilities> {
        let may_reopen = self.authorize(actor, Action::ReopenTip, tip.unit_id).await.is_ok();
        let may_approve = self.authorize(actor, Action::ApproveUnseal, tip.unit_id).await.is_ok();
        let transitions = Transition::ALL
            .into_iter()
            .filter(|t| tip.state.next(*t).is_ok())
            .filter(|t| *t != Transition::Reopen || may_reopen)
            .collect();
        let approve_unseal = requests
            .iter()
            .filter(|r| may_approve && r.approved_by.is_none() && r.requested_by != actor.account_id)
            .map(|r| r.id)
            .collect();
        let view_identity = requests.iter().any(|r| r.requested_by == actor.account_id && r.approved_by.is_some());
        let today = self.today();
        // From the directory copy: a tip's page is opened far more often than the tree changes.
        let directory = self.units().directory_snapshot().await?;
        let mut transfer_to: Vec<Unit> = directory
            .units()
            .into_iter()
            .filter(|u| u.id != tip.unit_id && binhyen_domain::area::valid_on(u.valid_from, u.valid_to, today))
            .cloned()
            .collect();
        transfer_to.sort_by(|a, b| a.name.cmp(&b.name));
        let mut assign_to = self.store.officers_of_unit(tip.unit_id).await?;
        if !assign_to.iter().any(|o| o.id == actor.account_id) {
            if let Ok(me) = self.accounts().account(actor.account_id).await {
                assign_to.push(me);
            }
        }
        Ok(TipAbilities {
            transitions,
            approve_unseal,
            view_identity,
            transfer_to,
            assign_to,
            support_acknowledge: false,
            support_resolve: false,
        })
    }

    /// The household a reporter spoke for, when they signed in as a household cluster and named one.
    pub async fn reporter_household(&self, reporter: &ReporterView) -> Option<Household> {
        let ReporterView::Known { account_id: Some(account), household_id: Some(household), .. } = reporter else {
            return None;
        };
        let households = self.store.households(*account).await.ok()?;
        households.into_iter().find(|h| h.id == *household)
    }
}
