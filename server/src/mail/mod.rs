//! Outgoing e-mail through the SMTP server the province configures (`--smtp-url`). Owns the table
//! `mail_outbox`.
//!
//! Any domain queues a mail with [`queue`], in its own transaction if it likes (the outbox
//! pattern: a mail exists exactly when what caused it committed); the worker ([`worker::run`])
//! sends it and marks it sent, retrying with backoff while the SMTP server fails. The domains
//! decide *what* to send and to whom (tasks' reminders: `tasks::reminders`; the reporting
//! regimes' later); this module knows no domain. When no SMTP server is configured, callers queue
//! nothing (see [`Settings::from_config`]) so nothing piles up to be sent months later.

pub mod routes;
pub mod worker;

use std::str::FromStr;
use std::time::Duration;

use anyhow::{bail, Context};
use ioc_protocol::MailStatus;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use sqlx::{PgConnection, PgPool};

use crate::config::ServeConfig;

/// Channel on which a queued mail is announced: the worker of every server process on the
/// database wakes, whichever process (or test) queued it.
pub const CHANNEL: &str = "ioc_mail";

/// Longest an SMTP exchange (connect, greeting, one message) may take before it counts as a
/// failed attempt.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How to send, from `--smtp-url`, `--mail-from` and `--mail-backoff-ms`. No `Debug`: the
/// transport holds the SMTP password.
#[derive(Clone)]
pub struct Settings {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// `host:port` of the SMTP server, for logs (never the credentials).
    pub server: String,
    pub backoff_base: Duration,
}

impl Settings {
    /// `None` when no SMTP server is configured: then nothing is queued or sent. A URL lettre
    /// cannot use or a sender that is no mailbox is a start-up error, not a queue of failures.
    pub fn from_config(c: &ServeConfig) -> anyhow::Result<Option<Settings>> {
        let Some(url) = c.smtp_url() else {
            return Ok(None);
        };
        // Parsed once here for the log line; lettre parses it again (its own rules, e.g. `?tls=`).
        let parsed = reqwest::Url::parse(url).context("--smtp-url is not a valid URL")?;
        if !matches!(parsed.scheme(), "smtp" | "smtps") {
            bail!("--smtp-url must be an smtp:// or smtps:// URL");
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url cannot be used: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = Mailbox::from_str(c.mail_from.trim())
            .map_err(|e| anyhow::anyhow!("--mail-from {:?} is not a mailbox: {e}", c.mail_from))?;
        let server = format!(
            "{}:{}",
            parsed.host_str().unwrap_or(""),
            parsed
                .port()
                .map_or_else(|| "default port".into(), |p| p.to_string())
        );
        Ok(Some(Settings {
            transport,
            from,
            server,
            backoff_base: Duration::from_millis(c.mail_backoff_ms.max(1)),
        }))
    }
}

/// Whether an SMTP server is configured (what the status page and the reminder pass ask).
pub fn configured(c: &ServeConfig) -> bool {
    c.smtp_url().is_some()
}

/// Whether `text` is an address the mail worker can send to. People's addresses are checked
/// with this before they are stored, so a typing slip is a 422 now rather than a failed mail
/// later.
pub fn is_address(text: &str) -> bool {
    lettre::Address::from_str(text).is_ok()
}

/// One mail to queue. `dedupe_key` names what it is about (e.g. `task:12:2026-Q3:2026-09-21:soon`):
/// a second mail with the same key to the same address is not queued.
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub dedupe_key: &'a str,
}

