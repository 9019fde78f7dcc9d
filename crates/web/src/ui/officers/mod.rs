//! Officers' pages: the inbox and a tip's page with its actions, notifications and duty, the job queue; and what
//! they share: who the officer is, the page everyone else gets, and the units by id.

pub(crate) mod alerting;
pub(crate) mod inbox;
pub(crate) mod inbox_actions;
pub(crate) mod inbox_tip;
pub(crate) mod jobs;

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use binhyen_core::units::UnitNode;
use binhyen_domain::entities::units::Unit;
use binhyen_domain::Actor;

use crate::error::ApiError;
use crate::session::Visitor;
use crate::AppState;

/// The signed-in officer, if the visitor is one.
pub(crate) fn actor_of(v: &Visitor) -> Option<Actor> {
    v.principal.as_ref().and_then(|p| p.actor())
}

/// The 403 page for anyone but an officer, saying whether signing in would help.
pub(crate) fn officers_only(v: Visitor) -> Response {
    let code = if v.principal.is_some() { "not_an_officer" } else { "no_session" };
    crate::ui::error_page(v, ApiError::new(StatusCode::FORBIDDEN, code))
}

/// Every unit by id, from the directory copy (names for lists and timelines without a query each).
pub(crate) async fn units_by_id(state: &AppState) -> Result<HashMap<i64, Unit>, binhyen_core::CoreError> {
    fn walk(nodes: Vec<UnitNode>, out: &mut HashMap<i64, Unit>) {
        for n in nodes {
            out.insert(n.unit.id, n.unit);
            walk(n.children, out);
        }
    }
    let mut out = HashMap::new();
    walk(state.core.units().unit_directory(None).await?, &mut out);
    Ok(out)
}
