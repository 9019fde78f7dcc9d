//! Reorganising the unit tree as an operation: a plan (merge, dissolve, rename, re-parent from a day) is checked
//! whole (`domain::reorganisation::check`) against the tree and every plan recorded before, recorded, and applied
//! by a durable job at 00:00 of its day on whichever node is up. Applying moves what the ended units had to
//! their successors in one transaction (`store::reorganisations::absorb`); a retried or repeated plan does
//! nothing the second time. A dry run applies the plan in a transaction it rolls back, to say what would move.

use std::collections::HashMap;

use crate::Units;
use binhyen_domain::notification::NotificationKind;
use binhyen_domain::reorganisation::{self, Change, Plan, PlanError, Recorded, Step};
use binhyen_domain::tip::Priority;
use binhyen_domain::{Action, Actor, Invalid};
use binhyen_store::jobs::Job;
use binhyen_store::notifications::{self, NewNotification};
use binhyen_store::reorganisations::{self, Absorbed, Reorganisation};
use binhyen_store::{StoreError, Tx};
use serde::Serialize;
use time::Date;

use crate::audit::AuditEvent;
use crate::jobs::JobPayload;
use crate::{CoreError, Result};

/// What a plan did, or would do: per unit that ends, what its successor took over.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReorganisationReport {
    pub absorbed: Vec<AbsorbedUnit>,
    pub renamed: u64,
    pub reparented: u64,
    /// Changes of the plan that were already so (a plan applied twice does nothing the second time).
    pub already: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbsorbedUnit {
    pub unit_id: i64,
    pub into_unit_id: i64,
    pub follows_moved: u64,
    pub open_tips: u64,
    pub groups: u64,
    pub services: u64,
    pub bookings: u64,
    pub questions: u64,
    /// Officers still posted at the unit that ended, to reassign.
    pub officers: Vec<i64>,
}

impl AbsorbedUnit {
    fn new(unit_id: i64, into_unit_id: i64, a: &Absorbed) -> Self {
        Self {
            unit_id,
            into_unit_id,
            follows_moved: a.follows_moved,
            open_tips: a.open_tips.len() as u64,
            groups: a.groups,
            services: a.services,
            bookings: a.bookings.len() as u64,
            questions: a.questions,
            officers: a.officers.clone(),
        }
    }
}

/// A recorded plan as administrators see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReorganisationView {
    pub id: i64,
    pub effective_on: Date,
    pub changes: Vec<Change>,
    pub applied: bool,
    pub report: Option<serde_json::Value>,
    pub applied_at_ms: Option<i64>,
}

/// What submitting a plan gave: the plan recorded (None for a dry run) and what it does or would do.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOutcome {
    pub id: Option<i64>,
    pub report: ReorganisationReport,
}

fn plan_error(e: PlanError) -> CoreError {
    Invalid::new(e.field, e.code).into()
}

fn view(r: Reorganisation) -> Result<ReorganisationView> {
    let changes = serde_json::from_str(&r.plan).map_err(|e| CoreError::Internal(format!("stored plan: {e}")))?;
    let report = r.report.as_deref().and_then(|s| serde_json::from_str(s).ok());
    Ok(ReorganisationView {
        id: r.id,
        effective_on: r.effective_on,
        changes,
        applied: r.applied,
        report,
        applied_at_ms: r.applied_at_ms,
    })
}

