//! A reporting month, typed: parsed once at the edge (`YYYY-MM` in URLs, bodies and sheets) and
//! carried as a `Period` inside, so a month cannot be confused with an arbitrary date or a string
//! nobody checked. Stored in PostgreSQL as the month's first day (`date`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One month, written `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period(NaiveDate);

impl Period {
    /// `"YYYY-MM"` (exactly: four digits, a dash, two digits, a real month).
    pub fn parse(s: &str) -> Option<Period> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1).map(Period)
    }

    /// The month `day` falls in.
    pub fn containing(day: NaiveDate) -> Period {
        Period(day.with_day(1).expect("every month has a first day"))
    }

    /// The month's first day (how it is stored and what `indicator_figures.period` holds).
    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    /// The month `n` months before (negative: after) this one.
    pub fn months_before(self, n: i32) -> Period {
        let idx = self.0.year() * 12 + self.0.month0() as i32 - n;
        Period(
            NaiveDate::from_ymd_opt(idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1, 1)
                .expect("a valid month"),
        )
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.0.month()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.0.year(), self.0.month())
    }
}

/// Why a text is not a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAPeriod(pub String);

impl fmt::Display for NotAPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a month (YYYY-MM)", self.0)
    }
}

impl std::error::Error for NotAPeriod {}

impl FromStr for Period {
    type Err = NotAPeriod;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s).ok_or_else(|| NotAPeriod(s.to_string()))
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "sqlx")]
mod db {
    use sqlx::encode::IsNull;
    use sqlx::error::BoxDynError;
    use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
    use sqlx::{Decode, Encode, Postgres, Type};

    use super::Period;
    use chrono::NaiveDate;

    impl Type<Postgres> for Period {
        fn type_info() -> PgTypeInfo {
            <NaiveDate as Type<Postgres>>::type_info()
        }
    }

    impl<'r> Decode<'r, Postgres> for Period {
        fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            Ok(Period::containing(<NaiveDate as Decode<Postgres>>::decode(
                value,
            )?))
        }
    }

    impl Encode<'_, Postgres> for Period {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
            <NaiveDate as Encode<Postgres>>::encode_by_ref(&self.0, buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_real_month_written_yyyy_mm_parses() {
        assert_eq!(
            Period::parse("2026-10").map(|p| p.to_string()),
            Some("2026-10".into())
        );
        for bad in [
            "2026-13",
            "2026-00",
            "26-10",
            "2026-1",
            "2026/10",
            "2026-10-01",
            "+026-10",
            "2026-1a",
            "",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn months_before_crosses_years_both_ways() {
        let p = Period::parse("2026-01").unwrap();
        assert_eq!(p.months_before(1).to_string(), "2025-12");
        assert_eq!(p.months_before(12).to_string(), "2025-01");
        assert_eq!(p.months_before(-12).to_string(), "2027-01");
        assert_eq!(
            Period::containing(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()).to_string(),
            "2026-02"
        );
    }

    #[test]
    fn it_travels_as_text() {
        let p: Period = serde_json::from_str("\"2026-09\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"2026-09\"");
        assert!(serde_json::from_str::<Period>("\"2026-9\"").is_err());
    }
}