/// Queues `mail` in the caller's transaction; `false` when the same mail (address and key) was
/// queued before. The worker is woken when the transaction commits (`NOTIFY`).
pub async fn queue(tx: &mut PgConnection, mail: &Outgoing<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO mail_outbox (recipient, subject, body, dedupe_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT mail_outbox_once DO NOTHING",
        mail.to,
        mail.subject,
        mail.body,
        mail.dedupe_key
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if inserted {
        // Notifications of one transaction with the same payload are delivered once.
        sqlx::query!("SELECT pg_notify($1, '')", CHANNEL)
            .execute(&mut *tx)
            .await?;
    }
    Ok(inserted)
}

/// A message for the editors of a unit (a reminder of what the unit owes).
pub struct ToUnit {
    pub unit: String,
    pub subject: String,
    pub body: String,
    pub dedupe_key: String,
}

/// Queues each message to every editor of its unit who has an address, in one transaction;
/// how many mails were new.
pub async fn queue_to_units(db: &PgPool, messages: &[ToUnit]) -> Result<usize, sqlx::Error> {
    if messages.is_empty() {
        return Ok(0);
    }
    let mut units: Vec<String> = messages.iter().map(|m| m.unit.clone()).collect();
    units.sort_unstable();
    units.dedup();
    let recipients = crate::auth::users::unit_editor_addresses(db, &units).await?;
    let mut tx = db.begin().await?;
    let mut queued = 0;
    for m in messages {
        for (_, to) in recipients.iter().filter(|(u, _)| *u == m.unit) {
            let mail = Outgoing {
                to,
                subject: &m.subject,
                body: &m.body,
                dedupe_key: &m.dedupe_key,
            };
            if queue(&mut tx, &mail).await? {
                queued += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(queued)
}

/// Where the mail queue stands (`/readyz`, `GET /api/v1/mail/status`, the admin overview).
pub async fn status(db: &PgPool, configured: bool) -> Result<MailStatus, sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL) AS "unsent!",
                  count(*) FILTER (WHERE failed_at IS NOT NULL) AS "failed!",
                  (SELECT last_error FROM mail_outbox
                   WHERE sent_at IS NULL AND last_error IS NOT NULL
                   ORDER BY next_attempt_at DESC, id DESC LIMIT 1) AS last_error
           FROM mail_outbox"#
    )
    .fetch_one(db)
    .await?;
    let (message_vi, message_en) = if !configured {
        (
            "E-mail chưa được cấu hình: không gửi nhắc việc".to_string(),
            "E-mail not configured: no reminders are sent".to_string(),
        )
    } else if r.unsent > 0 && r.last_error.is_some() {
        (
            format!("E-mail: {} thư chưa gửi được, đang thử lại", r.unsent),
            format!("E-mail: {} not sent yet, retrying", r.unsent),
        )
    } else {
        (
            "E-mail: đang gửi nhắc việc".to_string(),
            "E-mail: reminders are being sent".to_string(),
        )
    };
    Ok(MailStatus {
        configured,
        unsent: r.unsent,
        failed: r.failed,
        last_error: r.last_error,
        message_vi,
        message_en,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &[&str]) -> ServeConfig {
        use clap::Parser;
        let mut args = vec!["ioc", "serve"];
        args.extend_from_slice(extra);
        let cli = crate::config::Cli::try_parse_from(args).unwrap();
        let crate::config::Command::Serve(c) = cli.command else {
            unreachable!()
        };
        c
    }

    #[test]
    fn smtp_settings_from_flags() {
        assert!(Settings::from_config(&config(&[])).unwrap().is_none());
        assert!(Settings::from_config(&config(&["--smtp-url="]))
            .unwrap()
            .is_none());
        let s = Settings::from_config(&config(&[
            "--smtp-url=smtp://ioc:pa%40ss@mail.nghean.gov.vn:587?tls=required",
        ]))
        .unwrap()
        .expect("configured");
        assert_eq!(s.server, "mail.nghean.gov.vn:587");
        assert!(Settings::from_config(&config(&["--smtp-url=http://mail.example.vn"])).is_err());
        assert!(Settings::from_config(&config(&["--smtp-url=smtp://h:25?tls=sometimes"])).is_err());
        assert!(Settings::from_config(&config(&[
            "--smtp-url=smtp://h:25",
            "--mail-from=not a mailbox"
        ]))
        .is_err());
    }

    #[test]
    fn addresses() {
        assert!(is_address("lan.nt@stc.nghean.gov.vn"));
        assert!(!is_address("lan.nt"));
        assert!(!is_address("lan nt@stc.vn"));
        assert!(!is_address("@stc.vn"));
    }
}
