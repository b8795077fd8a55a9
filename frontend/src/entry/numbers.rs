//! Figures as the entry form shows them. Reading typed numbers is
//! [`ioc_protocol::i18n::parse_number`], shared with the server's Excel and CSV imports so that a
//! figure reads the same in the form and in a file.

#[cfg(test)]
use ioc_protocol::i18n::parse_number;
use ioc_protocol::i18n::{format_number, Lang};

/// A stored figure as the form shows it for editing: in the page's language, without rounding
/// away digits the indicator keeps.
pub fn edit_text(value: f64, decimals: u8, lang: Lang) -> String {
    format_number(value, decimals, lang)
}

/// A figure to read (reference columns, history), or a dash when there is none.
pub fn show(value: Option<f64>, decimals: u8, lang: Lang) -> String {
    value
        .map(|v| format_number(v, decimals, lang))
        .unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_shown_reads_back() {
        for lang in [Lang::Vi, Lang::En] {
            let text = edit_text(1234567.5, 1, lang);
            assert_eq!(parse_number(&text, 1), Some(1234567.5), "{text}");
        }
        assert_eq!(show(None, 1, Lang::Vi), "—");
    }
}
