//! The rules, in Vietnamese: each cue is a phrase with its diacritics (shown to officers as the reason) and its
//! folded form (matched). Weights say how strongly a phrase points to a category; a phrase of two or more words
//! weighs more than a single ambiguous word.

use binhyen_domain::tip::TipCategory;
use binhyen_domain::tip::TipCategory::*;

pub(super) struct Cue<T> {
    pub text: &'static str,
    pub folded: &'static str,
    pub value: T,
    pub weight: u32,
}

/// A phrase as written, and its folded form, checked by a unit test to match `binhyen_text::fold`.
macro_rules! cues {
    ($($text:literal / $folded:literal => $value:expr, $weight:literal;)*) => {
        &[$(Cue { text: $text, folded: $folded, value: $value, weight: $weight }),*]
    };
}

pub(super) const CATEGORY_CUES: &[Cue<TipCategory>] = cues! {
    "ma tuý" / "ma tuy" => Drugs, 5;
    "ma túy" / "ma tuy" => Drugs, 5;
    "chích" / "chich" => Drugs, 2;
    "hút" / "hut" => Drugs, 1;
    "thuốc lắc" / "thuoc lac" => Drugs, 5;
    "hàng đá" / "hang da" => Drugs, 4;
    "ma tuý đá" / "ma tuy da" => Drugs, 5;
    "heroin" / "heroin" => Drugs, 5;
    "cần sa" / "can sa" => Drugs, 5;
    "bóng cười" / "bong cuoi" => Drugs, 4;
    "xì ke" / "xi ke" => Drugs, 5;
    "con nghiện" / "con nghien" => Drugs, 4;
    "nghiện" / "nghien" => Drugs, 2;
    "bay lắc" / "bay lac" => Drugs, 5;
    "kẹo lạ" / "keo la" => Drugs, 3;
    "tín dụng đen" / "tin dung den" => LoanSharking, 6;
    "cho vay" / "cho vay" => LoanSharking, 3;
    "vay nặng lãi" / "vay nang lai" => LoanSharking, 6;
    "nặng lãi" / "nang lai" => LoanSharking, 5;
    "lãi suất" / "lai suat" => LoanSharking, 2;
    "siết nợ" / "siet no" => LoanSharking, 5;
    "đòi nợ" / "doi no" => LoanSharking, 4;
    "xiết nợ" / "xiet no" => LoanSharking, 5;
    "vay tiền" / "vay tien" => LoanSharking, 3;
    "góp ngày" / "gop ngay" => LoanSharking, 4;
    "bốc bát họ" / "boc bat ho" => LoanSharking, 6;
    "bát họ" / "bat ho" => LoanSharking, 5;
    "trộm" / "trom" => Theft, 4;
    "ăn trộm" / "an trom" => Theft, 5;
    "trộm cắp" / "trom cap" => Theft, 5;
    "bắt trộm" / "bat trom" => Theft, 5;
    "mất trộm" / "mat trom" => Theft, 5;
    "móc túi" / "moc tui" => Theft, 5;
    "cướp" / "cuop" => Theft, 4;
    "giật" / "giat" => Theft, 2;
    "bẻ khoá" / "be khoa" => Theft, 4;
    "bẻ khóa" / "be khoa" => Theft, 4;
    "đánh bạc" / "danh bac" => Gambling, 6;
    "cờ bạc" / "co bac" => Gambling, 6;
    "lô đề" / "lo de" => Gambling, 6;
    "ghi đề" / "ghi de" => Gambling, 6;
    "xóc đĩa" / "xoc dia" => Gambling, 6;
    "cá độ" / "ca do" => Gambling, 6;
    "sới bạc" / "soi bac" => Gambling, 6;
    "đánh bài" / "danh bai" => Gambling, 4;
    "tiến lên" / "tien len" => Gambling, 2;
    "binh xập xám" / "binh xap xam" => Gambling, 5;
    "tin giả" / "tin gia" => FakeNews, 6;
    "tin đồn" / "tin don" => FakeNews, 4;
    "sai sự thật" / "sai su that" => FakeNews, 5;
    "bịa đặt" / "bia dat" => FakeNews, 5;
    "lan truyền" / "lan truyen" => FakeNews, 3;
    "đăng lên mạng" / "dang len mang" => FakeNews, 3;
    "chia sẻ" / "chia se" => FakeNews, 2;
    "facebook" / "facebook" => FakeNews, 2;
    "zalo" / "zalo" => FakeNews, 1;
    "tiktok" / "tiktok" => FakeNews, 2;
    "lừa đảo" / "lua dao" => Fraud, 6;
    "giả danh" / "gia danh" => Fraud, 5;
    "chuyển tiền" / "chuyen tien" => Fraud, 3;
    "chuyển khoản" / "chuyen khoan" => Fraud, 3;
    "đa cấp" / "da cap" => Fraud, 6;
    "việc nhẹ lương cao" / "viec nhe luong cao" => Fraud, 6;
    "trúng thưởng" / "trung thuong" => Fraud, 5;
    "mã otp" / "ma otp" => Fraud, 5;
    "otp" / "otp" => Fraud, 4;
    "sim rác" / "sim rac" => Fraud, 3;
    "đánh nhau" / "danh nhau" => Disorder, 6;
    "ẩu đả" / "au da" => Disorder, 6;
    "hỗn chiến" / "hon chien" => Disorder, 6;
    "gây rối" / "gay roi" => Disorder, 5;
    "tụ tập" / "tu tap" => Disorder, 3;
    "mã tấu" / "ma tau" => Disorder, 6;
    "hung khí" / "hung khi" => Disorder, 6;
    "dao" / "dao" => Disorder, 2;
    "gậy" / "gay" => Disorder, 2;
    "chém" / "chem" => Disorder, 5;
    "đâm chém" / "dam chem" => Disorder, 6;
    "bị đâm" / "bi dam" => Disorder, 5;
    "lừa tiền" / "lua tien" => Fraud, 5;
    "bị lừa" / "bi lua" => Fraud, 5;
    "đua xe" / "dua xe" => Disorder, 5;
    "bốc đầu" / "boc dau" => Disorder, 4;
    "lạng lách" / "lang lach" => Disorder, 4;
    "gây gổ" / "gay go" => Disorder, 5;
    "say rượu" / "say ruou" => Disorder, 2;
    "đập phá" / "dap pha" => Disorder, 5;
    "cách ly" / "cach ly" => EpidemicRules, 6;
    "khai báo y tế" / "khai bao y te" => EpidemicRules, 6;
    "giãn cách" / "gian cach" => EpidemicRules, 6;
    "covid" / "covid" => EpidemicRules, 5;
    "dịch bệnh" / "dich benh" => EpidemicRules, 3;
    "vùng dịch" / "vung dich" => EpidemicRules, 5;
    "khẩu trang" / "khau trang" => EpidemicRules, 4;
    "trốn cách ly" / "tron cach ly" => EpidemicRules, 6;
    "bạch hầu" / "bach hau" => EpidemicRules, 4;
    "tụ tập đông người" / "tu tap dong nguoi" => EpidemicRules, 2;
    "lấy mất" / "lay mat" => Theft, 4;
    "bị lấy" / "bi lay" => Theft, 3;
    "mất xe" / "mat xe" => Theft, 5;
    "mất chó" / "mat cho" => Theft, 5;
    "mất bò" / "mat bo" => Theft, 5;
    "mất gà" / "mat ga" => Theft, 4;
    "mất máy bơm" / "mat may bom" => Theft, 5;
    "bị giật" / "bi giat" => Theft, 4;
    "móc mất" / "moc mat" => Theft, 5;
    "đột nhập" / "dot nhap" => Theft, 5;
    "trèo vào" / "treo vao" => Theft, 4;
    "cạy cửa" / "cay cua" => Theft, 5;
    "mất trộm" / "mat trom" => Theft, 5;
    "khai báo" / "khai bao" => EpidemicRules, 4;
    "phong toả" / "phong toa" => EpidemicRules, 5;
    "phong tỏa" / "phong toa" => EpidemicRules, 5;
    "vượt chốt" / "vuot chot" => EpidemicRules, 5;
    "kiểm dịch" / "kiem dich" => EpidemicRules, 5;
    "khoảng cách" / "khoang cach" => EpidemicRules, 3;
    "tạm dừng tụ tập" / "tam dung tu tap" => EpidemicRules, 5;
    "mở lén" / "mo len" => EpidemicRules, 3;
    "từ vùng dịch" / "tu vung dich" => EpidemicRules, 5;
    "cạy khoá" / "cay khoa" => Theft, 4;
    "cạy khóa" / "cay khoa" => Theft, 4;
    "trèo tường" / "treo tuong" => Theft, 3;
    "bắt chó" / "bat cho" => Theft, 4;
    "máy bơm" / "may bom" => Theft, 2;
    "dắt bò" / "dat bo" => Theft, 3;
    "hái trộm" / "hai trom" => Theft, 5;
    "xưng là công an" / "xung la cong an" => Fraud, 6;
    "tự xưng" / "tu xung" => Fraud, 5;
    "xưng là" / "xung la" => Fraud, 4;
    "rửa tiền" / "rua tien" => Fraud, 5;
    "nộp phạt" / "nop phat" => Fraud, 3;
    "cài app" / "cai app" => Fraud, 4;
    "cài ứng dụng" / "cai ung dung" => Fraud, 4;
    "giả làm" / "gia lam" => Fraud, 4;
    "đòi tiền" / "doi tien" => LoanSharking, 3;
    "trả nợ" / "tra no" => LoanSharking, 4;
    "tiền lãi" / "tien lai" => LoanSharking, 4;
    "đòi nợ thuê" / "doi no thue" => LoanSharking, 6;
    "sới gà" / "soi ga" => Gambling, 6;
    "đá gà" / "da ga" => Gambling, 5;
    "sòng bạc" / "song bac" => Gambling, 6;
    "ăn tiền" / "an tien" => Gambling, 3;
    "sới" / "soi" => Gambling, 3;
    "chơi đá" / "choi da" => Drugs, 5;
    "sử dụng ma tuý" / "su dung ma tuy" => Drugs, 6;
    "dùng ma tuý" / "dung ma tuy" => Drugs, 6;
    "f1" / "f1" => EpidemicRules, 5;
    "f0" / "f0" => EpidemicRules, 5;
    "trốn cách ly" / "tron cach ly" => EpidemicRules, 6;
    "vây đánh" / "vay danh" => Disorder, 6;
    "ném đá" / "nem da" => Disorder, 4;
    "chửi bới" / "chui boi" => Disorder, 3;
    "la hét" / "la het" => Disorder, 2;
    "hẹn nhau đánh" / "hen nhau danh" => Disorder, 6;
};