/// 00:00 of `day` in Vietnam, in Unix milliseconds.
fn vn_midnight_ms(day: Date) -> i64 {
    let at = day.midnight().assume_offset(binhyen_domain::time_vn::VIETNAM);
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

impl Units<'_> {
    /// Checks a plan and, unless `dry_run`, records it to be applied at 00:00 of its day (at once if that is
    /// past). Administrators of every unit it names, or the operator at the command line (`by` None). A dry run
    /// says what would move now.
    pub async fn reorganise(&self, by: Option<&Actor>, plan: Plan, dry_run: bool) -> Result<PlanOutcome> {
        let units = self.store.all_units().await?;
        for change in &plan.changes {
            let codes = match change {
                Change::Merge { unit, into: other }
                | Change::Dissolve { unit, successor: other }
                | Change::Reparent { unit, parent: other } => vec![unit, other],
                Change::Rename { unit, .. } => vec![unit],
            };
            for code in codes {
                // Unknown codes are the plan's error (with its index), after the permission on the known ones.
                if let (Some(actor), Some(u)) = (by, units.iter().find(|u| u.code == *code)) {
                    self.authorize(actor, Action::ManageUnits, u.id).await?;
                }
            }
        }
        let recorded = self.recorded_changes().await?;
        let checked = reorganisation::check(&plan, &units, &recorded, self.today()).map_err(plan_error)?;
        if checked.steps.is_empty() && !dry_run {
            // Everything is already so (a plan sent twice): nothing to record or apply.
            let report = ReorganisationReport { already: checked.already, ..Default::default() };
            return Ok(PlanOutcome { id: None, report });
        }
        let mut tx = self.store.begin().await?;
        if dry_run {
            let report = self.apply_steps(&mut tx, &plan, &checked.steps, &checked.already).await?;
            drop(tx); // rolled back: a dry run writes nothing
            return Ok(PlanOutcome { id: None, report });
        }
        let json = serde_json::to_string(&plan.changes).map_err(|e| CoreError::Internal(e.to_string()))?;
        let now = self.now_ms();
        let by_account = by.map(|a| a.account_id);
        let id = reorganisations::insert(&mut tx, plan.effective_on, &json, by_account, now).await?;
        let job = JobPayload::Reorganise { reorganisation_id: id };
        self.jobs().enqueue(&mut tx, &[job.job(vn_midnight_ms(plan.effective_on).min(now).max(0), 10)]).await?;
        let detail = serde_json::json!({"effective_on": binhyen_domain::time_vn::iso(plan.effective_on),
            "changes": plan.changes.len(), "steps": checked.steps.len()});
        let event = AuditEvent::new("unit.reorganisation_planned", "reorganisation", Some(id));
        self.audit(&mut tx, event.by(by_account).detail(detail)).await?;
        tx.commit().await?;
        let report = ReorganisationReport { already: checked.already, ..Default::default() };
        Ok(PlanOutcome { id: Some(id), report })
    }

    /// Every plan, newest day first. Administrators.
    pub async fn reorganisations(&self, actor: &Actor) -> Result<Vec<ReorganisationView>> {
        self.authorize(actor, Action::ManageUnits, actor.unit_id).await?;
        self.store.reorganisations().await?.into_iter().map(view).collect()
    }

    pub async fn reorganisation(&self, actor: &Actor, id: i64) -> Result<ReorganisationView> {
        self.authorize(actor, Action::ManageUnits, actor.unit_id).await?;
        let r = self.store.reorganisation(id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found("reorganisation"),
            other => other.into(),
        })?;
        view(r)
    }

    /// Applies a recorded plan whose day has come, now rather than at the job worker's next turn (the command
    /// line, the demo); its job then finds it applied. False when its day is still to come.
    pub async fn apply_if_due(&self, id: i64) -> Result<bool> {
        let plan = self.store.reorganisation(id).await?;
        if vn_midnight_ms(plan.effective_on) > self.now_ms() {
            return Ok(false);
        }
        self.apply_reorganisation(id, None).await?;
        Ok(true)
    }

    /// Applies a recorded plan, once, checked again against the tree as it is now; completes `job` (when the
    /// job worker runs it) in the same transaction.
    pub(crate) async fn apply_reorganisation(&self, id: i64, job: Option<&Job>) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let recorded = reorganisations::get(&mut tx, id).await?;
        if recorded.applied {
            if let Some(job) = job {
                self.jobs().finish(&mut tx, job).await?;
            }
            return Ok(tx.commit().await?);
        }
        let plan = Plan { effective_on: recorded.effective_on, changes: view(recorded)?.changes };
        let units = self.store.all_units().await?;
        // This plan's own changes are not "another plan that disagrees".
        let others: Vec<Recorded> = self
            .recorded_changes()
            .await?
            .into_iter()
            .filter(|r| r.applied || !plan.changes.contains(&r.change))
            .collect();
        let checked = reorganisation::check(&plan, &units, &others, self.today()).map_err(plan_error)?;
        let report = self.apply_steps(&mut tx, &plan, &checked.steps, &checked.already).await?;
        let json = serde_json::to_string(&report).map_err(|e| CoreError::Internal(e.to_string()))?;
        if !reorganisations::mark_applied(&mut tx, id, &json, self.now_ms()).await? {
            // Applied meanwhile by another (the command line, or another node's worker): this transaction's
            // moves are rolled back, and only the job is finished.
            drop(tx);
            let mut tx = self.store.begin().await?;
            if let Some(job) = job {
                self.jobs().finish(&mut tx, job).await?;
            }
            return Ok(tx.commit().await?);
        }
        if let Some(job) = job {
            self.jobs().finish(&mut tx, job).await?;
        }
        let event = AuditEvent::new("unit.reorganised", "reorganisation", Some(id));
        self.audit(&mut tx, event.detail(serde_json::to_value(&report).unwrap_or_default())).await?;
        tx.commit().await?;
        self.units_changed();
        Ok(())
    }

    async fn apply_steps(
        &self,
        tx: &mut Tx,
        plan: &Plan,
        steps: &[Step],
        already: &[usize],
    ) -> Result<ReorganisationReport> {
        let now = self.now_ms();
        let mut report = ReorganisationReport { already: already.to_vec(), ..Default::default() };
        let mut names: HashMap<i64, String> = HashMap::new();
        for step in steps {
            match step {
                Step::Absorb { unit, into } => {
                    let moved = reorganisations::absorb(tx, *unit, *into, plan.effective_on, now).await?;
                    self.after_absorbing(tx, *into, &moved, &mut names).await?;
                    report.absorbed.push(AbsorbedUnit::new(*unit, *into, &moved));
                }
                Step::Rename { unit, name } => {
                    let name = binhyen_text::normalize(name);
                    reorganisations::rename(tx, *unit, &name, &binhyen_text::fold(&name)).await?;
                    report.renamed += 1;
                }
                Step::Reparent { unit, parent } => {
                    reorganisations::reparent(tx, *unit, *parent).await?;
                    report.reparented += 1;
                }
            }
        }
        Ok(report)
    }

    /// The successor's SLA timers for the tips that still wait for acknowledgement (counted from when they
    /// started waiting), and a notice to each signed-in holder of a booking that moved.
    async fn after_absorbing(
        &self,
        tx: &mut Tx,
        into: i64,
        moved: &Absorbed,
        names: &mut HashMap<i64, String>,
    ) -> Result<()> {
        let mut jobs = Vec::new();
        for tip in &moved.open_tips {
            let (Some(since), Ok(priority)) = (tip.waiting_since_ms, tip.priority.parse::<Priority>()) else {
                continue;
            };
            let minutes = self.alerting().sla_minutes(into, priority).await?;
            let timer = JobPayload::SlaCheck {
                tip_id: tip.id,
                unit_id: into,
                priority,
                level: 0,
                target_unit_id: into,
                since_ms: since,
            };
            jobs.push(timer.job(since + minutes * 60_000, crate::jobs::INTERNAL_ATTEMPTS));
        }
        self.jobs().enqueue(tx, &jobs).await?;
        if moved.bookings.iter().any(|(_, holder)| holder.is_some()) {
            let name = match names.get(&into) {
                Some(n) => n.clone(),
                None => {
                    let n = self.store.unit(into).await?.name;
                    names.insert(into, n.clone());
                    n
                }
            };
            let now = self.now_ms();
            let notes: Vec<NewNotification> = moved
                .bookings
                .iter()
                .filter_map(|(appointment, holder)| {
                    Some(NewNotification {
                        account_id: (*holder)?,
                        at_ms: now,
                        kind: NotificationKind::AppointmentMoved,
                        tip_id: None,
                        title: format!("Lịch hẹn #{appointment} nay do {name} tiếp nhận"),
                        body: format!(
                            "Sau khi sắp xếp lại đơn vị, lịch hẹn của bạn giữ nguyên giờ và do {name} tiếp nhận."
                        ),
                        link: Some("/appointments".to_owned()),
                    })
                })
                .collect();
            notifications::insert_many(tx, &notes).await?;
        }
        Ok(())
    }

    /// Every change of every plan recorded, with its day and whether it was applied.
    async fn recorded_changes(&self) -> Result<Vec<Recorded>> {
        let mut out = Vec::new();
        for r in self.store.reorganisations().await? {
            let applied = r.applied;
            let v = view(r)?;
            out.extend(v.changes.into_iter().map(|change| Recorded { effective_on: v.effective_on, change, applied }));
        }
        Ok(out)
    }
}

