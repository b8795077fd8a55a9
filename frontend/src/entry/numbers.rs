//! Numbers as people type and read them. Departments copy figures from Vietnamese spreadsheets
//! ("1.234,5") as often as from English ones ("1234.5"), so the form accepts both rather than
//! refusing what a person sees as a perfectly good number.

use crate::i18n::{format_number, Lang};

/// Reads a typed figure. The separator that comes last is the decimal point when both appear;
/// a lone comma is the Vietnamese decimal comma; a lone dot is a decimal point unless it groups
/// thousands (several dots, or exactly three digits after it while the indicator has fewer
/// decimals — "1.234" for a count means one thousand two hundred thirty-four). Spaces
/// (including non-breaking ones) group digits too. `None` for anything else.
pub fn parse_number(text: &str, decimals: u8) -> Option<f64> {
    let s: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}').collect();
    if s.is_empty() {
        return None;
    }
    let (sign, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(rest) => ("-", rest),
        None => ("", s.strip_prefix('+').unwrap_or(&s)),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let (group, point) = match (dots, commas) {
        (0, 0) => (None, None),
        (_, 0) if dots > 1 => (Some('.'), None),
        (1, 0) => {
            let after = body.len() - body.find('.').unwrap_or(0) - 1;
            if after == 3 && decimals < 3 { (Some('.'), None) } else { (None, Some('.')) }
        }
        (0, 1) => (None, Some(',')),
        (0, _) => (Some(','), None),
        _ => {
            // Both: the last one is the decimal separator, and it appears once.
            let last_dot = body.rfind('.').unwrap_or(0);
            let last_comma = body.rfind(',').unwrap_or(0);
            if last_comma > last_dot { (Some('.'), Some(',')) } else { (Some(','), Some('.')) }
        }
    };
    if let Some(p) = point {
        if body.matches(p).count() != 1 {
            return None;
        }
    }
    let (int_part, frac_part) = match point {
        Some(p) => body.split_once(p).map(|(i, f)| (i, Some(f))).unwrap_or((body, None)),
        None => (body, None),
    };
    if let Some(g) = group {
        // Groups of three after the first: "1.234.567", never "12.34".
        let mut parts = int_part.split(g);
        let first = parts.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 || parts.any(|p| p.len() != 3) {
            return None;
        }
    }
    let digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() && frac_part.is_none_or(str::is_empty) {
        return None;
    }
    let plain = match frac_part {
        Some(f) if f.chars().all(|c| c.is_ascii_digit()) && !f.is_empty() => format!("{sign}{}.{f}", if digits.is_empty() { "0" } else { &digits }),
        Some(_) => return None,
        None => format!("{sign}{digits}"),
    };
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A stored figure as the form shows it for editing: in the page's language, without rounding
/// away digits the indicator keeps.
pub fn edit_text(value: f64, decimals: u8, lang: Lang) -> String {
    format_number(value, decimals, lang)
}

/// A figure to read (reference columns, history), or a dash when there is none.
pub fn show(value: Option<f64>, decimals: u8, lang: Lang) -> String {
    value.map(|v| format_number(v, decimals, lang)).unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_plain_numbers_are_both_read() {
        assert_eq!(parse_number("1.234,5", 1), Some(1234.5));
        assert_eq!(parse_number("1234.5", 1), Some(1234.5));
        assert_eq!(parse_number("1234,5", 1), Some(1234.5));
        assert_eq!(parse_number("1,234.5", 1), Some(1234.5));
        assert_eq!(parse_number("1 234 567,25", 2), Some(1234567.25));
        assert_eq!(parse_number("1.234.567", 0), Some(1234567.0));
        assert_eq!(parse_number("-12,5", 1), Some(-12.5));
        assert_eq!(parse_number(" 7450 ", 1), Some(7450.0));
        assert_eq!(parse_number("0,75", 2), Some(0.75));
    }

    #[test]
    fn a_lone_dot_with_three_digits_groups_thousands_unless_the_indicator_keeps_three_decimals() {
        assert_eq!(parse_number("1.234", 1), Some(1234.0));
        assert_eq!(parse_number("1.234", 3), Some(1.234));
        assert_eq!(parse_number("101.25", 2), Some(101.25));
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in ["", "abc", "1,2,3.4.5", "12.34.56", "1..2", "1.2,3,4", "-", ",", "1e5", "12,34,5"] {
            assert_eq!(parse_number(bad, 1), None, "{bad}");
        }
    }

    #[test]
    fn what_is_shown_reads_back() {
        for lang in [Lang::Vi, Lang::En] {
            let text = edit_text(1234567.5, 1, lang);
            assert_eq!(parse_number(&text, 1), Some(1234567.5), "{text}");
        }
        assert_eq!(show(None, 1, Lang::Vi), "—");
    }
}
