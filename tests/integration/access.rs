//! Every route and every live topic, for every kind of principal: each gets exactly what its
//! role allows (a 401/403 otherwise, and never data through a list or a WebSocket snapshot).

use ioc_protocol::ServerFrame;
use reqwest::Method;
use serde_json::json;

use crate::harness::{spawn_app, Session, TestApp, TOKEN};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Leader,
    UnitEditor,
    Approver,
    CentralViewer,
    WallDisplay,
    Integration,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::Admin,
    Who::Leader,
    Who::UnitEditor,
    Who::Approver,
    Who::CentralViewer,
    Who::WallDisplay,
    Who::Integration,
];

/// How a principal presents itself.
enum Cred {
    None,
    Session(Session),
    Bearer(String),
}

async fn user(app: &TestApp, name: &str, role: &str, unit: Option<&str>) -> Cred {
    Cred::Session(app.sign_in_new(name, role, unit).await)
}

async fn credentials(app: &TestApp, who: Who) -> Cred {
    match who {
        Who::Anonymous => Cred::None,
        Who::Admin => user(app, "admin", "admin", None).await,
        Who::Leader => user(app, "leader", "leader", None).await,
        Who::UnitEditor => user(app, "editor", "unit_editor", Some("17329")).await,
        Who::Approver => user(app, "approver", "approver", None).await,
        Who::CentralViewer => user(app, "central", "central_viewer", None).await,
        Who::WallDisplay => Cred::Bearer(app.reader.clone()),
        Who::Integration => Cred::Bearer(TOKEN.into()),
    }
}

fn request(app: &TestApp, cred: &Cred, method: Method, path: &str) -> reqwest::RequestBuilder {
    match cred {
        Cred::None => app.http.request(method, app.url(path)),
        Cred::Session(s) => s.send(app, method, path),
        Cred::Bearer(t) => app.http.request(method, app.url(path)).bearer_auth(t),
    }
}

struct Route {
    method: Method,
    path: &'static str,
    body: Option<serde_json::Value>,
    /// The status for each principal, in the order of `EVERYONE`.
    expect: [u16; 8],
}

