//! The Vietnamese lunisolar calendar, computed astronomically.
//!
//! Vietnam's lunar holidays (Tết, Hùng Kings' day) follow the lunar calendar reckoned at the
//! meridian of UTC+7. China reckons the same rules at UTC+8, so a new moon close to midnight can
//! fall on different civil days: Tết 2007 is 17 February in Vietnam and 18 February in China,
//! Tết 2030 is 2 February in Vietnam and 3 February in China. Hence the explicit time zone.
//!
//! The algorithm is Hồ Ngọc Đức's ("Lịch Việt Nam", after Jean Meeus, *Astronomical
//! Algorithms*): a month starts on the civil day of a new moon; month 11 is the month that holds
//! the winter solstice; a year with 13 months between two months 11 has a leap month, the first
//! month without a major solar term (the sun's longitude does not cross a multiple of 30°).
//! Accurate for roughly 1800–2199, far beyond the years a deadline looks at. No maintained crate
//! doing this with a time-zone parameter was found (the crates.io search was unreachable from
//! the build machine), so it is written here and checked against an independent published table
//! (`testdata/tet_1990_2050.csv`).

use std::f64::consts::PI;

use chrono::NaiveDate;

/// Vietnam's time zone (hours east of UTC) — the one the legal holidays use.
pub const VIETNAM: f64 = 7.0;
/// China's time zone: only to show where the two calendars differ.
pub const CHINA: f64 = 8.0;

/// Julian day number of a civil date (noon-based, as in the algorithm).
fn jd(d: NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(d.num_days_from_ce()) + 1_721_425
}

fn date(jd: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jd - 1_721_425).ok()?)
}

/// Julian day (TT, fractional) of the `k`-th new moon after 1 January 1900 (Meeus ch. 49,
/// the main periodic terms only).
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3; // sun's anomaly
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3; // moon's
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3; // latitude arg.
    let c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin()
        - 0.4068 * (mpr * dr).sin()
        + 0.0161 * (dr * 2.0 * mpr).sin()
        - 0.0004 * (dr * 3.0 * mpr).sin()
        + 0.0104 * (dr * 2.0 * f).sin()
        - 0.0051 * (dr * (m + mpr)).sin()
        - 0.0074 * (dr * (m - mpr)).sin()
        + 0.0004 * (dr * (2.0 * f + m)).sin()
        - 0.0004 * (dr * (2.0 * f - m)).sin()
        - 0.0006 * (dr * (2.0 * f + mpr)).sin()
        + 0.0010 * (dr * (2.0 * f - mpr)).sin()
        + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    // ΔT (TT − UT), in days.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's apparent longitude (radians, 0..2π) at Julian day `jdn` (UT).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin()
        + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin()
        + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Civil day (Julian day number, local midnight-based) of the `k`-th new moon in zone `tz`.
fn new_moon_day(k: i64, tz: f64) -> i64 {
    (new_moon(k) + 0.5 + tz / 24.0).floor() as i64
}

/// Which 30° sector (0..11) the sun is in at the start of civil day `day` in zone `tz`.
fn sun_sector(day: i64, tz: f64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - tz / 24.0) / PI * 6.0).floor() as i64
}

/// The first day of lunar month 11 (the month holding the winter solstice) of solar year `y`.
fn month_11(y: i32, tz: f64) -> Option<i64> {
    let off = jd(NaiveDate::from_ymd_opt(y, 12, 31)?) - 2_415_021;
    let k = (off as f64 / 29.530_588_853).floor() as i64;
    let nm = new_moon_day(k, tz);
    // Month 11 starts before the solstice (sector 9 = 270°): otherwise take the previous moon.
    Some(if sun_sector(nm, tz) >= 9 {
        new_moon_day(k - 1, tz)
    } else {
        nm
    })
}

/// The offset (in months after month 11 starting on `a11`) of the leap month: the first month
/// in which the sun stays in one sector.
fn leap_month_offset(a11: i64, tz: f64) -> i64 {
    let k = ((a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i, tz), tz);
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i, tz), tz);
        if arc == last || i >= 14 {
            return i - 1;
        }
    }
}

/// The solar date of lunar `day`/`month` (leap month when `leap`) of lunar year `year`,
/// reckoned in zone `tz` (hours east of UTC). `None` for a leap month the year does not have
/// or a date out of range.
pub fn to_solar(day: u32, month: u32, year: i32, leap: bool, tz: f64) -> Option<NaiveDate> {
    if !(1..=30).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (month_11(year - 1, tz)?, month_11(year, tz)?)
    } else {
        (month_11(year, tz)?, month_11(year + 1, tz)?)
    };
    let k = (0.5 + (a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853).floor() as i64;
    let mut off = (i64::from(month) - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11, tz);
        let leap_month = (leap_off - 2).rem_euclid(12);
        if leap && i64::from(month) != leap_month {
            return None;
        }
        if leap || off >= leap_off {
            off += 1;
        }
    } else if leap {
        return None;
    }
    date(new_moon_day(k + off, tz) + i64::from(day) - 1)
}

/// Vietnamese Tết (1st day of the 1st lunar month) of solar year `year`.
pub fn tet(year: i32) -> Option<NaiveDate> {
    to_solar(1, 1, year, false, VIETNAM)
}

/// Hùng Kings' Commemoration (10th day of the 3rd lunar month, never the leap one).
pub fn hung_kings(year: i32) -> Option<NaiveDate> {
    to_solar(10, 3, year, false, VIETNAM)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The committed table was produced by an independent implementation (an npm package using
    /// precomputed year tables), not by this code.
    #[test]
    fn matches_the_published_table_1990_2050() {
        let table = include_str!("testdata/tet_1990_2050.csv");
        let mut rows = 0;
        for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            let year: i32 = cols[0].parse().unwrap();
            assert_eq!(tet(year), Some(d(cols[1])), "Tết {year}");
            assert_eq!(hung_kings(year), Some(d(cols[2])), "Hùng Kings {year}");
            rows += 1;
        }
        assert_eq!(rows, 61);
    }

    #[test]
    fn vietnam_and_china_differ_in_2007_and_2030() {
        assert_eq!(tet(2007), Some(d("2007-02-17")));
        assert_eq!(to_solar(1, 1, 2007, false, CHINA), Some(d("2007-02-18")));
        assert_eq!(tet(2030), Some(d("2030-02-02")));
        assert_eq!(to_solar(1, 1, 2030, false, CHINA), Some(d("2030-02-03")));
        // Most years agree.
        assert_eq!(to_solar(1, 1, 2026, false, CHINA), tet(2026));
    }

    #[test]
    fn leap_months_exist_only_where_they_do() {
        // 2025 (Ất Tỵ) has a leap 6th month; 2026 has none.
        assert!(to_solar(1, 6, 2025, true, VIETNAM).is_some());
        assert_eq!(to_solar(1, 5, 2025, true, VIETNAM), None);
        assert_eq!(to_solar(1, 6, 2026, true, VIETNAM), None);
        assert_eq!(to_solar(0, 1, 2026, false, VIETNAM), None);
        assert_eq!(to_solar(1, 13, 2026, false, VIETNAM), None);
    }
}
