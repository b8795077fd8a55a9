//! A dossier's current state: the merge of its events, and its on-time outcome.
//!
//! Events carry the dossier as known at their status. The event with the highest sequence sets
//! the status and the fields it gives; a field it leaves out keeps its earlier value. An event
//! that arrives after a newer one (out of order) is kept in the history and only fills fields
//! still unknown. A sequence already applied is a duplicate: nothing changes.

use chrono::{DateTime, NaiveDate, Utc};
use ioc_protocol::{Channel, DossierFeedback, DossierStatus, Timeliness};
use serde_json::Value;

use super::event::{Event, ItemError};
use super::local_day;
use crate::calendar::Calendar;

/// What the catalogue says of a procedure, as the ingest needs it.
#[derive(Clone, Debug)]
pub struct ProcedureRef {
    pub processing_days: i32,
}

/// One row of `dossiers`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dossier {
    pub id: String,
    pub procedure: String,
    pub unit: String,
    pub commune: Option<String>,
    pub channel: Channel,
    pub status: DossierStatus,
    pub last_seq: i64,
    pub seen_seqs: Vec<i64>,
    pub status_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    pub current_due_date: Option<NaiveDate>,
    pub result_at: Option<DateTime<Utc>>,
    pub fee: Option<i64>,
    pub paid_online: bool,
    pub electronic_result: bool,
    pub digitised_components: bool,
    pub electronic_copies: bool,
    pub reused_data: bool,
    pub shared_for_reuse: bool,
    pub population_data: bool,
    pub synced_at: Option<DateTime<Utc>>,
    pub rating: Option<i16>,
    pub feedback: Option<DossierFeedback>,
    pub personal: Option<Value>,
    pub postponements: i16,
}

/// What applying an event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The newest event so far: it set the state.
    Newest,
    /// Older than the newest applied: kept, filled gaps only.
    OutOfOrder,
    /// Seen before.
    Duplicate,
}

impl Dossier {
    /// A dossier from its first event.
    pub fn new(e: &Event) -> Dossier {
        Dossier {
            id: e.dossier_id.clone(),
            procedure: e.procedure.clone(),
            unit: e.unit.clone(),
            commune: e.commune.clone(),
            channel: e.channel,
            status: e.status,
            last_seq: e.seq,
            status_at: e.event_at,
            ..Dossier::placeholder()
        }
    }

    /// A dossier with nothing known, to fill in with struct update syntax where only a few
    /// fields matter (a list row asking for its outcome).
    pub fn placeholder() -> Dossier {
        Dossier {
            id: String::new(),
            procedure: String::new(),
            unit: String::new(),
            commune: None,
            channel: Channel::InPerson,
            status: DossierStatus::Received,
            last_seq: 0,
            seen_seqs: Vec::new(),
            status_at: DateTime::<Utc>::MIN_UTC,
            received_at: None,
            due_date: None,
            current_due_date: None,
            result_at: None,
            fee: None,
            paid_online: false,
            electronic_result: false,
            digitised_components: false,
            electronic_copies: false,
            reused_data: false,
            shared_for_reuse: false,
            population_data: false,
            synced_at: None,
            rating: None,
            feedback: None,
            personal: None,
            postponements: 0,
        }
    }

    /// Applies `e` (already checked on its own) and checks the result: a merged dossier whose
    /// dates contradict each other is refused and `self` is left as it was.
    pub fn apply(
        &mut self,
        e: &Event,
        procedure: &ProcedureRef,
        calendar: &Calendar,
        keep_personal: bool,
    ) -> Result<Applied, ItemError> {
        if self.seen_seqs.contains(&e.seq) {
            return Ok(Applied::Duplicate);
        }
        let mut next = self.clone();
        let newest = next.seen_seqs.is_empty() || e.seq > next.last_seq;
        next.seen_seqs.push(e.seq);
        next.seen_seqs.sort_unstable();
        if newest {
            next.last_seq = e.seq;
            next.status = e.status;
            next.status_at = e.event_at;
            next.procedure = e.procedure.clone();
            next.unit = e.unit.clone();
            next.channel = e.channel;
            if e.commune.is_some() {
                next.commune = e.commune.clone();
            }
        }
        next.merge(e, newest, keep_personal);
        // Defaults the one-stop system may leave to us.
        if next.received_at.is_none() && next.status == DossierStatus::Received {
            next.received_at = Some(e.event_at);
        }
        if next.result_at.is_none() && next.status.is_finished() {
            next.result_at = Some(next.status_at);
        }
        if let (None, Some(received)) = (next.due_date, next.received_at) {
            next.due_date = Some(super::due_date(
                calendar,
                received,
                procedure.processing_days,
            ));
        }
        if next.current_due_date.is_none() || next.postponements == 0 {
            next.current_due_date = next.due_date;
        }
        next.check()?;
        *self = next;
        Ok(if newest {
            Applied::Newest
        } else {
            Applied::OutOfOrder
        })
    }