/// A plan file's shape in TOML: `effective_on = "2025-07-01"` and `[[changes]]` tables with `action`, `unit`
/// and the action's target (`into`, `successor`, `name` or `parent`).
#[derive(serde::Deserialize)]
struct PlanFile {
    effective_on: String,
    changes: Vec<Change>,
}

/// Why a plan file could not be read: where (the line, when there is one) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {}", .line.map(|l| format!("line {l}: ")).unwrap_or_default(), .invalid.field, .invalid.code)]
pub struct PlanFileError {
    pub line: Option<usize>,
    pub invalid: Invalid,
}

fn bad(field: &'static str, code: &'static str, line: Option<usize>) -> PlanFileError {
    PlanFileError { line, invalid: Invalid::new(field, code) }
}

impl From<PlanFileError> for CoreError {
    fn from(e: PlanFileError) -> Self {
        e.invalid.into()
    }
}

fn day(text: &str, line: usize) -> Result<Date, PlanFileError> {
    let text = text.trim();
    binhyen_domain::time_vn::parse_iso(text)
        .or_else(|| {
            // dd/mm/yyyy, as people write dates here.
            let parts: Vec<u16> = text.split('/').map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
            let [d, m, y] = parts[..] else { return None };
            Date::from_calendar_date(i32::from(y), time::Month::try_from(m as u8).ok()?, d as u8).ok()
        })
        .ok_or_else(|| bad("effective_on", "invalid_date", Some(line)))
}

