//! Procedure guides and forms for the commune police of Cư M'gar (Ea KPam's page in 2020, Cư M'gar's today), and
//! H'Đào Niê's question of June 2020 — she had lost her ID card — with the answer that saved her a second trip.
//! Written through the store with their historical dates, like the tips.

use binhyen_domain::question::QuestionState;
use binhyen_store::guides::{self, FormVersion, GuideText};
use binhyen_store::questions;

use super::tips::vn;
use crate::{Core, CoreError, Result};

/// (title, summary, documents, fee, processing time, place, form codes).
type DemoGuide = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str);

const GUIDES: &[DemoGuide] = &[
    (
        "Cấp lại thẻ căn cước",
        "Công dân bị mất hoặc hư hỏng thẻ căn cước đề nghị cấp lại tại công an xã nơi cư trú.",
        "- Tờ khai căn cước CC01 (khai tại chỗ hoặc mang theo)\n- Thẻ cũ nếu bị hư hỏng",
        "70.000 đồng (hư hỏng: 50.000 đồng)",
        "7 ngày làm việc",
        "Trụ sở công an xã, sáng thứ Hai đến sáng thứ Bảy; nên đặt lịch hẹn trước",
        "CC01",
    ),
    (
        "Đăng ký thường trú",
        "Đăng ký thường trú khi chuyển đến chỗ ở hợp pháp mới, hoặc nhập hộ khẩu vào nhà người thân.",
        "- Tờ khai thay đổi thông tin cư trú CT01\n- Giấy tờ chứng minh chỗ ở hợp pháp\n- Ý kiến đồng ý của chủ hộ (nếu nhập vào hộ đã có)",
        "20.000 đồng; miễn phí khi nộp trực tuyến",
        "7 ngày làm việc",
        "Công an xã nơi đăng ký thường trú, hoặc Cổng dịch vụ công quốc gia",
        "CT01",
    ),
    (
        "Đăng ký tạm trú",
        "Người đến sinh sống, làm việc, học tập ngoài nơi thường trú từ 30 ngày trở lên phải đăng ký tạm trú.",
        "- Tờ khai thay đổi thông tin cư trú CT01\n- Giấy tờ chứng minh chỗ ở hợp pháp (hợp đồng thuê nhà…)",
        "15.000 đồng; miễn phí khi nộp trực tuyến",
        "3 ngày làm việc",
        "Công an xã nơi tạm trú",
        "CT01",
    ),
    (
        "Thông báo lưu trú",
        "Gia đình, nhà trọ, cơ sở lưu trú có người đến ở qua đêm phải thông báo với công an xã trước 23 giờ.",
        "- Họ tên, số định danh của người đến lưu trú\n- Thời gian lưu trú",
        "Miễn phí",
        "Ngay khi tiếp nhận",
        "Trực tiếp, qua điện thoại, hoặc gửi tin trên trang của công an xã",
        "",
    ),
    (
        "Xác nhận thông tin về cư trú",
        "Công dân cần giấy xác nhận thông tin về cư trú để làm thủ tục (vay vốn, đi học, xin việc…).",
        "- Tờ khai thay đổi thông tin cư trú CT01 (ghi rõ nội dung đề nghị xác nhận)",
        "Miễn phí",
        "Trong ngày (trường hợp cần xác minh: 3 ngày làm việc)",
        "Công an xã nơi cư trú, hoặc Cổng dịch vụ công quốc gia",
        "CT01",
    ),
];

/// (code, title, version).
const FORMS: &[(&str, &str, &str)] =
    &[("CT01", "Tờ khai thay đổi thông tin cư trú", "2021"), ("CC01", "Tờ khai căn cước", "2024")];

/// A one-page PDF saying which form it stands for (the demo's stand-in for the official file).
fn demo_pdf(code: &str, title: &str) -> Vec<u8> {
    let ascii: String = binhyen_text::fold(title).chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect();
    let text = format!("BT /F1 16 Tf 60 780 Td (Mau {code} - {ascii}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for at in offsets {
        pdf.extend_from_slice(format!("{at:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}

pub(super) async fn build(core: &Core) -> Result<()> {
    let ea_kpam = core.units().unit_by_code("ca-xa-ea-kpam").await?.id;
    let cu_mgar = core.units().unit_by_code("ca-xa-cu-mgar-2025").await?.id;
    let (ea_kpam_officer, cu_mgar_commander) = (
        core.accounts().account_by_phone("0388000006").await?.id,
        core.accounts().account_by_phone("0388000008").await?.id,
    );
    let (in_2020, today) = (vn(2020, 6, 1, 8, 0), core.now_ms());
    let mut tx = core.store.begin().await?;
    for (unit, author, at) in [(ea_kpam, ea_kpam_officer, in_2020), (cu_mgar, cu_mgar_commander, today)] {
        for &(title, summary, documents, fee, processing_time, place, form_codes) in GUIDES {
            let text = GuideText {
                title: title.to_owned(),
                summary: summary.to_owned(),
                documents: documents.to_owned(),
                fee: fee.to_owned(),
                processing_time: processing_time.to_owned(),
                place: place.to_owned(),
                form_codes: form_codes.to_owned(),
            };
            let folded = binhyen_text::fold(&format!("{title} {summary} {documents}"));
            guides::insert_guide(&mut tx, unit, &text, &folded, None, author, at).await?;
        }
        for &(code, title, version) in FORMS {
            let bytes = demo_pdf(code, title);
            let key = core.objects.put(&bytes).map_err(|e| CoreError::Internal(format!("demo form: {e}")))?;
            let form = guides::upsert_form(&mut tx, unit, code, title, at).await?;
            let v = FormVersion {
                id: 0,
                version: version.to_owned(),
                object_key: key.as_str().to_owned(),
                kind: "pdf".to_owned(),
                bytes: bytes.len() as i64,
                created_at_ms: at,
            };
            guides::add_form_version(&mut tx, form, &v, author, at).await?;
        }
    }
    // H'Đào Niê asks Ea KPam's page on 16/06/2020; an officer answers within the hour.
    let hdao = core.accounts().account_by_phone("0399000001").await?.id;
    let asked = vn(2020, 6, 16, 20, 5);
    let body = "Em là H'Đào ở buôn Bling, em bị mất căn cước khi đi rẫy. Em cần mang giấy tờ gì để làm lại ạ? \
                Nhà em xa, em sợ phải đi lại nhiều lần.";
    let q = questions::insert(&mut tx, ea_kpam, hdao, body, None, asked).await?;
    let answer = "Chào chị H'Đào. Chị chỉ cần đến công an xã một lần: tờ khai CC01 khai tại chỗ, không cần \
                  giấy tờ gì thêm; lệ phí 70.000 đồng. Chị đặt lịch hẹn trên trang để không phải chờ.";
    questions::add_message(&mut tx, q, true, ea_kpam_officer, answer, vn(2020, 6, 16, 20, 41)).await?;
    questions::set_state(&mut tx, q, QuestionState::Open, QuestionState::Answered, vn(2020, 6, 16, 20, 41)).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_forms_are_pdfs_the_library_accepts() {
        let pdf = super::demo_pdf("CT01", "Tờ khai thay đổi thông tin cư trú");
        assert_eq!(binhyen_media::sniff_document(&pdf).unwrap(), binhyen_media::DocumentKind::Pdf);
        let text = String::from_utf8(pdf).unwrap();
        assert!(text.contains("(Mau CT01 - to khai thay doi thong tin cu tru) Tj"), "{text}");
        let xref: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(text[xref..].starts_with("xref\n0 6\n"), "the cross-reference table is where it says");
    }
}
