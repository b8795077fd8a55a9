//! `ioc-protocol`: the wire protocol of the IOC — every JSON body of the HTTP API, every
//! WebSocket frame, the topics, the language and the bilingual text catalogue.
//!
//! Both the server and the browser bundle depend on this crate (and on nothing of each other's),
//! so a change to a frame is a compile error on both sides instead of a silent mismatch on the
//! wall. It depends only on serde and chrono; the `openapi` feature derives the OpenAPI schemas
//! (utoipa) for the server's document, and the `sqlx` feature lets the server decode the typed
//! text enums straight from PostgreSQL, so an unknown value in the database is a decode error
//! rather than a silent default. Live frames follow Centrifugo's model: a topic is a string, every
//! publication carries the stream's `epoch` and `offset`, a subscriber gets the latest state
//! first and can later ask for what it missed since a position it has seen.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

mod access;
mod calendar;
mod compare;
#[cfg(feature = "sqlx")]
mod db;
mod dossier_events;
mod dossier_office;
mod dossiers;
pub mod i18n;
mod indicators;
mod period;
mod regimes;
mod screens;
mod tasks;
mod unit_code;
pub use access::*;
pub use calendar::*;
pub use compare::*;
pub use dossier_events::*;
pub use dossier_office::*;
pub use dossiers::*;
pub use indicators::*;
pub use period::{NotAPeriod, Period};
pub use regimes::*;
pub use screens::*;
pub use tasks::*;
pub use unit_code::{NotAUnitCode, UnitCode};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Largest number of points accepted in one `POST /api/v1/points` batch.
pub const MAX_POINTS_PER_BATCH: usize = 1000;

/// One measurement of a series for an administrative unit, as sent by a machine client.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PointIn {
    /// Series code from the catalogue, e.g. `iip` or `retail_sales`.
    pub series: String,
    /// Statistical code of the unit (province `40`, commune `17329`).
    pub unit: String,
    /// Time the value refers to (RFC 3339).
    pub ts: DateTime<Utc>,
    /// The value; must be a finite number.
    pub value: f64,
}

/// Body of `POST /api/v1/points`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PointBatch {
    pub points: Vec<PointIn>,
}

/// Answer to an accepted batch: everything in it is committed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IngestReceipt {
    pub accepted: usize,
    /// The position of each stream touched by the batch after the commit.
    pub streams: Vec<StreamHead>,
}

/// Where a stream (one series for one unit) stands.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StreamHead {
    pub topic: String,
    pub epoch: String,
    pub offset: i64,
}

/// Every error of the API has this shape; the message is given in both languages.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiErrorDetail {
    /// Stable machine-readable code, e.g. `unknown_series`.
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    /// The entry checks' findings when figures were refused (`check_failed`, `warning_needs_note`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// The refused rows of an imported file (`invalid_rows`): every one, not only the first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
}

/// A value as shown live: the payload of publications on `indicator/{series}/{unit}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LivePoint {
    pub ts: DateTime<Utc>,
    pub value: f64,
    /// True when the value came from the built-in demo feed, not from a real source.
    pub demo: bool,
    /// For monthly figures (`ts` = the month's first instant, see [`period_ts`]): an estimate
    /// (ước) rather than the official figure.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
}

/// The typed payload of a publication. New feeds add variants here.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    Point(LivePoint),
    /// The whole deadline board of a period (stored topics `deadlines/{unit}`).
    Deadlines(DeadlineBoard),
    /// Live dossier counters and the 766 index of a unit (stored topics `dossiers/{unit}`).
    Dossiers(Box<DossierBoard>),
    /// A wall screen's whole configuration (topics `screen/{code}`; offset = its version).
    Screen(Box<ScreenView>),
    /// Every running screen's last report (topic `screen-presence`).
    ScreenPresence(PresenceList),
    /// The tasks of a unit (or of the province) that need attention (stored topics `tasks/{unit}`).
    Tasks(Box<TaskBoard>),
}

/// A position in a stream, remembered by the client to recover after a reconnect.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StreamPosition {
    pub epoch: String,
    pub offset: i64,
}

/// One update of a topic.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Publication {
    pub topic: String,
    pub epoch: String,
    pub offset: i64,
    pub data: Payload,
}

/// Frames a client sends over `/ws`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Start following a topic; with `since`, also ask for the publications after that position.
    Subscribe {
        topic: String,
        #[serde(default)]
        since: Option<StreamPosition>,
    },
    Unsubscribe {
        topic: String,
    },
    Ping,
}

/// Frames the server sends over `/ws`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Answer to `subscribe`: the latest state first (`state`, absent while the stream is
    /// empty), then every later publication arrives as a `publication` frame.
    /// `recovered` is true when `missed` holds every publication after the client's `since`;
    /// false means the client must take `state` as the truth (resync).
    Subscribed {
        topic: String,
        epoch: String,
        offset: i64,
        state: Option<Payload>,
        recovered: bool,
        missed: Vec<Publication>,
    },
    Publication(Publication),
    Unsubscribed {
        topic: String,
    },
    Error {
        topic: Option<String>,
        code: String,
        message_vi: String,
        message_en: String,
    },
    Pong,
    /// Several frames in one, in order: what the hub had queued for this connection when it
    /// flushed (coalescing). A client handles each as if it had come alone.
    Batch {
        frames: Vec<ServerFrame>,
    },
}