/// Signs of danger to people: `Acute` alone is enough for urgent (a threat to life), `Present` with a "now" cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Danger {
    Acute,
    Present,
}

pub(super) const DANGER_CUES: &[Cue<Danger>] = cues! {
    "mã tấu" / "ma tau" => Danger::Present, 1;
    "hung khí" / "hung khi" => Danger::Present, 1;
    "dao" / "dao" => Danger::Present, 1;
    "gậy gộc" / "gay goc" => Danger::Present, 1;
    "đánh nhau" / "danh nhau" => Danger::Present, 1;
    "hỗn chiến" / "hon chien" => Danger::Present, 1;
    "ẩu đả" / "au da" => Danger::Present, 1;
    "chém" / "chem" => Danger::Present, 1;
    "tụ tập" / "tu tap" => Danger::Present, 1;
    "kéo đến" / "keo den" => Danger::Present, 1;
    "đập phá" / "dap pha" => Danger::Present, 1;
    "đe doạ" / "de doa" => Danger::Present, 1;
    "đe dọa" / "de doa" => Danger::Present, 1;
    "cứu với" / "cuu voi" => Danger::Acute, 1;
    "cứu em" / "cuu em" => Danger::Acute, 1;
    "cứu tôi" / "cuu toi" => Danger::Acute, 1;
    "giết người" / "giet nguoi" => Danger::Acute, 1;
    "đòi giết" / "doi giet" => Danger::Acute, 1;
    "doạ giết" / "doa giet" => Danger::Acute, 1;
    "dọa giết" / "doa giet" => Danger::Acute, 1;
    "nổ súng" / "no sung" => Danger::Acute, 1;
    "có súng" / "co sung" => Danger::Acute, 1;
    "cầm súng" / "cam sung" => Danger::Acute, 1;
    "súng tự chế" / "sung tu che" => Danger::Acute, 1;
    "bị đâm" / "bi dam" => Danger::Acute, 1;
    "đâm chém" / "dam chem" => Danger::Present, 1;
    "bị thương" / "bi thuong" => Danger::Present, 1;
    "chảy máu" / "chay mau" => Danger::Acute, 1;
    "bắt cóc" / "bat coc" => Danger::Acute, 1;
    "trộm" / "trom" => Danger::Present, 1;
    "cướp" / "cuop" => Danger::Present, 1;
    "chích" / "chich" => Danger::Present, 1;
    "đua xe" / "dua xe" => Danger::Present, 1;
    "chuyển tiền" / "chuyen tien" => Danger::Present, 1;
    "siết nợ" / "siet no" => Danger::Present, 1;
    "xiết nợ" / "xiet no" => Danger::Present, 1;
    "tạt sơn" / "tat son" => Danger::Present, 1;
    "đốt nhà" / "dot nha" => Danger::Acute, 1;
    "cấp cứu" / "cap cuu" => Danger::Acute, 1;
    "bất động" / "bat dong" => Danger::Acute, 1;
    "rơi xuống" / "roi xuong" => Danger::Acute, 1;
    "đuối nước" / "duoi nuoc" => Danger::Acute, 1;
    "co giật" / "co giat" => Danger::Acute, 1;
    "sùi bọt mép" / "sui bot mep" => Danger::Acute, 1;
    "tạt xăng" / "tat xang" => Danger::Acute, 1;
    "sẽ đốt" / "se dot" => Danger::Acute, 1;
    "doạ đốt" / "doa dot" => Danger::Acute, 1;
    "dọa đốt" / "doa dot" => Danger::Acute, 1;
    "cháy nhà" / "chay nha" => Danger::Acute, 1;
    "bốc cháy" / "boc chay" => Danger::Acute, 1;
    "lửa lớn" / "lua lon" => Danger::Acute, 1;
    "đứt dây điện" / "dut day dien" => Danger::Acute, 1;
    "dây điện" / "day dien" => Danger::Present, 1;
    "vây đánh" / "vay danh" => Danger::Acute, 1;
    "vây nhà" / "vay nha" => Danger::Present, 1;
    "ném đá" / "nem da" => Danger::Present, 1;
    "đập cửa" / "dap cua" => Danger::Present, 1;
    "la hét" / "la het" => Danger::Present, 1;
    "cạy khoá" / "cay khoa" => Danger::Present, 1;
    "cạy khóa" / "cay khoa" => Danger::Present, 1;
    "trèo tường" / "treo tuong" => Danger::Present, 1;
    "bẻ khoá" / "be khoa" => Danger::Present, 1;
    "bẻ khóa" / "be khoa" => Danger::Present, 1;
    "bắt chó" / "bat cho" => Danger::Present, 1;
    "dắt bò" / "dat bo" => Danger::Present, 1;
    "trốn" / "tron" => Danger::Present, 1;
    "giao ma tuý" / "giao ma tuy" => Danger::Present, 1;
    "đòi tiền" / "doi tien" => Danger::Present, 1;
    "bắt chuyển" / "bat chuyen" => Danger::Present, 1;
    "đọc mã otp" / "doc ma otp" => Danger::Present, 1;
    "ra ngân hàng" / "ra ngan hang" => Danger::Present, 1;
    "tai nạn" / "tai nan" => Danger::Present, 1;
    "bị thương" / "bi thuong" => Danger::Present, 1;
    "sới" / "soi" => Danger::Present, 1;
    "xóc đĩa" / "xoc dia" => Danger::Present, 1;
    "đánh bạc" / "danh bac" => Danger::Present, 1;
    "sòng" / "song" => Danger::Present, 1;
    "ma tuý" / "ma tuy" => Danger::Present, 1;
    "ma túy" / "ma tuy" => Danger::Present, 1;
    "hút" / "hut" => Danger::Present, 1;
    "chơi đá" / "choi da" => Danger::Present, 1;
};

