//! Sector groups: their kinds, a member's role and state, and how a membership changes — by the person
//! (joining, leaving), by those who run the group (inviting, approving, muting, removing, naming moderators).
//! Who may run a group is core's to decide; what each action does to a membership is decided here, as a pure
//! function tested pair by pair.

use crate::string_enum;

/// A group's id. Group operations take a group and an account side by side, in either order: a type of its
/// own keeps the two from being swapped. Spelt as the number it is, in JSON, paths and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct GroupId(pub i64);

impl std::fmt::Display for GroupId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for GroupId {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(GroupId)
    }
}

string_enum!(
    /// What a group gathers: a kind of business or place the unit works with, or anything else (`Custom`).
    GroupKind {
        Pawnshop => "pawnshop", SchoolSecurity => "school_security", Religious => "religious", Cafe => "cafe",
        Lodging => "lodging", Village => "village", Custom => "custom"
    }
    field = "kind"
);

string_enum!(
    /// A member's part in a group. The owner (its creator) cannot leave or be changed by moderators.
    MemberRole { Owner => "owner", Moderator => "moderator", Member => "member" }
    field = "role"
);

string_enum!(
    /// Where someone stands with a group: invited (not yet accepted), asking to join (not yet approved), in it,
    /// in it but silenced, or put out (kept, so that they cannot simply ask again).
    MemberState {
        Invited => "invited", Requested => "requested", Active => "active", Muted => "muted", Removed => "removed"
    }
    field = "state"
);

impl MemberRole {
    /// Whether the role runs the group (when its holder is active).
    pub const fn moderates(self) -> bool {
        match self {
            MemberRole::Owner | MemberRole::Moderator => true,
            MemberRole::Member => false,
        }
    }
}

impl MemberState {
    /// Whether someone in this state is in the group: reads it, receives its announcements, may show their
    /// phone to the others.
    pub const fn is_in_group(self) -> bool {
        match self {
            MemberState::Active | MemberState::Muted => true,
            MemberState::Invited | MemberState::Requested | MemberState::Removed => false,
        }
    }

    /// Whether someone in this state may write in the group (and run it, with a moderating role).
    pub const fn may_speak(self) -> bool {
        match self {
            MemberState::Active => true,
            MemberState::Invited | MemberState::Requested | MemberState::Muted | MemberState::Removed => false,
        }
    }
}

/// An account's role and state in one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub role: MemberRole,
    pub state: MemberState,
}

/// What is done to someone's membership: by themselves (`Join`, `Leave`), or by someone who runs the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberAction {
    /// Invited by phone; someone who asked to join is let in at once.
    Invite,
    /// Asks to join, or accepts an invitation (which joins at once).
    Join,
    Leave,
    /// Lets in someone who asked.
    Approve,
    Mute,
    Unmute,
    Remove,
    MakeModerator,
    MakeMember,
}

impl MemberAction {
    pub const ALL: [MemberAction; 9] = [
        MemberAction::Invite,
        MemberAction::Join,
        MemberAction::Leave,
        MemberAction::Approve,
        MemberAction::Mute,
        MemberAction::Unmute,
        MemberAction::Remove,
        MemberAction::MakeModerator,
        MemberAction::MakeMember,
    ];
}

string_enum!(
    /// What a moderator may do to someone else's membership: the part of `MemberAction` that is not the
    /// person's own doing (invite, join, leave). Spelt as the API takes it.
    ModeratorChange {
        Approve => "approve", Mute => "mute", Unmute => "unmute", Remove => "remove",
        MakeModerator => "moderator", MakeMember => "member"
    }
    field = "change"
);

impl ModeratorChange {
    pub fn action(self) -> MemberAction {
        match self {
            ModeratorChange::Approve => MemberAction::Approve,
            ModeratorChange::Mute => MemberAction::Mute,
            ModeratorChange::Unmute => MemberAction::Unmute,
            ModeratorChange::Remove => MemberAction::Remove,
            ModeratorChange::MakeModerator => MemberAction::MakeModerator,
            ModeratorChange::MakeMember => MemberAction::MakeMember,
        }
    }
}

/// What an action does to a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipStep {
    /// The membership is written as this, even when it is what it was: the action is recorded.
    Becomes(Membership),
    /// Nothing to do: already so, or the action does not apply (approving someone who did not ask).
    Stays,
}

/// Why an action on a membership is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MembershipRefusal {
    #[error("someone removed from a group cannot ask to join it again")]
    RemovedCannotRejoin,
    #[error("a group's owner cannot leave it")]
    OwnerCannotLeave,
    #[error("a group's owner cannot be changed by its moderators")]
    OwnerUnchangeable,
    #[error("only a member can be changed")]
    NotAMember,
}

