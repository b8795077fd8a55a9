//! The stored calendar (`calendar_days`): reading, validating and writing days.
//!
//! A year is stored as a whole: the first write into a year with nothing stored copies the
//! year's expected days in first (marked expected), so that adding the announced Tết of 2027
//! does not silently drop the expected Hùng Kings' day of 2027. A swap day and the weekend day
//! that repays it are written and deleted together.

use chrono::{Datelike, NaiveDate, Weekday};
use ioc_protocol::{CalendarDay, CalendarDayInput, DayKind};
use sqlx::PgConnection;

use super::rules;

/// Why a calendar write was refused. Every variant but `Db` is the client's input: 422 with a
/// bilingual message, nothing written.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("not a date: {0}")]
    ImpossibleDate(String),
    #[error("names are required")]
    NamesRequired,
    #[error("a swap day needs the weekend day that repays it")]
    SwapWithoutRepayment,
    #[error("only a swap day is repaid")]
    RepaymentWithoutSwap,
    #[error("the repayment day {0} is not a Saturday or Sunday")]
    RepaymentNotWeekend(NaiveDate),
    #[error("the repayment day {0} is not in the swap day's year")]
    RepaymentOtherYear(NaiveDate),
    #[error("{0} is a weekend day: it cannot be a swap or compensatory day")]
    OffOnWeekend(NaiveDate),
    #[error("{0} is a weekday: only a Saturday or Sunday can be a working weekend day")]
    WorkingOnWeekday(NaiveDate),
    #[error("{0} is already in the calendar")]
    Duplicate(NaiveDate),
    #[error("{0} is already in the calendar as {1:?}: a repayment day must be free")]
    Overlap(NaiveDate, DayKind),
    #[error("{0} repays the swap day {1}: edit or delete the swap day")]
    RepaysSwap(NaiveDate, NaiveDate),
    #[error("no such day")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl CalendarError {
    /// Stable code, Vietnamese and English message.
    pub fn messages(&self) -> (&'static str, String, String) {
        use CalendarError::*;
        match self {
            ImpossibleDate(s) => (
                "impossible_date",
                format!("Ngày {s:?} không tồn tại (dạng YYYY-MM-DD)"),
                format!("{s:?} is not a date (YYYY-MM-DD)"),
            ),
            NamesRequired => (
                "names_required",
                "Cần tên tiếng Việt và tiếng Anh của ngày".into(),
                "The Vietnamese and English names are required".into(),
            ),
            SwapWithoutRepayment => (
                "swap_without_repayment",
                "Ngày nghỉ hoán đổi phải có ngày làm bù (thứ Bảy hoặc Chủ nhật)".into(),
                "A swap day off needs its repayment day (a Saturday or Sunday)".into(),
            ),
            RepaymentWithoutSwap => (
                "repayment_without_swap",
                "Chỉ ngày nghỉ hoán đổi mới có ngày làm bù".into(),
                "Only a swap day off has a repayment day".into(),
            ),
            RepaymentNotWeekend(d) => (
                "repayment_not_weekend",
                format!("Ngày làm bù {} không phải thứ Bảy hoặc Chủ nhật", vi(*d)),
                format!("The repayment day {d} is not a Saturday or Sunday"),
            ),
            RepaymentOtherYear(d) => (
                "repayment_other_year",
                format!(
                    "Ngày làm bù {} phải cùng năm với ngày nghỉ hoán đổi",
                    vi(*d)
                ),
                format!("The repayment day {d} must be in the swap day's year"),
            ),
            OffOnWeekend(d) => (
                "off_on_weekend",
                format!(
                    "Ngày {} là ngày nghỉ cuối tuần: không thể là ngày nghỉ hoán đổi hay nghỉ bù",
                    vi(*d)
                ),
                format!("{d} is a weekend day: it cannot be a swap or substitute day off"),
            ),
            WorkingOnWeekday(d) => (
                "working_on_weekday",
                format!(
                    "Ngày {} là ngày thường: chỉ thứ Bảy, Chủ nhật mới là ngày làm bù",
                    vi(*d)
                ),
                format!("{d} is a weekday: only a Saturday or Sunday can be a working weekend day"),
            ),
            Duplicate(d) => (
                "duplicate_day",
                format!("Ngày {} đã có trong lịch: hãy sửa ngày đó", vi(*d)),
                format!("{d} is already in the calendar: edit it instead"),
            ),
            Overlap(d, k) => (
                "overlapping_day",
                format!(
                    "Ngày {} đã có trong lịch ({}): ngày làm bù phải là ngày chưa có trong lịch",
                    vi(*d),
                    kind_vi(*k)
                ),
                format!(
                    "{d} is already in the calendar ({}): a repayment day must be free",
                    k.as_str()
                ),
            ),
            RepaysSwap(d, swap) => (
                "repays_swap",
                format!(
                    "Ngày {} là ngày làm bù cho ngày {}: hãy sửa hoặc xóa ngày nghỉ hoán đổi",
                    vi(*d),
                    vi(*swap)
                ),
                format!("{d} repays the swap day {swap}: edit or delete the swap day"),
            ),
            NotFound => (
                "not_found",
                "Không có ngày này trong lịch".into(),
                "No such day in the calendar".into(),
            ),
            Db(_) => ("internal", "Lỗi máy chủ".into(), "Server error".into()),
        }
    }
}

