//! The source article's tips, as they happened in 2020: the dog thieves of Ea KPam, the armed gathering on
//! Hà Huy Tập street at night on 17/06/2020, the stolen pump of thôn 8 with its photo, drugs near a school, a
//! loan shark, and an anonymous tip whose receipt the demo prints. Written with their historical times, so
//! through the store (use cases stamp the present); every step still lands in the timeline and the audit log.

use binhyen_domain::tip::TipEventKind;
use binhyen_domain::tip::{format_receipt, normalize_receipt, Priority, Protection, TipCategory, TipState, Verdict};
use binhyen_store::tips::{self, Attachment, NewTip, NewTipEvent, Outcome};
use binhyen_store::Tx;

use crate::seal::TIPS_REPORTER;
use crate::tips::{receipt_hash, SealedReporter};
use crate::{Core, CoreError, Result};

const PUMP_PHOTO: &[u8] = include_bytes!("../../data/demo-pump.jpg");

/// Unix milliseconds of a moment in Vietnam time (UTC+7).
pub(super) fn vn(y: i32, mo: u8, d: u8, h: u8, mi: u8) -> i64 {
    let month = time::Month::try_from(mo).unwrap_or(time::Month::January);
    let date = time::Date::from_calendar_date(y, month, d).unwrap_or(time::Date::MIN);
    let at = date.with_hms(h, mi, 0).unwrap_or(date.midnight()).assume_offset(binhyen_domain::time_vn::VIETNAM);
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

struct Writer<'a> {
    core: &'a Core,
    tx: Tx,
}

impl Writer<'_> {
    async fn unit(&self, code: &str) -> Result<i64> {
        Ok(self.core.units().unit_by_code(code).await?.id)
    }

    async fn account(&self, phone: &str) -> Result<i64> {
        Ok(self.core.accounts().account_by_phone(phone).await?.id)
    }

    async fn tip(&mut self, tip: NewTip, at: i64, sealed: Option<SealedReporter>) -> Result<i64> {
        let id = tips::insert(&mut self.tx, &tip, at).await?;
        if let Some(s) = sealed {
            let json = serde_json::to_vec(&s).map_err(|e| CoreError::Internal(e.to_string()))?;
            tips::set_reporter_sealed(&mut self.tx, id, &self.core.seal_for(&TIPS_REPORTER, id, &json)).await?;
        }
        let event = NewTipEvent {
            tip_id: id,
            at_ms: at,
            from_tipster: true,
            unit_id: Some(tip.unit_id),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::Submitted)
        };
        tips::add_event(&mut self.tx, &event).await?;
        self.core.tips().audit_tip(&mut self.tx, None, "tip.submitted", id, serde_json::json!({"demo": true})).await?;
        Ok(id)
    }

    /// One workflow step: the state change (with its transfer target or reason) as officers make it.
    async fn step(
        &mut self,
        tip: i64,
        (from, to): (TipState, TipState),
        actor: i64,
        at: i64,
        body: Option<&str>,
        unit: Option<i64>,
    ) -> Result<()> {
        if let Some(unit) = unit {
            tips::set_unit(&mut self.tx, tip, unit, at).await?;
        }
        tips::set_state(&mut self.tx, tip, from, to, at).await?;
        let event = NewTipEvent {
            tip_id: tip,
            at_ms: at,
            actor_account_id: Some(actor),
            from_state: Some(from),
            to_state: Some(to),
            unit_id: unit,
            body: body.map(str::to_owned),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::StateChanged)
        };
        tips::add_event(&mut self.tx, &event).await?;
        let detail = serde_json::json!({"from": from.as_str(), "to": to.as_str(), "demo": true});
        self.core.tips().audit_tip(&mut self.tx, Some(actor), "tip.state_changed", tip, detail).await
    }

    async fn say(
        &mut self,
        tip: i64,
        actor: Option<i64>,
        at: i64,
        kind: TipEventKind,
        body: &str,
        from_tipster: bool,
    ) -> Result<()> {
        let event = NewTipEvent {
            tip_id: tip,
            at_ms: at,
            actor_account_id: actor,
            from_tipster,
            body: Some(body.to_owned()),
            visible_to_tipster: kind == TipEventKind::Message,
            ..NewTipEvent::of(kind)
        };
        tips::add_event(&mut self.tx, &event).await?;
        Ok(())
    }
}