pub(super) const NOW_CUES: &[Cue<()>] = cues! {
    "đang" / "dang" => (), 1;
    "ngay bây giờ" / "ngay bay gio" => (), 1;
    "bây giờ" / "bay gio" => (), 1;
    "lúc này" / "luc nay" => (), 1;
    "hiện giờ" / "hien gio" => (), 1;
    "sắp" / "sap" => (), 1;
    "chuẩn bị" / "chuan bi" => (), 1;
    "tối nay" / "toi nay" => (), 1;
    "đêm nay" / "dem nay" => (), 1;
    "khẩn cấp" / "khan cap" => (), 1;
    "nhanh lên" / "nhanh len" => (), 1;
    "vừa mới" / "vua moi" => (), 1;
    "vừa" / "vua" => (), 1;
    "lẹ" / "le" => (), 1;
    "đang đứng" / "dang dung" => (), 1;
    "mau lên" / "mau len" => (), 1;
    "nhanh giúp" / "nhanh giup" => (), 1;
    "giúp em" / "giup em" => (), 1;
    "giúp với" / "giup voi" => (), 1;
    "chiều nay" / "chieu nay" => (), 1;
    "sáng nay" / "sang nay" => (), 1;
    "hiện tại" / "hien tai" => (), 1;
};

pub(super) const PAST_CUES: &[Cue<()>] = cues! {
    "hôm qua" / "hom qua" => (), 1;
    "tuần trước" / "tuan truoc" => (), 1;
    "tháng trước" / "thang truoc" => (), 1;
    "năm ngoái" / "nam ngoai" => (), 1;
    "hôm trước" / "hom truoc" => (), 1;
    "dạo trước" / "dao truoc" => (), 1;
    "lâu rồi" / "lau roi" => (), 1;
};

