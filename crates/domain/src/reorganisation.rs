//! Reorganisations of the unit tree: merges, dissolutions, renames and moves under another parent, each from an
//! effective day. A plan is checked whole against the tree and every plan already recorded, before anything is
//! written; `check` is that rule, pure, and says what each change will do or why the plan is refused.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::area::valid_on;
use crate::entities::units::Unit;

/// One change, naming units by code (as a plan file and the API write them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    /// `unit` ends; `into` takes over its areas, followers, open work and history (communes merged in 2025).
    Merge {
        unit: String,
        into: String,
    },
    /// `unit` ends; `successor` takes over its work the same way (the district police dissolved in 2025).
    Dissolve {
        unit: String,
        successor: String,
    },
    Rename {
        unit: String,
        name: String,
    },
    /// `unit` answers to `parent` from then on.
    Reparent {
        unit: String,
        parent: String,
    },
}

impl Change {
    /// The unit the change is about.
    pub fn unit(&self) -> &str {
        match self {
            Change::Merge { unit, .. }
            | Change::Dissolve { unit, .. }
            | Change::Rename { unit, .. }
            | Change::Reparent { unit, .. } => unit,
        }
    }
}

/// Changes that take effect together, at 00:00 (Vietnam time) of `effective_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub effective_on: Date,
    pub changes: Vec<Change>,
}

/// A change recorded by an earlier plan, applied or waiting for its day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub effective_on: Date,
    pub change: Change,
    pub applied: bool,
}

/// What a change does, by unit id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// `unit` ends on the day and `into` takes over what it had.
    Absorb {
        unit: i64,
        into: i64,
    },
    Rename {
        unit: i64,
        name: String,
    },
    Reparent {
        unit: i64,
        parent: i64,
    },
}

/// A plan found sound: the steps to take, and the changes (by index) that are already so, which do nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checked {
    pub steps: Vec<Step>,
    pub already: Vec<usize>,
}

/// Why a plan is refused: the first change at fault (its index in the plan), a stable code and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("change {index}: {code} ({field})")]
pub struct PlanError {
    pub index: usize,
    pub code: &'static str,
    pub field: &'static str,
}

fn refuse(index: usize, code: &'static str, field: &'static str) -> PlanError {
    PlanError { index, code, field }
}

/// The longest chain of parents followed before a tree is declared cyclic.
const MAX_DEPTH: usize = 64;

