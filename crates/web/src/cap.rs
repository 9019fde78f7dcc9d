//! Public alerts as CAP 1.2 documents (OASIS Common Alerting Protocol), which radio, TV, sirens, apps and other
//! agencies' systems read, and the Atom feed that lists the alerts in force. Written with quick-xml, so that
//! escaping is the library's business; tests read both back with independent parsers (oasiscap, feed-rs).

use std::io;

use atom_syndication::{Category, Entry, Feed, Link, Person, Text};
use binhyen_domain::entities::public_alerts::PublicAlert;
use binhyen_domain::entities::units::Unit;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

pub(crate) const CAP_MIME: &str = "application/cap+xml";
const CAP_NS: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// Where an alert applies, as CAP names it.
pub(crate) struct CapArea {
    /// "Xã Cư M'gar, Tỉnh Đắk Lắk".
    pub description: String,
    /// (valueName, value): the official code of the area, when it has one.
    pub geocode: Option<(&'static str, String)>,
}

/// What makes one alert's CAP document.
pub(crate) struct CapAlert<'a> {
    pub alert: &'a PublicAlert,
    pub unit: &'a Unit,
    pub area: CapArea,
}

/// CAP's date-time: `2026-11-29T08:05:00+07:00` (seconds, an explicit offset; Vietnam time).
fn cap_time(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(binhyen_domain::time_vn::VIETNAM)
        .format(&format)
        .unwrap_or_default()
}

/// The host name of the public address: senders and identifiers are made unique by it.
fn host(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or(rest);
    if host.is_empty() {
        "binhyen"
    } else {
        host
    }
}

/// `sender`: the unit, at this installation (no spaces, commas, `<` or `&`, as CAP requires).
pub(crate) fn sender(base: &str, unit: &Unit) -> String {
    format!("{}@{}", unit.code, host(base))
}

/// `identifier` of the alert's message (and of its cancellation).
pub(crate) fn identifier(base: &str, alert_id: i64, cancel: bool) -> String {
    format!("{}.alert.{alert_id}{}", host(base), if cancel { ".cancel" } else { "" })
}

pub(crate) fn cap_url(base: &str, alert_id: i64) -> String {
    format!("{base}/api/v1/alerts/{alert_id}/cap")
}

fn element<W: io::Write>(w: &mut Writer<W>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(text))?;
    Ok(())
}

/// The alert's CAP 1.2 document. A cancelled alert is a `Cancel` message that references the original.
pub(crate) fn document(base: &str, cap: &CapAlert) -> String {
    write_document(base, cap).unwrap_or_default()
}

fn write_document(base: &str, cap: &CapAlert) -> io::Result<String> {
    let a = cap.alert;
    let sender = sender(base, cap.unit);
    let original = identifier(base, a.id, false);
    let (identifier, sent, msg_type) = match a.cancelled_at_ms {
        Some(at) => (identifier(base, a.id, true), cap_time(at), "Cancel"),
        None => (original.clone(), cap_time(a.sent_at_ms), "Alert"),
    };
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("alert").with_attribute(("xmlns", CAP_NS)).write_inner_content(|w| {
        element(w, "identifier", &identifier)?;
        element(w, "sender", &sender)?;
        element(w, "sent", &sent)?;
        element(w, "status", "Actual")?;
        element(w, "msgType", msg_type)?;
        element(w, "scope", "Public")?;
        if msg_type == "Cancel" {
            element(w, "references", &format!("{sender},{original},{}", cap_time(a.sent_at_ms)))?;
        }
        w.create_element("info").write_inner_content(|w| {
            element(w, "language", "vi-VN")?;
            element(w, "category", a.category.as_str())?;
            element(w, "event", &a.event)?;
            element(w, "urgency", a.urgency.as_str())?;
            element(w, "severity", a.severity.as_str())?;
            element(w, "certainty", a.certainty.as_str())?;
            element(w, "effective", &cap_time(a.sent_at_ms))?;
            element(w, "expires", &cap_time(a.expires_at_ms))?;
            element(w, "senderName", &cap.unit.name)?;
            element(w, "headline", &a.headline)?;
            element(w, "description", &a.description)?;
            if let Some(instruction) = &a.instruction {
                element(w, "instruction", instruction)?;
            }
            element(w, "web", &format!("{base}/alerts/{}", a.id))?;
            w.create_element("area").write_inner_content(|w| {
                element(w, "areaDesc", &cap.area.description)?;
                if let Some((name, value)) = &cap.area.geocode {
                    w.create_element("geocode").write_inner_content(|w| {
                        element(w, "valueName", name)?;
                        element(w, "value", value)
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
        Ok(())
    })?;
    String::from_utf8(w.into_inner()).map_err(io::Error::other)
}

/// The alerts in force as an Atom feed, each entry pointing to its CAP document (the way alert hubs collect).
pub(crate) fn atom_feed(base: &str, alerts: &[(PublicAlert, Unit)], now_ms: i64) -> String {
    let self_url = format!("{base}/api/v1/alerts.atom");
    let updated = alerts.iter().map(|(a, _)| a.sent_at_ms).max().unwrap_or(now_ms);
    let entries: Vec<Entry> = alerts
        .iter()
        .map(|(a, unit)| {
            let mut entry = Entry::default();
            entry.set_id(format!("urn:cap:{}", identifier(base, a.id, false)));
            entry.set_title(Text::plain(a.headline.clone()));
            entry.set_updated(crate::atom::time(a.sent_at_ms));
            entry.set_published(Some(crate::atom::time(a.sent_at_ms)));
            entry.set_authors(vec![Person { name: unit.name.clone(), ..Default::default() }]);
            entry.set_summary(Some(Text::plain(a.description.clone())));
            entry.set_categories(vec![Category { term: a.event.clone(), ..Default::default() }]);
            entry.set_links(vec![
                Link {
                    href: cap_url(base, a.id),
                    rel: "alternate".into(),
                    mime_type: Some(CAP_MIME.into()),
                    ..Default::default()
                },
                Link { href: format!("{base}/alerts/{}", a.id), rel: "related".into(), ..Default::default() },
            ]);
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(self_url.clone());
    feed.set_title(Text::plain("Cảnh báo đang có hiệu lực"));
    feed.set_updated(crate::atom::time(updated));
    feed.set_links(vec![Link {
        href: self_url,
        rel: "self".into(),
        mime_type: Some("application/atom+xml".into()),
        ..Default::default()
    }]);
    feed.set_lang(Some("vi".to_owned()));
    feed.set_entries(entries);
    feed.to_string()
}
