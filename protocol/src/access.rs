//! Who is who: the roles of people and the kinds of API tokens, typed once for the server, the
//! database and the screens, with the one rule both sides apply to what a role reads.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What a person may do. Enforced on the server for every route and every live topic; the
/// screens use the same rules only to decide what to offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages units, people, roles, tokens; reads the system log.
    Admin,
    /// Provincial leadership: reads everything.
    Leader,
    /// Enters data for one unit only.
    UnitEditor,
    /// Approves the province's submissions.
    Approver,
    /// The Government's center: read-only, only what a session shares.
    CentralViewer,
}

impl Role {
    /// Every role, in the order the forms list them.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Leader,
        Role::Approver,
        Role::CentralViewer,
        Role::UnitEditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::UnitEditor => "unit_editor",
            Role::Approver => "approver",
            Role::CentralViewer => "central_viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Reads every unit's reports and the province's indicators (the wall, the deadline board,
    /// the delivery page). The one rule behind the server's access checks and the screens'
    /// menus, so the two cannot drift apart.
    pub fn reads_every_report(self) -> bool {
        matches!(self, Role::Admin | Role::Leader | Role::Approver)
    }
}

/// What an API token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A machine client (one-stop system, statistics office) writing for its unit.
    Integration,
    /// A wall or kiosk screen, paired once, reading the screens of its unit.
    WallDisplay,
}

impl TokenKind {
    pub const ALL: [TokenKind; 2] = [TokenKind::Integration, TokenKind::WallDisplay];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Integration => "integration",
            TokenKind::WallDisplay => "wall_display",
        }
    }

    /// Also reads the command line's spelling `wall-display`.
    pub fn parse(s: &str) -> Option<TokenKind> {
        let s = s.replace('-', "_");
        TokenKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        for k in TokenKind::ALL {
            assert_eq!(TokenKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            TokenKind::parse("wall-display"),
            Some(TokenKind::WallDisplay)
        );
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn who_reads_every_report() {
        let readers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.reads_every_report())
            .collect();
        assert_eq!(readers, [Role::Admin, Role::Leader, Role::Approver]);
    }
}
