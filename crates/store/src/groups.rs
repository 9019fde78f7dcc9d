//! Sector groups (see migration 0016): groups, members with a role and a state, messages (hidden ones kept),
//! and members' reports of messages.

use binhyen_domain::group::{GroupId, GroupKind, MemberState, Membership};
use sqlx::Row;

use crate::{parse_enum, Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::groups::{Group, Member, Message};

/// The states of those in a group (`MemberState::is_in_group`), as an SQL list: `'active', 'muted'`.
fn in_group_states() -> String {
    let states: Vec<String> =
        MemberState::ALL.iter().filter(|s| s.is_in_group()).map(|s| format!("'{}'", s.as_str())).collect();
    states.join(", ")
}

const GROUP_COLUMNS: &str = "id, unit_id, kind, name, description, created_at";

fn group(r: &sqlx::any::AnyRow) -> Result<Group> {
    Ok(Group {
        id: GroupId(r.try_get(0)?),
        unit_id: r.try_get(1)?,
        kind: parse_enum(&r.try_get::<String, _>(2)?)?,
        name: r.try_get(3)?,
        description: r.try_get(4)?,
        created_at_ms: r.try_get(5)?,
    })
}

const MESSAGE_COLUMNS: &str = "m.id, m.group_id, m.author_account_id, a.display_name, m.announcement, m.body, \
                               m.pinned, CASE WHEN m.hidden_at IS NULL THEN 0 ELSE 1 END, m.at, m.tip_id, \
                               m.attachment_key, m.attachment_kind, h.head_name";
/// The tables `MESSAGE_COLUMNS` reads.
const MESSAGE_FROM: &str = "group_messages m JOIN accounts a ON a.id = m.author_account_id \
                            LEFT JOIN households h ON h.id = m.household_id";

fn message(r: &sqlx::any::AnyRow) -> Result<Message> {
    let flag = |i: usize| -> Result<bool> { Ok(r.try_get::<i64, _>(i)? != 0) };
    Ok(Message {
        id: r.try_get(0)?,
        group_id: GroupId(r.try_get(1)?),
        author_account_id: r.try_get(2)?,
        author_name: r.try_get(3)?,
        announcement: flag(4)?,
        body: r.try_get(5)?,
        pinned: flag(6)?,
        hidden: flag(7)?,
        at_ms: r.try_get(8)?,
        tip_id: r.try_get(9)?,
        attachment: match (r.try_get::<Option<String>, _>(10)?, r.try_get::<Option<String>, _>(11)?) {
            (Some(key), Some(kind)) => Some((key, kind)),
            _ => None,
        },
        household: r.try_get(12)?,
    })
}

pub async fn insert_group(
    tx: &mut Tx,
    unit_id: i64,
    kind: GroupKind,
    name: &str,
    description: &str,
    by: i64,
    now_ms: i64,
) -> Result<GroupId> {
    Ok(GroupId(
        sqlx::query_scalar(
            "INSERT INTO sector_groups (unit_id, kind, name, description, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(unit_id)
        .bind(kind.as_str())
        .bind(name)
        .bind(description)
        .bind(by)
        .bind(now_ms)
        .fetch_one(tx.conn())
        .await?,
    ))
}

/// Sets a member's role and state, adding them if new (their phone hidden).
pub async fn put_member(
    tx: &mut Tx,
    group_id: GroupId,
    account_id: i64,
    membership: Membership,
    now_ms: i64,
) -> Result<()> {
    let (role, state) = (membership.role.as_str(), membership.state.as_str());
    let updated = sqlx::query(
        "UPDATE group_members SET role = $3, state = $4, updated_at = $5 WHERE group_id = $1 AND account_id = $2",
    )
    .bind(group_id.0)
    .bind(account_id)
    .bind(role)
    .bind(state)
    .bind(now_ms)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if updated == 0 {
        sqlx::query(
            "INSERT INTO group_members (group_id, account_id, role, state, share_phone, updated_at) \
             VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(group_id.0)
        .bind(account_id)
        .bind(role)
        .bind(state)
        .bind(now_ms)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// A message to write: an announcement is pinned.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub group_id: GroupId,
    pub author: i64,
    pub announcement: bool,
    pub body: &'a str,
    pub attachment: Option<(&'a str, &'a str)>,
    pub household_id: Option<i64>,
}

pub async fn insert_message(tx: &mut Tx, m: &NewMessage<'_>, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO group_messages (group_id, author_account_id, announcement, body, pinned, attachment_key, \
         attachment_kind, household_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(m.group_id.0)
    .bind(m.author)
    .bind(i64::from(m.announcement))
    .bind(m.body)
    .bind(i64::from(m.announcement))
    .bind(m.attachment.map(|(k, _)| k))
    .bind(m.attachment.map(|(_, kind)| kind))
    .bind(m.household_id)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

/// Links a message to the tip made of it, unless it already is (false then).
pub async fn set_message_tip(tx: &mut Tx, id: i64, tip_id: i64) -> Result<bool> {
    let n = sqlx::query("UPDATE group_messages SET tip_id = $2 WHERE id = $1 AND tip_id IS NULL")
        .bind(id)
        .bind(tip_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Hides a message (kept, with who hid it and when); false when it already was.
pub async fn hide_message(tx: &mut Tx, id: i64, by: i64, now_ms: i64) -> Result<bool> {
    let n = sqlx::query("UPDATE group_messages SET hidden_by = $2, hidden_at = $3 WHERE id = $1 AND hidden_at IS NULL")
        .bind(id)
        .bind(by)
        .bind(now_ms)
        .execute(tx.conn())
        .await?
        .rows_affected();
    Ok(n == 1)
}

impl Store {
    pub async fn group(&self, id: GroupId) -> Result<Group> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM sector_groups WHERE id = $1");
        let row = sqlx::query(&sql).bind(id.0).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound)?;
        group(&row)
    }

    pub async fn unit_groups(&self, unit_id: i64) -> Result<Vec<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM sector_groups WHERE unit_id = $1 ORDER BY id");
        sqlx::query(&sql).bind(unit_id).fetch_all(&self.read).await?.iter().map(group).collect()
    }

    /// The groups an account belongs to (active or muted).
    pub async fn groups_of(&self, account_id: i64) -> Result<Vec<Group>> {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM sector_groups WHERE id IN (SELECT group_id FROM group_members \
             WHERE account_id = $1 AND state IN ({})) ORDER BY id",
            in_group_states()
        );
        sqlx::query(&sql).bind(account_id).fetch_all(&self.read).await?.iter().map(group).collect()
    }

    /// An account's role and state in a group, if it has ever been invited, asked or joined.
    pub async fn membership(&self, group_id: GroupId, account_id: i64) -> Result<Option<Membership>> {
        let row = sqlx::query("SELECT role, state FROM group_members WHERE group_id = $1 AND account_id = $2")
            .bind(group_id.0)
            .bind(account_id)
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| {
            Ok(Membership::new(parse_enum(&r.try_get::<String, _>(0)?)?, parse_enum(&r.try_get::<String, _>(1)?)?))
        })
        .transpose()
    }

    /// Members (and pending invitations and requests), by display name; phones only where shared.
    pub async fn group_members(&self, group_id: GroupId) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT m.account_id, a.display_name, CASE WHEN m.share_phone = 1 THEN a.phone END, m.role, m.state \
             FROM group_members m JOIN accounts a ON a.id = m.account_id \
             WHERE m.group_id = $1 AND m.state <> 'removed' ORDER BY a.display_name, m.account_id",
        )
        .bind(group_id.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Member {
                    account_id: r.try_get(0)?,
                    display_name: r.try_get(1)?,
                    phone: r.try_get(2)?,
                    role: parse_enum(&r.try_get::<String, _>(3)?)?,
                    state: parse_enum(&r.try_get::<String, _>(4)?)?,
                })
            })
            .collect()
    }

    /// Ids of the group's active and muted members (who receive its announcements).
    pub async fn group_member_ids(&self, group_id: GroupId) -> Result<Vec<i64>> {
        let sql = format!(
            "SELECT account_id FROM group_members WHERE group_id = $1 AND state IN ({}) ORDER BY account_id",
            in_group_states()
        );
        Ok(sqlx::query_scalar(&sql).bind(group_id.0).fetch_all(&self.read).await?)
    }

    pub async fn set_share_phone(&self, group_id: GroupId, account_id: i64, share: bool) -> Result<()> {
        sqlx::query("UPDATE group_members SET share_phone = $3 WHERE group_id = $1 AND account_id = $2")
            .bind(group_id.0)
            .bind(account_id)
            .bind(i64::from(share))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// A page of messages, newest first, before `before_id` (all when None); hidden ones only for moderators.
    pub async fn group_messages(
        &self,
        group_id: GroupId,
        before_id: Option<i64>,
        limit: i64,
        with_hidden: bool,
    ) -> Result<Vec<Message>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_FROM} WHERE m.group_id = $1 AND ($2 IS NULL OR m.id < $2) AND ($3 = 1 OR m.hidden_at IS NULL) \
             ORDER BY m.id DESC LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(group_id.0)
            .bind(before_id)
            .bind(i64::from(with_hidden))
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(message).collect()
    }

    /// The visible messages of `groups` since `since_ms`, oldest first (for other nodes' live delivery).
    pub async fn recent_group_messages(&self, groups: &[GroupId], since_ms: i64, limit: i64) -> Result<Vec<Message>> {
        if groups.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_FROM} WHERE m.group_id IN ({}) AND m.at >= $1 \
             AND m.hidden_at IS NULL ORDER BY m.id LIMIT $2",
            crate::id_list(groups.iter().map(|g| g.0))
        );
        sqlx::query(&sql).bind(since_ms).bind(limit).fetch_all(&self.read).await?.iter().map(message).collect()
    }

    pub async fn pinned_messages(&self, group_id: GroupId) -> Result<Vec<Message>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_FROM} WHERE m.group_id = $1 AND m.pinned = 1 AND m.hidden_at IS NULL ORDER BY m.id DESC LIMIT 20"
        );
        sqlx::query(&sql).bind(group_id.0).fetch_all(&self.read).await?.iter().map(message).collect()
    }

    pub async fn group_message(&self, id: i64) -> Result<Message> {
        let sql = format!("SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_FROM} WHERE m.id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound)?;
        message(&row)
    }

    /// The group message a tip was made of: (group, message).
    pub async fn message_of_tip(&self, tip_id: i64) -> Result<Option<(GroupId, i64)>> {
        let row = sqlx::query("SELECT group_id, id FROM group_messages WHERE tip_id = $1")
            .bind(tip_id)
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| Ok((GroupId(r.try_get(0)?), r.try_get(1)?))).transpose()
    }

    pub async fn pin_message(&self, id: i64, pinned: bool) -> Result<()> {
        sqlx::query("UPDATE group_messages SET pinned = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(pinned))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// A member's report of a message; reporting twice is one report.
    pub async fn report_message(&self, message_id: i64, reporter: i64, reason: &str, now_ms: i64) -> Result<()> {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM group_reports WHERE message_id = $1 AND reporter_id = $2")
                .bind(message_id)
                .bind(reporter)
                .fetch_optional(&self.write)
                .await?;
        if exists.is_none() {
            sqlx::query("INSERT INTO group_reports (message_id, reporter_id, reason, at) VALUES ($1, $2, $3, $4)")
                .bind(message_id)
                .bind(reporter)
                .bind(reason)
                .bind(now_ms)
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }

    pub async fn message_reports(&self, message_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM group_reports WHERE message_id = $1")
            .bind(message_id)
            .fetch_one(&self.read)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn those_in_a_group_are_active_or_muted() {
        assert_eq!(super::in_group_states(), "'active', 'muted'");
    }
}
