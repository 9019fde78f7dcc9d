//! What an account's notices are about: the in-app inbox, and the same notice sent by its channels.

use crate::string_enum;

string_enum!(
    /// Why an account was told something.
    NotificationKind {
        TipUrgent => "tip_urgent", TipEscalated => "tip_escalated", TipUpdate => "tip_update",
        PublicAlert => "public_alert", AppointmentReminder => "appointment_reminder",
        GroupAnnouncement => "group_announcement", GroupMessageTip => "group_message_tip",
        ArticleDecided => "article_decided", QuestionAnswered => "question_answered",
        AppointmentMoved => "appointment_moved"
    }
    field = "kind"
);
