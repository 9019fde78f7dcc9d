//! Authorisation in core: how a unit relates to an officer's unit, then the pure rule in
//! `binhyen_domain::permission` decides. Every use case that acts on a unit calls `authorize` first.

use binhyen_domain::{permission, Action, Actor, Reach};

use crate::{Core, CoreError, Result};

impl Core {
    /// Where `unit_id` sits relative to the officer's own unit.
    /// A unit that ended in a reorganisation is reached as its successor is (lineage): the officers who took
    /// over its work read and work its history with the rules of their own unit.
    pub async fn reach(&self, actor: &Actor, unit_id: i64) -> Result<Reach> {
        let mut unit_id = unit_id;
        // A chain of successors longer than this is a corrupt tree, not a history.
        for _ in 0..16 {
            if unit_id == actor.unit_id {
                return Ok(Reach::OwnUnit);
            }
            let ancestors = self.store.unit_ancestors(unit_id).await.map_err(|e| match e {
                binhyen_store::StoreError::NotFound => CoreError::not_found("unit"),
                other => other.into(),
            })?;
            if ancestors.contains(&actor.unit_id) {
                return Ok(Reach::Subtree);
            }
            match self.store.unit(unit_id).await?.successor_id {
                Some(successor) => unit_id = successor,
                None => break,
            }
        }
        Ok(Reach::Outside)
    }

    /// Ok when the officer may take `action` on `unit_id`; `CoreError::Forbidden` otherwise.
    pub async fn authorize(&self, actor: &Actor, action: Action, unit_id: i64) -> Result<()> {
        let reach = self.reach(actor, unit_id).await?;
        permission::authorize(actor.role, action, reach)?;
        Ok(())
    }

    /// Installation-wide settings (TOTP roles, the job queue) belong to administrators of a root unit.
    /// Whether the officer administers a top-level unit (the province): the job queue and settings are theirs.
    pub async fn is_top_administrator(&self, actor: &Actor) -> bool {
        self.require_top_administrator(actor).await.is_ok()
    }

    pub(crate) async fn require_top_administrator(&self, actor: &Actor) -> Result<()> {
        let unit = self.store.unit(actor.unit_id).await?;
        if unit.parent_id.is_some() {
            return Err(CoreError::Forbidden);
        }
        self.authorize(actor, binhyen_domain::Action::SetSecurityPolicy, actor.unit_id).await
    }
}
