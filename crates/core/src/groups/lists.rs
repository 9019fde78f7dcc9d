//! Lists of groups: a unit's, and the ones an account belongs to.

use crate::Groups;
use binhyen_store::groups::Group;

use crate::Result;

impl Groups<'_> {
    /// The groups of a unit, for its page.
    pub async fn unit_groups(&self, unit_id: i64) -> Result<Vec<Group>> {
        Ok(self.store.unit_groups(unit_id).await?)
    }

    /// The groups an account is a member of.
    pub async fn groups_of(&self, account_id: i64) -> Result<Vec<Group>> {
        Ok(self.store.groups_of(account_id).await?)
    }
}