/// Initial state of the wall, rendered on the server and hydrated in the browser.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WallState {
    pub province_name: String,
    /// True while the demo feed is writing values: the wall must say so.
    pub demo_feed: bool,
    pub tiles: Vec<TileState>,
    /// Who is looking (a person or a wall display).
    pub viewer: Option<Viewer>,
    /// The province's deadline board as stored when the page was rendered, so the first HTML
    /// already lists late units; the live topic `deadlines/{province}` continues from here.
    #[serde(default)]
    pub deadlines: Option<BoardSnapshot>,
}

/// A stored board and its position on its topic.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BoardSnapshot {
    pub epoch: String,
    pub offset: i64,
    pub board: DeadlineBoard,
}

/// The person or device the wall is shown to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Viewer {
    pub name: String,
    /// For the sign-out form; `None` for wall displays, which do not sign out.
    pub csrf_token: Option<String>,
}

/// One tile: a series for a unit with its latest value.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TileState {
    pub topic: String,
    pub series: String,
    pub unit: String,
    pub name_vi: String,
    pub name_en: String,
    pub measure_vi: String,
    pub measure_en: String,
    pub decimals: u8,
    pub epoch: String,
    pub offset: i64,
    pub latest: Option<LivePoint>,
    /// The value before `latest`, to show the direction of change.
    pub previous: Option<f64>,
    /// The indicator behind the tile (aggregation, target, thresholds).
    pub indicator: IndicatorDef,
    /// The published months up to the latest, at most the last 25 (sparkline, same month last
    /// year, year to date). Live points of the topic update it by period.
    pub history: Vec<MonthFigure>,
}

/// Body of `POST /api/v1/auth/login`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A role held by the current user; `unit` for unit editors.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoleGrant {
    pub role: Role,
    pub unit: Option<String>,
}

/// The signed-in person (answer of login and of `GET /api/v1/me`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub unit: Option<String>,
    pub roles: Vec<RoleGrant>,
    /// Send back as `X-CSRF-Token` on every unsafe request made with the session cookie.
    pub csrf_token: String,
}

/// Body of `POST /api/v1/auth/password`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// Body of `POST /api/v1/admin/tokens`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    pub name: String,
    pub kind: TokenKind,
    pub unit: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Named screens a wall display may show.
    #[serde(default)]
    pub screens: Vec<String>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// An API token as listed (never with its secret).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub kind: TokenKind,
    pub prefix: String,
    pub unit: String,
    pub scopes: Vec<String>,
    pub screens: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Answer of token creation: the only time the plain token is shown.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreatedToken {
    pub token: String,
    pub info: TokenView,
}

/// Body of `POST /api/v1/admin/users`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    pub password: String,
    #[serde(default)]
    pub unit: Option<String>,
    /// Where e-mail reminders reach the person (unit editors: their unit's tasks); none when absent.
    #[serde(default)]
    pub email: Option<String>,
    pub roles: Vec<RoleGrant>,
}

/// Body of `PATCH /api/v1/admin/users/{id}`: only the fields given change.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[serde(default)]
    pub display_name: Option<String>,
    /// `Some(None)` is not expressible in JSON here; send `""` to clear the unit.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
    /// `""` removes the address.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub roles: Option<Vec<RoleGrant>>,
}

/// Body of `POST /api/v1/admin/users/{id}/password`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// A unit of the organisation (answer of `GET /api/v1/units` and of the admin unit APIs).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnitView {
    /// Statistical code ("40", "17329") or `dept-…` for departments.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `province`, `commune`, `department`, `historic_province`, `historic_district` or `historic_commune`.
    pub kind: String,
    /// The type as officially named: "xã", "phường", "sở", …
    pub subtype: Option<String>,
    pub parent_code: Option<String>,
    /// False for units that no longer exist (every historic unit) or were deactivated.
    pub active: bool,
    /// Listing order among siblings.
    pub sort_order: i32,
}

/// Body of `POST /api/v1/admin/units`: a new department or commune.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUnitRequest {
    /// `dept-…` (lower-case letters, digits, `-`) for a department, five digits for a commune.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `department` or `commune`.
    pub kind: String,
    /// The province (or, for a department, the department) it belongs to; the server's province
    /// when absent.
    #[serde(default)]
    pub parent_code: Option<String>,
    #[serde(default)]
    pub subtype: Option<String>,
}

