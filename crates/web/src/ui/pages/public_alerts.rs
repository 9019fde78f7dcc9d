//! Public alerts on the site: the banner at the top of one's feed and of a unit's page (`alert_card.html`),
//! the list of alerts in force (`/alerts`) and one alert (`/alerts/{id}`, where notifications point).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhyen_core::public_alerts::AlertView;
use binhyen_domain::entities::public_alerts::PublicAlert;
use binhyen_domain::time_vn::format_instant_ms;

use crate::error::ApiError;
use crate::i18n::{alert_category, alert_certainty, alert_severity, alert_urgency, Lang};
use crate::session::Visitor;
use crate::ui::{or_page, page, Layout};
use crate::AppState;

/// An alert as a page shows it.
pub(crate) struct AlertCard {
    pub id: i64,
    pub headline: String,
    pub event: String,
    pub category: &'static str,
    /// Its CAP severity ("Extreme"…), for the colour.
    pub severity_class: String,
    pub severity: &'static str,
    pub urgency: &'static str,
    pub certainty: &'static str,
    pub description: String,
    pub instruction: Option<String>,
    /// "17/06/2026 08:30", Vietnam time.
    pub sent: String,
    pub expires: String,
    pub in_force: bool,
}

impl AlertCard {
    pub(crate) fn new(lang: Lang, a: PublicAlert, now_ms: i64) -> Self {
        Self {
            id: a.id,
            category: alert_category(lang, a.category),
            severity: alert_severity(lang, a.severity),
            urgency: alert_urgency(lang, a.urgency),
            certainty: alert_certainty(lang, a.certainty),
            severity_class: a.severity.as_str().to_lowercase(),
            sent: format_instant_ms(a.sent_at_ms),
            expires: format_instant_ms(a.expires_at_ms),
            in_force: a.active(now_ms),
            headline: a.headline,
            event: a.event,
            description: a.description,
            instruction: a.instruction,
        }
    }

    pub(crate) fn all(lang: Lang, alerts: Vec<PublicAlert>, state: &AppState) -> Vec<Self> {
        let now = state.core.now_ms();
        alerts.into_iter().map(|a| Self::new(lang, a, now)).collect()
    }
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    l: Layout,
    alerts: Vec<AlertCard>,
}

/// Every alert in force, most severe first.
pub(crate) async fn list(State(state): State<AppState>, v: Visitor) -> Response {
    let alerts = or_page!(v, state.core.public_alerts().alerts_in_force(None).await);
    let tpl =
        AlertsPage { l: Layout::new(&v, v.lang.text().alerts_title), alerts: AlertCard::all(v.lang, alerts, &state) };
    page(v, StatusCode::OK, &tpl)
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    l: Layout,
    a: AlertCard,
    unit: (String, String),
    area: String,
}

/// One alert, in force or not (notifications link here; alerts are public).
pub(crate) async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return crate::ui::error_page(v, ApiError::new(StatusCode::NOT_FOUND, "alert_not_found"));
    };
    let alert = or_page!(v, state.core.public_alerts().public_alert(id).await);
    let AlertView { alert, unit, area } = or_page!(v, state.core.public_alerts().alert_view(alert).await);
    let a = AlertCard::new(v.lang, alert, state.core.now_ms());
    let tpl = AlertPage {
        l: Layout::new(&v, a.headline.clone()),
        area: area.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "),
        unit: (unit.code, unit.name),
        a,
    };
    page(v, StatusCode::OK, &tpl)
}
