//! Who is asking: a person (session cookie), a machine (bearer token or wall-display device
//! cookie), or nobody. Every route and every live topic asks the principal before answering.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use ioc_protocol::{parse_indicator_topic, TokenKind};
use subtle::ConstantTimeEq;

use super::sessions;
use super::tokens::{self, TokenInfo, SCOPE_DOSSIERS_WRITE, SCOPE_POINTS_WRITE};
use super::users::{self, Grant, Role};
use crate::audit::Actor;
use crate::http::ApiError as AuthError;
use crate::AppState;

/// Cookie that binds a wall display (kiosk browser) to its device token.
pub const DEVICE_COOKIE: &str = "ioc_device";

#[derive(Clone, Debug)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: Option<String>,
    pub grants: Vec<Grant>,
    pub csrf: String,
}

impl SessionUser {
    /// Whether `sent` is this session's CSRF token (compared in constant time), however it came:
    /// the `X-CSRF-Token` header of the API or the `csrf` field of a form.
    pub fn csrf_matches(&self, sent: &str) -> bool {
        bool::from(sent.as_bytes().ct_eq(self.csrf.as_bytes()))
    }
}

#[derive(Clone, Debug)]
pub enum Who {
    Anonymous,
    User(SessionUser),
    Token(TokenInfo),
}

/// The principal of a request plus where it came from.
#[derive(Clone, Debug)]
pub struct Principal {
    pub who: Who,
    pub ip: Option<IpAddr>,
    /// Authenticated by a cookie (so unsafe requests need a CSRF token).
    pub by_cookie: bool,
}

