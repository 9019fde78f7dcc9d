//! Feature handles: `core.tips()`, `core.groups()`, … Each handle's methods are one feature's use cases, written
//! in that feature's module (`impl Tips<'_> { … }` in `tips/`). A handle reads the shared kernel — store, clock,
//! random, seal, objects, live events, audit, the directory copy — through `Deref` to `Core`, and reaches another
//! feature only through that feature's handle (`self.alerting().fan_out(…)`), never its private state: the state
//! a feature owns (flood guards, hubs, caches) sits in a field of `Core` whose own fields only that module sees.

use crate::Core;

macro_rules! feature_handles {
    ($($(#[$doc:meta])* $handle:ident => $accessor:ident;)*) => {$(
        $(#[$doc])*
        pub struct $handle<'a> {
            /// `self.core.clone()` is the copy a use case gives a task it spawns.
            pub(crate) core: &'a Core,
        }

        impl Core {
            $(#[$doc])*
            pub fn $accessor(&self) -> $handle<'_> {
                $handle { core: self }
            }
        }

        impl std::ops::Deref for $handle<'_> {
            type Target = Core;
            fn deref(&self) -> &Core {
                self.core
            }
        }
    )*};
}

feature_handles! {
    /// Tips: intake, the officers' work on them, the tipster's receipt and replies (`tips/`).
    Tips => tips;
    /// Sector groups: membership, messages, live delivery, a message turned into a tip (`groups/`).
    Groups => groups;
    /// Services, slots, bookings and the desk's day (`appointments/`).
    Appointments => appointments;
    /// Units' pages: profiles, posts, articles and their photos, followers (`pages/`).
    Pages => pages;
    /// Citizens' questions and officers' answers (`questions.rs`).
    Questions => questions;
    /// Procedure guides and forms (`guides.rs`).
    Guides => guides;
    /// Public alerts in CAP (`public_alerts.rs`).
    PublicAlerts => public_alerts;
    /// Officers' alerting: channels, inboxes, SLA settings, Zalo tokens (`alerting/`).
    Alerting => alerting;
    /// Accounts, households and their members (`accounts.rs`).
    Accounts => accounts;
    /// Sign-in, sessions, API tokens (`auth.rs`).
    Auth => auth;
    /// The unit tree and the areas it answers for, their boundaries, places as typed (`units.rs`, `areas.rs`, …).
    Units => units;
    /// Search over everything a viewer may see (`search/`).
    Search => search;
    /// The job queue: claiming, running, retrying (`jobs/`).
    Jobs => jobs;
}