fn routes() -> Vec<Route> {
    let point = json!({"points": [{"series": "iip", "unit": "40", "ts": "2026-10-01T00:00:00Z", "value": 1.0}]});
    let token =
        json!({"name": "t", "kind": "integration", "unit": "40", "scopes": ["points:write"]});
    // Bodies that pass the rights check and then fail on content (or on a missing row), so the
    // table proves who gets through without changing anything.
    let bad_user = json!({"username": "X!", "display_name": "x", "password": "a-long-enough-password", "roles": []});
    let bad_unit =
        json!({"code": "not a code", "name_vi": "x", "name_en": "x", "kind": "department"});
    let rename = json!({"display_name": "x"});
    let reset = json!({"password": "a-long-enough-password"});
    let unit_rename = json!({"name_vi": "x"});
    let password = json!({"current": "not-the-password", "new": "another-long-password"});
    //                                anon admin lead  edit  appr  cent  wall  intg
    vec![
        Route {
            method: Method::GET,
            path: "/healthz",
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 200],
        },
        Route {
            method: Method::GET,
            path: "/readyz",
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 200],
        },
        Route {
            method: Method::GET,
            path: "/metrics",
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 200],
        },
        Route {
            method: Method::GET,
            path: "/api/openapi.json",
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 200],
        },
        Route {
            method: Method::GET,
            path: "/login",
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 200],
        },
        Route {
            method: Method::GET,
            path: "/wall",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/wall",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/points",
            body: Some(point),
            expect: [401, 403, 403, 403, 403, 403, 403, 200],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/me",
            body: None,
            expect: [401, 200, 200, 200, 200, 200, 401, 401],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/admin/users",
            body: None,
            expect: [401, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/admin/tokens",
            body: None,
            expect: [401, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/admin/tokens",
            body: Some(token),
            expect: [401, 201, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin/users",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/units?q=anh%20son",
            body: None,
            expect: [401, 200, 200, 200, 200, 200, 200, 200],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/admin/audit",
            body: None,
            expect: [401, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/admin/audit.csv",
            body: None,
            expect: [401, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/admin/audit.xlsx",
            body: None,
            expect: [401, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/admin/users",
            body: Some(bad_user),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::PATCH,
            path: "/api/v1/admin/users/999999",
            body: Some(rename),
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/admin/users/999999/password",
            body: Some(reset),
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/admin/tokens/999999/revoke",
            body: None,
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/admin/units",
            body: Some(bad_unit),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::PATCH,
            path: "/api/v1/admin/units/dept-none",
            body: Some(unit_rename),
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin/units",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin/tokens",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin/audit",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/setup",
            body: None,
            expect: [200, 200, 200, 200, 200, 200, 200, 200],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/auth/password",
            body: Some(password),
            expect: [401, 401, 401, 401, 401, 401, 401, 401],
        },
        Route {
            method: Method::GET,
            path: "/account",
            body: None,
            expect: [303, 200, 200, 200, 200, 200, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/indicators",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::PATCH,
            path: "/api/v1/indicators/none",
            body: Some(json!({})),
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/indicators/iip/series",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        // A wall display reads the series of its own unit and the units below it only.
        Route {
            method: Method::GET,
            path: "/api/v1/indicators/iip/series?area=17329",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/indicators/iip/series?area=00070",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/submissions/00070/2026-10",
            body: None,
            expect: [401, 422, 422, 403, 422, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/indicators/iip/series.xlsx",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/indicators/iip/units",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/figures/backfill",
            body: None,
            expect: [401, 415, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/procedures",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        // A unit's editor reads the procedures its unit handles.
        Route {
            method: Method::GET,
            path: "/api/v1/procedures?unit=17329",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/procedures/1.001193",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/procedures",
            body: Some(json!({})),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::PUT,
            path: "/api/v1/procedures/1.001193",
            body: Some(json!({})),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/procedures/import",
            body: None,
            expect: [401, 415, 403, 403, 403, 403, 403, 403],
        },
        // Dossiers: only a one-stop system's token (dossiers:write) sends events; the table's
        // integration token writes points only.
        Route {
            method: Method::POST,
            path: "/api/v1/dossier-events",
            body: Some(json!({"events": []})),
            expect: [401, 403, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/dossiers",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        // A commune's staff read their commune's dossiers.
        Route {
            method: Method::GET,
            path: "/api/v1/dossiers?unit=17329&state=overdue",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/dossiers/HS-1",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/dossiers/HS-1/apologies",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/dossiers/HS-1/apologies",
            body: Some(json!({"reason": "x", "new_due": "2027-01-04"})),
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/dossiers/HS-1/apologies/1",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        // The map's shapes: read by the wall's readers, replaced by administrators (who get
        // past the guard to a refusal of the content; nothing is written).
        Route {
            method: Method::GET,
            path: "/api/v1/commune-shapes",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/commune-shapes",
            body: Some(json!({})),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/index766/17329/trend?months=1",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/dossier-boards/40",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/dossier-boards/17329",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/index766/17329?period=month",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/index766-ranking?kind=commune",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/index766-ranking.xlsx",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/submissions",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/submissions.xlsx",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/deadlines",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/submissions/dept-stc/2026-10",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/submissions/dept-stc/2026-10/history",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/submissions/dept-stc/2026-10/template.xlsx",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::PUT,
            path: "/api/v1/submissions/dept-stc/2026-10/entries",
            body: Some(json!({"kind": "estimate", "values": []})),
            expect: [401, 403, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/submissions/dept-stc/2026-10/import",
            body: None,
            expect: [401, 403, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/submissions/dept-stc/2026-10/submit",
            body: None,
            expect: [401, 403, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/submissions/dept-stc/2026-10/approve",
            body: None,
            expect: [401, 403, 403, 403, 409, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/submissions/dept-stc/2026-10/return",
            body: Some(json!({"comment": "x"})),
            expect: [401, 403, 403, 403, 409, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/mail/status",
            body: None,
            expect: [401, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/central/deliveries",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/central/deliveries/999999/retry",
            body: None,
            expect: [401, 404, 403, 403, 404, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/wall/indicator/iip",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 200, 403],
        },
        // The dossier wall and a unit's page: the wall's readers. A unit outside the wall
        // display's province (00070, a ward of Hà Nội) or no unit at all is a 404 page.
        Route {
            method: Method::GET,
            path: "/wall/dossiers",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/wall/dossiers/17329",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/wall/dossiers/00070",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/wall/dossiers/no-such-unit",
            body: None,
            expect: [303, 404, 404, 403, 404, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/entry",
            body: None,
            expect: [303, 200, 200, 200, 200, 403, 403, 403],
        },
        // The dossier office pages: a unit's staff and the readers of every unit.
        Route {
            method: Method::GET,
            path: "/dossiers",
            body: None,
            expect: [303, 200, 200, 200, 200, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/dossiers/HS-1/apologies/1",
            body: None,
            expect: [303, 200, 200, 200, 200, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/approve",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/delivery",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin/indicators",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin/calendar",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin/procedures",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/calendar/2026",
            body: None,
            expect: [401, 200, 200, 200, 200, 200, 200, 200],
        },
        // Administrators get past the guard to a refusal of the content (nothing is written).
        Route {
            method: Method::POST,
            path: "/api/v1/calendar/days/2030-03-05",
            body: Some(json!({})),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::PUT,
            path: "/api/v1/calendar/days/2030-03-05",
            body: Some(json!({})),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/indicator-groups",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::PATCH,
            path: "/api/v1/indicator-groups/none",
            body: Some(json!({})),
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        // Everyone may try to sign in; a body without a password is refused before any check.
        Route {
            method: Method::POST,
            path: "/api/v1/auth/login",
            body: Some(json!({"username": "nobody"})),
            expect: [422, 422, 422, 422, 422, 422, 422, 422],
        },
        // An administrator gets past the guard to "no such day" (nothing is written).
        Route {
            method: Method::DELETE,
            path: "/api/v1/calendar/days/2030-03-05",
            body: None,
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        // Wall screens (issue 12): administrators keep them; a wall display reads and reports on
        // the screens its token names (`main`), people who read the wall preview them.
        Route {
            method: Method::GET,
            path: "/api/v1/screens",
            body: None,
            expect: [401, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/screens",
            body: Some(
                json!({"code": "Bad Code", "name": "x", "interval_s": 30, "pages": [{"kind": "indicators"}]}),
            ),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/screens/main",
            body: None,
            expect: [401, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/screens/lobby",
            body: None,
            expect: [401, 404, 404, 403, 404, 403, 403, 403],
        },
        Route {
            method: Method::PUT,
            path: "/api/v1/screens/main",
            body: Some(json!({"name": " ", "interval_s": 30, "pages": [{"kind": "indicators"}]})),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::DELETE,
            path: "/api/v1/screens/no-such-screen",
            body: None,
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/screens/main/presence",
            body: Some(json!({"page": 0, "kind": "indicators"})),
            expect: [401, 403, 403, 403, 403, 403, 204, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/tasks",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/tasks.xlsx",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/tasks/late",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/directives",
            body: Some(json!({"issuer": "UBND tỉnh", "title": "V/v", "tasks": []})),
            expect: [401, 422, 403, 403, 422, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/tasks/999999/extensions",
            body: Some(json!({"deadline": "năm 2030", "reason": "x"})),
            expect: [401, 403, 403, 404, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/task-extensions/999999/decision",
            body: Some(json!({"approve": true})),
            expect: [401, 404, 403, 403, 404, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/tasks/999999/done",
            body: Some(json!({})),
            expect: [401, 404, 403, 404, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/regimes",
            body: Some(
                json!({"code": "NOT A CODE", "name": "x", "kind": "periodic", "legal_basis": "x", "receiving_unit": "40", "reporting_units": [], "deadline": {"rule": "fixed", "due_on": "2026-12-31"}}),
            ),
            expect: [401, 422, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/records",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/records.xlsx",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/late",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/late.xlsx",
            body: None,
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/999999/outline",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::PUT,
            path: "/api/v1/regimes/999999/outline",
            body: None,
            expect: [401, 404, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/999999/periods/2026-03",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/999999/periods/2026-03/summary.xlsx",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/999999/periods/2026-03/units/17329",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/regimes/999999/periods/2026-03/units/17329/document",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::PUT,
            path: "/api/v1/regimes/999999/periods/2026-03/units/17329/document",
            body: None,
            expect: [401, 403, 403, 404, 403, 403, 403, 403],
        },
        Route {
            method: Method::PUT,
            path: "/api/v1/regimes/999999/periods/2026-03/units/17329/figures",
            body: Some(json!({"values": {}})),
            expect: [401, 403, 403, 404, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/regimes/999999/periods/2026-03/units/17329/submit",
            body: None,
            expect: [401, 403, 403, 404, 403, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/regimes/999999/periods/2026-03/units/17329/approve",
            body: None,
            expect: [401, 404, 403, 404, 404, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/regimes/999999/periods/2026-03/units/17329/return",
            body: Some(json!({"comment": "x"})),
            expect: [401, 404, 403, 404, 404, 403, 403, 403],
        },
        Route {
            method: Method::POST,
            path: "/api/v1/tasks/999999/progress",
            body: Some(json!({"note": "x"})),
            expect: [401, 403, 403, 404, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/tasks/999999/updates",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/tasks/999999/evidence/1",
            body: None,
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        Route {
            method: Method::PUT,
            path: "/api/v1/task-updates/999999/evidence",
            body: None,
            expect: [401, 403, 403, 404, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/api/v1/screen-presence",
            body: None,
            expect: [401, 200, 403, 403, 403, 403, 403, 403],
        },
        Route {
            method: Method::GET,
            path: "/wall/main",
            body: None,
            expect: [303, 200, 200, 403, 200, 403, 200, 403],
        },
        Route {
            method: Method::GET,
            path: "/wall/lobby",
            body: None,
            expect: [303, 404, 404, 403, 404, 403, 404, 403],
        },
        Route {
            method: Method::GET,
            path: "/admin/screens",
            body: None,
            expect: [303, 200, 403, 403, 403, 403, 403, 403],
        },
        // Last: signing out ends the sessions the rows above used.
        Route {
            method: Method::POST,
            path: "/api/v1/auth/logout",
            body: None,
            expect: [204, 204, 204, 204, 204, 204, 204, 204],
        },
    ]
}

#[tokio::test]
async fn every_route_for_every_principal() {
    let app = spawn_app().await;
    let mut creds = Vec::new();
    for who in EVERYONE {
        creds.push((who, credentials(&app, who).await));
    }
    let mut wrong = Vec::new();
    for route in routes() {
        for (i, (who, cred)) in creds.iter().enumerate() {
            let mut req = request(&app, cred, route.method.clone(), route.path);
            if let Some(b) = &route.body {
                req = req.json(b);
            }
            let status = req.send().await.unwrap().status().as_u16();
            if status != route.expect[i] {
                wrong.push(format!(
                    "{} {} as {who:?}: {status}, expected {}",
                    route.method, route.path, route.expect[i]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn every_topic_for_every_principal() {
    let app = spawn_app().await;
    app.post_points(&[crate::harness::point(
        "iip",
        "40",
        "2026-10-01T00:00:00Z",
        108.0,
    )])
    .await;
    app.post_points(&[crate::harness::point(
        "iip",
        "17329",
        "2026-10-01T00:00:00Z",
        99.0,
    )])
    .await;
    // (topic, may follow?) per principal, in the order of `EVERYONE` (anonymous cannot connect).
    // The wall display's token is Nghệ An's (40): it follows the topics of the province and of
    // the units below it (17329, a commune of Nghệ An; dept-stc, one of its departments), not
    // another province's (00070 is a ward of Hà Nội).
    let topics: [(&str, [bool; 8]); 15] = [
        (
            "tasks/40",
            [false, true, true, false, true, false, true, false],
        ),
        (
            "tasks/17329",
            [false, true, true, true, true, false, true, false],
        ),
        (
            "tasks/00070",
            [false, true, true, false, true, false, false, false],
        ),
        (
            "indicator/iip/40",
            [false, true, true, false, true, false, true, true],
        ),
        (
            "indicator/iip/17329",
            [false, true, true, true, true, false, true, false],
        ),
        (
            "indicator/iip/00070",
            [false, true, true, false, true, false, false, false],
        ),
        (
            "indicator/iip/01",
            [false, true, true, false, true, false, false, false],
        ),
        (
            "deadlines/40",
            [false, true, true, false, true, false, true, false],
        ),
        (
            "deadlines/17329",
            [false, true, true, true, true, false, true, false],
        ),
        (
            "deadlines/01",
            [false, true, true, false, true, false, false, false],
        ),
        (
            "dossiers/40",
            [false, true, true, false, true, false, true, false],
        ),
        (
            "dossiers/17329",
            [false, true, true, true, true, false, true, false],
        ),
        (
            "dossiers/00070",
            [false, true, true, false, true, false, false, false],
        ),
        // The screen the wall display's token names; the running screens (administrators).
        (
            "screen/main",
            [false, true, true, false, true, false, true, false],
        ),
        (
            "screen-presence",
            [false, true, false, false, false, false, false, false],
        ),
    ];
    let mut wrong = Vec::new();
    for (i, who) in EVERYONE.into_iter().enumerate() {
        let cred = credentials(&app, who).await;
        let token = match &cred {
            Cred::Bearer(t) => Some(t.clone()),
            _ => None,
        };
        // Browsers authenticate the WebSocket with their session cookie.
        let ws = match &cred {
            Cred::Session(Session { cookie, .. }) => {
                use tokio_tungstenite::tungstenite::client::IntoClientRequest;
                let mut req = format!("ws://{}/ws", app.addr)
                    .into_client_request()
                    .unwrap();
                req.headers_mut().insert("cookie", cookie.parse().unwrap());
                tokio_tungstenite::connect_async(req)
                    .await
                    .map(|(s, _)| crate::harness::Ws::new(s))
            }
            _ => app.ws_as(token.as_deref()).await,
        };
        let mut ws = match ws {
            Ok(ws) => ws,
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) if who == Who::Anonymous => {
                assert_eq!(resp.status(), 401);
                continue;
            }
            Err(e) => panic!("{who:?}: {e}"),
        };
        for (topic, allowed) in &topics {
            ws.subscribe(topic, None).await;
            // (A board topic followed earlier may publish meanwhile: the task boards are
            // published once the server has started.)
            let got = loop {
                match ws.next().await {
                    ServerFrame::Subscribed { .. } => break true,
                    ServerFrame::Error { code, .. } => {
                        assert_eq!(code, "forbidden", "{who:?} {topic}");
                        break false;
                    }
                    ServerFrame::Publication(_) => continue,
                    other => panic!("{who:?} {topic}: {other:?}"),
                }
            };
            if got != allowed[i] {
                wrong.push(format!(
                    "{who:?} on {topic}: {got}, expected {}",
                    allowed[i]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Does the concrete `path` of a table row (its query left out) match the documented template?
fn matches_template(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (t, p): (Vec<_>, Vec<_>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// A route cannot exist undocumented (the routers are built from the annotations), and the table
/// above must not miss a documented one: every operation of `/api/openapi.json` has a row, and
/// every error status a row observes is one the document declares for that operation.
#[tokio::test]
async fn the_table_covers_every_documented_route() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    assert!(
        paths.len() > 30,
        "the document lists the API: {}",
        paths.len()
    );
    let table = routes();
    let mut wrong = Vec::new();
    for (template, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let rows: Vec<&Route> = table
                .iter()
                .filter(|r| r.method.as_str().eq_ignore_ascii_case(method))
                .filter(|r| matches_template(template, r.path))
                .collect();
            if rows.is_empty() {
                wrong.push(format!("{method} {template}: no row in the access table"));
            }
            let documented = op["responses"].as_object().expect("responses");
            for (status, response) in documented {
                let shape = &response["content"]["application/json"]["schema"]["$ref"];
                let api = template.starts_with("/api/");
                if api && status.as_str() >= "400" && shape != "#/components/schemas/ApiErrorBody" {
                    wrong.push(format!(
                        "{method} {template}: {status} is not the error shape"
                    ));
                }
            }
            if method != "get" && !documented.contains_key("403") {
                wrong.push(format!(
                    "{method} {template}: the CSRF refusal is not documented"
                ));
            }
            for row in rows {
                for status in row.expect.iter().filter(|s| **s >= 400) {
                    if !documented.contains_key(&status.to_string()) {
                        wrong.push(format!(
                            "{method} {template}: answers {status}, not documented"
                        ));
                    }
                }
            }
            // Every `{name}` of the path is a path parameter, and nothing else is.
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            let in_path: Vec<&str> = template
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            let (mut a, mut b) = (declared.clone(), in_path.clone());
            a.sort_unstable();
            b.sort_unstable();
            if a != b {
                wrong.push(format!(
                    "{method} {template}: path parameters {declared:?}, the path has {in_path:?}"
                ));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The same table without the CSRF token: every unsafe request a signed-in person's browser
/// could be tricked into sending is refused with `csrf_failed` before anything runs — whatever
/// the person's role. (Sign-in has no session yet; it is checked by content type and origin.)
#[tokio::test]
async fn unsafe_routes_refuse_a_cookie_without_the_csrf_token() {
    let app = spawn_app().await;
    let mut sessions = Vec::new();
    for who in [
        Who::Admin,
        Who::Leader,
        Who::UnitEditor,
        Who::Approver,
        Who::CentralViewer,
    ] {
        let Cred::Session(session) = credentials(&app, who).await else {
            panic!("{who:?} signs in with a session")
        };
        sessions.push((who, session));
    }
    let mut wrong = Vec::new();
    let mut checked = 0;
    for route in routes() {
        if route.method == Method::GET || route.path == "/api/v1/auth/login" {
            continue;
        }
        for (who, session) in &sessions {
            let mut req = session.without_csrf(&app, route.method.clone(), route.path);
            if let Some(b) = &route.body {
                req = req.json(b);
            }
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            checked += 1;
            if status != 403 || body["error"]["code"] != "csrf_failed" {
                wrong.push(format!(
                    "{} {} as {who:?} without the token: {status} {body}",
                    route.method, route.path
                ));
            }
        }
    }
    assert!(checked > 50, "unsafe routes were tried: {checked}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