    /// Takes the fields `e` gives: all of them from the newest event, only the unknown ones
    /// from an older event.
    fn merge(&mut self, e: &Event, newest: bool, keep_personal: bool) {
        fn take<T: Clone>(slot: &mut Option<T>, v: &Option<T>, newest: bool) {
            if v.is_some() && (newest || slot.is_none()) {
                *slot = v.clone();
            }
        }
        fn flag(slot: &mut bool, v: Option<bool>, newest: bool) {
            match v {
                Some(v) if newest => *slot = v,
                Some(true) => *slot = true,
                _ => {}
            }
        }
        take(&mut self.received_at, &e.received_at, newest);
        take(&mut self.due_date, &e.due_date, newest);
        take(&mut self.result_at, &e.result_at, newest);
        take(&mut self.fee, &e.fee, newest);
        take(&mut self.synced_at, &e.synced_at, newest);
        take(&mut self.rating, &e.rating, newest);
        take(&mut self.feedback, &e.feedback, newest);
        flag(&mut self.paid_online, e.paid_online, newest);
        flag(&mut self.electronic_result, e.electronic_result, newest);
        flag(
            &mut self.digitised_components,
            e.digitised_components,
            newest,
        );
        flag(&mut self.electronic_copies, e.electronic_copies, newest);
        flag(&mut self.reused_data, e.reused_data, newest);
        flag(&mut self.shared_for_reuse, e.shared_for_reuse, newest);
        flag(&mut self.population_data, e.population_data, newest);
        if keep_personal {
            take(&mut self.personal, &e.applicant, newest);
        }
    }

    fn check(&self) -> Result<(), ItemError> {
        let needs_receipt = self.status.was_received() && self.status != DossierStatus::Withdrawn;
        match self.received_at {
            None if needs_receipt => Err(ItemError::ReceiptUnknown),
            Some(r) if self.result_at.is_some_and(|x| x < r) => Err(ItemError::ResultBeforeReceipt),
            Some(r) if self.due_date.is_some_and(|d| d < local_day(r)) => {
                Err(ItemError::DueBeforeReceipt)
            }
            _ => Ok(()),
        }
    }