/// Body of `PATCH /api/v1/admin/units/{code}`: only the fields given change.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitUpdate {
    #[serde(default)]
    pub name_vi: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
    /// Historic units cannot be made active.
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub parent_code: Option<String>,
    /// `""` clears it.
    #[serde(default)]
    pub subtype: Option<String>,
    #[serde(default)]
    pub sort_order: Option<i32>,
}

/// An account as listed by `GET /api/v1/admin/users`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: Option<String>,
    /// Where e-mail reminders reach the person.
    #[serde(default)]
    pub email: Option<String>,
    pub disabled: bool,
    /// Set while the account is locked after failed logins.
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One element of `GET /api/v1/admin/users` (and the answer of user creation and update).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UserEntry {
    pub user: UserView,
    pub roles: Vec<RoleGrant>,
}

/// The outgoing e-mail queue (`GET /api/v1/mail/status`; `/readyz` without the error text).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MailStatus {
    /// Whether an SMTP server is configured (`--smtp-url`); without one nothing is queued.
    pub configured: bool,
    /// Mails queued and not sent yet (waiting for their next attempt included).
    pub unsent: i64,
    /// Mails given up on: refused for good by the SMTP server, or too many failed attempts.
    pub failed: i64,
    /// The error of the latest failed attempt among the mails not sent (administrators only: it
    /// may name an address).
    #[serde(default)]
    pub last_error: Option<String>,
    /// One line for operators: not configured, sending, or retrying.
    pub message_vi: String,
    pub message_en: String,
}

/// One entry of the audit trail (`GET /api/v1/admin/audit`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `user:<username>`, `token:<prefix>` or `system:<what>`.
    pub actor: String,
    pub ip: Option<String>,
    /// `create`, `update`, `revoke`, `login`, `login_failed`, `logout`, `password_reset`, `ingest`, …
    pub action: String,
    /// `unit`, `user`, `api_token`, …
    pub entity: String,
    pub entity_id: Option<String>,
    /// The entity before the change (absent for creations and events).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The entity after the change.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

/// The one rule for "latest value" of a stream, applied by the server's stream heads and by the
/// wall's tiles alike: a point replaces the latest one unless it is older (a backfilled point gets
/// an offset but does not change what is shown).
pub fn replaces_latest(ts: DateTime<Utc>, latest: Option<DateTime<Utc>>) -> bool {
    latest.is_none_or(|cur| ts >= cur)
}

/// Vietnam's offset from UTC (no daylight saving): periods begin at local midnight.
pub fn province_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

/// The instant a monthly period starts (its figures are points at this time on the live stream).
pub fn period_ts(period: NaiveDate) -> DateTime<Utc> {
    province_offset()
        .from_local_datetime(&period.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offsets are unambiguous")
        .with_timezone(&Utc)
}

/// The monthly period (its first day) an instant falls in, in province time.
pub fn ts_period(ts: DateTime<Utc>) -> NaiveDate {
    use chrono::Datelike;
    let local = ts.with_timezone(&province_offset()).date_naive();
    local.with_day(1).expect("day 1 exists")
}

/// Topic of the deadline board of a unit (the province's board lists every reporting unit).
pub fn deadlines_topic(unit: &str) -> String {
    format!("deadlines/{unit}")
}

/// Topic of the stream of one series for one unit.
pub fn indicator_topic(series: &str, unit: &str) -> String {
    format!("indicator/{series}/{unit}")
}

/// Splits `indicator/{series}/{unit}` into its parts.
pub fn parse_indicator_topic(topic: &str) -> Option<(&str, &str)> {
    let rest = topic.strip_prefix("indicator/")?;
    let (series, unit) = rest.split_once('/')?;
    (!series.is_empty() && !unit.is_empty() && !unit.contains('/')).then_some((series, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip() {
        let t = indicator_topic("iip", "40");
        assert_eq!(parse_indicator_topic(&t), Some(("iip", "40")));
        assert_eq!(parse_indicator_topic("indicator/iip"), None);
        assert_eq!(parse_indicator_topic("indicator/iip/40/x"), None);
        assert_eq!(parse_indicator_topic("dossiers/40"), None);
    }

    #[test]
    fn frames_are_tagged() {
        let f: ClientFrame =
            serde_json::from_str(r#"{"type":"subscribe","topic":"indicator/iip/40"}"#).unwrap();
        assert_eq!(
            f,
            ClientFrame::Subscribe {
                topic: "indicator/iip/40".into(),
                since: None
            }
        );
        let p = ServerFrame::Publication(Publication {
            topic: "t".into(),
            epoch: "e".into(),
            offset: 3,
            data: Payload::Point(LivePoint {
                ts: DateTime::UNIX_EPOCH,
                value: 1.5,
                demo: false,
                estimate: false,
            }),
        });
        let s = serde_json::to_string(&p).unwrap();
        assert!(s.contains(r#""type":"publication""#), "{s}");
        assert!(s.contains(r#""kind":"point""#), "{s}");
        assert_eq!(serde_json::from_str::<ServerFrame>(&s).unwrap(), p);
    }
}
