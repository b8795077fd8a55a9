//! `ioc admin …`: bootstrap accounts and tokens from the command line (the first administrator,
//! a token for the one-stop system) — audited as `system:cli`.

use std::io::BufRead;

use anyhow::{bail, Context};
use ioc_protocol::{NewUserRequest, Role, RoleGrant, TokenKind};

use super::tokens;
use crate::audit::{self, Actor, Entry};
use crate::config::{AdminAction, AdminConfig};
use crate::db::Database;

pub async fn run(config: AdminConfig) -> anyhow::Result<()> {
    let db = Database::open_for_admin(config.database_url(), &config.data_dir()).await?;
    let result = act(&db.pool, config.action).await;
    db.close().await;
    result
}

/// `role` or `unit_editor:UNIT` from the command line.
fn parse_role(s: &str) -> anyhow::Result<RoleGrant> {
    let (role, unit) = match s.split_once(':') {
        Some((role, unit)) => (role, Some(unit.to_string())),
        None => (s, None),
    };
    let role = Role::parse(role).with_context(|| {
        format!("unknown role {role:?} (admin, leader, approver, central_viewer, unit_editor:UNIT)")
    })?;
    Ok(RoleGrant { role, unit })
}

async fn act(db: &sqlx::PgPool, action: AdminAction) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match action {
        AdminAction::CreateUser {
            username,
            display_name,
            unit,
            roles,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let req = NewUserRequest {
                username,
                display_name,
                password: password.trim_end_matches(['\r', '\n']).to_string(),
                unit,
                email: None,
                roles: roles
                    .iter()
                    .map(|r| parse_role(r))
                    .collect::<anyhow::Result<_>>()?,
            };
            match super::routes::create_account(db, &actor, req).await {
                Ok(created) => println!("{}", serde_json::to_string_pretty(&created)?),
                Err(e) => bail!("{e}"),
            }
        }
        AdminAction::CreateToken {
            name,
            kind,
            unit,
            scopes,
            screens,
        } => {
            let Some(kind) = TokenKind::parse(&kind) else {
                bail!("--kind must be integration or wall_display");
            };
            let new = tokens::NewToken {
                name: &name,
                kind,
                unit_code: &unit,
                scopes: &scopes,
                screens: &screens,
                created_by: None,
                expires_at: None,
            };
            let mut tx = db.begin().await?;
            let (plain, info) = tokens::create(&mut *tx, &new)
                .await
                .context("creating the token (is the unit code right?)")?;
            let after = serde_json::json!({"id": info.id, "name": info.name, "kind": info.kind, "prefix": info.prefix, "unit": info.unit_code, "scopes": info.scopes, "screens": info.screens});
            let entry = Entry {
                action: "create",
                entity: "api_token",
                entity_id: Some(info.id.to_string()),
                before: None,
                after: Some(after),
            };
            audit::record(&mut *tx, &actor, entry).await?;
            tx.commit().await?;
            println!("{plain}");
        }
    }
    Ok(())
}
