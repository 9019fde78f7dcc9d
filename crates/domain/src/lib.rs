//! Validated domain types and the rules that need no I/O: parse at the boundary, trust inside.

pub mod account;
pub mod alert;
pub mod appointment;
pub mod area;
pub mod channel;
pub mod delivery;
pub mod entities;
pub mod error;
pub mod group;
pub mod job;
pub mod notification;
pub mod page;
pub mod permission;
pub mod phone;
pub mod question;
pub mod reorganisation;
pub mod time_vn;
pub mod tip;
pub mod unit;

pub use account::{AccountKind, BusinessKind, DisplayName, Password, Role};
pub use area::{AreaKind, AreaLevel, Edition};
pub use error::Invalid;
pub use permission::{authorize, may_grant, Action, Actor, Forbidden, Reach};
pub use phone::PhoneNumber;
pub use unit::UnitKind;