/// Reads a plan file: TOML (one day), or CSV with a header `effective_on,action,unit,target` (one plan per
/// day found, in date order). Dates are YYYY-MM-DD or dd/mm/yyyy. Nothing is checked against the tree here.
pub fn read_plan_file(bytes: &[u8]) -> Result<Vec<Plan>, PlanFileError> {
    let text = std::str::from_utf8(bytes).map_err(|_| bad("plan", "not_utf8", None))?;
    let first = text.lines().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).unwrap_or("");
    if first.trim_start().starts_with("effective_on,") {
        return read_csv_plan(text);
    }
    let file: PlanFile = toml::from_str(text).map_err(|_| bad("plan", "malformed_plan", None))?;
    Ok(vec![Plan { effective_on: day(&file.effective_on, 1)?, changes: file.changes }])
}

fn read_csv_plan(text: &str) -> Result<Vec<Plan>, PlanFileError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).from_reader(text.as_bytes());
    let mut by_day: std::collections::BTreeMap<Date, Vec<Change>> = Default::default();
    for (n, row) in reader.records().enumerate() {
        let line = n + 2;
        let row = row.map_err(|_| bad("plan", "malformed_csv", Some(line)))?;
        let field = |i: usize| row.get(i).unwrap_or("").to_owned();
        let (unit, target) = (field(2), field(3));
        let change = match field(1).as_str() {
            "merge" => Change::Merge { unit, into: target },
            "dissolve" => Change::Dissolve { unit, successor: target },
            "rename" => Change::Rename { unit, name: target },
            "reparent" => Change::Reparent { unit, parent: target },
            _ => return Err(bad("action", "unknown_value", Some(line))),
        };
        by_day.entry(day(&field(0), line)?).or_default().push(change);
    }
    Ok(by_day.into_iter().map(|(effective_on, changes)| Plan { effective_on, changes }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_plan_file_is_toml_or_csv() {
        let toml = r#"
effective_on = "01/07/2025"
[[changes]]
action = "merge"
unit = "ca-xa-ea-kpam"
into = "ca-xa-cu-mgar-2025"
[[changes]]
action = "rename"
unit = "pcsd-dak-lak"
name = "Phòng Cảnh sát cơ động Công an tỉnh"
"#;
        let plans = read_plan_file(toml.as_bytes()).unwrap();
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].effective_on, date!(2025 - 07 - 01));
        assert_eq!(
            plans[0].changes[0],
            Change::Merge { unit: "ca-xa-ea-kpam".into(), into: "ca-xa-cu-mgar-2025".into() }
        );

        let csv = b"effective_on,action,unit,target\n2025-07-01,merge,ca-xa-ea-kpam,ca-xa-cu-mgar-2025\n\
                    01/03/2025,dissolve,ca-huyen-cu-mgar,ca-tinh-dak-lak\n";
        let plans = read_plan_file(csv).unwrap();
        assert_eq!(
            plans.iter().map(|p| p.effective_on).collect::<Vec<_>>(),
            [date!(2025 - 03 - 01), date!(2025 - 07 - 01)]
        );
    }

    #[test]
    fn a_bad_plan_file_says_what_and_where() {
        let bad = |bytes: &[u8]| {
            let e = read_plan_file(bytes).unwrap_err();
            (e.invalid.field, e.invalid.code, e.line)
        };
        assert_eq!(
            bad(b"effective_on,action,unit,target\n2025-07-01,split,a,b\n"),
            ("action", "unknown_value", Some(2))
        );
        assert_eq!(
            bad(b"effective_on,action,unit,target\n31/02/2025,merge,a,b\n"),
            ("effective_on", "invalid_date", Some(2))
        );
        assert_eq!(bad(b"effective_on = 5\n"), ("plan", "malformed_plan", None));
        assert_eq!(bad(&[0xff, 0xfe]), ("plan", "not_utf8", None));
    }
}