impl Membership {
    pub const fn new(role: MemberRole, state: MemberState) -> Self {
        Self { role, state }
    }

    /// Reads the group and receives its announcements.
    pub const fn can_read(self) -> bool {
        self.state.is_in_group()
    }

    /// Writes in the group.
    pub const fn can_post(self) -> bool {
        self.state.may_speak()
    }

    /// Runs the group: invites, approves, mutes, removes, hides and pins. A muted moderator does not.
    pub const fn can_moderate(self) -> bool {
        self.state.may_speak() && self.role.moderates()
    }

    /// What `action` does to `current` (None: no membership yet). Inviting, joining and leaving start over as a
    /// plain member (a removed moderator invited back is a member again); the other actions keep the role, or
    /// change only it. Removing applies to any state, so removing someone who only asked or was only invited is
    /// recorded as such; muting applies only to someone in the group.
    pub fn next(current: Option<Membership>, action: MemberAction) -> Result<MembershipStep, MembershipRefusal> {
        use MemberAction as A;
        use MembershipStep::{Becomes, Stays};
        let member = |state| Becomes(Membership::new(MemberRole::Member, state));
        let Some(m) = current else {
            return match action {
                A::Invite => Ok(member(MemberState::Invited)),
                A::Join => Ok(member(MemberState::Requested)),
                A::Leave => Ok(Stays),
                A::Approve | A::Mute | A::Unmute | A::Remove | A::MakeModerator | A::MakeMember => {
                    Err(MembershipRefusal::NotAMember)
                }
            };
        };
        let to_state = |state| Becomes(Membership::new(m.role, state));
        let to_role = |role| Becomes(Membership::new(role, m.state));
        let owner = m.role == MemberRole::Owner;
        let step = match action {
            A::Invite => match m.state {
                MemberState::Active | MemberState::Muted => Stays,
                MemberState::Requested => member(MemberState::Active),
                MemberState::Invited | MemberState::Removed => member(MemberState::Invited),
            },
            A::Join => match m.state {
                MemberState::Active | MemberState::Muted | MemberState::Requested => Stays,
                MemberState::Invited => member(MemberState::Active),
                MemberState::Removed => return Err(MembershipRefusal::RemovedCannotRejoin),
            },
            A::Leave if owner => return Err(MembershipRefusal::OwnerCannotLeave),
            A::Leave => member(MemberState::Removed),
            // Approving changes nothing of an owner that is already in; it is allowed for them.
            A::Approve => match m.state {
                MemberState::Requested => to_state(MemberState::Active),
                MemberState::Invited | MemberState::Active | MemberState::Muted | MemberState::Removed => Stays,
            },
            A::Mute | A::Unmute | A::Remove | A::MakeModerator | A::MakeMember if owner => {
                return Err(MembershipRefusal::OwnerUnchangeable)
            }
            // Only someone in the group is silenced: muting an invitation, a request or a removal would let the
            // person read the group (a muted member reads).
            A::Mute => match m.state {
                MemberState::Active | MemberState::Muted => to_state(MemberState::Muted),
                MemberState::Invited | MemberState::Requested | MemberState::Removed => Stays,
            },
            A::Unmute => match m.state {
                MemberState::Muted => to_state(MemberState::Active),
                MemberState::Invited | MemberState::Requested | MemberState::Active | MemberState::Removed => Stays,
            },
            A::Remove => to_state(MemberState::Removed),
            A::MakeModerator => to_role(MemberRole::Moderator),
            A::MakeMember => to_role(MemberRole::Member),
        };
        Ok(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MemberAction as A;
    use MemberRole::*;
    use MemberState::*;
    use MembershipRefusal::*;
    use MembershipStep::{Becomes, Stays};

    fn m(role: MemberRole, state: MemberState) -> Membership {
        Membership::new(role, state)
    }

    /// Every (membership, action) pair, written out: a change of the rules must change this table. Owners are
    /// only ever active; their other rows say what the rules would do all the same.
    #[test]
    fn every_membership_change() {
        let table: &[(Option<Membership>, MemberAction, Result<MembershipStep, MembershipRefusal>)] = &[
            (None, A::Invite, Ok(Becomes(m(Member, Invited)))),
            (None, A::Join, Ok(Becomes(m(Member, Requested)))),
            (None, A::Leave, Ok(Stays)),
            (None, A::Approve, Err(NotAMember)),
            (None, A::Mute, Err(NotAMember)),
            (None, A::Unmute, Err(NotAMember)),
            (None, A::Remove, Err(NotAMember)),
            (None, A::MakeModerator, Err(NotAMember)),
            (None, A::MakeMember, Err(NotAMember)),
            (Some(m(Owner, Invited)), A::Invite, Ok(Becomes(m(Member, Invited)))),
            (Some(m(Owner, Invited)), A::Join, Ok(Becomes(m(Member, Active)))),
            (Some(m(Owner, Invited)), A::Leave, Err(OwnerCannotLeave)),
            (Some(m(Owner, Invited)), A::Approve, Ok(Stays)),
            (Some(m(Owner, Invited)), A::Mute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Invited)), A::Unmute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Invited)), A::Remove, Err(OwnerUnchangeable)),
            (Some(m(Owner, Invited)), A::MakeModerator, Err(OwnerUnchangeable)),
            (Some(m(Owner, Invited)), A::MakeMember, Err(OwnerUnchangeable)),
            (Some(m(Owner, Requested)), A::Invite, Ok(Becomes(m(Member, Active)))),
            (Some(m(Owner, Requested)), A::Join, Ok(Stays)),
            (Some(m(Owner, Requested)), A::Leave, Err(OwnerCannotLeave)),
            (Some(m(Owner, Requested)), A::Approve, Ok(Becomes(m(Owner, Active)))),
            (Some(m(Owner, Requested)), A::Mute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Requested)), A::Unmute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Requested)), A::Remove, Err(OwnerUnchangeable)),
            (Some(m(Owner, Requested)), A::MakeModerator, Err(OwnerUnchangeable)),
            (Some(m(Owner, Requested)), A::MakeMember, Err(OwnerUnchangeable)),
            (Some(m(Owner, Active)), A::Invite, Ok(Stays)),
            (Some(m(Owner, Active)), A::Join, Ok(Stays)),
            (Some(m(Owner, Active)), A::Leave, Err(OwnerCannotLeave)),
            (Some(m(Owner, Active)), A::Approve, Ok(Stays)),
            (Some(m(Owner, Active)), A::Mute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Active)), A::Unmute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Active)), A::Remove, Err(OwnerUnchangeable)),
            (Some(m(Owner, Active)), A::MakeModerator, Err(OwnerUnchangeable)),
            (Some(m(Owner, Active)), A::MakeMember, Err(OwnerUnchangeable)),
            (Some(m(Owner, Muted)), A::Invite, Ok(Stays)),
            (Some(m(Owner, Muted)), A::Join, Ok(Stays)),
            (Some(m(Owner, Muted)), A::Leave, Err(OwnerCannotLeave)),
            (Some(m(Owner, Muted)), A::Approve, Ok(Stays)),
            (Some(m(Owner, Muted)), A::Mute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Muted)), A::Unmute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Muted)), A::Remove, Err(OwnerUnchangeable)),
            (Some(m(Owner, Muted)), A::MakeModerator, Err(OwnerUnchangeable)),
            (Some(m(Owner, Muted)), A::MakeMember, Err(OwnerUnchangeable)),
            (Some(m(Owner, Removed)), A::Invite, Ok(Becomes(m(Member, Invited)))),
            (Some(m(Owner, Removed)), A::Join, Err(RemovedCannotRejoin)),
            (Some(m(Owner, Removed)), A::Leave, Err(OwnerCannotLeave)),
            (Some(m(Owner, Removed)), A::Approve, Ok(Stays)),
            (Some(m(Owner, Removed)), A::Mute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Removed)), A::Unmute, Err(OwnerUnchangeable)),
            (Some(m(Owner, Removed)), A::Remove, Err(OwnerUnchangeable)),
            (Some(m(Owner, Removed)), A::MakeModerator, Err(OwnerUnchangeable)),
            (Some(m(Owner, Removed)), A::MakeMember, Err(OwnerUnchangeable)),
            (Some(m(Moderator, Invited)), A::Invite, Ok(Becomes(m(Member, Invited)))),
            (Some(m(Moderator, Invited)), A::Join, Ok(Becomes(m(Member, Active)))),
            (Some(m(Moderator, Invited)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Moderator, Invited)), A::Approve, Ok(Stays)),
            (Some(m(Moderator, Invited)), A::Mute, Ok(Stays)),
            (Some(m(Moderator, Invited)), A::Unmute, Ok(Stays)),
            (Some(m(Moderator, Invited)), A::Remove, Ok(Becomes(m(Moderator, Removed)))),
            (Some(m(Moderator, Invited)), A::MakeModerator, Ok(Becomes(m(Moderator, Invited)))),
            (Some(m(Moderator, Invited)), A::MakeMember, Ok(Becomes(m(Member, Invited)))),
            (Some(m(Moderator, Requested)), A::Invite, Ok(Becomes(m(Member, Active)))),
            (Some(m(Moderator, Requested)), A::Join, Ok(Stays)),
            (Some(m(Moderator, Requested)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Moderator, Requested)), A::Approve, Ok(Becomes(m(Moderator, Active)))),
            (Some(m(Moderator, Requested)), A::Mute, Ok(Stays)),
            (Some(m(Moderator, Requested)), A::Unmute, Ok(Stays)),
            (Some(m(Moderator, Requested)), A::Remove, Ok(Becomes(m(Moderator, Removed)))),
            (Some(m(Moderator, Requested)), A::MakeModerator, Ok(Becomes(m(Moderator, Requested)))),
            (Some(m(Moderator, Requested)), A::MakeMember, Ok(Becomes(m(Member, Requested)))),
            (Some(m(Moderator, Active)), A::Invite, Ok(Stays)),
            (Some(m(Moderator, Active)), A::Join, Ok(Stays)),
            (Some(m(Moderator, Active)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Moderator, Active)), A::Approve, Ok(Stays)),
            (Some(m(Moderator, Active)), A::Mute, Ok(Becomes(m(Moderator, Muted)))),
            (Some(m(Moderator, Active)), A::Unmute, Ok(Stays)),
            (Some(m(Moderator, Active)), A::Remove, Ok(Becomes(m(Moderator, Removed)))),
            (Some(m(Moderator, Active)), A::MakeModerator, Ok(Becomes(m(Moderator, Active)))),
            (Some(m(Moderator, Active)), A::MakeMember, Ok(Becomes(m(Member, Active)))),
            (Some(m(Moderator, Muted)), A::Invite, Ok(Stays)),
            (Some(m(Moderator, Muted)), A::Join, Ok(Stays)),
            (Some(m(Moderator, Muted)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Moderator, Muted)), A::Approve, Ok(Stays)),
            (Some(m(Moderator, Muted)), A::Mute, Ok(Becomes(m(Moderator, Muted)))),
            (Some(m(Moderator, Muted)), A::Unmute, Ok(Becomes(m(Moderator, Active)))),
            (Some(m(Moderator, Muted)), A::Remove, Ok(Becomes(m(Moderator, Removed)))),
            (Some(m(Moderator, Muted)), A::MakeModerator, Ok(Becomes(m(Moderator, Muted)))),
            (Some(m(Moderator, Muted)), A::MakeMember, Ok(Becomes(m(Member, Muted)))),
            (Some(m(Moderator, Removed)), A::Invite, Ok(Becomes(m(Member, Invited)))),
            (Some(m(Moderator, Removed)), A::Join, Err(RemovedCannotRejoin)),
            (Some(m(Moderator, Removed)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Moderator, Removed)), A::Approve, Ok(Stays)),
            (Some(m(Moderator, Removed)), A::Mute, Ok(Stays)),
            (Some(m(Moderator, Removed)), A::Unmute, Ok(Stays)),
            (Some(m(Moderator, Removed)), A::Remove, Ok(Becomes(m(Moderator, Removed)))),
            (Some(m(Moderator, Removed)), A::MakeModerator, Ok(Becomes(m(Moderator, Removed)))),
            (Some(m(Moderator, Removed)), A::MakeMember, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Invited)), A::Invite, Ok(Becomes(m(Member, Invited)))),
            (Some(m(Member, Invited)), A::Join, Ok(Becomes(m(Member, Active)))),
            (Some(m(Member, Invited)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Invited)), A::Approve, Ok(Stays)),
            (Some(m(Member, Invited)), A::Mute, Ok(Stays)),
            (Some(m(Member, Invited)), A::Unmute, Ok(Stays)),
            (Some(m(Member, Invited)), A::Remove, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Invited)), A::MakeModerator, Ok(Becomes(m(Moderator, Invited)))),
            (Some(m(Member, Invited)), A::MakeMember, Ok(Becomes(m(Member, Invited)))),
            (Some(m(Member, Requested)), A::Invite, Ok(Becomes(m(Member, Active)))),
            (Some(m(Member, Requested)), A::Join, Ok(Stays)),
            (Some(m(Member, Requested)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Requested)), A::Approve, Ok(Becomes(m(Member, Active)))),
            (Some(m(Member, Requested)), A::Mute, Ok(Stays)),
            (Some(m(Member, Requested)), A::Unmute, Ok(Stays)),
            (Some(m(Member, Requested)), A::Remove, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Requested)), A::MakeModerator, Ok(Becomes(m(Moderator, Requested)))),
            (Some(m(Member, Requested)), A::MakeMember, Ok(Becomes(m(Member, Requested)))),
            (Some(m(Member, Active)), A::Invite, Ok(Stays)),
            (Some(m(Member, Active)), A::Join, Ok(Stays)),
            (Some(m(Member, Active)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Active)), A::Approve, Ok(Stays)),
            (Some(m(Member, Active)), A::Mute, Ok(Becomes(m(Member, Muted)))),
            (Some(m(Member, Active)), A::Unmute, Ok(Stays)),
            (Some(m(Member, Active)), A::Remove, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Active)), A::MakeModerator, Ok(Becomes(m(Moderator, Active)))),
            (Some(m(Member, Active)), A::MakeMember, Ok(Becomes(m(Member, Active)))),
            (Some(m(Member, Muted)), A::Invite, Ok(Stays)),
            (Some(m(Member, Muted)), A::Join, Ok(Stays)),
            (Some(m(Member, Muted)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Muted)), A::Approve, Ok(Stays)),
            (Some(m(Member, Muted)), A::Mute, Ok(Becomes(m(Member, Muted)))),
            (Some(m(Member, Muted)), A::Unmute, Ok(Becomes(m(Member, Active)))),
            (Some(m(Member, Muted)), A::Remove, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Muted)), A::MakeModerator, Ok(Becomes(m(Moderator, Muted)))),
            (Some(m(Member, Muted)), A::MakeMember, Ok(Becomes(m(Member, Muted)))),
            (Some(m(Member, Removed)), A::Invite, Ok(Becomes(m(Member, Invited)))),
            (Some(m(Member, Removed)), A::Join, Err(RemovedCannotRejoin)),
            (Some(m(Member, Removed)), A::Leave, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Removed)), A::Approve, Ok(Stays)),
            (Some(m(Member, Removed)), A::Mute, Ok(Stays)),
            (Some(m(Member, Removed)), A::Unmute, Ok(Stays)),
            (Some(m(Member, Removed)), A::Remove, Ok(Becomes(m(Member, Removed)))),
            (Some(m(Member, Removed)), A::MakeModerator, Ok(Becomes(m(Moderator, Removed)))),
            (Some(m(Member, Removed)), A::MakeMember, Ok(Becomes(m(Member, Removed)))),
        ];
        let froms = 1 + MemberRole::ALL.len() * MemberState::ALL.len();
        assert_eq!(table.len(), froms * MemberAction::ALL.len());
        for (from, action, to) in table {
            assert_eq!(Membership::next(*from, *action), *to, "{from:?} {action:?}");
        }
    }

    /// Who reads, writes and runs a group, for every role and state.
    #[test]
    fn reading_posting_and_moderating() {
        let table: &[(MemberState, bool, bool)] = &[
            // state, reads, posts
            (Invited, false, false),
            (Requested, false, false),
            (Active, true, true),
            (Muted, true, false),
            (Removed, false, false),
        ];
        assert_eq!(table.len(), MemberState::ALL.len());
        for (state, reads, posts) in table {
            for role in MemberRole::ALL {
                let member = m(*role, *state);
                assert_eq!((member.can_read(), member.can_post()), (*reads, *posts), "{member:?}");
                assert_eq!(member.can_moderate(), *posts && *role != Member, "{member:?}");
            }
        }
    }

    #[test]
    fn group_ids_read_as_their_number() {
        assert_eq!("42".parse::<GroupId>(), Ok(GroupId(42)));
        assert!("4x".parse::<GroupId>().is_err());
        assert_eq!(GroupId(42).to_string(), "42");
        assert_eq!(serde_json::to_value(GroupId(42)).unwrap(), 42);
    }

    #[test]
    fn spelt_as_stored() {
        let kinds: Vec<&str> = GroupKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(kinds, ["pawnshop", "school_security", "religious", "cafe", "lodging", "village", "custom"]);
        let roles: Vec<&str> = MemberRole::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(roles, ["owner", "moderator", "member"]);
        let states: Vec<&str> = MemberState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(states, ["invited", "requested", "active", "muted", "removed"]);
        assert_eq!(serde_json::to_value(MemberState::Requested).unwrap(), "requested");
        assert!("Active".parse::<MemberState>().is_err());
    }
}
