//! Wall screens (issue 12, part 4): a named screen (`main`, `lobby` …) that wall-display tokens
//! name, with its theme, rotation interval and ordered pages, kept on the server and edited by
//! an administrator; and what the running screens report back (presence).
//!
//! The configuration is followed live on the topic `screen/{code}` (every publication is the
//! whole configuration, its offset the screen's version), the presence of every screen on
//! `screen-presence` (administrators).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Shortest and longest time a page stays on screen, in seconds.
pub const SCREEN_INTERVAL_MIN_S: u32 = 5;
pub const SCREEN_INTERVAL_MAX_S: u32 = 3600;
/// Most pages one screen rotates through.
pub const SCREEN_MAX_PAGES: usize = 20;
/// A screen reports its page at least this often (and on every page change), so the operator
/// page can tell a silent one.
pub const PRESENCE_EVERY_S: u32 = 20;
/// A screen whose last report is older than this is shown as offline.
pub const PRESENCE_ONLINE_S: i64 = 60;

/// The topic a screen's configuration is published on.
pub fn screen_topic(code: &str) -> String {
    format!("screen/{code}")
}

/// The topic of the running screens' presence (administrators).
pub const PRESENCE_TOPIC: &str = "screen-presence";

/// Colours of a screen: dark for a video wall in a dim room, light for a bright lobby.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScreenTheme {
    #[default]
    Dark,
    Light,
}

impl ScreenTheme {
    pub fn as_str(self) -> &'static str {
        match self {
            ScreenTheme::Dark => "dark",
            ScreenTheme::Light => "light",
        }
    }
}

/// What a page of a rotation shows. New kinds of page (the tasks of issue 13) are new variants;
/// a screen stored with a kind this build does not know fails to decode loudly.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// The indicator wall (`/wall`).
    Indicators,
    /// The province's dossier wall (`/wall/dossiers`).
    DossierProvince,
    /// A department's or commune's dossier board (`/wall/dossiers/{unit}`); needs `unit`.
    DossierUnit,
    /// What is late and who owns it (`/wall/tasks`): tasks and reports, a screenful at a time.
    Tasks,
}

impl PageKind {
    pub const ALL: [PageKind; 4] = [
        PageKind::Indicators,
        PageKind::DossierProvince,
        PageKind::DossierUnit,
        PageKind::Tasks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Indicators => "indicators",
            PageKind::DossierProvince => "dossier_province",
            PageKind::DossierUnit => "dossier_unit",
            PageKind::Tasks => "tasks",
        }
    }

    pub fn parse(s: &str) -> Option<PageKind> {
        PageKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the page is about one unit (and needs its code).
    pub fn needs_unit(self) -> bool {
        matches!(self, PageKind::DossierUnit)
    }
}

/// One page of a rotation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreenPage {
    pub kind: PageKind,
    /// The unit of a unit's page (`dossier_unit`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Seconds this page stays, instead of the screen's interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<u32>,
}

/// Body of `PUT /api/v1/screens/{code}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreenInput {
    pub name: String,
    #[serde(default)]
    pub theme: ScreenTheme,
    /// Seconds each page stays unless it says otherwise (5 to 3600).
    pub interval_s: u32,
    pub pages: Vec<ScreenPage>,
}

/// Body of `POST /api/v1/screens`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewScreen {
    /// What device tokens name (`main`, `lobby`): lower-case letters, digits and dashes.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub theme: ScreenTheme,
    pub interval_s: u32,
    pub pages: Vec<ScreenPage>,
}

impl NewScreen {
    pub fn input(&self) -> ScreenInput {
        ScreenInput {
            name: self.name.clone(),
            theme: self.theme,
            interval_s: self.interval_s,
            pages: self.pages.clone(),
        }
    }
}

/// A screen as stored, and as published on `screen/{code}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ScreenView {
    pub code: String,
    pub name: String,
    pub theme: ScreenTheme,
    pub interval_s: u32,
    pub pages: Vec<ScreenPage>,
    /// Incremented by every change (the offset of its topic).
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    /// The province whose walls the pages show (the server's `--province`).
    pub province: String,
}

impl ScreenView {
    /// Seconds page `i` stays on screen.
    pub fn duration_of(&self, i: usize) -> u32 {
        self.pages
            .get(i)
            .and_then(|p| p.duration_s)
            .unwrap_or(self.interval_s)
            .clamp(SCREEN_INTERVAL_MIN_S, SCREEN_INTERVAL_MAX_S)
    }
}

/// Body of `POST /api/v1/screens/{code}/presence`: the page a running screen shows.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PresenceReport {
    /// Index of the page in the rotation.
    pub page: u32,
    pub kind: PageKind,
    #[serde(default)]
    pub unit: Option<String>,
}

/// One running device of a screen, as its last report said.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ScreenPresence {
    pub screen: String,
    /// The device token's name (`Phòng họp tầng 2`) and prefix.
    pub device: String,
    pub device_prefix: String,
    pub page: u32,
    pub kind: PageKind,
    #[serde(default)]
    pub unit: Option<String>,
    pub last_contact: DateTime<Utc>,
}

/// The payload of `screen-presence`: every running device's last report. (A struct, not a bare
/// list: publications are internally tagged by `kind`, which a sequence cannot carry.)
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PresenceList {
    pub devices: Vec<ScreenPresence>,
}
