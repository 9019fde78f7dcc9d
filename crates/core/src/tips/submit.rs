//! Receiving a tip: validate, route to the unit responsible for the place, hand it to the intake's writer
//! (which seals who sent it and commits it with the other tips of its batch), and only then answer. An
//! anonymous tipster gets a receipt code; only its hash is kept.

use crate::Tips;
use binhyen_domain::tip::{format_receipt, initial_priority, normalize_receipt, parse_description, GeoPoint};
use binhyen_domain::tip::{Priority, Protection, TipCategory, TipState};
use binhyen_domain::{Actor, Invalid, PhoneNumber};
use binhyen_store::accounts::Account;
use binhyen_store::tips::NewTip;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::intake::PendingTip;
use super::SealedReporter;
use crate::{CoreError, Result};

/// Who is sending the tip.
#[derive(Debug, Clone)]
pub enum Reporter {
    /// No account, nothing kept about the sender.
    Anonymous,
    /// A signed-in citizen, business or household cluster (optionally naming one of its households).
    Account { account: Account, household_id: Option<i64> },
    /// An officer writing down what someone told them (at the counter, on the phone).
    OnBehalf { officer: Actor, name: String, phone: Option<String> },
}

#[derive(Debug, Clone)]
pub struct TipInput {
    pub category: TipCategory,
    pub description: String,
    pub occurred_at: Option<OffsetDateTime>,
    pub happening_now: bool,
    pub area_id: Option<i64>,
    pub location: Option<(f64, f64)>,
    pub address: Option<String>,
    pub protection: Protection,
}

#[derive(Debug, Clone)]
pub struct Submitted {
    pub tip_id: i64,
    pub unit_id: i64,
    /// What the tip was stored with (so the answer needs no read back).
    pub state: TipState,
    pub priority: Priority,
    /// For anonymous tips only: shown once, never stored.
    pub receipt: Option<String>,
}

pub(crate) fn receipt_hash(normalized: &str) -> String {
    hex::encode(Sha256::digest(format!("binhyen-receipt:{normalized}").as_bytes()))
}

