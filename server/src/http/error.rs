//! The API's error type: every failure maps to a status and a bilingual message.
//!
//! Internal causes (SQL errors, I/O) are logged with their detail and answered with a generic
//! message: a client never sees a query, a path or a stack.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ioc_protocol::i18n::Msg;
use ioc_protocol::{ApiErrorBody, ApiErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("content type is not JSON")]
    NotJson,
    #[error("invalid body: {0}")]
    InvalidBody(String),
    #[error("request body too large")]
    BodyTooLarge,
    #[error("empty batch")]
    EmptyBatch,
    #[error("batch of {count} points exceeds {max}")]
    BatchTooLarge { count: usize, max: usize },
    #[error("unknown series: {0:?}")]
    UnknownSeries(Vec<String>),
    #[error("unknown units: {0:?}")]
    UnknownUnit(Vec<String>),
    #[error("point {index}: {msg:?} ({detail})")]
    InvalidPoint {
        index: usize,
        msg: Msg,
        detail: String,
    },
    #[error("missing bearer token")]
    MissingToken,
    #[error("bad bearer token")]
    BadToken,
    #[error("login required")]
    LoginRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("not allowed to write for units {0:?}")]
    ForbiddenUnits(Vec<String>),
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account locked")]
    AccountLocked,
    /// Too many attempts; the client may try again after this many seconds (`Retry-After`).
    #[error("too many attempts (retry after {0} s)")]
    TooManyAttempts(u64),
    #[error("CSRF check failed")]
    CsrfFailed,
    #[error("password too weak")]
    WeakPassword,
    #[error("not found")]
    NotFound,
    #[error("entry checks failed: {0:?}")]
    CheckFailed(Vec<ioc_protocol::Finding>),
    #[error("warnings without a note: {0:?}")]
    WarningNeedsNote(Vec<ioc_protocol::Finding>),
    #[error("invalid period {0:?}")]
    InvalidPeriod(String),
    #[error("cannot {action} a report that is {from}")]
    InvalidTransition {
        action: &'static str,
        from: &'static str,
    },
    #[error("unsupported spreadsheet type")]
    UnsupportedSpreadsheet,
    #[error("a 422 with a message of the catalogue: {0:?} ({1})")]
    Unprocessable(Msg, String),
    /// A 422 whose message is written by the domain (both languages), e.g. a calendar day that
    /// cannot be: the catalogue's fixed texts cannot name the day and the rule it breaks.
    #[error("rejected ({code}): {en}")]
    Rejected {
        code: &'static str,
        vi: String,
        en: String,
    },
    /// An imported file with refused rows (nothing written): 422 `invalid_rows`, every row with
    /// its reason in the body's `rows`.
    #[error("{} invalid rows", .0.len())]
    InvalidRows(Vec<ioc_protocol::RowError>),
    /// A GeoJSON file with refused features (nothing written): 422 `invalid_features`, every
    /// feature with its index, its commune code and the reason in the body's `rows`.
    #[error("{} invalid features", .0.len())]
    InvalidFeatures(Vec<ioc_protocol::RowError>),
    #[error("too many connections")]
    TooManyConnections,
    /// A rejection of one of axum's extractors, keeping its status (400, 413, 415, 422…).
    #[error("rejected ({0}): {1}")]
    ExtractorRejected(StatusCode, String),
    #[error("database unavailable: {0}")]
    DatabaseUnavailable(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, Msg, Option<String>) {
        use ApiError::*;
        match self {
            MalformedJson(d) => (
                StatusCode::BAD_REQUEST,
                "malformed_json",
                Msg::MalformedJson,
                Some(d.clone()),
            ),
            NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                Msg::NotJson,
                None,
            ),
            InvalidBody(d) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                Msg::BadField,
                Some(d.clone()),
            ),
            BodyTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                Msg::BodyTooLarge,
                None,
            ),
            EmptyBatch => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "empty_batch",
                Msg::EmptyBatch,
                None,
            ),
            BatchTooLarge { count, max } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "batch_too_large",
                Msg::BatchTooLarge,
                Some(format!("{count} > {max}")),
            ),
            UnknownSeries(codes) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_series",
                Msg::UnknownSeries,
                Some(codes.join(", ")),
            ),
            UnknownUnit(codes) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_unit",
                Msg::UnknownUnit,
                Some(codes.join(", ")),
            ),
            InvalidPoint { index, msg, detail } => {
                let code = match msg {
                    Msg::NonFiniteValue => "non_finite_value",
                    Msg::TimestampOutOfRange => "timestamp_out_of_range",
                    _ => "invalid_point",
                };
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    code,
                    *msg,
                    Some(format!("points[{index}]: {detail}")),
                )
            }
            MissingToken => (
                StatusCode::UNAUTHORIZED,
                "missing_token",
                Msg::MissingToken,
                None,
            ),
            LoginRequired => (
                StatusCode::UNAUTHORIZED,
                "login_required",
                Msg::LoginRequired,
                None,
            ),
            Forbidden => (StatusCode::FORBIDDEN, "forbidden", Msg::Forbidden, None),
            ForbiddenUnits(units) => (
                StatusCode::FORBIDDEN,
                "forbidden_unit",
                Msg::ForbiddenUnit,
                Some(units.join(", ")),
            ),
            InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                Msg::InvalidCredentials,
                None,
            ),
            AccountLocked => (
                StatusCode::FORBIDDEN,
                "account_locked",
                Msg::AccountLocked,
                None,
            ),
            TooManyAttempts(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                Msg::TooManyAttempts,
                None,
            ),
            CsrfFailed => (StatusCode::FORBIDDEN, "csrf_failed", Msg::CsrfFailed, None),
            WeakPassword => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "weak_password",
                Msg::WeakPassword,
                None,
            ),
            NotFound => (StatusCode::NOT_FOUND, "not_found", Msg::NotFound, None),
            CheckFailed(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "check_failed",
                Msg::CheckFailed,
                None,
            ),
            WarningNeedsNote(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "warning_needs_note",
                Msg::WarningNeedsNote,
                None,
            ),
            UnsupportedSpreadsheet => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                Msg::BadSpreadsheet,
                Some(
                    "text/csv | application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        .into(),
                ),
            ),
            InvalidPeriod(p) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_period",
                Msg::InvalidPeriod,
                Some(p.clone()),
            ),
            InvalidTransition { action, from } => (
                StatusCode::CONFLICT,
                "invalid_transition",
                Msg::InvalidTransition,
                Some(format!("{action} ← {from}")),
            ),
            Unprocessable(msg, detail) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                unprocessable_code(*msg),
                *msg,
                (!detail.is_empty()).then(|| detail.clone()),
            ),
            Rejected { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code, Msg::BadField, None),
            InvalidRows(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_rows",
                Msg::BadSpreadsheet,
                None,
            ),
            InvalidFeatures(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_features",
                Msg::BadField,
                None,
            ),
            BadToken => (StatusCode::UNAUTHORIZED, "bad_token", Msg::BadToken, None),
            TooManyConnections => (
                StatusCode::SERVICE_UNAVAILABLE,
                "too_many_connections",
                Msg::TooManyConnections,
                None,
            ),
            ExtractorRejected(status, detail) => {
                let (code, msg) = super::input::code_for(*status);
                (*status, code, msg, Some(detail.clone()))
            }
            DatabaseUnavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                Msg::DatabaseUnavailable,
                None,
            ),
            Database(e) if is_unavailable(e) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                Msg::DatabaseUnavailable,
                None,
            ),
            Database(_) | Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                Msg::Internal,
                None,
            ),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.parts().0
    }
}

