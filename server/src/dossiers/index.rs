//! The Decision 766/QĐ-TTg index: six groups, 100 points, per unit and period.
//!
//! The formulas are configuration (`index766_groups`, `index766_metrics`, `index766_bands`): a
//! metric names a numerator and a denominator among the [`Measure`]s this module computes from
//! the rollups and the catalogue, and scores `max × min(1, ratio / full_at)`; a group scores
//! `min(group max, Σ its metrics)`. With that one rule the portal's conversions are all data:
//! "min(2, 2A/0.8)" is max 2, full at 0.8; "6 × ratio" is max 6, full at 1.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use ioc_protocol::{GroupScore, IndexSummary, MetricScore};
use sqlx::PgPool;

/// A period of the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    /// The 30 days ending today.
    Rolling30,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [Self::Month, Self::Quarter, Self::Year, Self::Rolling30];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
            Self::Rolling30 => "rolling30",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The period of this kind containing `day` (for rolling 30 days: ending on `day`).
    pub fn containing(self, day: NaiveDate) -> IndexPeriod {
        let (y, m) = (day.year(), day.month());
        let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(day);
        let (start, end) = match self {
            Self::Month => {
                let start = first(y, m);
                let next = if m == 12 {
                    first(y + 1, 1)
                } else {
                    first(y, m + 1)
                };
                (start, next - Duration::days(1))
            }
            Self::Quarter => {
                let qm = (m - 1) / 3 * 3 + 1;
                let start = first(y, qm);
                let next = if qm == 10 {
                    first(y + 1, 1)
                } else {
                    first(y, qm + 3)
                };
                (start, next - Duration::days(1))
            }
            Self::Year => (first(y, 1), first(y + 1, 1) - Duration::days(1)),
            Self::Rolling30 => (day - Duration::days(29), day),
        };
        IndexPeriod {
            kind: self,
            start,
            end,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexPeriod {
    pub kind: PeriodKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl IndexPeriod {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

macro_rules! measures {
    ($($name:ident => $vi:literal, $en:literal;)*) => {
        /// What the index counts; the configuration names these.
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub struct Measures { $(pub $name: f64,)* }

        impl Measures {
            /// The value of the measure the configuration calls `name`.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name { $(stringify!($name) => Some(self.$name),)* _ => None }
            }

            /// Its name for the explain view.
            pub fn label(name: &str) -> Option<(&'static str, &'static str)> {
                match name { $(stringify!($name) => Some(($vi, $en)),)* _ => None }
            }

            pub fn add(&mut self, o: &Measures) { $(self.$name += o.$name;)* }
        }
    };
}

measures! {
    procedures => "TTHC thuộc thẩm quyền", "procedures handled";
    procedures_published_on_time => "TTHC công bố đúng hạn", "procedures published on time";
    procedures_updated_on_time => "TTHC cập nhật đúng hạn", "procedures updated on time";
    procedures_content_complete => "TTHC công khai đầy đủ", "procedures fully public";
    procedures_online => "TTHC trực tuyến (toàn trình, một phần)", "procedures offered online";
    procedures_population => "TTHC kết nối CSDL dân cư", "procedures connected to population data";
    procedures_with_fee => "TTHC có phí, lệ phí", "procedures with fees";
    procedures_payable_online => "TTHC có phí cho thanh toán trực tuyến", "fee procedures payable online";
    online_procedures_used => "DVC trực tuyến có hồ sơ trực tuyến", "online services with online dossiers";
    fee_procedures_used => "TTHC có phí phát sinh hồ sơ", "fee procedures with dossiers";
    received => "hồ sơ tiếp nhận", "dossiers received";
    received_online => "hồ sơ trực tuyến", "online dossiers";
    synced => "hồ sơ đồng bộ Cổng DVC quốc gia", "dossiers synced";
    handled => "hồ sơ đã và đang giải quyết", "dossiers finished or in progress";
    in_time => "hồ sơ trước, đúng hạn và còn hạn", "dossiers early, on time or in time";
    finished => "hồ sơ đã giải quyết", "dossiers finished";
    finished_in_time => "hồ sơ giải quyết trước và đúng hạn", "dossiers finished early or on time";
    electronic_results => "hồ sơ có kết quả điện tử", "dossiers with electronic results";
    digitised_components => "hồ sơ số hóa thành phần", "dossiers with digitised components";
    electronic_copies => "hồ sơ chứng thực điện tử", "dossiers with electronic certified copies";
    reused_data => "hồ sơ tái sử dụng dữ liệu", "dossiers reusing data";
    shared_for_reuse => "hồ sơ số hóa được chia sẻ", "digitised dossiers shared";
    population_data => "hồ sơ dùng dữ liệu dân cư", "dossiers using population data";
    with_fee => "hồ sơ có phí, lệ phí", "dossiers with fees";
    paid_online => "hồ sơ thanh toán trực tuyến", "dossiers paid online";
    rated => "hồ sơ được đánh giá", "dossiers rated";
    satisfied => "hồ sơ hài lòng", "dossiers rated satisfied";
    feedback => "phản ánh, kiến nghị", "feedback received";
    feedback_on_time => "phản ánh xử lý đúng hạn", "feedback handled on time";
    feedback_rated => "phản ánh được đánh giá", "feedback rated";
    feedback_satisfied => "phản ánh hài lòng", "feedback rated satisfied";
}

/// The configuration of the index as stored.
#[derive(Clone, Debug)]
pub struct Config {
    pub groups: Vec<Group>,
    pub metrics: Vec<Metric>,
    /// (min points, vi, en), best first.
    pub bands: Vec<(f64, String, String)>,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub max_points: f64,
}

#[derive(Clone, Debug)]
pub struct Metric {
    pub code: String,
    pub group: String,
    pub name_vi: String,
    pub name_en: String,
    pub max_points: f64,
    pub full_at: f64,
    pub numerator: String,
    pub denominator: String,
    /// Scores full when there is nothing to measure (feedback with no feedback).
    pub full_when_empty: bool,
}

impl Config {
    pub async fn load(db: &PgPool) -> Result<Config, sqlx::Error> {
        let groups = sqlx::query!(
            r#"SELECT code, name_vi, name_en, max_points::float8 AS "max_points!" FROM index766_groups ORDER BY sort_order"#
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| Group {
            code: r.code,
            name_vi: r.name_vi,
            name_en: r.name_en,
            max_points: r.max_points,
        })
        .collect();
        let metrics = sqlx::query!(
            r#"SELECT m.code, group_code, m.name_vi, m.name_en, m.max_points::float8 AS "max_points!",
                      full_at::float8 AS "full_at!", numerator, denominator, when_empty
               FROM index766_metrics m JOIN index766_groups g ON g.code = m.group_code
               ORDER BY g.sort_order, m.sort_order"#
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .filter(|r| {
            // A measure the server does not compute is a configuration mistake: the metric is
            // left out (and said in the log) rather than scoring a silent zero.
            let known = Measures::label(&r.numerator).is_some() && Measures::label(&r.denominator).is_some();
            if !known {
                tracing::error!(metric = %r.code, numerator = %r.numerator, denominator = %r.denominator,
                    "index766_metrics names a measure the server does not compute");
            }
            known
        })
        .map(|r| Metric {
            code: r.code,
            group: r.group_code,
            name_vi: r.name_vi,
            name_en: r.name_en,
            max_points: r.max_points,
            full_at: r.full_at,
            numerator: r.numerator,
            denominator: r.denominator,
            full_when_empty: r.when_empty == "full",
        })
        .collect();
        let bands = sqlx::query!(
            r#"SELECT min_points::float8 AS "min_points!", name_vi, name_en FROM index766_bands ORDER BY min_points DESC"#
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| (r.min_points, r.name_vi, r.name_en))
        .collect();
        Ok(Config {
            groups,
            metrics,
            bands,
        })
    }

    /// Scores `m`: the total, the six groups and every metric with its numbers.
    pub fn score(&self, m: &Measures) -> (IndexSummary, Vec<MetricScore>) {
        let metrics: Vec<MetricScore> = self
            .metrics
            .iter()
            .map(|metric| {
                let numerator = m.get(&metric.numerator).unwrap_or(0.0);
                let denominator = m.get(&metric.denominator).unwrap_or(0.0);
                let ratio = (denominator > 0.0).then(|| numerator / denominator);
                let points = match ratio {
                    Some(r) => metric.max_points * (r / metric.full_at).min(1.0),
                    None if metric.full_when_empty => metric.max_points,
                    None => 0.0,
                };
                let label = |name: &str| {
                    Measures::label(name)
                        .map(|(vi, en)| format!("{vi} / {en}"))
                        .unwrap_or_default()
                };
                MetricScore {
                    code: metric.code.clone(),
                    group: metric.group.clone(),
                    name_vi: metric.name_vi.clone(),
                    name_en: metric.name_en.clone(),
                    numerator_name: label(&metric.numerator),
                    denominator_name: label(&metric.denominator),
                    numerator,
                    denominator,
                    ratio,
                    full_at: metric.full_at,
                    points: round2(points),
                    max_points: metric.max_points,
                }
            })
            .collect();
        let groups: Vec<GroupScore> = self
            .groups
            .iter()
            .map(|g| {
                let sum: f64 = metrics
                    .iter()
                    .filter(|s| s.group == g.code)
                    .map(|s| s.points)
                    .sum();
                GroupScore {
                    code: g.code.clone(),
                    name_vi: g.name_vi.clone(),
                    name_en: g.name_en.clone(),
                    points: round2(sum.min(g.max_points)),
                    max_points: g.max_points,
                }
            })
            .collect();
        let total = round2(groups.iter().map(|g| g.points).sum());
        let (band_vi, band_en) = self
            .bands
            .iter()
            .find(|(min, _, _)| total >= *min)
            .map(|(_, vi, en)| (vi.clone(), en.clone()))
            .unwrap_or_default();
        (
            IndexSummary {
                total,
                band_vi,
                band_en,
                groups,
            },
            metrics,
        )
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// What a unit is, for the catalogue's counts.
#[derive(Clone, Debug)]
pub struct UnitInfo {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `department` or `commune`.
    pub kind: String,
}

/// The measures of every unit of `units` and of the province (key: `province`) in `period`.
/// Open dossiers count only in a period that contains `today` (they are "in progress" now).
pub async fn measures(
    db: &PgPool,
    province: &str,
    units: &[UnitInfo],
    period: IndexPeriod,
    today: NaiveDate,
    overdue_through: NaiveDate,
) -> Result<HashMap<String, Measures>, sqlx::Error> {
    let codes: Vec<String> = units.iter().map(|u| u.code.clone()).collect();
    let mut by_unit: HashMap<String, Measures> = HashMap::new();
    let daily = sqlx::query!(
        r#"SELECT unit_code, sum(received)::float8 AS "received!", sum(received_online)::float8 AS "received_online!",
                  sum(synced)::float8 AS "synced!", sum(finished)::float8 AS "finished!",
                  sum(finished_early + finished_on_time)::float8 AS "finished_in_time!",
                  sum(electronic_results)::float8 AS "electronic_results!",
                  sum(digitised_components)::float8 AS "digitised_components!",
                  sum(electronic_copies)::float8 AS "electronic_copies!", sum(reused_data)::float8 AS "reused_data!",
                  sum(shared_for_reuse)::float8 AS "shared_for_reuse!", sum(population_data)::float8 AS "population_data!",
                  sum(with_fee)::float8 AS "with_fee!", sum(paid_online)::float8 AS "paid_online!",
                  sum(rated)::float8 AS "rated!", sum(satisfied)::float8 AS "satisfied!",
                  sum(feedback)::float8 AS "feedback!", sum(feedback_on_time)::float8 AS "feedback_on_time!",
                  sum(feedback_rated)::float8 AS "feedback_rated!", sum(feedback_satisfied)::float8 AS "feedback_satisfied!"
           FROM dossier_daily WHERE unit_code = ANY($1) AND day BETWEEN $2 AND $3 GROUP BY unit_code"#,
        &codes,
        period.start,
        period.end
    )
    .fetch_all(db)
    .await?;
    for r in daily {
        let m = by_unit.entry(r.unit_code).or_default();
        m.received = r.received;
        m.received_online = r.received_online;
        m.synced = r.synced;
        m.finished = r.finished;
        m.handled = r.finished;
        m.in_time = r.finished_in_time;
        m.finished_in_time = r.finished_in_time;
        m.electronic_results = r.electronic_results;
        m.digitised_components = r.digitised_components;
        m.electronic_copies = r.electronic_copies;
        m.reused_data = r.reused_data;
        m.shared_for_reuse = r.shared_for_reuse;
        m.population_data = r.population_data;
        m.with_fee = r.with_fee;
        m.paid_online = r.paid_online;
        m.rated = r.rated;
        m.satisfied = r.satisfied;
        m.feedback = r.feedback;
        m.feedback_on_time = r.feedback_on_time;
        m.feedback_rated = r.feedback_rated;
        m.feedback_satisfied = r.feedback_satisfied;
    }
    if period.contains(today) {
        let open = sqlx::query!(
            r#"SELECT unit_code, sum(count)::float8 AS "open!",
                      (sum(count) FILTER (WHERE due_date > $2))::float8 AS "in_time"
               FROM dossier_open WHERE unit_code = ANY($1) AND NOT paused GROUP BY unit_code"#,
            &codes,
            overdue_through
        )
        .fetch_all(db)
        .await?;
        for r in open {
            let m = by_unit.entry(r.unit_code).or_default();
            m.handled += r.open;
            m.in_time += r.in_time.unwrap_or(0.0);
        }
    }
    // The catalogue: a department handles its own procedures, every commune the commune-level ones.
    let catalogue = sqlx::query!(
        r#"SELECT coalesce(unit_code, '') AS "unit!", count(*)::float8 AS "procedures!",
                  count(*) FILTER (WHERE published_on_time)::float8 AS "published!",
                  count(*) FILTER (WHERE updated_on_time)::float8 AS "updated!",
                  count(*) FILTER (WHERE content_complete)::float8 AS "complete!",
                  count(*) FILTER (WHERE online_level <> 'none')::float8 AS "online!",
                  count(*) FILTER (WHERE population_db)::float8 AS "population!",
                  count(*) FILTER (WHERE has_fee)::float8 AS "with_fee!",
                  count(*) FILTER (WHERE online_payment)::float8 AS "payable!"
           FROM procedures WHERE active GROUP BY unit_code"#
    )
    .fetch_all(db)
    .await?;
    let mut province_m = Measures::default();
    let mut catalogue_of: HashMap<String, Measures> = HashMap::new();
    for r in catalogue {
        let c = Measures {
            procedures: r.procedures,
            procedures_published_on_time: r.published,
            procedures_updated_on_time: r.updated,
            procedures_content_complete: r.complete,
            procedures_online: r.online,
            procedures_population: r.population,
            procedures_with_fee: r.with_fee,
            procedures_payable_online: r.payable,
            ..Measures::default()
        };
        province_m.add(&c);
        catalogue_of.insert(r.unit, c);
    }
    let used = sqlx::query!(
        r#"SELECT m.unit_code,
                  count(DISTINCT m.procedure_code) FILTER (WHERE m.online > 0 AND p.online_level <> 'none')::float8 AS "online!",
                  count(DISTINCT m.procedure_code) FILTER (WHERE m.dossiers > 0 AND p.has_fee)::float8 AS "fee!"
           FROM dossier_procedure_months m JOIN procedures p ON p.code = m.procedure_code
           WHERE m.unit_code = ANY($1) AND m.month BETWEEN date_trunc('month', $2::date)::date AND $3
           GROUP BY m.unit_code"#,
        &codes,
        period.start,
        period.end
    )
    .fetch_all(db)
    .await?;
    for r in used {
        let m = by_unit.entry(r.unit_code).or_default();
        m.online_procedures_used = r.online;
        m.fee_procedures_used = r.fee;
    }
    let province_used = sqlx::query!(
        r#"SELECT count(DISTINCT m.procedure_code) FILTER (WHERE m.online > 0 AND p.online_level <> 'none')::float8 AS "online!",
                  count(DISTINCT m.procedure_code) FILTER (WHERE m.dossiers > 0 AND p.has_fee)::float8 AS "fee!"
           FROM dossier_procedure_months m JOIN procedures p ON p.code = m.procedure_code
           WHERE m.unit_code = ANY($1) AND m.month BETWEEN date_trunc('month', $2::date)::date AND $3"#,
        &codes,
        period.start,
        period.end
    )
    .fetch_one(db)
    .await?;
    let mut province_total = Measures::default();
    for u in units {
        let m = by_unit.entry(u.code.clone()).or_default();
        // Dossier counts add up to the province; the catalogue counts each procedure once (not
        // once per commune) and distinct procedures are counted over the whole province.
        let mut events = *m;
        events.online_procedures_used = 0.0;
        events.fee_procedures_used = 0.0;
        province_total.add(&events);
        let key = if u.kind == "commune" {
            ""
        } else {
            u.code.as_str()
        };
        if let Some(c) = catalogue_of.get(key) {
            m.add(c);
        }
    }
    province_total.add(&province_m);
    province_total.online_procedures_used = province_used.online;
    province_total.fee_procedures_used = province_used.fee;
    by_unit.insert(province.to_string(), province_total);
    Ok(by_unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeded configuration, as the migration writes it (kept in step by the integration
    /// test that loads the real one).
    fn config() -> Config {
        let g = |code: &str, max: f64| Group {
            code: code.into(),
            name_vi: code.into(),
            name_en: code.into(),
            max_points: max,
        };
        let m = |code: &str, group: &str, max: f64, full_at: f64, num: &str, den: &str| Metric {
            code: code.into(),
            group: group.into(),
            name_vi: code.into(),
            name_en: code.into(),
            max_points: max,
            full_at,
            numerator: num.into(),
            denominator: den.into(),
            full_when_empty: code.starts_with("feedback"),
        };
        Config {
            groups: vec![
                g("online", 12.0),
                g("payment", 10.0),
                g("satisfaction", 18.0),
            ],
            metrics: vec![
                m(
                    "offered",
                    "online",
                    2.0,
                    0.8,
                    "procedures_online",
                    "procedures",
                ),
                m(
                    "used",
                    "online",
                    4.0,
                    1.0,
                    "online_procedures_used",
                    "procedures_online",
                ),
                m(
                    "online_share",
                    "online",
                    6.0,
                    0.5,
                    "received_online",
                    "received",
                ),
                m(
                    "paid_online",
                    "payment",
                    6.0,
                    1.0,
                    "paid_online",
                    "with_fee",
                ),
                m(
                    "payment_offered",
                    "payment",
                    2.0,
                    0.8,
                    "procedures_payable_online",
                    "procedures_with_fee",
                ),
                m(
                    "payment_used",
                    "payment",
                    2.5,
                    1.0,
                    "fee_procedures_used",
                    "procedures_with_fee",
                ),
                m(
                    "feedback_on_time",
                    "satisfaction",
                    6.0,
                    1.0,
                    "feedback_on_time",
                    "feedback",
                ),
                m("satisfied", "satisfaction", 6.0, 0.9, "satisfied", "rated"),
            ],
            bands: vec![
                (80.0, "Tốt".into(), "Good".into()),
                (0.0, "Yếu".into(), "Poor".into()),
            ],
        }
    }

    #[test]
    fn the_online_group_follows_the_portal_formula() {
        // A = 0.6 → min(2, 2·0.6/0.8) = 1.5; B = 0.5 → 4·0.5 = 2; C = 0.3 → min(6, 6·0.3/0.5) = 3.6.
        let m = Measures {
            procedures: 10.0,
            procedures_online: 6.0,
            online_procedures_used: 3.0,
            received: 100.0,
            received_online: 30.0,
            ..Measures::default()
        };
        let (summary, metrics) = config().score(&m);
        let online = summary.groups.iter().find(|g| g.code == "online").unwrap();
        assert_eq!(online.points, 7.1);
        let share = metrics.iter().find(|x| x.code == "online_share").unwrap();
        assert_eq!(
            (share.numerator, share.denominator, share.points),
            (30.0, 100.0, 3.6)
        );
        // C above 0.5 is capped at 6.
        let (s, _) = config().score(&Measures {
            received_online: 90.0,
            ..m
        });
        assert_eq!(s.groups[0].points, 1.5 + 2.0 + 6.0);
    }

    #[test]
    fn a_group_never_exceeds_its_maximum_and_empty_feedback_scores_full() {
        // 6A + min(2, 2.5B) + 2.5C can reach 10.5: the payment group stops at 10.
        let m = Measures {
            with_fee: 10.0,
            paid_online: 10.0,
            procedures_with_fee: 4.0,
            procedures_payable_online: 4.0,
            fee_procedures_used: 4.0,
            rated: 10.0,
            satisfied: 9.0,
            ..Measures::default()
        };
        let (s, metrics) = config().score(&m);
        assert_eq!(s.groups[1].points, 10.0);
        // No feedback: full 6; 90% satisfied is full at 0.9: 6.
        assert_eq!(s.groups[2].points, 12.0);
        assert_eq!(
            metrics
                .iter()
                .find(|x| x.code == "feedback_on_time")
                .unwrap()
                .ratio,
            None
        );
    }

    #[test]
    fn periods() {
        let d: NaiveDate = "2026-11-15".parse().unwrap();
        let q = PeriodKind::Quarter.containing(d);
        assert_eq!(
            (q.start.to_string(), q.end.to_string()),
            ("2026-10-01".into(), "2026-12-31".into())
        );
        let r = PeriodKind::Rolling30.containing(d);
        assert_eq!(r.start.to_string(), "2026-10-17");
        let m = PeriodKind::Month.containing("2026-12-31".parse().unwrap());
        assert_eq!(m.end.to_string(), "2026-12-31");
    }
}
