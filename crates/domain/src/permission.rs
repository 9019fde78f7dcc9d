//! Who may do what, where. Pure: the caller works out how the target unit relates to the officer's unit
//! (`Reach`) from the unit tree; this decides. Tested as a matrix of role × action × reach.

use crate::Role;

/// A signed-in officer as far as authorisation is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub unit_id: i64,
    pub role: Role,
}

/// How the unit acted on relates to the officer's own unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    OwnUnit,
    /// A unit below the officer's unit in the tree (any depth).
    Subtree,
    /// Anything else: a parent, a sibling, another province.
    Outside,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See a unit's officers and internal details.
    ViewStaff,
    /// Change a unit's contact details.
    EditUnit,
    /// Create officer accounts in a unit, reset their passwords.
    ManageOfficers,
    /// Create units below a unit.
    ManageUnits,
    /// Create villages in the unit's jurisdiction.
    ManageAreas,
    /// Decide which roles must use two-factor sign-in.
    SetSecurityPolicy,
    /// See a unit's tips and work them: acknowledge, verify, dispatch, resolve, transfer, assign, message.
    WorkTips,
    /// Approve another officer's request to see a confidential tipster's identity.
    ApproveUnseal,
    /// Reopen a resolved tip.
    ReopenTip,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::ViewStaff,
        Action::EditUnit,
        Action::ManageOfficers,
        Action::ManageUnits,
        Action::ManageAreas,
        Action::SetSecurityPolicy,
        Action::WorkTips,
        Action::ApproveUnseal,
        Action::ReopenTip,
    ];

    /// The least role that may take this action inside its reach.
    fn minimum_role(self) -> Role {
        match self {
            Action::ViewStaff | Action::WorkTips => Role::Officer,
            Action::EditUnit | Action::ManageOfficers | Action::ApproveUnseal | Action::ReopenTip => Role::Commander,
            Action::ManageUnits | Action::ManageAreas | Action::SetSecurityPolicy => Role::Administrator,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("forbidden")]
pub struct Forbidden;

/// Officers act only within their unit's subtree, and only as far as their role allows.
pub fn authorize(role: Role, action: Action, reach: Reach) -> Result<(), Forbidden> {
    let inside = matches!(reach, Reach::OwnUnit | Reach::Subtree);
    if inside && role.rank() >= action.minimum_role().rank() {
        Ok(())
    } else {
        Err(Forbidden)
    }
}

/// An officer may give another officer at most their own role.
pub fn may_grant(granter: Role, granted: Role) -> Result<(), Forbidden> {
    if granter.rank() >= granted.rank() {
        Ok(())
    } else {
        Err(Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out: a change of policy must change this table.
    #[test]
    fn matrix() {
        use Action::*;
        use Reach::*;
        let allowed = |role: Role, action: Action| -> &'static [Reach] {
            match (role, action) {
                (_, ViewStaff | WorkTips) => &[OwnUnit, Subtree],
                (Role::Commander | Role::Administrator, EditUnit | ManageOfficers | ApproveUnseal | ReopenTip) => {
                    &[OwnUnit, Subtree]
                }
                (Role::Administrator, ManageUnits | ManageAreas | SetSecurityPolicy) => &[OwnUnit, Subtree],
                _ => &[],
            }
        };
        for role in Role::ALL {
            for action in Action::ALL {
                for reach in [OwnUnit, Subtree, Outside] {
                    let expected = allowed(*role, action).contains(&reach);
                    assert_eq!(authorize(*role, action, reach).is_ok(), expected, "{role:?} {action:?} {reach:?}");
                }
            }
        }
    }

    #[test]
    fn no_one_grants_more_than_they_have() {
        assert!(may_grant(Role::Commander, Role::Officer).is_ok());
        assert!(may_grant(Role::Commander, Role::Administrator).is_err());
        assert!(may_grant(Role::Administrator, Role::Administrator).is_ok());
    }
}
