use super::*;
use crate::entities::units::Contact;
use crate::unit::UnitKind;
use time::macros::date;

fn unit(id: i64, code: &str, parent: Option<i64>, from: Option<Date>, to: Option<Date>) -> Unit {
    Unit {
        id,
        code: code.to_owned(),
        kind: UnitKind::CommunePolice,
        name: format!("Công an {code}"),
        parent_id: parent,
        contact: Contact::default(),
        valid_from: from,
        valid_to: to,
        successor_id: None,
    }
}

const REFORM: Date = date!(2025 - 07 - 01);
const TODAY: Date = date!(2025 - 06 - 20);

/// Đắk Lắk's province police, a district under it, two communes under that, a 2025 commune straight under the
/// province; and another province with a commune.
fn tree() -> Vec<Unit> {
    vec![
        unit(1, "tinh", None, None, None),
        unit(2, "huyen", Some(1), None, None),
        unit(3, "ea-kpam", Some(2), None, None),
        unit(4, "quang-hiep", Some(2), None, None),
        unit(5, "cu-mgar-2025", Some(1), Some(REFORM), None),
        unit(6, "tinh-khac", None, None, None),
        unit(7, "xa-khac", Some(6), None, None),
    ]
}

fn merge(unit: &str, into: &str) -> Change {
    Change::Merge { unit: unit.into(), into: into.into() }
}

fn plan(changes: Vec<Change>) -> Plan {
    Plan { effective_on: REFORM, changes }
}

fn error(index: usize, code: &'static str, field: &'static str) -> Result<Checked, PlanError> {
    Err(PlanError { index, code, field })
}

#[test]
fn the_2025_reform_is_absorptions_and_a_dissolution() {
    let p = plan(vec![
        merge("ea-kpam", "cu-mgar-2025"),
        merge("quang-hiep", "cu-mgar-2025"),
        Change::Dissolve { unit: "huyen".into(), successor: "tinh".into() },
    ]);
    let checked = check(&p, &tree(), &[], TODAY).unwrap();
    assert_eq!(
        checked.steps,
        [Step::Absorb { unit: 3, into: 5 }, Step::Absorb { unit: 4, into: 5 }, Step::Absorb { unit: 2, into: 1 }]
    );
    assert!(checked.already.is_empty());
}

#[test]
fn a_plan_applied_twice_does_nothing_the_second_time() {
    let mut units = tree();
    units[2].valid_to = Some(REFORM);
    units[2].successor_id = Some(5);
    let checked = check(&plan(vec![merge("ea-kpam", "cu-mgar-2025")]), &units, &[], TODAY).unwrap();
    assert_eq!(checked, Checked { steps: vec![], already: vec![0] });
    // The same change recorded and waiting: the second plan is the same plan.
    let waiting = Recorded { effective_on: REFORM, change: merge("ea-kpam", "cu-mgar-2025"), applied: false };
    let p = plan(vec![merge("ea-kpam", "cu-mgar-2025")]);
    assert!(check(&p, &tree(), &[waiting], TODAY).is_ok());
}

#[test]
fn each_bad_plan_is_refused_naming_the_change_and_field() {
    let units = tree();
    let c = |changes| check(&plan(changes), &units, &[], TODAY);
    assert_eq!(c(vec![]), error(0, "required", "changes"));
    assert_eq!(c(vec![merge("nowhere", "tinh")]), error(0, "unknown_unit", "unit"));
    assert_eq!(c(vec![merge("ea-kpam", "nowhere")]), error(0, "unknown_unit", "into"));
    assert_eq!(c(vec![merge("ea-kpam", "ea-kpam")]), error(0, "same_unit", "into"));
    assert_eq!(c(vec![merge("ea-kpam", "xa-khac")]), error(0, "outside_province", "into"));
    assert_eq!(
        c(vec![Change::Reparent { unit: "huyen".into(), parent: "tinh-khac".into() }]),
        error(0, "outside_province", "parent")
    );
    // Into a unit that is itself merged that day.
    assert_eq!(
        c(vec![merge("ea-kpam", "quang-hiep"), merge("quang-hiep", "cu-mgar-2025")]),
        error(0, "successor_dissolved", "into")
    );
    // Into a unit that does not exist yet on the day.
    let early = Plan { effective_on: date!(2025 - 03 - 01), changes: vec![merge("ea-kpam", "cu-mgar-2025")] };
    assert_eq!(check(&early, &units, &[], TODAY), error(0, "successor_dissolved", "into"));
    // A cycle: the province under its own district.
    assert_eq!(c(vec![Change::Reparent { unit: "tinh".into(), parent: "huyen".into() }]), error(0, "cycle", "parent"));
    // The same unit two ways in one plan.
    assert_eq!(
        c(vec![merge("ea-kpam", "cu-mgar-2025"), merge("ea-kpam", "quang-hiep")]),
        error(1, "conflicting_plans", "unit")
    );
    assert_eq!(c(vec![Change::Rename { unit: "ea-kpam".into(), name: "  ".into() }]), error(0, "required", "name"));
}

#[test]
fn two_plans_that_disagree_are_refused() {
    let waiting = Recorded { effective_on: REFORM, change: merge("ea-kpam", "quang-hiep"), applied: false };
    let p = plan(vec![merge("ea-kpam", "cu-mgar-2025")]);
    assert_eq!(check(&p, &tree(), &[waiting], TODAY), error(0, "conflicting_plans", "unit"));
}

#[test]
fn a_unit_already_gone_cannot_be_changed() {
    let mut units = tree();
    units[2].valid_to = Some(date!(2025 - 03 - 01));
    units[2].successor_id = Some(1);
    let p = plan(vec![merge("ea-kpam", "cu-mgar-2025")]);
    assert_eq!(check(&p, &units, &[], TODAY), error(0, "unit_dissolved", "unit"));
}

#[test]
fn a_date_in_the_past_is_refused_after_later_changes() {
    let later = Recorded { effective_on: date!(2025 - 08 - 01), change: merge("quang-hiep", "ea-kpam"), applied: true };
    let today = date!(2025 - 09 - 01);
    let p = plan(vec![merge("ea-kpam", "cu-mgar-2025")]);
    assert_eq!(
        check(&p, &tree(), std::slice::from_ref(&later), today),
        error(0, "after_later_changes", "effective_on")
    );
    // Without later changes, a past date records what happened.
    assert!(check(&p, &tree(), &[], today).is_ok());
    // In the future, later plans do not matter.
    assert!(check(&p, &tree(), &[later], TODAY).is_ok());
}

#[test]
fn renames_and_moves_that_are_already_so_do_nothing() {
    let p = plan(vec![
        Change::Rename { unit: "ea-kpam".into(), name: "Công an ea-kpam".into() },
        Change::Reparent { unit: "ea-kpam".into(), parent: "huyen".into() },
    ]);
    // The second names the same unit differently: one plan changes a unit once.
    assert_eq!(check(&p, &tree(), &[], TODAY), error(1, "conflicting_plans", "unit"));
    let p = plan(vec![Change::Reparent { unit: "ea-kpam".into(), parent: "huyen".into() }]);
    assert_eq!(check(&p, &tree(), &[], TODAY).unwrap(), Checked { steps: vec![], already: vec![0] });
    let p = plan(vec![Change::Reparent { unit: "ea-kpam".into(), parent: "tinh".into() }]);
    assert_eq!(check(&p, &tree(), &[], TODAY).unwrap().steps, [Step::Reparent { unit: 3, parent: 1 }]);
}
