//! The reminder of an appointment, the day before. A signed-in holder gets an in-app notification and a
//! delivery on each channel they chose (as a tipster hears of their tip); a walk-in, who has no account, gets an
//! SMS to the number the officer wrote down when an SMS gateway is configured, else nothing (they have their
//! printed code). A booking cancelled, moved to another slot or already past when the job runs is not
//! reminded. The message says what, when and where, never the code (it travels through third parties).

use binhyen_channels::ChannelKind;
use binhyen_domain::appointment::{before_cutoff, BookingState};
use binhyen_domain::notification::NotificationKind;
use binhyen_domain::time_vn;
use binhyen_store::notifications::NewNotification;
use binhyen_store::Tx;

use super::outgoing::{Lookups, Message, Outgoing};
use crate::{Core, Result};

/// What a reminder job will write.
pub(super) enum Reminder {
    Nothing,
    Account(Outgoing),
    WalkIn { message: Message, phone: String },
}

fn at_text(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(time_vn::format_datetime)
        .unwrap_or_default()
}

impl Core {
    pub(super) async fn plan_reminder(
        &self,
        memo: &mut Lookups,
        appointment_id: i64,
        starts_at_ms: i64,
    ) -> Result<Reminder> {
        let a = self.store.appointment(appointment_id).await?;
        if a.state != BookingState::Booked || a.starts_at_ms != starts_at_ms || starts_at_ms <= self.now_ms() {
            return Ok(Reminder::Nothing);
        }
        let service = self.store.appointment_service(a.service_id).await?;
        let unit = self.store.unit(a.unit_id).await?;
        let place = unit.contact.address.as_deref().map_or(String::new(), |addr| format!(", {addr}"));
        let change = if before_cutoff(self.now_ms(), starts_at_ms, service.cutoff_minutes) {
            let until = at_text(starts_at_ms - service.cutoff_minutes * 60_000);
            format!(" Cần huỷ hoặc đổi giờ, hãy làm trước {until}.")
        } else {
            String::new()
        };
        let link = match a.account_id {
            Some(_) => format!("{}/my/appointments/{}", self.alerts.public_url, a.id),
            None => format!("{}/appointments/lookup", self.alerts.public_url),
        };
        let message = Message {
            key: format!("appointment:{}:{starts_at_ms}:reminder", a.id),
            kind: NotificationKind::AppointmentReminder,
            tip_id: None,
            title: format!("Nhắc lịch hẹn: {} lúc {}", service.name, at_text(starts_at_ms)),
            body: format!("{}{place}. Mang theo mã xác nhận và giấy tờ cần thiết.{change}", unit.name),
            link,
            data: serde_json::json!({
                "event": "appointment_reminder", "appointment_id": a.id, "service_id": a.service_id,
                "unit_id": a.unit_id, "starts_at": starts_at_ms,
            }),
        };
        Ok(match a.account_id {
            Some(account) => {
                let people = self.with_channels(memo, [account]).await?;
                Reminder::Account(Outgoing { message, people, webhook: false })
            }
            None if self.alerts.channels.get(ChannelKind::Sms).is_some() => match self.appointments().walk_in_of(&a) {
                Some((_, phone)) => Reminder::WalkIn { message, phone },
                None => Reminder::Nothing,
            },
            None => Reminder::Nothing,
        })
    }

    pub(super) async fn apply_reminder(
        &self,
        tx: &mut Tx,
        reminder: &Reminder,
        notes: &mut Vec<NewNotification>,
    ) -> Result<()> {
        match reminder {
            Reminder::Nothing => Ok(()),
            Reminder::Account(out) => self.apply_outgoing(tx, out, notes).await,
            Reminder::WalkIn { message, phone } => {
                self.queue_delivery(tx, message, None, ChannelKind::Sms, Some(phone.clone())).await
            }
        }
    }
}
