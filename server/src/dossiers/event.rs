//! Reading one item of a batch: parse, check what can be checked without the database, and say
//! why not in both languages. The reference checks (procedure, unit, scope) and the checks of the
//! merged dossier come after, in [`super::ingest`], with the same error type.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ioc_protocol::{ApiErrorDetail, Channel, DossierEvent, DossierFeedback, DossierStatus};
use serde_json::value::RawValue;
use serde_json::Value;

use super::local_day;

/// A one-stop system's clock may run a little ahead of ours.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// The earliest event accepted: the history the province keeps starts in 2019.
fn earliest() -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(
        NaiveDate::from_ymd_opt(2019, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default(),
        Utc,
    )
}

/// Why an item was refused. Each item of a batch gets its own answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ItemError {
    #[error("not a dossier event: {0}")]
    Malformed(String),
    #[error("bad dossier id {0:?}")]
    BadId(String),
    #[error("negative sequence {0}")]
    BadSeq(i64),
    #[error("unknown status {0}")]
    UnknownStatus(i64),
    #[error("unknown channel {0}")]
    UnknownChannel(i64),
    #[error("event time {0} is in the future")]
    FutureEvent(DateTime<Utc>),
    #[error("event time {0} is before 2019")]
    TooOld(DateTime<Utc>),
    #[error("received after the event")]
    ReceivedAfterEvent,
    #[error("result before receipt")]
    ResultBeforeReceipt,
    #[error("promised date before receipt")]
    DueBeforeReceipt,
    #[error("no receipt time for a received dossier")]
    ReceiptUnknown,
    #[error("rating {0} is not 1–5")]
    BadRating(i64),
    #[error("negative fee")]
    NegativeFee,
    #[error("feedback answered before it was received")]
    FeedbackDates,
    #[error("unknown procedure {0:?}")]
    UnknownProcedure(String),
    #[error("unknown unit {0:?}")]
    UnknownUnit(String),
    #[error("unknown commune {0:?}")]
    UnknownCommune(String),
    #[error("procedure {procedure} is not handled by {unit}")]
    WrongUnit { procedure: String, unit: String },
    #[error("not allowed to send for {0}")]
    OutsideScope(String),
    #[error("over the batch limit of {0} items")]
    BatchLimit(usize),
    #[error("a NUL character")]
    NulCharacter,
}