impl Tips<'_> {
    /// Receives a tip. `client` is the sender's address, used (in memory only) to slow floods of anonymous tips.
    pub async fn submit_tip(&self, reporter: Reporter, input: TipInput, client: Option<&str>) -> Result<Submitted> {
        binhyen_domain::tip::check_protection(input.protection, !matches!(reporter, Reporter::Anonymous))?;
        let description = parse_description(&input.description)?;
        let address = input.address.as_deref().map(binhyen_text::normalize).filter(|a| !a.is_empty());
        if address.as_ref().is_some_and(|a| a.chars().count() > 300) {
            return Err(Invalid::new("address", "too_long").into());
        }
        let point = input.location.map(|(lat, lon)| GeoPoint::parse(lat, lon)).transpose()?;
        let now = self.clock.now();
        if input.occurred_at.is_some_and(|at| at > now + time::Duration::minutes(5)) {
            return Err(Invalid::new("occurred_at", "in_the_future").into());
        }
        let (protection, sealed, account_id) = self.reporter_parts(&reporter, input.protection).await?;
        if protection == Protection::Anonymous {
            if let Some(client) = client {
                if !self.tips.anonymous_flood.allow(client, now) {
                    return Err(CoreError::Throttled {
                        retry_after_secs: self.tips.anonymous_flood.retry_after_secs(),
                    });
                }
            }
        }
        let (unit_id, area_id) = self.route(input.area_id, point, reporter_unit(&reporter)).await?;
        let receipt = (protection == Protection::Anonymous).then(|| {
            let mut raw = [0u8; 16];
            self.random.fill(&mut raw);
            format_receipt(&raw)
        });
        let receipt_hash = match &receipt {
            Some(r) => Some(receipt_hash(&normalize_receipt(r)?)),
            None => None,
        };
        let tip = NewTip {
            category: input.category,
            description,
            occurred_at_ms: input.occurred_at.map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64),
            happening_now: input.happening_now,
            area_id,
            lat: point.map(GeoPoint::lat),
            lon: point.map(GeoPoint::lon),
            address,
            protection,
            reporter_account_id: if protection == Protection::Identified { account_id } else { None },
            reporter_tag: match (protection, account_id) {
                (Protection::Confidential, Some(id)) => Some(self.seal.tag(id.to_string().as_bytes())),
                _ => None,
            },
            reporter_sealed: None,
            receipt_hash,
            filed_by_account_id: match &reporter {
                Reporter::OnBehalf { officer, .. } => Some(officer.account_id),
                _ => None,
            },
            unit_id,
            priority: initial_priority(input.happening_now),
        };
        let reporter_plain = match sealed {
            Some(sealed) => Some(serde_json::to_vec(&sealed).map_err(|e| CoreError::Internal(e.to_string()))?),
            None => None,
        };
        // Committed together with whatever other tips arrive meanwhile (group commit, `intake.rs`); the
        // answer comes only after COMMIT returned.
        let priority = tip.priority;
        let sla_minutes = self.alerting().sla_minutes(unit_id, priority).await?;
        let tip_id = self.write_tip(PendingTip { tip, reporter_plain, sla_minutes }).await?;
        Ok(Submitted { tip_id, unit_id, state: TipState::New, priority, receipt })
    }

    /// The protection actually applied, what to seal, and the account (if any).
    async fn reporter_parts(
        &self,
        reporter: &Reporter,
        asked: Protection,
    ) -> Result<(Protection, Option<SealedReporter>, Option<i64>)> {
        Ok(match reporter {
            Reporter::Anonymous => (Protection::Anonymous, None, None),
            Reporter::Account { account, household_id } => {
                if let Some(h) = household_id {
                    let households = self.store.households(account.id).await?;
                    if !households.iter().any(|x| x.id == *h) {
                        return Err(Invalid::new("household_id", "not_your_household").into());
                    }
                }
                if asked == Protection::Anonymous {
                    // Signed in but asking for anonymity: nothing links the tip to the account.
                    return Ok((Protection::Anonymous, None, None));
                }
                let sealed =
                    SealedReporter { account_id: Some(account.id), household_id: *household_id, ..Default::default() };
                (asked, Some(sealed), Some(account.id))
            }
            Reporter::OnBehalf { name, phone, .. } => {
                let name =
                    binhyen_domain::DisplayName::parse(name).map_err(|e| Invalid::new("reporter_name", e.code))?;
                let phone = phone
                    .as_deref()
                    .filter(|p| !p.trim().is_empty())
                    .map(PhoneNumber::parse)
                    .transpose()
                    .map_err(|e| Invalid::new("reporter_phone", e.code))?;
                let protection = if asked == Protection::Anonymous { Protection::Confidential } else { asked };
                let sealed = SealedReporter {
                    account_id: None,
                    household_id: None,
                    name: Some(name.into_inner()),
                    phone: phone.map(|p| p.e164().to_owned()),
                };
                (protection, Some(sealed), None)
            }
        })
    }

    /// The unit responsible for the place, and the area the tip is filed under. A point with no area goes to
    /// the nearest current commune centre.
    async fn route(
        &self,
        area_id: Option<i64>,
        point: Option<GeoPoint>,
        fallback: Option<i64>,
    ) -> Result<(i64, Option<i64>)> {
        let area_id = match (area_id, point) {
            // An unknown area is refused by `responsible_unit` below (one read fewer per tip).
            (Some(id), _) => Some(id),
            (None, Some(p)) => self.nearest_commune(p).await?,
            (None, None) => None,
        };
        let unit = match area_id {
            Some(area) => self.responsible_unit_id(area, self.today()).await?,
            None => None,
        };
        match (unit.or(fallback), area_id) {
            (Some(unit), _) => Ok((unit, area_id)),
            (None, None) => Err(Invalid::new("area_id", "place_required").into()),
            (None, Some(_)) => Err(Invalid::new("area_id", "no_responsible_unit").into()),
        }
    }

    /// The commune whose imported boundary holds the point, else the one with the nearest centre.
    async fn nearest_commune(&self, p: GeoPoint) -> Result<Option<i64>> {
        if let Some(area) = self.units().area_containing(p.lat(), p.lon()).await? {
            return Ok(Some(area));
        }
        for degrees in [0.25, 1.0] {
            let near = self.store.communes_near(p.lat(), p.lon(), degrees).await?;
            let best = near.into_iter().min_by(|a, b| p.distance_km(a.1, a.2).total_cmp(&p.distance_km(b.1, b.2)));
            if let Some((id, _, _)) = best {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}

/// An officer filing a tip with only an address: their own unit answers for it.
fn reporter_unit(reporter: &Reporter) -> Option<i64> {
    match reporter {
        Reporter::OnBehalf { officer, .. } => Some(officer.unit_id),
        _ => None,
    }
}
