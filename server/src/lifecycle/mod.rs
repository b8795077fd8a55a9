//! The life of anything a unit submits to be approved — today the monthly indicator reports,
//! next the reports of the periodic reporting regimes (Decree 09/2019) — kept in one place so
//! that every domain follows the same rules:
//!
//! ```text
//!   draft ──submit──► submitted ──approve──► approved ──deliver──► sent
//!     ▲  ▲               │                      │                    │
//!     │  └───return──────┘ (with a comment)     │                    │
//!     └────────────── edit (opens the next revision) ────────────────┘
//! ```
//!
//! The table is pure ([`next`]); the rows live in `submissions` ([`store`]: lock, load, apply a
//! state change). Each domain's step locks its row, asks the table, writes its own content,
//! consequences and audit entry, and applies the change — all in one transaction. Nobody approves a submission they
//! submitted themselves ([`may_decide`]).

mod store;

use ioc_protocol::{Publication, SubmissionStatus};
use sqlx::PgConnection;

pub use store::{
    approve, delivered, edited, load, lock, return_to_unit, seed_handed_in, submit, Form, Key,
    Submission,
};

use crate::audit::{self, Actor, Entry};
use crate::http::ApiError;

/// What someone does to a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Save figures or a document. On an approved or sent submission this opens the next
    /// revision as a draft; the published version stays until that revision is approved.
    Edit,
    /// Hand the submission in for approval.
    Submit,
    /// Send it back to its unit with a comment.
    Return,
    /// Approve it: it becomes what the province publishes.
    Approve,
    /// The receiving system acknowledged the approved revision.
    Deliver,
}

impl Action {
    /// The name used in error messages and audit entries.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Submit => "submit",
            Action::Return => "return",
            Action::Approve => "approve",
            Action::Deliver => "deliver",
        }
    }
}

/// The transition table: the state `action` leads to from `from`, or `None` when the action is
/// not allowed there.
pub fn next(from: SubmissionStatus, action: Action) -> Option<SubmissionStatus> {
    use Action::*;
    use SubmissionStatus::*;
    match (from, action) {
        (Draft, Edit) => Some(Draft),
        (Returned, Edit) => Some(Returned),
        (Approved | Sent, Edit) => Some(Draft),
        (Draft | Returned, Submit) => Some(Submitted),
        (Submitted, Return) => Some(Returned),
        (Submitted, Approve) => Some(Approved),
        (Approved, Deliver) => Some(Sent),
        _ => None,
    }
}

/// [`next`], as the API answers a refused step: 409 naming the action and the current state.
pub fn step(from: SubmissionStatus, action: Action) -> Result<SubmissionStatus, ApiError> {
    next(from, action).ok_or(ApiError::InvalidTransition {
        action: action.as_str(),
        from: from.as_str(),
    })
}

/// What a step leaves behind once committed: the submission as it now stands, the live
/// publications to send, and whether it changed anything (then the domain refreshes what is
/// computed from all submissions, such as the province's board, after the commit).
pub struct Concluded<V> {
    pub view: V,
    pub publications: Vec<Publication>,
    pub changed: bool,
}

/// Ends every step the same way, inside its transaction: the audit entry of the change and the
/// boards it moved (`boards`: the domain's own, e.g. the unit's deadline board; nothing when
/// the step changed nothing), the submission as it now stands (`view`), then the commit.
/// `publications` are what the step itself wrote (the points of an approval).
pub async fn conclude<V>(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    actor: &Actor,
    change: Option<Entry<'_>>,
    mut publications: Vec<Publication>,
    boards: impl AsyncFnOnce(&mut PgConnection) -> Result<Vec<Publication>, sqlx::Error>,
    view: impl AsyncFnOnce(&mut PgConnection) -> Result<V, sqlx::Error>,
) -> Result<Concluded<V>, ApiError> {
    let changed = change.is_some();
    if let Some(entry) = change {
        audit::record(&mut *tx, actor, entry).await?;
        publications.extend(boards(&mut tx).await?);
    }
    let view = view(&mut tx).await?;
    tx.commit().await?;
    Ok(Concluded {
        view,
        publications,
        changed,
    })
}

/// Whether an edit starts the next revision (the submission was already published).
pub fn reopens(from: SubmissionStatus) -> bool {
    matches!(from, SubmissionStatus::Approved | SubmissionStatus::Sent)
}

/// Four eyes: whoever submitted a submission does not approve it. `None` is a machine
/// or a system step, which is never the submitter.
pub fn may_decide(submitted_by: Option<i64>, decider: Option<i64>) -> bool {
    decider.is_none() || submitted_by != decider
}

#[cfg(test)]
mod tests {
    use super::*;
    use SubmissionStatus::*;

    const STATES: [SubmissionStatus; 5] = [Draft, Submitted, Returned, Approved, Sent];
    const ACTIONS: [Action; 5] = [
        Action::Edit,
        Action::Submit,
        Action::Return,
        Action::Approve,
        Action::Deliver,
    ];

    /// The whole table, written out: every pair not listed is refused.
    #[test]
    fn the_transition_table() {
        let allowed = [
            (Draft, Action::Edit, Draft),
            (Returned, Action::Edit, Returned),
            (Approved, Action::Edit, Draft),
            (Sent, Action::Edit, Draft),
            (Draft, Action::Submit, Submitted),
            (Returned, Action::Submit, Submitted),
            (Submitted, Action::Return, Returned),
            (Submitted, Action::Approve, Approved),
            (Approved, Action::Deliver, Sent),
        ];
        for from in STATES {
            for action in ACTIONS {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(next(from, action), expected, "{from:?} --{action:?}-->");
            }
        }
    }

    #[test]
    fn a_submitted_report_is_locked_until_someone_decides() {
        assert!(next(Submitted, Action::Edit).is_none());
        assert!(next(Submitted, Action::Submit).is_none());
        let refused = step(Submitted, Action::Edit).unwrap_err();
        assert!(matches!(
            refused,
            ApiError::InvalidTransition {
                action: "edit",
                from: "submitted"
            }
        ));
    }

    #[test]
    fn only_a_published_submission_reopens_on_edit() {
        let reopening: Vec<_> = STATES.into_iter().filter(|s| reopens(*s)).collect();
        assert_eq!(reopening, vec![Approved, Sent]);
    }

    #[test]
    fn nobody_decides_on_their_own_submission() {
        assert!(!may_decide(Some(7), Some(7)));
        assert!(may_decide(Some(7), Some(8)));
        assert!(may_decide(None, Some(8)));
        assert!(may_decide(Some(7), None), "a system step");
    }
}
