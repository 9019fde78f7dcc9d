//! Sector groups: groups of a unit, members' roles and states (who is listed, who receives announcements,
//! whose phone shows), the CHECK rules on kinds, roles and states, messages paged newest first with hidden ones
//! for moderators only, pinning, the live tail's read, messages made into tips, and reports counted once per
//! reporter.

use binhyen_domain::group::{GroupId, GroupKind, MemberRole, MemberState, Membership};
use binhyen_domain::tip::{Priority, Protection, TipCategory};
use binhyen_domain::{AccountKind, AreaLevel, Edition, UnitKind};
use binhyen_store::accounts::{self, Household, NewAccount};
use binhyen_store::groups::{self, Group, Member, Message, NewMessage};
use binhyen_store::tips::{self, NewTip};
use binhyen_store::{Store, StoreError};

use crate::support::{area, citizen, ids, put_account, put_area, put_unit, unit, MISSING, NOW};

async fn put_group(store: &Store, unit_id: i64, kind: &str, name: &str, by: i64) -> GroupId {
    let mut tx = store.begin().await.unwrap();
    let kind: GroupKind = kind.parse().unwrap();
    let id = groups::insert_group(&mut tx, unit_id, kind, name, "Mô tả", by, NOW).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn put_member(store: &Store, group_id: GroupId, account_id: i64, role: &str, state: &str, at_ms: i64) {
    let mut tx = store.begin().await.unwrap();
    let membership = Membership { role: role.parse().unwrap(), state: state.parse().unwrap() };
    groups::put_member(&mut tx, group_id, account_id, membership, at_ms).await.unwrap();
    tx.commit().await.unwrap();
}

async fn post(store: &Store, message: &NewMessage<'_>, at_ms: i64) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = groups::insert_message(&mut tx, message, at_ms).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn said(group_id: GroupId, author: i64, body: &str) -> NewMessage<'_> {
    NewMessage { group_id, author, body, announcement: false, attachment: None, household_id: None }
}

fn bodies(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.body.as_str()).collect()
}

fn group_ids(groups: &[Group]) -> Vec<GroupId> {
    groups.iter().map(|g| g.id).collect()
}

fn roles(members: &[Member]) -> Vec<(&str, &str, &str)> {
    members.iter().map(|m| (m.display_name.as_str(), m.role.as_str(), m.state.as_str())).collect()
}

pub async fn groups_members_roles_and_states(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let other = put_unit(&store, &unit("CA-CM", UnitKind::CommunePolice, "Công an xã Cư M'gar")).await;
    let owner = put_account(&store, &citizen("+84905000001", "Chủ tiệm An")).await;
    let binh = put_account(&store, &citizen("+84905000002", "Bình")).await;
    let cuong = put_account(&store, &citizen("+84905000003", "Cường")).await;
    let dung = put_account(&store, &citizen("+84905000004", "Dũng")).await;
    let gone = put_account(&store, &citizen("+84905000005", "Giang")).await;
    let asker = put_account(&store, &citizen("+84905000006", "Hà")).await;

    let pawnshops = put_group(&store, police, "pawnshop", "Cầm đồ Ea KPam", owner).await;
    let cafes = put_group(&store, police, "cafe", "Quán cà phê", owner).await;
    let elsewhere = put_group(&store, other, "village", "Buôn Cư M'gar", owner).await;
    assert_eq!(
        store.group(pawnshops).await.unwrap(),
        Group {
            id: pawnshops,
            unit_id: police,
            kind: GroupKind::Pawnshop,
            name: "Cầm đồ Ea KPam".into(),
            description: "Mô tả".into(),
            created_at_ms: NOW,
        }
    );
    assert!(matches!(store.group(GroupId(MISSING)).await, Err(StoreError::NotFound)));
    assert_eq!(group_ids(&store.unit_groups(police).await.unwrap()), [pawnshops, cafes]);
    assert_eq!(group_ids(&store.unit_groups(other).await.unwrap()), [elsewhere]);
    assert!(store.unit_groups(MISSING).await.unwrap().is_empty());

    // Every state a member can be in, added out of name order.
    put_member(&store, pawnshops, owner, "owner", "active", NOW).await;
    put_member(&store, pawnshops, dung, "member", "invited", NOW).await;
    put_member(&store, pawnshops, cuong, "member", "muted", NOW).await;
    put_member(&store, pawnshops, binh, "moderator", "active", NOW).await;
    put_member(&store, pawnshops, gone, "member", "active", NOW).await;
    put_member(&store, pawnshops, asker, "member", "requested", NOW).await;
    put_member(&store, cafes, binh, "member", "requested", NOW).await;
    // A second put changes the row in place: Giang is removed, the request to the cafés approved.
    put_member(&store, pawnshops, gone, "member", "removed", NOW + 1).await;
    put_member(&store, cafes, binh, "member", "active", NOW + 1).await;

    let held = |role, state| Some(Membership { role, state });
    assert_eq!(store.membership(pawnshops, binh).await.unwrap(), held(MemberRole::Moderator, MemberState::Active));
    assert_eq!(store.membership(pawnshops, gone).await.unwrap(), held(MemberRole::Member, MemberState::Removed));
    assert_eq!(store.membership(elsewhere, binh).await.unwrap(), None);
    // Listed by display name; the removed are not listed, the invited and the asking are.
    assert_eq!(
        roles(&store.group_members(pawnshops).await.unwrap()),
        [
            ("Bình", "moderator", "active"),
            ("Chủ tiệm An", "owner", "active"),
            ("Cường", "member", "muted"),
            ("Dũng", "member", "invited"),
            ("Hà", "member", "requested"),
        ]
    );
    assert!(store.group_members(elsewhere).await.unwrap().is_empty());
    // Announcements reach the active and the muted only, by account id.
    assert_eq!(store.group_member_ids(pawnshops).await.unwrap(), [owner, binh, cuong]);
    assert_eq!(store.group_member_ids(cafes).await.unwrap(), [binh]);
    // One's groups: active or muted, by group id.
    assert_eq!(group_ids(&store.groups_of(binh).await.unwrap()), [pawnshops, cafes]);
    assert_eq!(group_ids(&store.groups_of(cuong).await.unwrap()), [pawnshops]);
    for pending in [dung, asker, gone] {
        assert!(store.groups_of(pending).await.unwrap().is_empty(), "{pending}");
    }

    // A phone shows only while its owner shares it, and only in that group.
    let phone_of = |members: Vec<Member>, id: i64| members.into_iter().find(|m| m.account_id == id).unwrap().phone;
    assert_eq!(phone_of(store.group_members(pawnshops).await.unwrap(), binh), None);
    store.set_share_phone(pawnshops, binh, true).await.unwrap();
    assert_eq!(phone_of(store.group_members(pawnshops).await.unwrap(), binh).as_deref(), Some("+84905000002"));
    assert_eq!(phone_of(store.group_members(cafes).await.unwrap(), binh), None);
    // Changing the role or state keeps the choice.
    put_member(&store, pawnshops, binh, "member", "active", NOW + 2).await;
    assert_eq!(phone_of(store.group_members(pawnshops).await.unwrap(), binh).as_deref(), Some("+84905000002"));
    store.set_share_phone(pawnshops, binh, false).await.unwrap();
    assert_eq!(phone_of(store.group_members(pawnshops).await.unwrap(), binh), None);

    // An unknown kind, role or state cannot be written (the store takes the domain's enums); every known one
    // passes the tables' CHECK rules and reads back as written.
    for kind in GroupKind::ALL {
        let id = put_group(&store, other, kind.as_str(), kind.as_str(), owner).await;
        assert_eq!(store.group(id).await.unwrap().kind, *kind);
    }
    for role in MemberRole::ALL {
        for state in MemberState::ALL {
            put_member(&store, elsewhere, dung, role.as_str(), state.as_str(), NOW).await;
            assert_eq!(store.membership(elsewhere, dung).await.unwrap(), held(*role, *state));
        }
    }
}

pub async fn group_messages_page_hide_pin_and_become_tips(store: Store) {
    let village = put_area(&store, &area(Edition::Local, AreaLevel::Village, "L1", "Buôn Ea KPam")).await;
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let officer = put_account(&store, &citizen("+84905000001", "Trung úy Bình")).await;
    let member = put_account(&store, &citizen("+84905000002", "Chủ tiệm An")).await;
    let cluster = NewAccount {
        kind: AccountKind::Cluster,
        home_area_id: Some(village),
        ..citizen("+84905000003", "Liên gia Buôn Ea KPam")
    };
    let mut tx = store.begin().await.unwrap();
    let cluster = accounts::insert(&mut tx, &cluster, NOW).await.unwrap();
    let household = Household {
        id: 0,
        position: 0,
        head_name: "Y Bhim".into(),
        address: "Buôn Ea KPam".into(),
        village_area_id: Some(village),
    };
    let household = accounts::add_household(&mut tx, cluster, 1, &household).await.unwrap();
    tx.commit().await.unwrap();
    let group = put_group(&store, police, "village", "Buôn Ea KPam", officer).await;
    let quiet = put_group(&store, police, "custom", "Nhóm khác", officer).await;

    // Ten plain messages a second apart, then an announcement, a photo and a household's word.
    let mut plain = Vec::new();
    for i in 0..10 {
        plain.push(post(&store, &said(group, member, &format!("tin {i}")), NOW + i * 1000).await);
    }
    let notice = NewMessage { announcement: true, ..said(group, officer, "Thông báo") };
    let notice = post(&store, &notice, NOW + 10_000).await;
    let photo = NewMessage { attachment: Some(("ab/photo", "jpg")), ..said(group, member, "ảnh") };
    let photo = post(&store, &photo, NOW + 11_000).await;
    let spoken = NewMessage { household_id: Some(household), ..said(group, cluster, "hộ nói") };
    let spoken = post(&store, &spoken, NOW + 12_000).await;
    let elsewhere = post(&store, &said(quiet, officer, "nhóm khác"), NOW + 12_500).await;

    assert_eq!(
        store.group_message(notice).await.unwrap(),
        Message {
            id: notice,
            group_id: group,
            author_account_id: officer,
            author_name: "Trung úy Bình".into(),
            announcement: true,
            body: "Thông báo".into(),
            pinned: true,
            hidden: false,
            tip_id: None,
            attachment: None,
            household: None,
            at_ms: NOW + 10_000,
        }
    );
    let read = store.group_message(photo).await.unwrap();
    assert_eq!(
        (read.attachment, read.announcement, read.pinned),
        (Some(("ab/photo".into(), "jpg".into())), false, false)
    );
    let read = store.group_message(spoken).await.unwrap();
    assert_eq!((read.author_name.as_str(), read.household.as_deref()), ("Liên gia Buôn Ea KPam", Some("Y Bhim")));
    assert!(matches!(store.group_message(MISSING).await, Err(StoreError::NotFound)));

    // Paging: newest first, each page before the last id seen, the last page short.
    let first = store.group_messages(group, None, 5, false).await.unwrap();
    assert_eq!(bodies(&first), ["hộ nói", "ảnh", "Thông báo", "tin 9", "tin 8"]);
    let second = store.group_messages(group, Some(first[4].id), 5, false).await.unwrap();
    assert_eq!(bodies(&second), ["tin 7", "tin 6", "tin 5", "tin 4", "tin 3"]);
    let last = store.group_messages(group, Some(second[4].id), 5, false).await.unwrap();
    assert_eq!(bodies(&last), ["tin 2", "tin 1", "tin 0"]);
    assert!(store.group_messages(group, Some(plain[0]), 5, false).await.unwrap().is_empty());
    assert_eq!(bodies(&store.group_messages(quiet, None, 50, false).await.unwrap()), ["nhóm khác"]);

    // Hiding keeps the message, once: members no longer see it, moderators see it marked.
    let mut tx = store.begin().await.unwrap();
    assert!(groups::hide_message(&mut tx, plain[9], officer, NOW + 20_000).await.unwrap());
    assert!(!groups::hide_message(&mut tx, plain[9], member, NOW + 21_000).await.unwrap(), "hidden already");
    tx.commit().await.unwrap();
    let members_see = store.group_messages(group, None, 4, false).await.unwrap();
    assert_eq!(bodies(&members_see), ["hộ nói", "ảnh", "Thông báo", "tin 8"]);
    let moderators_see = store.group_messages(group, None, 4, true).await.unwrap();
    assert_eq!(bodies(&moderators_see), ["hộ nói", "ảnh", "Thông báo", "tin 9"]);
    assert!(moderators_see[3].hidden && !moderators_see[2].hidden);
    assert!(store.group_message(plain[9]).await.unwrap().hidden);

    // Pinned: the announcement, then what a moderator pins, newest first; hidden or unpinned ones drop out.
    assert_eq!(ids(&store.pinned_messages(group).await.unwrap(), |m| m.id), [notice]);
    store.pin_message(plain[3], true).await.unwrap();
    store.pin_message(plain[9], true).await.unwrap();
    assert_eq!(ids(&store.pinned_messages(group).await.unwrap(), |m| m.id), [notice, plain[3]]);
    store.pin_message(notice, false).await.unwrap();
    assert_eq!(ids(&store.pinned_messages(group).await.unwrap(), |m| m.id), [plain[3]]);
    assert!(store.pinned_messages(quiet).await.unwrap().is_empty());

    // The live tail: visible messages of the groups asked for since an instant, oldest first, up to a limit.
    let recent = store.recent_group_messages(&[group, quiet], NOW + 9_000, 100).await.unwrap();
    assert_eq!(ids(&recent, |m| m.id), [notice, photo, spoken, elsewhere], "tin 9 is hidden");
    let recent = store.recent_group_messages(&[group], NOW + 9_000, 2).await.unwrap();
    assert_eq!(ids(&recent, |m| m.id), [notice, photo]);
    assert_eq!(ids(&store.recent_group_messages(&[quiet], NOW, 100).await.unwrap(), |m| m.id), [elsewhere]);
    assert!(store.recent_group_messages(&[], NOW, 100).await.unwrap().is_empty());
    assert!(store.recent_group_messages(&[group], NOW + 60_000, 100).await.unwrap().is_empty());

    // A message made into a tip, once; the tip leads back to it.
    let mut tx = store.begin().await.unwrap();
    let tip = tips::insert(&mut tx, &new_tip(police, member), NOW + 30_000).await.unwrap();
    let again = tips::insert(&mut tx, &new_tip(police, member), NOW + 30_000).await.unwrap();
    assert!(groups::set_message_tip(&mut tx, photo, tip).await.unwrap());
    assert!(!groups::set_message_tip(&mut tx, photo, again).await.unwrap(), "a message becomes one tip");
    tx.commit().await.unwrap();
    assert_eq!(store.group_message(photo).await.unwrap().tip_id, Some(tip));
    assert_eq!(store.message_of_tip(tip).await.unwrap(), Some((group, photo)));
    assert_eq!(store.message_of_tip(again).await.unwrap(), None);
}

/// An identified tip from `reporter`, as an officer makes one of a member's message.
fn new_tip(unit_id: i64, reporter: i64) -> NewTip {
    NewTip {
        category: TipCategory::Other,
        description: "ảnh".to_owned(),
        occurred_at_ms: None,
        happening_now: false,
        area_id: None,
        lat: None,
        lon: None,
        address: None,
        protection: Protection::Identified,
        reporter_account_id: Some(reporter),
        reporter_tag: None,
        reporter_sealed: None,
        receipt_hash: None,
        filed_by_account_id: None,
        unit_id,
        priority: Priority::Normal,
    }
}

pub async fn group_reports_count_once_per_reporter(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let author = put_account(&store, &citizen("+84905000001", "An")).await;
    let first = put_account(&store, &citizen("+84905000002", "Bình")).await;
    let second = put_account(&store, &citizen("+84905000003", "Cường")).await;
    let group = put_group(&store, police, "cafe", "Quán cà phê", author).await;
    let rude = post(&store, &said(group, author, "lời khiếm nhã"), NOW).await;
    let fine = post(&store, &said(group, author, "chào"), NOW + 1).await;

    assert_eq!(store.message_reports(rude).await.unwrap(), 0);
    store.report_message(rude, first, "khiếm nhã", NOW + 2).await.unwrap();
    store.report_message(rude, first, "vẫn khiếm nhã", NOW + 3).await.unwrap();
    assert_eq!(store.message_reports(rude).await.unwrap(), 1, "twice by one reporter is one report");
    store.report_message(rude, second, "lừa đảo", NOW + 4).await.unwrap();
    assert_eq!(store.message_reports(rude).await.unwrap(), 2);
    assert_eq!(store.message_reports(fine).await.unwrap(), 0);
    assert_eq!(store.message_reports(MISSING).await.unwrap(), 0);
}