/// Stable codes of the 422s that carry a catalogue message.
fn unprocessable_code(msg: Msg) -> &'static str {
    match msg {
        Msg::ReturnCommentRequired => "comment_required",
        Msg::EmptyEntries => "empty_entries",
        Msg::BadSpreadsheet => "bad_spreadsheet",
        Msg::DuplicateEntry => "duplicate_entry",
        Msg::NotReportingUnit => "not_reporting_unit",
        Msg::IndicatorNotReported => "indicator_not_reported",
        Msg::UnknownSeries => "unknown_series",
        Msg::UnknownUnit => "unknown_unit",
        Msg::NulCharacter => "nul_character",
        _ => "invalid_body",
    }
}

/// "3, 7, 12": which rows were refused, for the one-line message (the reasons are in `rows`).
/// A file refused on thousands of rows names the first 20 and how many there are.
fn row_list(rows: &[ioc_protocol::RowError]) -> String {
    const SHOWN: usize = 20;
    let mut numbers: Vec<u32> = rows.iter().map(|r| r.row).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let list: Vec<String> = numbers.iter().take(SHOWN).map(u32::to_string).collect();
    let more = numbers.len().saturating_sub(SHOWN);
    if more == 0 {
        list.join(", ")
    } else {
        format!("{}, … (+{more})", list.join(", "))
    }
}

fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    )
}

/// Builds the JSON error body for a message of the catalogue plus an optional detail.
pub fn error_body(code: &str, msg: Msg, detail: Option<&str>) -> ApiErrorBody {
    let with = |text: &str| match detail {
        Some(d) => format!("{text}: {d}"),
        None => text.to_string(),
    };
    ApiErrorBody {
        error: ApiErrorDetail {
            code: code.to_string(),
            message_vi: with(msg.vi()),
            message_en: with(msg.en()),
            findings: Vec::new(),
            rows: Vec::new(),
        },
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, msg, detail) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, "request rejected");
        }
        let mut body = error_body(code, msg, detail.as_deref());
        let retry_after = match &self {
            ApiError::TooManyAttempts(secs) => Some((*secs).max(1)),
            _ => None,
        };
        if let ApiError::Rejected { vi, en, .. } = &self {
            body.error.message_vi = vi.clone();
            body.error.message_en = en.clone();
        }
        match self {
            ApiError::CheckFailed(f) | ApiError::WarningNeedsNote(f) => body.error.findings = f,
            ApiError::InvalidRows(rows) => {
                let list = row_list(&rows);
                body.error.message_vi =
                    format!("Tệp có dòng không hợp lệ, chưa ghi dòng nào: dòng {list}");
                body.error.message_en =
                    format!("The file has invalid rows, nothing was written: row {list}");
                body.error.rows = rows;
            }
            ApiError::InvalidFeatures(rows) => {
                let list = row_list(&rows);
                body.error.message_vi =
                    format!("Tệp GeoJSON có đối tượng không hợp lệ, chưa ghi gì: features[{list}]");
                body.error.message_en = format!(
                    "The GeoJSON has invalid features, nothing was written: features[{list}]"
                );
                body.error.rows = rows;
            }
            _ => {}
        }
        let mut res = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        res
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::BodyTooLarge;
        }
        match r {
            JsonRejection::JsonSyntaxError(_) | JsonRejection::JsonDataError(_) => {
                let text = serde_text(&r.body_text());
                // serde_json reports 1e400 and the like as "number out of range": not a finite f64.
                if text.contains("number out of range") {
                    ApiError::InvalidPoint {
                        index: 0,
                        msg: Msg::NonFiniteValue,
                        detail: text,
                    }
                    .with_index_from_path()
                } else if matches!(r, JsonRejection::JsonSyntaxError(_)) {
                    ApiError::MalformedJson(text)
                } else {
                    ApiError::InvalidBody(text)
                }
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::NotJson,
            other => ApiError::MalformedJson(other.body_text()),
        }
    }
}

impl ApiError {
    /// serde paths look like `points[3].value: …`; keep the index for the message.
    fn with_index_from_path(self) -> Self {
        match self {
            ApiError::InvalidPoint { msg, detail, .. } => {
                let index = detail
                    .strip_prefix("points[")
                    .and_then(|r| r.split(']').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                ApiError::InvalidPoint { index, msg, detail }
            }
            other => other,
        }
    }
}

/// serde's message with its path and position, without axum's English preamble.
fn serde_text(body_text: &str) -> String {
    body_text
        .split_once(": ")
        .map(|(_, rest)| rest)
        .unwrap_or(body_text)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u32) -> ioc_protocol::RowError {
        ioc_protocol::RowError {
            row: n,
            code: "bad_days".into(),
            message_vi: String::new(),
            message_en: String::new(),
            key: None,
        }
    }

    #[test]
    fn the_message_names_the_refused_rows_once_and_at_most_twenty() {
        assert_eq!(row_list(&[row(7), row(3), row(7)]), "3, 7");
        let many: Vec<_> = (2..=101).map(row).collect();
        let text = row_list(&many);
        assert!(
            text.starts_with("2, 3, ") && text.ends_with("21, … (+80)"),
            "{text}"
        );
    }
}