    /// Early, on time, late, in time, overdue or paused, and by how many working days late.
    ///
    /// The return date counts as the law counts a deadline: one that falls on a day off moves
    /// to the next working day (Civil Code art. 148). A result before the return date is early,
    /// on it (or on the days off it moved across) on time, after it late. An apology slip gives
    /// a new date to the citizen but does not make a late dossier on time: lateness is measured
    /// against the first promised date, and the slip is what the Decree asks for.
    pub fn timeliness(&self, calendar: &Calendar, today: NaiveDate) -> (Timeliness, i64) {
        let Some(due) = self.due_date else {
            return (Timeliness::None, 0);
        };
        let effective = calendar.next_working_day(due);
        if self.status.is_finished() {
            let done = local_day(self.result_at.unwrap_or(self.status_at));
            return if done < due {
                (Timeliness::Early, 0)
            } else if done <= effective {
                (Timeliness::OnTime, 0)
            } else {
                (
                    Timeliness::Late,
                    calendar.working_days_between(effective, done).max(1),
                )
            };
        }
        if !self.status.is_open() {
            return (Timeliness::None, 0);
        }
        if self.status.is_paused() {
            return (Timeliness::Paused, 0);
        }
        if today > effective {
            (
                Timeliness::Overdue,
                calendar.working_days_between(effective, today).max(1),
            )
        } else {
            (Timeliness::InTime, 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, status: DossierStatus, at: &str) -> Event {
        Event {
            dossier_id: "D1".into(),
            seq,
            status,
            event_at: at.parse().unwrap(),
            procedure: "1.001193".into(),
            unit: "40001".into(),
            commune: None,
            channel: Channel::InPerson,
            received_at: None,
            due_date: None,
            result_at: None,
            fee: None,
            paid_online: None,
            electronic_result: None,
            digitised_components: None,
            electronic_copies: None,
            reused_data: None,
            shared_for_reuse: None,
            population_data: None,
            synced_at: None,
            rating: None,
            feedback: None,
            applicant: None,
        }
    }

    const THREE_DAYS: ProcedureRef = ProcedureRef { processing_days: 3 };

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_due_date_is_counted_in_working_days_from_receipt() {
        // Received Thursday 31 December 2026 (local): three working days later skips
        // 1 January (New Year) and the weekend: Monday 4, Tuesday 5, Wednesday 6 January 2027.
        let cal = Calendar::default();
        let first = event(1, DossierStatus::Received, "2026-12-31T02:00:00Z");
        let mut d = Dossier::new(&first);
        d.apply(&first, &THREE_DAYS, &cal, false).unwrap();
        assert_eq!(d.due_date, Some(day("2027-01-06")));
        assert_eq!(d.received_at, Some(first.event_at));
    }

    #[test]
    fn duplicates_and_out_of_order_events() {
        let cal = Calendar::default();
        let received = event(1, DossierStatus::Received, "2026-12-01T02:00:00Z");
        let mut processing = event(2, DossierStatus::Processing, "2026-12-01T05:00:00Z");
        processing.digitised_components = Some(true);
        let mut done = event(3, DossierStatus::Processed, "2026-12-02T05:00:00Z");
        done.electronic_result = Some(true);
        let mut d = Dossier::new(&done);
        // The result arrives first, without a receipt time: refused, nothing changes.
        assert_eq!(
            d.clone().apply(&done, &THREE_DAYS, &cal, false),
            Err(ItemError::ReceiptUnknown)
        );
        assert_eq!(
            d.apply(&received, &THREE_DAYS, &cal, false),
            Ok(Applied::Newest)
        );
        assert_eq!(
            d.apply(&done, &THREE_DAYS, &cal, false),
            Ok(Applied::Newest)
        );
        assert_eq!(
            d.apply(&processing, &THREE_DAYS, &cal, false),
            Ok(Applied::OutOfOrder)
        );
        assert_eq!(
            d.apply(&processing, &THREE_DAYS, &cal, false),
            Ok(Applied::Duplicate)
        );
        assert_eq!(
            d.status,
            DossierStatus::Processed,
            "the older event does not win"
        );
        assert!(
            d.digitised_components,
            "but it fills what the newer one left out"
        );
        assert!(d.electronic_result);
        assert_eq!(d.seen_seqs, vec![1, 2, 3]);
        assert_eq!(d.result_at, Some(done.event_at));
    }

    #[test]
    fn outcomes_follow_the_calendar() {
        let cal = Calendar::default();
        let mut received = event(1, DossierStatus::Received, "2026-12-01T02:00:00Z");
        // Due Saturday 5 December: the deadline moves to Monday 7 December.
        received.due_date = Some(day("2026-12-05"));
        let mut d = Dossier::new(&received);
        d.apply(&received, &THREE_DAYS, &cal, false).unwrap();
        assert_eq!(
            d.timeliness(&cal, day("2026-12-04")),
            (Timeliness::InTime, 0)
        );
        assert_eq!(
            d.timeliness(&cal, day("2026-12-07")),
            (Timeliness::InTime, 0)
        );
        assert_eq!(
            d.timeliness(&cal, day("2026-12-08")),
            (Timeliness::Overdue, 1)
        );
        assert_eq!(
            d.timeliness(&cal, day("2026-12-14")),
            (Timeliness::Overdue, 5)
        );
        let finish = |at: &str| {
            let mut f = d.clone();
            f.apply(
                &event(9, DossierStatus::Processed, at),
                &THREE_DAYS,
                &cal,
                false,
            )
            .unwrap();
            f.timeliness(&cal, day("2026-12-20"))
        };
        assert_eq!(finish("2026-12-04T03:00:00Z"), (Timeliness::Early, 0));
        assert_eq!(finish("2026-12-07T03:00:00Z"), (Timeliness::OnTime, 0));
        assert_eq!(finish("2026-12-09T03:00:00Z"), (Timeliness::Late, 2));
        let mut paused = d.clone();
        paused
            .apply(
                &event(
                    5,
                    DossierStatus::SupplementRequested,
                    "2026-12-02T03:00:00Z",
                ),
                &THREE_DAYS,
                &cal,
                false,
            )
            .unwrap();
        assert_eq!(
            paused.timeliness(&cal, day("2026-12-20")),
            (Timeliness::Paused, 0)
        );
    }

    #[test]
    fn personal_data_is_dropped_unless_kept() {
        let cal = Calendar::default();
        let mut e = event(1, DossierStatus::Received, "2026-12-01T02:00:00Z");
        e.applicant =
            Some(serde_json::json!({"name": "Nguyễn Văn A", "id_number": "040123456789"}));
        let mut d = Dossier::new(&e);
        d.apply(&e, &THREE_DAYS, &cal, false).unwrap();
        assert_eq!(d.personal, None);
        let mut kept = Dossier::new(&e);
        kept.apply(&e, &THREE_DAYS, &cal, true).unwrap();
        assert!(kept.personal.is_some());
    }
}
