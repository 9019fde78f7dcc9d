//! Sector groups (issue 8, first part): groups owned by a unit, joined by invitation or by request with
//! approval; roles owner, moderator, member; text messages delivered live to the members connected to this
//! node (`live.rs`), history in pages, pinned notices, officers' announcements that notify every member;
//! moderation (hide a message — kept, and the hiding in the audit log —, mute or remove a member, also
//! logged) and members' reports.
//!
//! Who may do what is decided here from two facts: the account's membership (role and state) and whether it is
//! an officer who may work the owning unit's matters (`WorkTips` on the group's unit: its own officers and
//! those of the units above). Officers of another unit who are not members get 403 like anyone else.

mod lists;
mod live;
mod to_tip;

use crate::Groups;
use binhyen_domain::notification::NotificationKind;
use std::sync::Arc;

use binhyen_domain::error::Invalid;
use binhyen_domain::group::{
    GroupId, GroupKind, MemberAction, MemberRole, MemberState, Membership, MembershipRefusal, MembershipStep,
    ModeratorChange,
};
use binhyen_domain::permission::{Action, Actor};
use binhyen_store::groups::{self, Group, Member, Message};
use binhyen_store::notifications::{self, NewNotification};
use binhyen_store::StoreError;

use crate::audit::AuditEvent;
use crate::{CoreError, Result};
pub use live::GroupEvent;
use live::GroupHub;

/// What groups keep between requests, shared by a core's clones and seen only here.
#[derive(Clone)]
pub(crate) struct GroupsState {
    /// Messages per member and group per minute.
    flood: Arc<crate::flood::FloodGuard>,
    /// This node's live delivery of group messages.
    hub: Arc<GroupHub>,
}

impl Default for GroupsState {
    fn default() -> Self {
        Self {
            flood: Arc::new(crate::flood::FloodGuard::new(MESSAGES_PER_MINUTE, time::Duration::minutes(1))),
            hub: Default::default(),
        }
    }
}

impl GroupsState {
    /// Ends this node's live group streams (shutdown).
    pub(crate) fn close_live(&self) {
        self.hub.close();
    }
}

/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Messages one member may send to one group per minute before being asked to slow down.
pub const MESSAGES_PER_MINUTE: u32 = 20;

/// A new group as asked for (the kind as sent: checked once the asker may create it).
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    pub kind: String,
    pub name: String,
    pub description: String,
}

/// Who is asking: the account, and its officer view when it is an officer.
#[derive(Debug, Clone, Copy)]
pub struct Asker {
    pub account_id: i64,
    pub officer: Option<Actor>,
}

/// What the asker is to a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// When invited, asking, a member, muted or removed.
    pub membership: Option<Membership>,
    /// An officer who may work the owning unit's matters.
    pub overseer: bool,
}

impl Standing {
    pub fn can_read(&self) -> bool {
        self.overseer || self.membership.is_some_and(Membership::can_read)
    }

    pub fn can_post(&self) -> bool {
        self.overseer || self.membership.is_some_and(Membership::can_post)
    }

    pub fn can_moderate(&self) -> bool {
        self.overseer || self.membership.is_some_and(Membership::can_moderate)
    }

    /// Asked to join and waits for approval.
    pub fn is_pending(&self) -> bool {
        self.membership.is_some_and(|m| m.state == MemberState::Requested)
    }
}

/// A message as sent.
#[derive(Debug, Clone, Default)]
pub struct Post<'a> {
    pub body: &'a str,
    /// Officers: pinned, and every member notified.
    pub announcement: bool,
    /// A household cluster: the household speaking (one of its own).
    pub household_id: Option<i64>,
}

/// What each refusal of a membership change answers.
fn refused(refusal: MembershipRefusal) -> CoreError {
    match refusal {
        MembershipRefusal::RemovedCannotRejoin => CoreError::Forbidden,
        MembershipRefusal::OwnerCannotLeave => CoreError::Conflict { code: "owner_cannot_leave", field: None },
        MembershipRefusal::OwnerUnchangeable => {
            CoreError::Conflict { code: "owner_unchangeable", field: Some("account_id") }
        }
        MembershipRefusal::NotAMember => CoreError::not_found_field("account", "account_id"),
    }
}

fn text(value: &str, field: &'static str, max: usize) -> Result<String> {
    let t = binhyen_text::normalize(value);
    if t.is_empty() {
        return Err(Invalid::new(field, "required").into());
    }
    if t.chars().count() > max {
        return Err(Invalid::new(field, "too_long").into());
    }
    Ok(t)
}

