//! The indicator catalogue: what each series means, how it aggregates, who reports it, and the
//! thresholds the entry checks and the wall use. Kept as data in `series` (migration 000006),
//! edited by administrators.

use ioc_protocol::{Aggregation, IndicatorDef, IndicatorPatch, ValueKind};
use sqlx::{PgExecutor, PgPool};

use crate::http::constraint::Violation;

/// What the CHECK constraints of `series` tell an administrator whose catalogue edit breaks one
/// (a 422 in both languages).
pub const CONSTRAINTS: &[Violation] = &[
    Violation {
        constraint: "series_code_check",
        vi: "Mã chỉ tiêu: chữ thường, số, _ . - (tối đa 64), bắt đầu bằng chữ",
        en: "code: a-z 0-9 _ . - (up to 64), starting with a letter",
    },
    Violation {
        constraint: "series_name_vi_check",
        vi: "Tên không được để trống",
        en: "names must not be blank",
    },
    Violation {
        constraint: "series_name_en_check",
        vi: "Tên không được để trống",
        en: "names must not be blank",
    },
    Violation {
        constraint: "series_check",
        vi: "Giá trị tối thiểu không được lớn hơn giá trị tối đa",
        en: "min_value must not exceed max_value",
    },
    Violation {
        constraint: "series_check1",
        vi: "Ngưỡng cảnh báo dưới không được lớn hơn ngưỡng trên",
        en: "warn_low must not exceed warn_high",
    },
    Violation {
        constraint: "series_check2",
        vi: "Chỉ tiêu cộng dồn phải tổng hợp bằng cách cộng (sum)",
        en: "a cumulative indicator must aggregate by sum",
    },
    Violation {
        constraint: "series_disbursement_cumulative",
        vi: "Chỉ tiêu giải ngân phải là chỉ tiêu cộng dồn",
        en: "a disbursement indicator must be cumulative",
    },
    Violation {
        constraint: "series_relative_index_reported",
        vi: "Chỉ số so với cùng kỳ hoặc tháng trước phải tổng hợp theo tỷ lệ (rate)",
        en: "an index against last year or last month must aggregate as a rate",
    },
    Violation {
        constraint: "series_decimals_check",
        vi: "Số chữ số thập phân: 0–6",
        en: "decimals: 0–6",
    },
    Violation {
        constraint: "series_jump_pct_check",
        vi: "Ngưỡng biến động (jump_pct) phải lớn hơn 0",
        en: "jump_pct must be above 0",
    },
    Violation {
        constraint: "series_aggregation_check",
        vi: "Cách tổng hợp không hợp lệ",
        en: "invalid aggregation",
    },
    Violation {
        constraint: "series_periodicity_check",
        vi: "Kỳ báo cáo không hợp lệ",
        en: "invalid periodicity",
    },
    Violation {
        constraint: "series_value_kind_check",
        vi: "Loại giá trị không hợp lệ",
        en: "invalid value kind",
    },
];

#[derive(sqlx::FromRow)]
struct Row {
    id: i32,
    code: String,
    name_vi: String,
    name_en: String,
    measure_vi: String,
    measure_en: String,
    decimals: i16,
    group_code: Option<String>,
    periodicity: String,
    aggregation: Aggregation,
    value_kind: ValueKind,
    disbursement: bool,
    cumulative: bool,
    owner_unit: Option<String>,
    owner_name_vi: Option<String>,
    higher_is_better: bool,
    min_value: Option<f64>,
    max_value: Option<f64>,
    warn_low: Option<f64>,
    warn_high: Option<f64>,
    jump_pct: f64,
    annual_target: Option<f64>,
    active: bool,
    on_wall: bool,
    sort_order: i32,
}

const SELECT: &str = "SELECT s.id, s.code, s.name_vi, s.name_en, s.measure_vi, s.measure_en, s.decimals,
        s.group_code, s.periodicity, s.aggregation, s.value_kind, s.disbursement, s.cumulative, s.owner_unit, u.name_vi AS owner_name_vi,
        s.higher_is_better, s.min_value::float8, s.max_value::float8, s.warn_low::float8,
        s.warn_high::float8, s.jump_pct::float8, s.annual_target::float8, s.active, s.on_wall, s.sort_order
     FROM series s LEFT JOIN units u ON u.code = s.owner_unit";

/// An indicator with its database id (the id never leaves the server).
#[derive(Clone, Debug)]
pub struct Indicator {
    pub id: i32,
    pub def: IndicatorDef,
}

