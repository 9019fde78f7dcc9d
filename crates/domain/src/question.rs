//! Questions (hỏi đáp) to a unit: where one stands, and how writing in its thread or closing it moves it.

use crate::string_enum;

string_enum!(
    /// Where a question stands: waiting for the unit (`Open`), answered until its asker writes again, or closed
    /// for good.
    QuestionState { Open => "open", Answered => "answered", Closed => "closed" }
    field = "state"
);

/// What is done to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionAction {
    /// An officer of the unit writes in the thread.
    Reply,
    /// The asker writes again.
    FollowUp,
    /// The asker or an officer closes it.
    Close,
}

impl QuestionAction {
    pub const ALL: [QuestionAction; 3] = [QuestionAction::Reply, QuestionAction::FollowUp, QuestionAction::Close];
}

impl QuestionState {
    /// The state after `action`; None when the question is closed, which takes no more messages.
    pub fn next(self, action: QuestionAction) -> Option<QuestionState> {
        use QuestionState::*;
        match self {
            Closed => None,
            Open | Answered => Some(match action {
                QuestionAction::Reply => Answered,
                QuestionAction::FollowUp => Open,
                QuestionAction::Close => Closed,
            }),
        }
    }

    /// Whether a commander may rewrite the question as a public guide: not while it waits for its answer.
    /// A closed question may, answered or not.
    pub fn may_become_guide(self) -> bool {
        match self {
            QuestionState::Open => false,
            QuestionState::Answered | QuestionState::Closed => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuestionAction as A;
    use QuestionState::*;

    /// Every (state, action) pair, written out: a change of the rules must change this table.
    #[test]
    fn every_transition() {
        let table: &[(QuestionState, QuestionAction, Option<QuestionState>)] = &[
            (Open, A::Reply, Some(Answered)),
            (Open, A::FollowUp, Some(Open)),
            (Open, A::Close, Some(Closed)),
            (Answered, A::Reply, Some(Answered)),
            (Answered, A::FollowUp, Some(Open)),
            (Answered, A::Close, Some(Closed)),
            (Closed, A::Reply, None),
            (Closed, A::FollowUp, None),
            (Closed, A::Close, None),
        ];
        assert_eq!(table.len(), QuestionState::ALL.len() * QuestionAction::ALL.len());
        for (from, action, to) in table {
            assert_eq!(from.next(*action), *to, "{from:?} {action:?}");
        }
    }

    #[test]
    fn guides_come_from_questions_no_longer_open() {
        let guides: Vec<QuestionState> = QuestionState::ALL.iter().copied().filter(|s| s.may_become_guide()).collect();
        assert_eq!(guides, [Answered, Closed]);
    }

    #[test]
    fn spelt_as_stored() {
        let spelt: Vec<&str> = QuestionState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(spelt, ["open", "answered", "closed"]);
        assert_eq!(serde_json::to_value(Answered).unwrap(), "answered");
        assert_eq!("pending".parse::<QuestionState>().unwrap_err().code, "unknown_value");
    }
}
