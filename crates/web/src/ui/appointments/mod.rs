//! Appointments: booking and one's bookings, the officers' day list, and the schedule a commander runs.

pub(crate) mod booking;
pub(crate) mod desk;
pub(crate) mod manage;
