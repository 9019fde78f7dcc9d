//! Unit pages: the kinds of post a unit publishes.

use crate::string_enum;

string_enum!(
    /// What a post is: news, legal education, a warning, a health notice, a procedure guide.
    PostKind { News => "news", Legal => "legal", Warning => "warning", Health => "health", Procedure => "procedure" }
    field = "kind"
);

string_enum!(
    /// Where a post stands. A published post whose time has not come is scheduled (`published_at` later than now).
    PostState { Draft => "draft", Published => "published" }
    field = "state"
);

impl PostState {
    /// Whether a post in this state may become `to`: a draft is published once; a published post stays so.
    pub fn can_become(self, to: PostState) -> bool {
        match (self, to) {
            (PostState::Draft, PostState::Published) => true,
            (PostState::Draft | PostState::Published, _) => false,
        }
    }
}

string_enum!(
    /// Where a citizen's article stands: waiting for the page's officers, then decided once.
    ArticleState { Submitted => "submitted", Approved => "approved", Rejected => "rejected" }
    field = "state"
);

impl ArticleState {
    /// Whether an article in this state may become `to`: only a submitted article is decided, and only once.
    pub fn can_become(self, to: ArticleState) -> bool {
        match (self, to) {
            (ArticleState::Submitted, ArticleState::Approved | ArticleState::Rejected) => true,
            (ArticleState::Submitted | ArticleState::Approved | ArticleState::Rejected, _) => false,
        }
    }

    pub fn is_decided(self) -> bool {
        match self {
            ArticleState::Submitted => false,
            ArticleState::Approved | ArticleState::Rejected => true,
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_published_once() {
        for from in PostState::ALL {
            for to in PostState::ALL {
                let allowed = matches!((from, to), (PostState::Draft, PostState::Published));
                assert_eq!(from.can_become(*to), allowed, "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn only_a_submitted_article_is_decided() {
        use ArticleState::*;
        for from in ArticleState::ALL {
            for to in ArticleState::ALL {
                let allowed = matches!((from, to), (Submitted, Approved) | (Submitted, Rejected));
                assert_eq!(from.can_become(*to), allowed, "{from:?} → {to:?}");
            }
        }
        assert!(!Submitted.is_decided() && Approved.is_decided() && Rejected.is_decided());
    }
}