impl Principal {
    pub fn anonymous() -> Self {
        Principal {
            who: Who::Anonymous,
            ip: None,
            by_cookie: false,
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        matches!(&self.who, Who::User(u) if u.grants.iter().any(|g| g.role == role))
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    /// Reads every indicator of the province (the wall, the phone, the series).
    pub fn reads_all_indicators(&self) -> bool {
        match &self.who {
            Who::User(u) => u.grants.iter().any(|g| g.role.reads_every_report()),
            Who::Token(t) => t.kind == TokenKind::WallDisplay,
            Who::Anonymous => false,
        }
    }

    /// Units whose own figures this principal may read even without reading everything.
    fn own_units(&self) -> Vec<&str> {
        match &self.who {
            Who::User(u) => u
                .grants
                .iter()
                .filter(|g| g.role == Role::UnitEditor)
                .filter_map(|g| g.unit.as_deref())
                .collect(),
            Who::Token(t) if t.kind == TokenKind::Integration => vec![t.unit_code.as_str()],
            _ => Vec::new(),
        }
    }

    /// Enters the figures of `unit` (a unit editor of that unit).
    pub fn edits_unit(&self, unit: &str) -> bool {
        matches!(&self.who, Who::User(u) if u.grants.iter().any(|g| g.role == Role::UnitEditor && g.unit.as_deref() == Some(unit)))
    }

    /// The units whose reports this person enters.
    pub fn edited_units(&self) -> Vec<String> {
        match &self.who {
            Who::User(u) => u
                .grants
                .iter()
                .filter(|g| g.role == Role::UnitEditor)
                .filter_map(|g| g.unit.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Approves or returns the province's submissions.
    pub fn is_approver(&self) -> bool {
        self.has_role(Role::Approver)
    }

    /// Reads the report of `unit`: everyone who reads the whole province, and its own editors.
    pub fn reads_unit_reports(&self, unit: &str) -> bool {
        self.reads_all_indicators() || self.edits_unit(unit)
    }

    /// 401 for nobody, 403 unless `allowed`.
    pub fn require(&self, allowed: bool) -> Result<(), crate::http::ApiError> {
        match &self.who {
            Who::Anonymous => Err(crate::http::ApiError::LoginRequired),
            _ if !allowed => Err(crate::http::ApiError::Forbidden),
            _ => Ok(()),
        }
    }

    /// May this principal follow `topic` on the WebSocket (and read the same data over HTTP)?
    /// The rule by role; a wall display is further held to its unit by [`Principal::may_follow`].
    pub fn may_subscribe(&self, topic: &str) -> bool {
        if let Some((_, unit)) = parse_indicator_topic(topic) {
            return self.reads_all_indicators() || self.own_units().contains(&unit);
        }
        if let Some(unit) = topic.strip_prefix("deadlines/") {
            return self.reads_all_indicators() || self.edits_unit(unit);
        }
        if let Some(unit) = topic.strip_prefix("dossiers/") {
            return self.reads_unit_dossiers(unit);
        }
        if let Some(unit) = topic.strip_prefix("tasks/") {
            return self.reads_all_indicators() || self.edits_unit(unit);
        }
        if let Some(code) = topic.strip_prefix("screen/") {
            return self.shows_screen(code);
        }
        if topic == ioc_protocol::PRESENCE_TOPIC {
            return self.is_admin();
        }
        false
    }

    /// Shows the wall screen `code`: a wall display whose token names it, and people who read
    /// the whole wall (to preview it).
    pub fn shows_screen(&self, code: &str) -> bool {
        match &self.who {
            Who::Token(t) if t.kind == TokenKind::WallDisplay => {
                t.screens.iter().any(|s| s == code)
            }
            Who::User(_) => self.reads_all_indicators(),
            _ => false,
        }
    }

    /// The unit a wall display's screens are for (the unit its token was issued for).
    pub fn wall_scope(&self) -> Option<&str> {
        match &self.who {
            Who::Token(t) if t.kind == TokenKind::WallDisplay => Some(t.unit_code.as_str()),
            _ => None,
        }
    }

    /// The topic rule as the WebSocket applies it: [`Principal::may_subscribe`], and for a wall
    /// display only topics of its own unit and the units below it. A kiosk in a public room is
    /// the easiest credential to lift: a province's wall must not open another province's
    /// streams. A unit that does not exist is left to the topic source ("unknown topic"; unit
    /// codes are the public official list, nothing is revealed).
    pub async fn may_follow(&self, db: &sqlx::PgPool, topic: &str) -> Result<bool, sqlx::Error> {
        if !self.may_subscribe(topic) {
            return Ok(false);
        }
        // A screen's configuration is not a unit's data: naming the screen is the whole rule.
        if topic.starts_with("screen/") {
            return Ok(true);
        }
        let Some(scope) = self.wall_scope() else {
            return Ok(true);
        };
        let unit = parse_indicator_topic(topic)
            .map(|(_, unit)| unit)
            .or_else(|| topic.strip_prefix("deadlines/"))
            .or_else(|| topic.strip_prefix("dossiers/"))
            .or_else(|| topic.strip_prefix("tasks/"));
        let Some(unit) = unit else {
            return Ok(false);
        };
        Ok(crate::units::within(db, unit, scope).await?.unwrap_or(true))
    }

    /// 403 when a wall display asks for a unit outside its own (over HTTP: the series of an area,
    /// a unit's report); everyone else, and units that do not exist, pass here.
    pub async fn require_unit_in_scope(
        &self,
        db: &sqlx::PgPool,
        unit: &str,
    ) -> Result<(), crate::http::ApiError> {
        let Some(scope) = self.wall_scope() else {
            return Ok(());
        };
        match crate::units::within(db, unit, scope).await? {
            Some(false) => Err(crate::http::ApiError::Forbidden),
            _ => Ok(()),
        }
    }

    /// The unit this principal writes points for, if it may write points at all.
    pub fn points_writer_unit(&self) -> Option<&str> {
        match &self.who {
            Who::Token(t)
                if t.kind == TokenKind::Integration
                    && t.scopes.iter().any(|s| s == SCOPE_POINTS_WRITE) =>
            {
                Some(t.unit_code.as_str())
            }
            _ => None,
        }
    }

    /// The unit this principal sends dossier events for (a one-stop system's token).
    pub fn dossier_writer_unit(&self) -> Option<&str> {
        match &self.who {
            Who::Token(t)
                if t.kind == TokenKind::Integration
                    && t.scopes.iter().any(|s| s == SCOPE_DOSSIERS_WRITE) =>
            {
                Some(t.unit_code.as_str())
            }
            _ => None,
        }
    }

    /// Reads the dossiers of `unit`: leaders, approvers and administrators every unit's (and
    /// wall displays within their scope), a department's or commune's staff their own.
    pub fn reads_unit_dossiers(&self, unit: &str) -> bool {
        self.reads_all_indicators() || self.edits_unit(unit)
    }

    /// The same person or machine with the same rights (used to notice ended sessions, revoked
    /// tokens and changed roles on long-lived connections).
    pub fn same_rights(&self, other: &Principal) -> bool {
        match (&self.who, &other.who) {
            (Who::User(a), Who::User(b)) => a.id == b.id && a.grants == b.grants,
            (Who::Token(a), Who::Token(b)) => {
                a.id == b.id && a.scopes == b.scopes && a.screens == b.screens
            }
            _ => false,
        }
    }

    /// How the wall names who is looking.
    pub fn viewer(&self) -> Option<ioc_protocol::Viewer> {
        use ioc_protocol::Viewer;
        match &self.who {
            Who::User(u) => Some(Viewer {
                name: u.display_name.clone(),
                csrf_token: Some(u.csrf.clone()),
            }),
            Who::Token(t) => Some(Viewer {
                name: t.name.clone(),
                csrf_token: None,
            }),
            Who::Anonymous => None,
        }
    }

    /// Unsafe requests made with a cookie must echo the session's CSRF token in `X-CSRF-Token`;
    /// a wall display's device cookie has no token and never writes. Bearer tokens are not sent
    /// by browsers on their own, so they need no such proof.
    pub(crate) fn check_csrf(&self, headers: &HeaderMap) -> Result<(), AuthError> {
        if !self.by_cookie {
            return Ok(());
        }
        let Who::User(u) = &self.who else {
            return Err(AuthError::Forbidden);
        };
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if u.csrf_matches(sent) {
            Ok(())
        } else {
            Err(AuthError::CsrfFailed)
        }
    }

    /// 401 for nobody, 403 for somebody without the admin role.
    pub fn require_admin(&self) -> Result<(), crate::http::ApiError> {
        match &self.who {
            Who::Anonymous => Err(crate::http::ApiError::LoginRequired),
            _ if !self.is_admin() => Err(crate::http::ApiError::Forbidden),
            _ => Ok(()),
        }
    }

    /// 401 for nobody, 403 for somebody who may not read the province's indicators.
    pub fn require_indicator_reader(&self) -> Result<(), crate::http::ApiError> {
        match &self.who {
            Who::Anonymous => Err(crate::http::ApiError::LoginRequired),
            _ if !self.reads_all_indicators() => Err(crate::http::ApiError::Forbidden),
            _ => Ok(()),
        }
    }

    pub fn actor(&self) -> Actor {
        let (user, token, label) = match &self.who {
            Who::User(u) => (Some(u.id), None, format!("user:{}", u.username)),
            Who::Token(t) => (None, Some(t.id), format!("token:{}", t.prefix)),
            Who::Anonymous => (None, None, "anonymous".to_string()),
        };
        Actor {
            user,
            token,
            label,
            ip: self.ip,
        }
    }
}

/// Value of cookie `name` in the request's Cookie headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Result<Option<&str>, AuthError> {
    let Some(h) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let v = h.to_str().map_err(|_| AuthError::BadToken)?;
    let t = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))
        .ok_or(AuthError::BadToken)?
        .trim();
    Ok(Some(t))
}

/// The principal of a request, CSRF-checked: on an unsafe method (POST, PUT, PATCH, DELETE) a
/// principal authenticated by a cookie must echo its session's token in `X-CSRF-Token` (a
/// cross-site page can make the browser send the cookie but cannot read the token). The check
/// lives in the extractor so that no handler can forget it; handlers that check another proof
/// themselves take [`Unchecked`] instead.
impl FromRequestParts<AppState> for Principal {
    type Rejection = AuthError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Unchecked(p) = Unchecked::from_request_parts(parts, state).await?;
        if !parts.method.is_safe() {
            p.check_csrf(&parts.headers)?;
        }
        Ok(p)
    }
}

/// The principal without the `X-CSRF-Token` check, for the few handlers that prove the request
/// is the user's own in another way: the HTML forms (the token travels in the form body, and
/// `Origin` is checked) and sign-in (there is no session, hence no token, yet).
pub struct Unchecked(pub Principal);

impl FromRequestParts<AppState> for Unchecked {
    type Rejection = AuthError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(Unchecked(p.clone()));
        }
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let principal = resolve(&parts.headers, ip, state).await?;
        parts.extensions.insert(principal.clone());
        Ok(Unchecked(principal))
    }
}