impl From<Row> for Indicator {
    fn from(r: Row) -> Self {
        Indicator {
            id: r.id,
            def: IndicatorDef {
                code: r.code,
                name_vi: r.name_vi,
                name_en: r.name_en,
                measure_vi: r.measure_vi,
                measure_en: r.measure_en,
                decimals: r.decimals.clamp(0, 6) as u8,
                group: r.group_code,
                periodicity: r.periodicity,
                aggregation: r.aggregation,
                value_kind: r.value_kind,
                disbursement: r.disbursement,
                cumulative: r.cumulative,
                owner_unit: r.owner_unit,
                owner_name_vi: r.owner_name_vi,
                higher_is_better: r.higher_is_better,
                min_value: r.min_value,
                max_value: r.max_value,
                warn_low: r.warn_low,
                warn_high: r.warn_high,
                jump_pct: r.jump_pct,
                annual_target: r.annual_target,
                active: r.active,
                on_wall: r.on_wall,
                sort_order: r.sort_order,
            },
        }
    }
}

/// The whole catalogue in display order.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<Indicator>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY s.sort_order, s.code"))
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(Indicator::from).collect())
}

pub async fn get(db: impl PgExecutor<'_>, code: &str) -> Result<Option<Indicator>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE s.code = $1"))
        .bind(code)
        .fetch_optional(db)
        .await?;
    Ok(row.map(Indicator::from))
}

/// The active indicators of a group that `unit` reports.
pub async fn reported_by(
    db: impl PgExecutor<'_>,
    group: &str,
    unit: &str,
) -> Result<Vec<Indicator>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE s.group_code = $1 AND s.owner_unit = $2 AND s.active ORDER BY s.sort_order, s.code"
    ))
    .bind(group)
    .bind(unit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Indicator::from).collect())
}

/// Applies an administrator's changes; the caller audits before and after in the same
/// transaction. Constraint violations (min above max, cumulative but not a sum) come back as
/// database errors that the API maps to 422.
pub async fn update(
    tx: &mut sqlx::PgConnection,
    code: &str,
    p: &IndicatorPatch,
) -> Result<Option<Indicator>, sqlx::Error> {
    let exists: Option<i32> =
        sqlx::query_scalar("SELECT id FROM series WHERE code = $1 FOR UPDATE")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_none() {
        return Ok(None);
    }
    // `$n IS NULL` keeps the column for absent fields; the `set_*` flags let `null` clear the
    // optional numbers.
    sqlx::query(
        "UPDATE series SET
            name_vi = coalesce($2, name_vi), name_en = coalesce($3, name_en),
            measure_vi = coalesce($4, measure_vi), measure_en = coalesce($5, measure_en),
            decimals = coalesce($6, decimals), aggregation = coalesce($7, aggregation),
            cumulative = coalesce($8, cumulative), owner_unit = coalesce($9, owner_unit),
            higher_is_better = coalesce($10, higher_is_better),
            min_value = CASE WHEN $11 THEN $12::float8::numeric ELSE min_value END,
            max_value = CASE WHEN $13 THEN $14::float8::numeric ELSE max_value END,
            warn_low = CASE WHEN $15 THEN $16::float8::numeric ELSE warn_low END,
            warn_high = CASE WHEN $17 THEN $18::float8::numeric ELSE warn_high END,
            jump_pct = coalesce($19::float8::numeric, jump_pct),
            annual_target = CASE WHEN $20 THEN $21::float8::numeric ELSE annual_target END,
            active = coalesce($22, active), on_wall = coalesce($23, on_wall), sort_order = coalesce($24, sort_order),
            value_kind = coalesce($25, value_kind), disbursement = coalesce($26, disbursement)
         WHERE code = $1",
    )
    .bind(code)
    .bind(&p.name_vi)
    .bind(&p.name_en)
    .bind(&p.measure_vi)
    .bind(&p.measure_en)
    .bind(p.decimals.map(i16::from))
    .bind(p.aggregation.map(|a| a.as_str()))
    .bind(p.cumulative)
    .bind(&p.owner_unit)
    .bind(p.higher_is_better)
    .bind(p.min_value.is_some())
    .bind(p.min_value.flatten())
    .bind(p.max_value.is_some())
    .bind(p.max_value.flatten())
    .bind(p.warn_low.is_some())
    .bind(p.warn_low.flatten())
    .bind(p.warn_high.is_some())
    .bind(p.warn_high.flatten())
    .bind(p.jump_pct)
    .bind(p.annual_target.is_some())
    .bind(p.annual_target.flatten())
    .bind(p.active)
    .bind(p.on_wall)
    .bind(p.sort_order)
    .bind(p.value_kind.map(|k| k.as_str()))
    .bind(p.disbursement)
    .execute(&mut *tx)
    .await?;
    get(&mut *tx, code).await
}

/// Ids of the series with these codes; unknown codes are missing from the answer.
pub async fn ids(db: &PgPool, codes: &[&str]) -> Result<Vec<(String, i32)>, sqlx::Error> {
    sqlx::query_as("SELECT code, id FROM series WHERE code = ANY($1)")
        .bind(codes)
        .fetch_all(db)
        .await
}