/// Categories that are at least high priority when current (a den, a ring, a threat that goes on).
pub(super) const SERIOUS: &[TipCategory] = &[Drugs, LoanSharking, Gambling];

/// Folded words that deny the cue that follows within three words ("không phải đánh nhau").
pub(super) const NEGATIONS: &[&str] = &["khong", "chang", "chua", "cha"];

/// Abbreviations people type, folded → folded words.
pub(super) fn expand(word: &str) -> Vec<String> {
    let full: &[&str] = match word {
        "ko" | "k" | "kh" | "hok" | "hong" | "khg" => &["khong"],
        "dc" | "dk" => &["duoc"],
        "ng" => &["nguoi"],
        "dg" | "dag" | "dangg" | "ddang" | "dangt" => &["dang"],
        "thg" => &["thang"],
        "kbyt" => &["khai", "bao", "y", "te"],
        "hqua" => &["hom", "qua"],
        "trc" => &["truoc"],
        "xuoosng" => &["xuong"],
        "bh" => &["bay", "gio"],
        "mt" => &["ma", "tuy"],
        "csgt" => &["canh", "sat", "giao", "thong"],
        "cty" => &["cong", "ty"],
        "tdd" => &["tin", "dung", "den"],
        "j" | "gi" => &["gi"],
        "r" => &["roi"],
        "vs" => &["voi"],
        _ => return vec![word.to_owned()],
    };
    full.iter().map(|w| (*w).to_owned()).collect()
}
