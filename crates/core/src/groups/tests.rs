//! Who may read and moderate, as a matrix over membership and oversight. The whole flow (invitations,
//! requests, messages, live delivery, moderation, refusals) is tested through the API.

use binhyen_domain::group::Membership;

use super::Standing;

/// A standing from the role and state as stored.
fn standing(membership: Option<(&str, &str)>, overseer: bool) -> Standing {
    let membership = membership.map(|(r, s)| Membership::new(r.parse().unwrap(), s.parse().unwrap()));
    Standing { membership, overseer }
}

#[test]
fn reading_and_moderating_follow_role_state_and_oversight() {
    // (role, state), overseer → (can read, can moderate)
    let cases = [
        (None, false, (false, false)),
        (None, true, (true, true)),
        (Some(("member", "invited")), false, (false, false)),
        (Some(("member", "requested")), false, (false, false)),
        (Some(("member", "active")), false, (true, false)),
        (Some(("member", "muted")), false, (true, false)),
        (Some(("member", "removed")), false, (false, false)),
        (Some(("moderator", "active")), false, (true, true)),
        (Some(("moderator", "muted")), false, (true, false)),
        (Some(("owner", "active")), false, (true, true)),
        (Some(("member", "removed")), true, (true, true)),
    ];
    for (membership, overseer, (read, moderate)) in cases {
        let s = standing(membership, overseer);
        assert_eq!((s.can_read(), s.can_moderate()), (read, moderate), "{membership:?} overseer={overseer}");
    }
}
