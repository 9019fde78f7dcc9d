//! Unit pages: the kinds of post a unit publishes.

use crate::string_enum;

string_enum!(
    /// What a post is: news, legal education, a warning, a health notice, a procedure guide.
    PostKind { News => "news", Legal => "legal", Warning => "warning", Health => "health", Procedure => "procedure" }
    field = "kind"
);

impl PostKind {
    /// (Vietnamese, English).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            PostKind::News => ("Tin tức", "News"),
            PostKind::Legal => ("Tuyên truyền pháp luật", "Legal education"),
            PostKind::Warning => ("Cảnh báo", "Warning"),
            PostKind::Health => ("Y tế – dịch bệnh", "Health and epidemics"),
            PostKind::Procedure => ("Hướng dẫn thủ tục", "Procedure guide"),
        }
    }
}
