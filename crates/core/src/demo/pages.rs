//! Unit pages as the article's commune page ran them in 2020: Công an xã Ea KPam's posts on COVID-19 and
//! diphtheria, fake news, dog thieves at night, drugs near schools and how to replace a lost ID card (pinned),
//! with their historical dates (through the store: use cases stamp the present); descriptions for the pages
//! people find first; Nguyễn Thị Hạnh of thôn 8 follows Ea KPam's page.

use binhyen_store::pages::{self, NewPost};

use super::tips::vn;
use crate::{Core, Result};

const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "ca-tinh-dak-lak",
        "Trang của Công an tỉnh Đắk Lắk: cảnh báo, tuyên truyền pháp luật và hướng dẫn thủ tục cho người dân \
         trong tỉnh. Tin báo tội phạm gửi qua nút «Gửi tin báo», có thể ẩn danh.",
    ),
    (
        "ca-xa-ea-kpam",
        "Kết nối Zalo an ninh – Bình yên cho mỗi gia đình. Công an xã Ea KPam tiếp nhận tin báo, giải đáp thủ \
         tục và thông tin cảnh báo cho bà con các thôn, buôn trong xã.",
    ),
    (
        "ca-xa-cu-mgar-2025",
        "Công an xã Cư M'gar (từ 01/07/2025, gồm địa bàn các xã Ea H'đing, Ea KPam và Cư M'gar trước đây): \
         tin cảnh báo, hướng dẫn thủ tục hành chính và tiếp nhận tin báo của người dân.",
    ),
];

/// (kind, title, Markdown body, published: y, m, d, h, min, pinned).
type DemoPost = (&'static str, &'static str, &'static str, (i32, u8, u8, u8, u8), bool);

const EA_KPAM_POSTS: &[DemoPost] = &[
    (
        "health",
        "Phòng, chống dịch COVID-19: bà con thực hiện 5K",
        "Công an xã Ea KPam phối hợp trạm y tế xã đề nghị bà con:\n\n- đeo **khẩu trang** nơi đông người;\n\
         - rửa tay thường xuyên;\n- giữ khoảng cách, không tụ tập;\n- khai báo y tế khi đi về từ vùng dịch.\n\n\
         Người từ nơi khác đến lưu trú tại gia đình, nhà trọ phải được thông báo lưu trú với công an xã.",
        (2020, 3, 28, 8, 0),
        false,
    ),
    (
        "legal",
        "Tuyên truyền phòng, chống ma túy tại trường THCS Ea KPam",
        "Sáng nay, Công an xã tổ chức buổi tuyên truyền về tác hại của ma túy cho hơn 400 học sinh. Phụ huynh \
         thấy người lạ mời chào, cho học sinh dùng thử thuốc lá điện tử, «kẹo lạ» quanh cổng trường, hãy báo ngay \
         cho Công an xã.",
        (2020, 5, 20, 10, 30),
        false,
    ),
    (
        "warning",
        "Cảnh giác trộm chó ban đêm tại buôn Bling",
        "Gần đây có đối tượng đi xe máy dùng bả và súng bắn điện bắt trộm chó vào ban đêm. Bà con nhốt chó, \
         thắp đèn quanh nhà; thấy người lạ mặt, xe lạ thì **gửi tin báo ngay** (có thể ẩn danh), kể cả lúc nửa đêm.",
        (2020, 6, 10, 19, 15),
        false,
    ),
    (
        "warning",
        "Không chia sẻ tin giả về dịch bệnh trên mạng xã hội",
        "Đăng tải, chia sẻ thông tin sai sự thật về dịch bệnh có thể bị xử phạt theo Nghị định 15/2020/NĐ-CP. \
         Bà con chỉ tin thông tin từ cơ quan chức năng; thấy tin đáng ngờ, hãy gửi cho Công an xã để kiểm tra.",
        (2020, 6, 14, 9, 0),
        false,
    ),
    (
        "procedure",
        "Mất căn cước công dân: làm lại như thế nào?",
        "Bà con bị mất thẻ căn cước công dân chỉ cần đến Công an **một lần**:\n\n1. Mang theo sổ hộ khẩu \
         (hoặc giấy xác nhận thông tin cư trú).\n2. Khai tờ khai CC01 tại chỗ.\n3. Lệ phí cấp lại: 70.000 đồng.\n\n\
         Hỏi trước qua trang này để được hướng dẫn đủ giấy tờ và hẹn giờ, không phải đi lại nhiều lần.",
        (2020, 6, 16, 14, 0),
        true,
    ),
    (
        "health",
        "Phòng chống bệnh bạch hầu: tiêm vắc-xin đầy đủ cho trẻ",
        "Tỉnh Đắk Lắk đã ghi nhận các ca mắc bạch hầu. Bà con đưa trẻ đi tiêm vắc-xin đầy đủ, đưa người sốt, \
         đau họng, khó thở đến trạm y tế ngay và không tự ý điều trị tại nhà.",
        (2020, 7, 8, 7, 30),
        false,
    ),
];

pub(super) async fn build(core: &Core) -> Result<()> {
    let store = &core.store;
    let now = core.now_ms();
    let mut tx = store.begin().await?;
    for (code, description) in DESCRIPTIONS {
        let unit = core.units().unit_by_code(code).await?.id;
        pages::set_description(&mut tx, unit, &binhyen_text::normalize(description), now).await?;
    }
    let ea_kpam = core.units().unit_by_code("ca-xa-ea-kpam").await?.id;
    let author = core.accounts().account_by_phone("0388000005").await?.id;
    for &(kind, title, body, (y, mo, d, h, mi), pinned) in EA_KPAM_POSTS {
        let at = vn(y, mo, d, h, mi);
        let post = NewPost {
            unit_id: ea_kpam,
            kind: kind.parse()?,
            title: title.to_owned(),
            body: body.to_owned(),
            body_html: crate::pages::render_markdown(body),
            published_at_ms: Some(at),
            author_account_id: author,
        };
        let id = pages::insert_post(&mut tx, &post, at).await?;
        if pinned {
            pages::set_pinned(&mut tx, id, true, at).await?;
        }
    }
    tx.commit().await?;
    let hanh = core.accounts().account_by_phone("0399000002").await?.id;
    store.set_following(hanh, ea_kpam, true, now).await?;
    Ok(())
}
