//! Tips: the form that sends one, and following one's tips (signed in or by receipt).

pub(crate) mod follow;
pub(crate) mod submit;