/// Checks `plan` against the units as they are and the changes recorded before. `today` is the day in Vietnam:
/// a plan may be dated in the past (recording a reform that happened) only if nothing it touches changed later.
pub fn check(plan: &Plan, units: &[Unit], recorded: &[Recorded], today: Date) -> Result<Checked, PlanError> {
    if plan.changes.is_empty() {
        return Err(refuse(0, "required", "changes"));
    }
    let by_code: HashMap<&str, &Unit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let by_id: HashMap<i64, &Unit> = units.iter().map(|u| (u.id, u)).collect();
    let find = |index: usize, code: &str, field: &'static str| {
        by_code.get(code).copied().ok_or_else(|| refuse(index, "unknown_unit", field))
    };
    let on = plan.effective_on;
    let mut checked = Checked::default();
    let mut seen: HashMap<&str, &Change> = HashMap::new();
    let mut ending: HashSet<i64> = HashSet::new();
    let mut parents: HashMap<i64, Option<i64>> = units.iter().map(|u| (u.id, u.parent_id)).collect();
    for (index, change) in plan.changes.iter().enumerate() {
        match seen.insert(change.unit(), change) {
            Some(earlier) if earlier == change => {
                checked.already.push(index);
                continue;
            }
            Some(_) => return Err(refuse(index, "conflicting_plans", "unit")),
            None => {}
        }
        let unit = find(index, change.unit(), "unit")?;
        if recorded.iter().any(|r| !r.applied && r.change.unit() == change.unit() && r.change != *change) {
            return Err(refuse(index, "conflicting_plans", "unit"));
        }
        let touches = |r: &Recorded, code: &str| r.change.unit() == code || target(&r.change) == Some(code);
        if on < today
            && recorded.iter().any(|r| {
                r.effective_on > on && (touches(r, change.unit()) || target(change).is_some_and(|t| touches(r, t)))
            })
        {
            return Err(refuse(index, "after_later_changes", "effective_on"));
        }
        let is_already = match change {
            Change::Merge { into, .. } | Change::Dissolve { successor: into, .. } => {
                let field = if matches!(change, Change::Merge { .. }) { "into" } else { "successor" };
                let into = find(index, into, field)?;
                if into.id == unit.id {
                    return Err(refuse(index, "same_unit", field));
                }
                if root(&by_id, into.id) != root(&by_id, unit.id) {
                    return Err(refuse(index, "outside_province", field));
                }
                let done = unit.valid_to == Some(on) && unit.successor_id == Some(into.id);
                if !done {
                    if !valid_on(into.valid_from, into.valid_to, on) {
                        return Err(refuse(index, "successor_dissolved", field));
                    }
                    ending.insert(unit.id);
                    checked.steps.push(Step::Absorb { unit: unit.id, into: into.id });
                }
                done
            }
            Change::Rename { name, .. } => {
                if name.trim().is_empty() {
                    return Err(refuse(index, "required", "name"));
                }
                let done = unit.name == *name;
                if !done {
                    checked.steps.push(Step::Rename { unit: unit.id, name: name.clone() });
                }
                done
            }
            Change::Reparent { parent, .. } => {
                let parent = find(index, parent, "parent")?;
                if root(&by_id, parent.id) != root(&by_id, unit.id) {
                    return Err(refuse(index, "outside_province", "parent"));
                }
                if !valid_on(parent.valid_from, parent.valid_to, on) {
                    return Err(refuse(index, "successor_dissolved", "parent"));
                }
                let done = unit.parent_id == Some(parent.id);
                if !done {
                    parents.insert(unit.id, Some(parent.id));
                    checked.steps.push(Step::Reparent { unit: unit.id, parent: parent.id });
                }
                done
            }
        };
        if is_already {
            checked.already.push(index);
        } else if unit.valid_to.is_some_and(|t| t <= on) {
            // Already gone by then (and not by this very change): nothing can happen to it any more.
            return Err(refuse(index, "unit_dissolved", "unit"));
        }
    }
    // Second pass, once every change is known: a unit taking over must itself last past the day, and the new
    // parents must still make a tree.
    for (index, change) in plan.changes.iter().enumerate() {
        let (Change::Merge { into: t, .. }
        | Change::Dissolve { successor: t, .. }
        | Change::Reparent { parent: t, .. }) = change
        else {
            continue;
        };
        let field = match change {
            Change::Merge { .. } => "into",
            Change::Dissolve { .. } => "successor",
            Change::Rename { .. } | Change::Reparent { .. } => "parent",
        };
        if by_code.get(t.as_str()).is_some_and(|u| ending.contains(&u.id)) {
            return Err(refuse(index, "successor_dissolved", field));
        }
        if let Change::Reparent { unit, .. } = change {
            let id = by_code[unit.as_str()].id;
            if !reaches_root(&parents, id) {
                return Err(refuse(index, "cycle", "parent"));
            }
        }
    }
    Ok(checked)
}

/// The unit a change hands work to or places under, if any.
fn target(change: &Change) -> Option<&str> {
    match change {
        Change::Merge { into, .. } => Some(into),
        Change::Dissolve { successor, .. } => Some(successor),
        Change::Reparent { parent, .. } => Some(parent),
        Change::Rename { .. } => None,
    }
}

/// The top of a unit's tree (its province), following parents as they are.
fn root(by_id: &HashMap<i64, &Unit>, mut id: i64) -> i64 {
    for _ in 0..MAX_DEPTH {
        match by_id.get(&id).and_then(|u| u.parent_id) {
            Some(parent) => id = parent,
            None => return id,
        }
    }
    id
}

fn reaches_root(parents: &HashMap<i64, Option<i64>>, mut id: i64) -> bool {
    let mut visited = HashSet::new();
    while let Some(Some(parent)) = parents.get(&id) {
        if !visited.insert(id) {
            return false;
        }
        id = *parent;
    }
    true
}

#[cfg(test)]
mod tests;
