//! The tasks of the five seed letters (`assets/demo/directives.csv`, `assets/demo/tasks.csv`),
//! imported for the demo: owners named by department kind (`stc`, `skhcn`…, so a letter of 2020
//! addressed to the old Department of Planning and Investment goes to today's Department of
//! Finance, in whichever province the server runs), `departments` for every department and
//! `communes` for every commune (one task each: each owns its part). Idempotent: a letter
//! imported once is skipped.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

use super::{deadline, store};

const DIRECTIVES: &str = include_str!("../../../assets/demo/directives.csv");
const TASKS: &str = include_str!("../../../assets/demo/tasks.csv");

#[derive(Deserialize)]
struct DirectiveRow {
    letter: String,
    number: String,
    issued_on: String,
    issuer: String,
    title: String,
    seed: String,
}

#[derive(Deserialize)]
struct TaskRow {
    letter: String,
    owner: String,
    owner_as_written: String,
    cooperators: String,
    #[allow(dead_code)]
    cooperators_as_written: String,
    content: String,
    deadline: String,
}

fn rows<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.with_context(|| format!("{what}, row {}", i + 2)))
        .collect()
}

/// Imports the seed letters not imported yet; the number of tasks written. A task whose
/// deadline the letter does not state, or makes wait on an event ("khi Thông tư có hiệu lực"),
/// is kept as an ongoing task with its wording (the API refuses such a wording: a person
/// entering a letter is asked for a date); owners the province does not have are left out.
pub async fn import(db: &PgPool, province: &str) -> anyhow::Result<usize> {
    let letters: Vec<DirectiveRow> = rows(DIRECTIVES, "assets/demo/directives.csv")?;
    let tasks: Vec<TaskRow> = rows(TASKS, "assets/demo/tasks.csv")?;
    let units = sqlx::query!(
        r#"SELECT code, kind, department_kind FROM units
           WHERE parent_code = $1 AND active AND kind IN ('department', 'commune')
           ORDER BY sort_order, code"#,
        province
    )
    .fetch_all(db)
    .await?;
    let by_kind: HashMap<&str, &str> = units
        .iter()
        .filter_map(|u| Some((u.department_kind.as_deref()?, u.code.as_str())))
        .collect();
    let of_kind = |kind: &str| -> Vec<String> {
        units
            .iter()
            .filter(|u| u.kind == kind)
            .map(|u| u.code.clone())
            .collect()
    };
    let owners = |code: &str| -> Vec<String> {
        match code {
            "departments" => of_kind("department"),
            "communes" => of_kind("commune"),
            kind => by_kind
                .get(kind)
                .map(|c| vec![c.to_string()])
                .unwrap_or_default(),
        }
    };
    let mut written = 0;
    for letter in &letters {
        let seed = &letter.seed;
        if store::seed_imported(db, seed).await? {
            continue;
        }
        let mut read = Vec::new();
        for t in tasks.iter().filter(|t| t.letter == letter.letter) {
            let parsed = deadline::parse(&t.deadline).unwrap_or(deadline::Deadline::Ongoing);
            let cooperators: Vec<String> = t
                .cooperators
                .split_whitespace()
                .filter(|c| !matches!(*c, "departments" | "communes"))
                .flat_map(&owners)
                .collect();
            for owner in owners(&t.owner) {
                read.push(super::ReadTask {
                    cooperators: cooperators
                        .iter()
                        .filter(|c| **c != owner)
                        .cloned()
                        .collect(),
                    owner,
                    owner_as_written: t.owner_as_written.clone(),
                    content: t.content.clone(),
                    wording: if t.deadline.trim().is_empty() {
                        "thường xuyên".to_string()
                    } else {
                        t.deadline.clone()
                    },
                    deadline: parsed,
                });
            }
        }
        if read.is_empty() {
            continue;
        }
        let new: Vec<store::NewTask> = read.iter().map(|r| r.as_new()).collect();
        let mut tx = db.begin().await?;
        store::insert(
            &mut tx,
            &store::NewDirective {
                number: &letter.number,
                issued_on: NaiveDate::parse_from_str(&letter.issued_on, "%Y-%m-%d").ok(),
                issuer: &letter.issuer,
                title: &letter.title,
                seed: Some(seed),
                created_by: "demo",
            },
            &new,
        )
        .await?;
        tx.commit().await?;
        written += new.len();
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed letters parse, and every dated deadline in them is read (the wordings left are
    /// the ones that name no date: conditions, "as the Government requires", "every quarter").
    #[test]
    fn the_seed_letters_parse_and_their_dates_are_read() {
        let letters: Vec<DirectiveRow> = rows(DIRECTIVES, "directives").unwrap();
        assert_eq!(letters.len(), 5);
        let tasks: Vec<TaskRow> = rows(TASKS, "tasks").unwrap();
        assert!(tasks
            .iter()
            .all(|t| letters.iter().any(|l| l.letter == t.letter)));
        let unread: Vec<&str> = tasks
            .iter()
            .filter(|t| deadline::parse(&t.deadline).is_err())
            .map(|t| t.deadline.as_str())
            .collect();
        for w in &unread {
            assert!(
                !w.chars().any(|c| c.is_ascii_digit()) || w.starts_with("sau khi"),
                "a dated wording not read: {w}"
            );
        }
        let dated = tasks
            .iter()
            .filter(|t| matches!(deadline::parse(&t.deadline), Ok(d) if d != deadline::Deadline::Ongoing))
            .count();
        assert!(dated >= 10, "{dated}");
    }
}