/// Resolves the principal from the request headers. A bearer token that is presented but not
/// valid is an error (never silently anonymous); a stale cookie is simply no login.
pub async fn resolve(
    headers: &HeaderMap,
    ip: Option<IpAddr>,
    state: &AppState,
) -> Result<Principal, AuthError> {
    if let Some(token) = bearer(headers)? {
        let info = tokens::authenticate(&state.db, token)
            .await?
            .ok_or(AuthError::BadToken)?;
        return Ok(Principal {
            who: Who::Token(info),
            ip,
            by_cookie: false,
        });
    }
    if let Some(token) = cookie_value(headers, sessions::COOKIE) {
        if let Some(s) = sessions::lookup(&state.db, token).await? {
            if let Some(u) = users::get(&state.db, s.user_id).await? {
                let grants = users::grants(&state.db, u.id).await?;
                let user = SessionUser {
                    id: u.id,
                    username: u.username,
                    display_name: u.display_name,
                    unit_code: u.unit_code,
                    grants,
                    csrf: s.csrf,
                };
                return Ok(Principal {
                    who: Who::User(user),
                    ip,
                    by_cookie: true,
                });
            }
        }
    }
    if let Some(token) = cookie_value(headers, DEVICE_COOKIE) {
        if let Some(info) = tokens::authenticate(&state.db, token).await? {
            if info.kind == TokenKind::WallDisplay {
                return Ok(Principal {
                    who: Who::Token(info),
                    ip,
                    by_cookie: true,
                });
            }
        }
    }
    Ok(Principal {
        who: Who::Anonymous,
        ip,
        by_cookie: false,
    })
}