fn vi(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn kind_vi(k: DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "ngày lễ",
        DayKind::Compensatory => "nghỉ bù",
        DayKind::Swap => "nghỉ hoán đổi",
        DayKind::Working => "ngày làm bù",
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Parses a path day; an impossible date (`2026-02-30`) is the client's error.
pub fn parse_day(s: &str) -> Result<NaiveDate, CalendarError> {
    s.parse()
        .map_err(|_| CalendarError::ImpossibleDate(s.to_string()))
}

/// Checks a day on its own (the database is consulted later for overlaps).
pub fn validate(day: NaiveDate, input: &CalendarDayInput) -> Result<(), CalendarError> {
    if input.name_vi.trim().is_empty() || input.name_en.trim().is_empty() {
        return Err(CalendarError::NamesRequired);
    }
    match (input.kind, input.repaid_on) {
        (DayKind::Swap, None) => return Err(CalendarError::SwapWithoutRepayment),
        (DayKind::Swap, Some(r)) => {
            if is_weekend(day) {
                return Err(CalendarError::OffOnWeekend(day));
            }
            if !is_weekend(r) {
                return Err(CalendarError::RepaymentNotWeekend(r));
            }
            if r.year() != day.year() {
                return Err(CalendarError::RepaymentOtherYear(r));
            }
        }
        (_, Some(_)) => return Err(CalendarError::RepaymentWithoutSwap),
        (DayKind::Compensatory, None) if is_weekend(day) => {
            return Err(CalendarError::OffOnWeekend(day))
        }
        (DayKind::Working, None) if !is_weekend(day) => {
            return Err(CalendarError::WorkingOnWeekday(day))
        }
        _ => {}
    }
    Ok(())
}

/// Every stored day.
pub async fn all(db: impl sqlx::PgExecutor<'_>) -> Result<Vec<CalendarDay>, sqlx::Error> {
    sqlx::query_as!(
        CalendarDay,
        r#"SELECT day, kind AS "kind: DayKind", name_vi, name_en, source, announced, repaid_on
           FROM calendar_days ORDER BY day"#
    )
    .fetch_all(db)
    .await
}

/// The stored days of `year` (empty: the year uses the rules).
pub async fn stored_year(
    db: impl sqlx::PgExecutor<'_>,
    year: i32,
) -> Result<Vec<CalendarDay>, sqlx::Error> {
    // `$1::int4`: the year is bound as an int4, as before (extract alone would make it numeric).
    sqlx::query_as!(
        CalendarDay,
        r#"SELECT day, kind AS "kind: DayKind", name_vi, name_en, source, announced, repaid_on
           FROM calendar_days WHERE extract(year FROM day) = $1::int4 ORDER BY day"#,
        year
    )
    .fetch_all(db)
    .await
}

/// Years among `years` whose schedule is not wholly announced: nothing stored (the rules give
/// it), or some stored day still expected (e.g. the announced Tết entered, the rest not yet).
pub async fn years_not_announced(
    db: impl sqlx::PgExecutor<'_>,
    years: &[i32],
) -> Result<Vec<i32>, sqlx::Error> {
    let announced = sqlx::query_scalar!(
        r#"SELECT extract(year FROM day)::int AS "year!" FROM calendar_days
         WHERE extract(year FROM day)::int = ANY($1)
         GROUP BY 1 HAVING bool_and(announced)"#,
        years
    )
    .fetch_all(db)
    .await?;
    Ok(years
        .iter()
        .copied()
        .filter(|y| !announced.contains(y))
        .collect())
}

async fn get(db: &mut PgConnection, day: NaiveDate) -> Result<Option<CalendarDay>, sqlx::Error> {
    sqlx::query_as!(
        CalendarDay,
        r#"SELECT day, kind AS "kind: DayKind", name_vi, name_en, source, announced, repaid_on
           FROM calendar_days WHERE day = $1"#,
        day
    )
    .fetch_optional(&mut *db)
    .await
}

async fn swap_repaid_by(
    db: &mut PgConnection,
    day: NaiveDate,
) -> Result<Option<NaiveDate>, sqlx::Error> {
    sqlx::query_scalar!("SELECT day FROM calendar_days WHERE repaid_on = $1", day)
        .fetch_optional(&mut *db)
        .await
}

async fn upsert(db: &mut PgConnection, d: &CalendarDay) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO calendar_days (day, kind, name_vi, name_en, source, announced, repaid_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (day) DO UPDATE SET kind = $2, name_vi = $3, name_en = $4, source = $5,
                announced = $6, repaid_on = $7",
        d.day,
        d.kind.as_str(),
        d.name_vi.trim(),
        d.name_en.trim(),
        d.source.trim(),
        d.announced,
        d.repaid_on
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

async fn remove(db: &mut PgConnection, day: NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM calendar_days WHERE day = $1", day)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// Serialises calendar writes (the checks read other rows) and stores the year's expected days
/// if nothing of the year is stored yet.
async fn prepare_year(db: &mut PgConnection, year: i32) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('calendar_days'))")
        .execute(&mut *db)
        .await?;
    if stored_year(&mut *db, year).await?.is_empty() {
        for d in rules::expected_year(year) {
            upsert(db, &d).await?;
        }
    }
    Ok(())
}

/// Writes `day` (`create`: refuse a day already in the calendar). Returns the day before and
/// after. The caller's transaction makes the checks and the writes one step.
pub async fn put(
    db: &mut PgConnection,
    day: NaiveDate,
    input: &CalendarDayInput,
    create: bool,
) -> Result<(Option<CalendarDay>, CalendarDay), CalendarError> {
    validate(day, input)?;
    prepare_year(db, day.year()).await?;
    let before = get(db, day).await?;
    if create && before.is_some() {
        return Err(CalendarError::Duplicate(day));
    }
    if input.kind != DayKind::Working {
        if let Some(swap) = swap_repaid_by(db, day).await? {
            return Err(CalendarError::RepaysSwap(day, swap));
        }
    }
    let old_repayment = before.as_ref().and_then(|b| b.repaid_on);
    if let Some(r) = input.repaid_on {
        if r == day {
            return Err(CalendarError::Overlap(r, input.kind));
        }
        if let Some(existing) = get(db, r).await? {
            let ours = old_repayment == Some(r);
            if !ours {
                return Err(CalendarError::Overlap(r, existing.kind));
            }
        }
    }
    let after = CalendarDay {
        day,
        kind: input.kind,
        name_vi: input.name_vi.trim().to_string(),
        name_en: input.name_en.trim().to_string(),
        source: input.source.trim().to_string(),
        announced: input.announced,
        repaid_on: input.repaid_on,
    };
    if let Some(r) = input.repaid_on {
        upsert(
            db,
            &CalendarDay {
                day: r,
                kind: DayKind::Working,
                name_vi: format!("Làm bù cho ngày {}", vi(day)),
                name_en: format!("Working weekend day (repays {day})"),
                source: after.source.clone(),
                announced: after.announced,
                repaid_on: None,
            },
        )
        .await?;
    }
    upsert(db, &after).await?;
    if let Some(old) = old_repayment.filter(|o| Some(*o) != input.repaid_on) {
        remove(db, old).await?;
    }
    Ok((before, after))
}

/// Deletes `day` (and the repayment day of a swap). Returns the deleted day.
/// Deleting an expected day of a year with nothing stored stores the rest of the year first.
pub async fn delete(db: &mut PgConnection, day: NaiveDate) -> Result<CalendarDay, CalendarError> {
    prepare_year(db, day.year()).await?;
    let Some(before) = get(db, day).await? else {
        return Err(CalendarError::NotFound);
    };
    if let Some(swap) = swap_repaid_by(db, day).await? {
        return Err(CalendarError::RepaysSwap(day, swap));
    }
    remove(db, day).await?;
    if let Some(r) = before.repaid_on {
        remove(db, r).await?;
    }
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: DayKind, repaid_on: Option<NaiveDate>) -> CalendarDayInput {
        CalendarDayInput {
            kind,
            name_vi: "Nghỉ".into(),
            name_en: "Off".into(),
            source: String::new(),
            announced: true,
            repaid_on,
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn validation_refuses_what_cannot_be() {
        assert!(parse_day("2026-02-30").is_err());
        let swap = |r| validate(d("2026-01-02"), &input(DayKind::Swap, r));
        assert!(swap(Some(d("2026-01-10"))).is_ok());
        assert!(matches!(
            swap(None),
            Err(CalendarError::SwapWithoutRepayment)
        ));
        assert!(matches!(
            swap(Some(d("2026-01-09"))),
            Err(CalendarError::RepaymentNotWeekend(_))
        ));
        assert!(matches!(
            validate(
                d("2026-01-03"),
                &input(DayKind::Swap, Some(d("2026-01-10")))
            ),
            Err(CalendarError::OffOnWeekend(_))
        ));
        assert!(matches!(
            validate(d("2026-01-05"), &input(DayKind::Working, None)),
            Err(CalendarError::WorkingOnWeekday(_))
        ));
        assert!(matches!(
            validate(
                d("2026-01-05"),
                &input(DayKind::Holiday, Some(d("2026-01-10")))
            ),
            Err(CalendarError::RepaymentWithoutSwap)
        ));
        assert!(matches!(
            validate(
                d("2026-12-31"),
                &input(DayKind::Swap, Some(d("2027-01-02")))
            ),
            Err(CalendarError::RepaymentOtherYear(_))
        ));
    }
}