fn new_tip(
    category: TipCategory,
    description: &str,
    now: bool,
    area: Option<i64>,
    unit: i64,
    protection: Protection,
) -> NewTip {
    NewTip {
        category,
        description: description.to_owned(),
        occurred_at_ms: None,
        happening_now: now,
        area_id: area,
        lat: None,
        lon: None,
        address: None,
        protection,
        reporter_account_id: None,
        reporter_tag: None,
        reporter_sealed: None,
        receipt_hash: None,
        filed_by_account_id: None,
        unit_id: unit,
        priority: binhyen_domain::tip::initial_priority(now),
    }
}

/// Writes the stories; returns the anonymous tip's receipt code, for the demo to print.
pub(super) async fn build(core: &Core) -> Result<String> {
    use TipState::*;
    let legacy = |code: &'static str| async move {
        core.units()
            .areas_by_code(code)
            .await?
            .into_iter()
            .find(|a| a.valid_to.is_some())
            .ok_or(CoreError::not_found("area"))
    };
    let ea_kpam = legacy("24280").await?;
    let tan_loi = legacy("24136").await?;
    let villages = core.store.area_children(ea_kpam.id).await?;
    let village = |name: &str| villages.iter().find(|v| v.name == name).map(|v| v.id);
    let mut w = Writer { core, tx: core.store.begin().await? };
    let ea_kpam_unit = w.unit("ca-xa-ea-kpam").await?;
    let (commander, officer) = (w.account("0388000005").await?, w.account("0388000006").await?);
    let (mobile_commander, mobile_officer) = (w.account("0388000002").await?, w.account("0388000003").await?);
    let hdao = w.account("0399000001").await?;
    let thon8 = w.account("0399000002").await?;

    // Ea KPam: dog thieves at night; acknowledged, caught, resolved with two arrests.
    let mut t = new_tip(TipCategory::Theft, "Có 2 người lạ đi xe máy, mang theo bả và bao tải, đang bắt trộm chó ở buôn Bling. Họ vừa chạy về phía cầu Ea Kpam.", true, village("Buôn Bling"), ea_kpam_unit, Protection::Identified);
    t.reporter_account_id = Some(hdao);
    let at = vn(2020, 5, 3, 22, 15);
    let dogs = w.tip(t, at, Some(SealedReporter { account_id: Some(hdao), ..Default::default() })).await?;
    w.step(dogs, (New, Acknowledged), officer, at + 60_000, None, None).await?;
    w.say(
        dogs,
        Some(officer),
        at + 90_000,
        TipEventKind::Message,
        "Công an xã đã nhận tin, tổ tuần tra đang tới cầu Ea Kpam.",
        false,
    )
    .await?;
    w.step(dogs, (Acknowledged, Dispatched), commander, at + 120_000, None, None).await?;
    w.step(
        dogs,
        (Dispatched, Resolved),
        commander,
        at + 50 * 60_000,
        Some("Bắt quả tang 2 đối tượng cùng tang vật."),
        None,
    )
    .await?;
    let outcome = Outcome {
        verdict: Some(Verdict::Confirmed),
        arrests: 2,
        items_seized: 3,
        note: Some("Bắt quả tang 2 đối tượng trộm chó, thu bả, bao tải và 1 con chó.".into()),
        ..Default::default()
    };
    tips::set_outcome(&mut w.tx, dogs, &outcome).await?;

    // Tân Lợi, 17/06/2020, late night: 30 youths with knives gathering; handed to the mobile police.
    let tan_loi_unit = w.unit("ca-phuong-tan-loi").await?;
    let mut t = new_tip(TipCategory::Disorder, "Khoảng 30 thanh niên mang hung khí, mã tấu đang tụ tập trên đường Hà Huy Tập, phường Tân Lợi, chuẩn bị đánh nhau.", true, Some(tan_loi.id), tan_loi_unit, Protection::Anonymous);
    let mut raw = [0u8; 16];
    core.random.fill(&mut raw);
    t.receipt_hash = Some(receipt_hash(&normalize_receipt(&format_receipt(&raw))?));
    t.address = Some("Đường Hà Huy Tập, phường Tân Lợi".into());
    let at = vn(2020, 6, 17, 23, 40);
    let fight = w.tip(t, at, None).await?;
    let pcsd = w.unit("pcsd-dak-lak").await?;
    w.step(
        fight,
        (New, Transferred),
        w.account("0388000007").await?,
        at + 45_000,
        Some("Nhiều đối tượng có hung khí: chuyển Cảnh sát cơ động."),
        Some(pcsd),
    )
    .await?;
    w.step(fight, (Transferred, Acknowledged), mobile_officer, at + 70_000, None, None).await?;
    w.step(fight, (Acknowledged, Dispatched), mobile_commander, at + 3 * 60_000, None, None).await?;
    w.step(fight, (Dispatched, Resolved), mobile_commander, at + 80 * 60_000, None, None).await?;
    let outcome = Outcome {
        verdict: Some(Verdict::Confirmed),
        arrests: 21,
        vehicles_seized: 7,
        items_seized: 4,
        note: Some("Bắt 21 đối tượng, thu giữ 7 xe máy và 4 mã tấu.".into()),
        ..Default::default()
    };
    tips::set_outcome(&mut w.tx, fight, &outcome).await?;

    // Thôn 8: a pump and a grass cutter stolen; the owner sends a home-camera photo.
    let mut t = new_tip(
        TipCategory::Theft,
        "Nhà tôi ở thôn 8 bị mất 1 máy bơm nước và 1 máy cắt cỏ trong đêm. Camera nhà tôi quay được người lấy.",
        false,
        village("Thôn 8"),
        ea_kpam_unit,
        Protection::Identified,
    );
    t.reporter_account_id = Some(thon8);
    let at = vn(2020, 7, 9, 6, 30);
    let pump = w.tip(t, at, Some(SealedReporter { account_id: Some(thon8), ..Default::default() })).await?;
    let objects = core.objects.clone();
    let key = tokio::task::spawn_blocking(move || objects.put(PUMP_PHOTO))
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    let photo = Attachment {
        id: 0,
        tip_id: pump,
        object_key: key.as_str().to_owned(),
        kind: "jpg".into(),
        bytes: PUMP_PHOTO.len() as i64,
        width: Some(96),
        height: Some(64),
    };
    tips::add_attachment(&mut w.tx, &photo, at).await?;
    w.step(pump, (New, Acknowledged), officer, at + 20 * 60_000, None, None).await?;
    w.step(pump, (Acknowledged, Verifying), officer, at + 30 * 60_000, None, None).await?;
    w.say(
        pump,
        Some(officer),
        at + 35 * 60_000,
        TipEventKind::Note,
        "Đã gửi ảnh cho các tiệm cầm đồ trong huyện.",
        false,
    )
    .await?;

    // Drugs near a school: open, being verified.
    let mut t = new_tip(
        TipCategory::Drugs,
        "Buổi chiều có người lạ hay đứng ở cổng trường THCS bán thuốc lá điện tử, nghi có ma tuý.",
        false,
        Some(ea_kpam.id),
        ea_kpam_unit,
        Protection::Confidential,
    );
    t.reporter_tag = Some(core.seal.tag(hdao.to_string().as_bytes()));
    let drugs =
        w.tip(t, vn(2020, 9, 14, 16, 5), Some(SealedReporter { account_id: Some(hdao), ..Default::default() })).await?;
    w.step(drugs, (New, Acknowledged), commander, vn(2020, 9, 14, 16, 30), None, None).await?;
    w.step(drugs, (Acknowledged, Verifying), officer, vn(2020, 9, 15, 8, 0), None, None).await?;

    // A loan shark: confidential, new.
    let mut t = new_tip(
        TipCategory::LoanSharking,
        "Có nhóm cho vay nặng lãi 30%/tháng, đến nhà đe doạ các hộ trong thôn 3 không trả được nợ.",
        false,
        village("Thôn 3"),
        ea_kpam_unit,
        Protection::Confidential,
    );
    t.reporter_tag = Some(core.seal.tag(thon8.to_string().as_bytes()));
    t.priority = Priority::High;
    w.tip(t, vn(2020, 10, 2, 9, 45), Some(SealedReporter { account_id: Some(thon8), ..Default::default() })).await?;

    // An anonymous tip from today, whose receipt the demo prints so anyone can follow it.
    let receipt = {
        let mut raw = [0u8; 16];
        core.random.fill(&mut raw);
        format_receipt(&raw)
    };
    let today_unit = w.unit("ca-xa-cu-mgar-2025").await?;
    let mut t = new_tip(
        TipCategory::Gambling,
        "Tối nào cũng có sòng bạc ở rẫy cà phê cuối buôn Bling, khoảng 10 người chơi.",
        false,
        village("Buôn Bling"),
        today_unit,
        Protection::Anonymous,
    );
    t.receipt_hash = Some(receipt_hash(&normalize_receipt(&receipt)?));
    w.tip(t, core.now_ms(), None).await?;

    w.tx.commit().await?;
    Ok(receipt)
}
