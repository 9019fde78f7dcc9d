//! Channels of delivery besides the app: how each is spelt (configuration sections, stored beside deliveries
//! and contact channels, the API) and what it is for. Adding a channel is a compile error wherever a channel
//! must be handled: every rule here and every place that names channels matches exhaustively.

use crate::Invalid;

/// The kinds of channel, as they are named in the configuration and stored beside deliveries. Ordered as
/// listed (alphabetically), which is the order they are offered and shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Email,
    Sms,
    Webhook,
    Zalo,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 4] = [Self::Email, Self::Sms, Self::Webhook, Self::Zalo];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Webhook => "webhook",
            Self::Zalo => "zalo",
        }
    }

    /// The kind named by [`ChannelKind::as_str`]'s text, exactly.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a person can be reached on it at an address of their own (and so set it on their account).
    /// The webhook is the installation's one receiving system, told of what officers are told.
    pub const fn reaches_a_person(self) -> bool {
        match self {
            Self::Email | Self::Sms | Self::Zalo => true,
            Self::Webhook => false,
        }
    }
}

impl std::str::FromStr for ChannelKind {
    type Err = Invalid;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or(Invalid::new("channel", "unknown_value"))
    }
}

impl std::fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelt_as_stored_and_configured() {
        let spelt: Vec<&str> = ChannelKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(spelt, ["email", "sms", "webhook", "zalo"]);
        for kind in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.as_str().parse::<ChannelKind>(), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(ChannelKind::parse("Email"), None);
        assert_eq!("telegram".parse::<ChannelKind>().unwrap_err(), Invalid::new("channel", "unknown_value"));
    }

    #[test]
    fn ordered_as_offered() {
        let mut sorted = ChannelKind::ALL;
        sorted.sort();
        assert_eq!(sorted, ChannelKind::ALL);
    }

    #[test]
    fn only_the_webhook_reaches_no_person() {
        let personal: Vec<ChannelKind> = ChannelKind::ALL.into_iter().filter(|k| k.reaches_a_person()).collect();
        assert_eq!(personal, [ChannelKind::Email, ChannelKind::Sms, ChannelKind::Zalo]);
    }
}