fn group_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("group"),
        other => other.into(),
    }
}

impl Groups<'_> {
    /// A new group of `unit_id` (commanders of the unit and above); its creator is its owner.
    pub async fn create_group(&self, actor: &Actor, unit_id: i64, input: &GroupInput) -> Result<Group> {
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let kind: GroupKind = input.kind.parse().map_err(|_| Invalid::new("kind", "invalid"))?;
        let name = text(&input.name, "name", 120)?;
        let description = binhyen_text::normalize_multiline(&input.description);
        if description.chars().count() > 2000 {
            return Err(Invalid::new("description", "too_long").into());
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let id = groups::insert_group(&mut tx, unit_id, kind, &name, &description, actor.account_id, now).await?;
        let owner = Membership::new(MemberRole::Owner, MemberState::Active);
        groups::put_member(&mut tx, id, actor.account_id, owner, now).await?;
        tx.commit().await?;
        Ok(self.store.group(id).await?)
    }

    pub async fn group(&self, id: GroupId) -> Result<Group> {
        self.store.group(id).await.map_err(group_not_found)
    }

    /// What `asker` is to group `group` (which must exist).
    pub async fn standing(&self, asker: &Asker, group: &Group) -> Result<Standing> {
        let membership = self.store.membership(group.id, asker.account_id).await?;
        let overseer = match &asker.officer {
            Some(actor) => self.authorize(actor, Action::WorkTips, group.unit_id).await.is_ok(),
            None => false,
        };
        Ok(Standing { membership, overseer })
    }

    async fn readable(&self, asker: &Asker, group_id: GroupId) -> Result<(Group, Standing)> {
        let group = self.group(group_id).await?;
        let standing = self.standing(asker, &group).await?;
        if !standing.can_read() {
            return Err(CoreError::Forbidden);
        }
        Ok((group, standing))
    }

    /// The members, by display name (phones only where shared). Members and overseers only.
    pub async fn group_members(&self, asker: &Asker, group_id: GroupId) -> Result<Vec<Member>> {
        self.readable(asker, group_id).await?;
        Ok(self.store.group_members(group_id).await?)
    }

    /// Invites an account (by phone) to the group: owners, moderators and overseers. An account that asked to
    /// join is let in at once.
    pub async fn invite_to_group(&self, asker: &Asker, group_id: GroupId, phone: &str) -> Result<()> {
        let group = self.group(group_id).await?;
        if !self.standing(asker, &group).await?.can_moderate() {
            return Err(CoreError::Forbidden);
        }
        let invited = self.accounts().account_by_phone(phone).await?;
        self.act_on_membership(group_id, invited.id, MemberAction::Invite).await
    }

    /// Asks to join (or accepts an invitation, which joins at once).
    pub async fn join_group(&self, account_id: i64, group_id: GroupId) -> Result<()> {
        self.group(group_id).await?;
        self.act_on_membership(group_id, account_id, MemberAction::Join).await
    }

    /// Leaves a group (an owner cannot: another owner must be named first).
    pub async fn leave_group(&self, account_id: i64, group_id: GroupId) -> Result<()> {
        self.act_on_membership(group_id, account_id, MemberAction::Leave).await
    }

    /// Whether the member's phone is shown to the other members (their choice).
    pub async fn share_phone_in_group(&self, account_id: i64, group_id: GroupId, share: bool) -> Result<()> {
        match self.store.membership(group_id, account_id).await? {
            Some(m) if m.can_read() => Ok(self.store.set_share_phone(group_id, account_id, share).await?),
            Some(_) | None => Err(CoreError::Forbidden),
        }
    }

    /// A moderator's change to a member: approve a request, mute, unmute, remove, make moderator or member.
    pub async fn change_member(
        &self,
        asker: &Asker,
        group_id: GroupId,
        account_id: i64,
        change: ModeratorChange,
    ) -> Result<()> {
        let group = self.group(group_id).await?;
        if !self.standing(asker, &group).await?.can_moderate() {
            return Err(CoreError::Forbidden);
        }
        let current = self.store.membership(group_id, account_id).await?;
        let changed = match Membership::next(current, change.action()).map_err(refused)? {
            MembershipStep::Becomes(changed) => changed,
            MembershipStep::Stays => return Ok(()),
        };
        let mut tx = self.store.begin().await?;
        groups::put_member(&mut tx, group_id, account_id, changed, self.now_ms()).await?;
        // Ids and the new standing only: nothing about what the member said.
        let detail = serde_json::json!({"group_id": group_id, "role": changed.role, "state": changed.state});
        let event = AuditEvent::new("group.member_changed", "account", Some(account_id));
        self.audit(&mut tx, event.by(Some(asker.account_id)).detail(detail)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Invites, joins and leaves, written as the membership rules say. Unlike a moderator's changes, they are
    /// not audited: each is the person's own doing, or an invitation they may ignore.
    async fn act_on_membership(&self, group_id: GroupId, account_id: i64, action: MemberAction) -> Result<()> {
        let current = self.store.membership(group_id, account_id).await?;
        let changed = match Membership::next(current, action).map_err(refused)? {
            MembershipStep::Becomes(changed) => changed,
            MembershipStep::Stays => return Ok(()),
        };
        let mut tx = self.store.begin().await?;
        groups::put_member(&mut tx, group_id, account_id, changed, self.now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Posts a message. Active members and overseers; an announcement (overseers only) is pinned and notifies
    /// every member in the app. Refused: not a member, muted or removed (403); empty or over
    /// `MAX_MESSAGE_CHARS` (422); more than `MESSAGES_PER_MINUTE` a minute (429 `too_many_messages`).
    pub async fn post_to_group(&self, asker: &Asker, group_id: GroupId, post: &Post<'_>) -> Result<Message> {
        if let Some(household) = post.household_id {
            // A household cluster speaks for one of its own households only.
            if !self.store.households(asker.account_id).await?.iter().any(|h| h.id == household) {
                return Err(Invalid::new("household_id", "not_your_household").into());
            }
        }
        self.post_message(asker, group_id, post, None).await
    }

    /// Posts a photo (JPEG, PNG, WebP or an MP4 video, cleaned of metadata) or a document (PDF, DOCX, XLSX),
    /// with an optional caption. Anything else is refused (422 `file`: `unsupported_type`, `empty`,
    /// `too_large`, `corrupt_file`), as are those who may not post.
    pub async fn post_file_to_group(
        &self,
        asker: &Asker,
        group_id: GroupId,
        caption: &str,
        bytes: Vec<u8>,
    ) -> Result<Message> {
        // Who may post is checked before the file is read (and again with the message).
        let group = self.group(group_id).await?;
        let standing = self.standing(asker, &group).await?;
        if !standing.can_post() {
            return Err(CoreError::Forbidden);
        }
        // Counted before the file is read: a flood of files costs no cleaning.
        self.count_message(asker, group_id)?;
        let (key, kind) = if binhyen_media::sniff(&bytes).is_some() {
            let (cleaned, key) = self.keep_media(bytes).await?;
            (key, cleaned.kind.extension().to_owned())
        } else {
            let (kind, _, key) = self.keep_document(bytes).await?;
            (key, kind.extension().to_owned())
        };
        let post = Post { body: caption, ..Post::default() };
        self.post_message(asker, group_id, &post, Some((key.as_str(), kind.as_str()))).await
    }

    /// Counts one message of `asker` to `group_id` against `MESSAGES_PER_MINUTE`.
    fn count_message(&self, asker: &Asker, group_id: GroupId) -> Result<()> {
        let key = format!("{}:{}", asker.account_id, group_id);
        if !self.groups.flood.allow(&key, self.clock.now()) {
            return Err(CoreError::RateLimited {
                code: "too_many_messages",
                retry_after_secs: self.groups.flood.retry_after_secs(),
            });
        }
        Ok(())
    }

    /// A message's file, for those who may read the group (a hidden message's only for moderators).
    pub async fn group_message_file(&self, asker: &Asker, message_id: i64) -> Result<(String, Vec<u8>)> {
        let message = self.store.group_message(message_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found("message"),
            other => other.into(),
        })?;
        let (_, standing) = self.readable(asker, message.group_id).await?;
        if message.hidden && !standing.can_moderate() {
            return Err(CoreError::not_found("message"));
        }
        let (key, kind) = message.attachment.ok_or(CoreError::not_found("image"))?;
        Ok((kind, self.read_object(&key).await?))
    }

    async fn post_message(
        &self,
        asker: &Asker,
        group_id: GroupId,
        post: &Post<'_>,
        attachment: Option<(&str, &str)>,
    ) -> Result<Message> {
        let (body, announcement) = (post.body, post.announcement);
        let group = self.group(group_id).await?;
        let standing = self.standing(asker, &group).await?;
        if !standing.can_post() || (announcement && !standing.overseer) {
            return Err(CoreError::Forbidden);
        }
        // A file may go without a caption; words are checked like every text.
        let body = if attachment.is_some() && binhyen_text::normalize(body).is_empty() {
            String::new()
        } else {
            crate::tips::required_text(Some(body), "body", MAX_MESSAGE_CHARS)?
        };
        // A file's message was counted before the file was read.
        if attachment.is_none() {
            self.count_message(asker, group_id)?;
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let new = groups::NewMessage {
            group_id,
            author: asker.account_id,
            announcement,
            body: &body,
            attachment,
            household_id: post.household_id,
        };
        let id = groups::insert_message(&mut tx, &new, now).await?;
        if announcement {
            let members = self.store.group_member_ids(group_id).await?;
            let all: Vec<NewNotification> = members
                .into_iter()
                .filter(|m| *m != asker.account_id)
                .map(|account_id| NewNotification {
                    account_id,
                    at_ms: now,
                    kind: NotificationKind::GroupAnnouncement,
                    tip_id: None,
                    title: group.name.clone(),
                    body: body.chars().take(200).collect(),
                    link: Some(format!("/groups/{group_id}")),
                })
                .collect();
            notifications::insert_many(&mut tx, &all).await?;
        }
        tx.commit().await?;
        let message = self.store.group_message(id).await?;
        self.groups.hub.publish(group_id, GroupEvent::Message(message.clone()));
        Ok(message)
    }

    /// A page of the group's messages, newest first, before message `before` (members and overseers; hidden
    /// messages only for moderators, marked hidden), with the pinned ones.
    pub async fn group_history(
        &self,
        asker: &Asker,
        group_id: GroupId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<(Vec<Message>, Vec<Message>)> {
        let (_, standing) = self.readable(asker, group_id).await?;
        let mut page =
            self.store.group_messages(group_id, before, limit.clamp(1, 100), standing.can_moderate()).await?;
        let mut pinned = self.store.pinned_messages(group_id).await?;
        if !standing.overseer {
            // Which messages became tips is the police's to know (a confidential one above all).
            for m in page.iter_mut().chain(pinned.iter_mut()) {
                m.tip_id = None;
            }
        }
        Ok((page, pinned))
    }

    async fn moderated_message(&self, asker: &Asker, message_id: i64) -> Result<Message> {
        let message = self.store.group_message(message_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found("message"),
            other => other.into(),
        })?;
        let group = self.group(message.group_id).await?;
        if !self.standing(asker, &group).await?.can_moderate() {
            return Err(CoreError::Forbidden);
        }
        Ok(message)
    }

    /// Hides a message from the members (moderators and overseers); it stays stored for the audit.
    pub async fn hide_group_message(&self, asker: &Asker, message_id: i64) -> Result<()> {
        let message = self.moderated_message(asker, message_id).await?;
        let mut tx = self.store.begin().await?;
        if groups::hide_message(&mut tx, message_id, asker.account_id, self.now_ms()).await? {
            let detail = serde_json::json!({"group_id": message.group_id});
            let event = AuditEvent::new("group.message_hidden", "group_message", Some(message_id));
            self.audit(&mut tx, event.by(Some(asker.account_id)).detail(detail)).await?;
        }
        tx.commit().await?;
        self.groups.hub.publish(message.group_id, GroupEvent::Hidden { message_id });
        Ok(())
    }

    pub async fn pin_group_message(&self, asker: &Asker, message_id: i64, pinned: bool) -> Result<()> {
        self.moderated_message(asker, message_id).await?;
        Ok(self.store.pin_message(message_id, pinned).await?)
    }

    /// A member reports a message to the group's moderators.
    pub async fn report_group_message(&self, asker: &Asker, message_id: i64, reason: &str) -> Result<()> {
        let message = self.store.group_message(message_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found("message"),
            other => other.into(),
        })?;
        self.readable(asker, message.group_id).await?;
        let reason = binhyen_text::normalize(reason).chars().take(500).collect::<String>();
        Ok(self.store.report_message(message_id, asker.account_id, &reason, self.now_ms()).await?)
    }

    /// The group's live events for a reader (checked like history).
    pub async fn subscribe_group(
        &self,
        asker: &Asker,
        group_id: GroupId,
    ) -> Result<tokio::sync::broadcast::Receiver<Arc<GroupEvent>>> {
        self.readable(asker, group_id).await?;
        let clock = self.clock.clone();
        self.groups.hub.start_tail(&self.store, move || (clock.now().unix_timestamp_nanos() / 1_000_000) as i64);
        Ok(self.groups.hub.subscribe(group_id))
    }
}

#[cfg(test)]
mod tests;