impl ItemError {
    pub fn detail(&self) -> ApiErrorDetail {
        let (code, vi, en) = self.messages();
        ApiErrorDetail {
            code: code.to_string(),
            message_vi: vi,
            message_en: en,
            findings: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn messages(&self) -> (&'static str, String, String) {
        use ItemError::*;
        match self {
            Malformed(e) => (
                "malformed_event",
                format!("Không đọc được sự kiện hồ sơ: {e}"),
                format!("Not a dossier event: {e}"),
            ),
            BadId(id) => (
                "bad_dossier_id",
                format!("Mã hồ sơ {id:?} không hợp lệ (1–64 ký tự chữ, số, . _ - / :)"),
                format!("Dossier id {id:?} is invalid (1–64 letters, digits, . _ - / :)"),
            ),
            BadSeq(s) => (
                "bad_seq",
                format!("Số thứ tự sự kiện {s} không được âm"),
                format!("Event sequence {s} must not be negative"),
            ),
            UnknownStatus(s) => (
                "unknown_status",
                format!("Mã trạng thái {s} không tồn tại (1–10)"),
                format!("Status code {s} does not exist (1–10)"),
            ),
            UnknownChannel(c) => (
                "unknown_channel",
                format!("Kênh nộp {c} không tồn tại (1 trực tiếp, 2 trực tuyến, 3 bưu chính)"),
                format!("Channel {c} does not exist (1 in person, 2 online, 3 postal)"),
            ),
            FutureEvent(t) => (
                "future_event",
                format!("Thời điểm sự kiện {t} nằm ở tương lai"),
                format!("Event time {t} is in the future"),
            ),
            TooOld(t) => (
                "event_too_old",
                format!("Thời điểm sự kiện {t} trước năm 2019"),
                format!("Event time {t} is before 2019"),
            ),
            ReceivedAfterEvent => (
                "received_after_event",
                "Thời điểm tiếp nhận sau thời điểm sự kiện".into(),
                "The receipt time is after the event time".into(),
            ),
            ResultBeforeReceipt => (
                "result_before_receipt",
                "Thời điểm có kết quả trước thời điểm tiếp nhận".into(),
                "The result time is before the receipt time".into(),
            ),
            DueBeforeReceipt => (
                "due_before_receipt",
                "Ngày hẹn trả trước ngày tiếp nhận".into(),
                "The promised return date is before the receipt date".into(),
            ),
            ReceiptUnknown => (
                "receipt_unknown",
                "Hồ sơ đã tiếp nhận nhưng thiếu thời điểm tiếp nhận (received_at)".into(),
                "A received dossier needs its receipt time (received_at)".into(),
            ),
            BadRating(r) => (
                "bad_rating",
                format!("Mức đánh giá {r} phải từ 1 đến 5"),
                format!("Rating {r} must be 1 to 5"),
            ),
            NegativeFee => (
                "negative_fee",
                "Phí, lệ phí không được âm".into(),
                "Fees must not be negative".into(),
            ),
            FeedbackDates => (
                "feedback_dates",
                "Phản ánh được xử lý hoặc hết hạn trước khi tiếp nhận".into(),
                "Feedback handled or due before it was received".into(),
            ),
            UnknownProcedure(p) => (
                "unknown_procedure",
                format!("Thủ tục {p:?} không có trong danh mục (hoặc đã ngừng)"),
                format!("Procedure {p:?} is not in the catalogue (or no longer active)"),
            ),
            UnknownUnit(u) => (
                "unknown_unit",
                format!("Đơn vị {u:?} không phải sở, ngành hoặc xã, phường đang hoạt động"),
                format!("Unit {u:?} is not an active department or commune"),
            ),
            UnknownCommune(u) => (
                "unknown_commune",
                format!("Xã, phường {u:?} không tồn tại"),
                format!("Commune {u:?} does not exist"),
            ),
            WrongUnit { procedure, unit } => (
                "wrong_unit",
                format!("Thủ tục {procedure} không do đơn vị {unit} giải quyết"),
                format!("Procedure {procedure} is not handled by {unit}"),
            ),
            OutsideScope(u) => (
                "outside_scope",
                format!("Mã truy cập không được gửi hồ sơ của đơn vị {u}"),
                format!("This token may not send dossiers of unit {u}"),
            ),
            NulCharacter => (
                "nul_character",
                "Sự kiện chứa ký tự NUL (\\u0000), không lưu được".into(),
                "The event holds a NUL character (\\u0000), which cannot be stored".into(),
            ),
            BatchLimit(n) => (
                "batch_limit",
                format!("Vượt giới hạn {n} sự kiện một lô: gửi lại trong lô sau"),
                format!("Over the limit of {n} events per batch: send it again in another batch"),
            ),
        }
    }
}

/// An event that passed the checks of its own fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub dossier_id: String,
    pub seq: i64,
    pub status: DossierStatus,
    pub event_at: DateTime<Utc>,
    pub procedure: String,
    pub unit: String,
    pub commune: Option<String>,
    pub channel: Channel,
    pub received_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    pub result_at: Option<DateTime<Utc>>,
    pub fee: Option<i64>,
    pub paid_online: Option<bool>,
    pub electronic_result: Option<bool>,
    pub digitised_components: Option<bool>,
    pub electronic_copies: Option<bool>,
    pub reused_data: Option<bool>,
    pub shared_for_reuse: Option<bool>,
    pub population_data: Option<bool>,
    pub synced_at: Option<DateTime<Utc>>,
    pub rating: Option<i16>,
    pub feedback: Option<DossierFeedback>,
    pub applicant: Option<Value>,
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/:".contains(&b))
}

/// Reads one item, as sent (the text of one element of the batch's `events`). Returns the event
/// and the text to keep in the history: the item as sent, or, when it carries personal data the
/// server does not keep, the item without it. The dossier id is returned with an error when it
/// could be read, so the answer names the dossier.
pub fn read(
    item: &RawValue,
    now: DateTime<Utc>,
    keep_personal: bool,
) -> Result<(Event, String), (Option<String>, ItemError)> {
    let text = item.get();
    let id_hint = || {
        #[derive(serde::Deserialize)]
        struct Hint {
            dossier_id: Option<String>,
        }
        serde_json::from_str::<Hint>(text)
            .ok()
            .and_then(|h| h.dossier_id)
            .filter(|id| !id.contains('\0'))
    };
    // The route's body is not inspected at the edge (see `http::input`): a NUL is refused here,
    // for this item only. Valid JSON holds a NUL only as an escape; the exact check runs only
    // when the text has one.
    if text.contains("\\u0000")
        && serde_json::from_str::<Value>(text).is_ok_and(|v| crate::http::input::json_has_nul(&v))
    {
        return Err((id_hint(), ItemError::NulCharacter));
    }
    let mut e: DossierEvent =
        serde_json::from_str(text).map_err(|e| (id_hint(), ItemError::Malformed(e.to_string())))?;
    let body = if e.applicant.is_some() && !keep_personal {
        e.applicant = None;
        serde_json::to_string(&e)
            .map_err(|err| (id_hint(), ItemError::Malformed(err.to_string())))?
    } else {
        text.to_string()
    };
    let id = Some(e.dossier_id.clone());
    check(e, now).map(|e| (e, body)).map_err(|err| (id, err))
}

fn check(e: DossierEvent, now: DateTime<Utc>) -> Result<Event, ItemError> {
    if !valid_id(&e.dossier_id) {
        return Err(ItemError::BadId(e.dossier_id));
    }
    if e.seq < 0 {
        return Err(ItemError::BadSeq(e.seq));
    }
    let status = DossierStatus::from_code(e.status).ok_or(ItemError::UnknownStatus(e.status))?;
    let channel = Channel::from_code(e.channel).ok_or(ItemError::UnknownChannel(e.channel))?;
    if e.event_at > now + CLOCK_SKEW {
        return Err(ItemError::FutureEvent(e.event_at));
    }
    if e.event_at < earliest() {
        return Err(ItemError::TooOld(e.event_at));
    }
    if let Some(received) = e.received_at {
        if received > e.event_at + CLOCK_SKEW {
            return Err(ItemError::ReceivedAfterEvent);
        }
        if e.result_at.is_some_and(|r| r < received) {
            return Err(ItemError::ResultBeforeReceipt);
        }
        if e.due_date.is_some_and(|d| d < local_day(received)) {
            return Err(ItemError::DueBeforeReceipt);
        }
    }
    if e.result_at.is_some_and(|r| r > now + CLOCK_SKEW) {
        return Err(ItemError::FutureEvent(e.result_at.unwrap_or(now)));
    }
    let rating = match e.rating {
        None => None,
        Some(r @ 1..=5) => Some(r as i16),
        Some(r) => return Err(ItemError::BadRating(r)),
    };
    if e.fee.is_some_and(|f| f < 0) {
        return Err(ItemError::NegativeFee);
    }
    if let Some(f) = &e.feedback {
        if f.due_at < f.received_at || f.handled_at.is_some_and(|h| h < f.received_at) {
            return Err(ItemError::FeedbackDates);
        }
    }
    Ok(Event {
        dossier_id: e.dossier_id,
        seq: e.seq,
        status,
        event_at: e.event_at,
        procedure: e.procedure,
        unit: e.unit,
        commune: e.commune.filter(|c| !c.is_empty()),
        channel,
        received_at: e.received_at,
        due_date: e.due_date,
        result_at: e.result_at,
        fee: e.fee,
        paid_online: e.paid_online,
        electronic_result: e.electronic_result,
        digitised_components: e.digitised_components,
        electronic_copies: e.electronic_copies,
        reused_data: e.reused_data,
        shared_for_reuse: e.shared_for_reuse,
        population_data: e.population_data,
        synced_at: e.synced_at,
        rating,
        feedback: e.feedback,
        applicant: e.applicant,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-12-03T03:00:00Z".parse().unwrap()
    }

    fn item() -> Value {
        json!({
            "dossier_id": "000.00.17.H40-261201-0001", "seq": 1, "status": 2,
            "event_at": "2026-12-01T02:00:00Z", "procedure": "1.001193", "unit": "40001",
            "channel": 2, "received_at": "2026-12-01T02:00:00Z", "due_date": "2026-12-04"
        })
    }

    fn with(field: &str, v: Value) -> Value {
        let mut i = item();
        i[field] = v;
        i
    }

    fn raw(v: &Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(v).unwrap()
    }

    fn error(v: Value) -> ItemError {
        read(&raw(&v), now(), false).unwrap_err().1
    }

    #[test]
    fn a_good_event_reads() {
        let (e, body) = read(&raw(&item()), now(), false).unwrap();
        assert!(body.contains("000.00.17.H40-261201-0001"));
        assert_eq!(e.status, DossierStatus::Received);
        assert_eq!(e.channel, Channel::Online);
    }

    #[test]
    fn bad_fields_are_named() {
        assert_eq!(
            error(with("status", json!(11))),
            ItemError::UnknownStatus(11)
        );
        assert_eq!(
            error(with("channel", json!(0))),
            ItemError::UnknownChannel(0)
        );
        assert_eq!(error(with("rating", json!(6))), ItemError::BadRating(6));
        assert_eq!(error(with("seq", json!(-1))), ItemError::BadSeq(-1));
        assert!(matches!(
            error(with("dossier_id", json!("a b"))),
            ItemError::BadId(_)
        ));
        assert!(matches!(
            error(with("event_at", json!("2027-01-01T00:00:00Z"))),
            ItemError::FutureEvent(_)
        ));
        assert!(matches!(
            error(with("event_at", json!("yesterday"))),
            ItemError::Malformed(_)
        ));
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(
            error(with("result_at", json!("2026-11-30T00:00:00Z"))),
            ItemError::ResultBeforeReceipt
        );
        assert_eq!(
            error(with("due_date", json!("2026-11-30"))),
            ItemError::DueBeforeReceipt
        );
        // Received at 01:30 UTC on 1 December is 08:30 on 1 December in Vietnam: a due date of
        // 1 December is possible (handled the same day); 30 November is not.
        let mut i = with("received_at", json!("2026-11-30T18:30:00Z"));
        i["due_date"] = json!("2026-12-01");
        assert!(read(&raw(&i), now(), false).is_ok());
    }

    #[test]
    fn personal_data_leaves_the_kept_text_unless_kept() {
        let sent = with("applicant", json!({"name": "Nguyễn Văn A"}));
        let (_, body) = read(&raw(&sent), now(), false).unwrap();
        assert!(!body.contains("Nguyễn") && !body.contains("applicant"));
        let (_, kept) = read(&raw(&sent), now(), true).unwrap();
        assert!(kept.contains("Nguyễn"));
        // A backslash before "u0000" is not a NUL.
        assert!(read(
            &raw(&with("procedure", json!("1.001193\\u0000"))),
            now(),
            false
        )
        .is_ok());
    }

    #[test]
    fn a_nul_character_refuses_the_item() {
        assert_eq!(
            error(with("unit", json!("40\u{0}01"))),
            ItemError::NulCharacter
        );
    }

    #[test]
    fn a_malformed_item_keeps_its_id_in_the_answer() {
        let (id, _) = read(&raw(&with("seq", json!("one"))), now(), false).unwrap_err();
        assert_eq!(id.as_deref(), Some("000.00.17.H40-261201-0001"));
    }
}
