//! The indicator chart: an ECharts option built as JSON from a [`SeriesView`] (pure, unit-tested
//! natively), and in the browser a thin `wasm-bindgen` binding that hands it to
//! `echarts.init(el).setOption(…)` and disposes the chart when the page goes.
//!
//! Why not the `charming` crate: it builds with our toolchain, but for a two-series chart it
//! added ~75 KB of wasm (~27 KB gzipped) over building the same option with `serde_json`, which
//! the bundle already has; every wall downloads that bundle, and its renderer finds charts by
//! element id and offers no dispose. The option is plain data, so JSON is the whole interface.

// The server renders only the chart's container: the option builder runs in the browser (and
// in the unit tests).
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use chrono::Datelike;
use serde_json::{json, Value};

use super::model::month_label;
use ioc_protocol::i18n::Lang;
use ioc_protocol::{
    change, format_period, months_before, parse_period, Against, FigureKind, MonthFigure,
    SeriesView, ValueKind,
};

use super::text::WallMsg;

/// Month values, year-to-date values, or the change of each month against the same month of
/// last year (read by the indicator's kind: a CPI of 103,2 is +3,2 %).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Month,
    Ytd,
    Yoy,
}

/// The change of every month of `months` against the same month a year before, by the shared
/// rule ([`change`]); `None` where there is no comparison.
pub fn yoy_changes(kind: ValueKind, months: &[MonthFigure]) -> Vec<Option<f64>> {
    let by_period: std::collections::HashMap<&str, f64> = months
        .iter()
        .map(|m| (m.period.as_str(), m.value))
        .collect();
    months
        .iter()
        .map(|m| {
            let before = parse_period(&m.period)
                .map(|d| format_period(months_before(d, 12)))
                .and_then(|p| by_period.get(p.as_str()).copied());
            change(kind, Against::SameMonthLastYear, m.value, before).map(|c| c.amount())
        })
        .collect()
}

/// How far back the chart goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    OneYear,
    FiveYears,
    All,
}

impl Span {
    fn months(self) -> Option<usize> {
        match self {
            Span::OneYear => Some(13),
            Span::FiveYears => Some(60),
            Span::All => None,
        }
    }
}

/// The months the chart shows for a span (the last 13 months for a year, so the same month of
/// last year is on screen).
pub fn visible(months: &[MonthFigure], span: Span) -> &[MonthFigure] {
    match span.months() {
        Some(n) if months.len() > n => &months[months.len() - n..],
        _ => months,
    }
}

/// Colours follow assets/ioc.css (the chart is a canvas: CSS cannot reach it).
const ACCENT: &str = "#38bdf8";
const ROLLED: &str = "#a78bfa";
const SELECTED: &str = "#fbbf24";
const TARGET: &str = "#f87171";
const TEXT: &str = "#eef4fb";
const MUTED: &str = "#9fb3cc";
const GRID: &str = "#1d3658";

/// The ECharts option. `font` is the page's root font size in CSS pixels (large on a 4K wall,
/// small on a phone) so the axis text matches the page; `selected` is the month picked for the
/// drill-down.
pub fn option(
    view: &SeriesView,
    mode: Mode,
    span: Span,
    selected: Option<&str>,
    font: f64,
    lang: Lang,
) -> Value {
    let months = visible(&view.months, span);
    let def = &view.indicator;
    // Computed over all months, so the first visible month still finds last year's.
    let yoy = yoy_changes(def.value_kind, &view.months);
    let yoy = &yoy[view.months.len() - months.len()..];
    let labels: Vec<String> = months
        .iter()
        .map(|m| month_label(&m.period, lang))
        .collect();
    let bars: Vec<Value> = months
        .iter()
        .zip(yoy)
        .map(|(m, change)| {
            let v = match mode {
                Mode::Month => Some(m.value),
                Mode::Ytd => m.ytd,
                Mode::Yoy => *change,
            };
            let colour = if m.rolled_up { ROLLED } else { ACCENT };
            let estimate = m.kind == FigureKind::Estimate;
            let picked = selected == Some(m.period.as_str());
            // A roll-up that misses some former units: a dotted warning edge.
            let partial = m.partial && !picked;
            json!({
                "value": v,
                "itemStyle": {
                    "color": colour,
                    "opacity": if estimate { 0.45 } else { 1.0 },
                    "borderColor": if picked { SELECTED } else if partial { TARGET } else { colour },
                    "borderWidth": if picked { (font * 0.2).max(2.0) } else if estimate || partial { 1.5 } else { 0.0 },
                    "borderType": if partial { "dotted" } else if estimate && !picked { "dashed" } else { "solid" },
                }
            })
        })
        .collect();
    let name = match mode {
        Mode::Month => WallMsg::MonthView.get(lang),
        Mode::Ytd => WallMsg::YtdView.get(lang),
        Mode::Yoy => WallMsg::YoyView.get(lang),
    };
    let mut series = vec![json!({
        "type": "bar",
        "name": name,
        "data": bars,
        "barMaxWidth": font * 2.5,
        "itemStyle": { "color": ACCENT },
        "emphasis": { "focus": "none" },
    })];
    // The target where it means something: the level to reach for a non-cumulative indicator in
    // month view; the year's total, and the even pace towards it this year, in year-to-date view.
    let target = def.annual_target.filter(|t| t.is_finite());
    let target_name = WallMsg::AnnualTarget.get(lang);
    match (target, mode, def.cumulative) {
        (Some(t), Mode::Month, false) | (Some(t), Mode::Ytd, true) => {
            series.push(json!({
                "type": "line",
                "name": target_name,
                "data": [],
                "markLine": {
                    "symbol": "none",
                    "silent": true,
                    "lineStyle": { "color": TARGET, "type": "dashed", "width": (font * 0.15).max(2.0) },
                    "label": { "color": TARGET, "fontSize": font * 0.8, "position": "insideEndTop",
                               "formatter": format!("{target_name}: {{c}}") },
                    "data": [{ "yAxis": t }],
                },
            }));
            if mode == Mode::Ytd {
                if let Some(year) = months
                    .last()
                    .and_then(|m| parse_period(&m.period))
                    .map(|d| d.year())
                {
                    let pace: Vec<Value> = months
                        .iter()
                        .map(|m| match parse_period(&m.period) {
                            Some(d) if d.year() == year => json!(t * d.month() as f64 / 12.0),
                            _ => Value::Null,
                        })
                        .collect();
                    series.push(json!({
                        "type": "line",
                        "name": format!("{} ({})", target_name, WallMsg::Pace.get(lang)),
                        "data": pace,
                        "symbol": "none",
                        "lineStyle": { "color": TARGET, "width": (font * 0.12).max(1.5) },
                        "itemStyle": { "color": TARGET },
                    }));
                }
            }
        }
        _ => {}
    }
    let axis_text = json!({ "color": MUTED, "fontSize": font * 0.8 });
    json!({
        "animation": false,
        "backgroundColor": "transparent",
        "textStyle": { "fontFamily": "Be Vietnam Pro, Noto Sans, sans-serif", "color": TEXT },
        "grid": { "left": font * 0.8, "right": font * 1.2, "top": font * 3.0, "bottom": font * 4.2, "containLabel": true },
        "legend": { "top": 0, "textStyle": { "color": TEXT, "fontSize": font * 0.85 }, "itemWidth": font * 1.4, "itemHeight": font * 0.8 },
        // Drawn in the canvas: the HTML tooltip writes `style` attributes, which the CSP refuses.
        "tooltip": { "trigger": "axis", "renderMode": "richText", "axisPointer": { "type": "shadow" },
                     "textStyle": { "fontSize": font * 0.85 } },
        "xAxis": { "type": "category", "data": labels, "axisLabel": axis_text, "axisLine": { "lineStyle": { "color": GRID } } },
        "yAxis": { "type": "value", "scale": !def.cumulative && mode != Mode::Yoy, "axisLabel": axis_text, "splitLine": { "lineStyle": { "color": GRID } } },
        "dataZoom": [
            { "type": "inside" },
            { "type": "slider", "height": font * 1.6, "bottom": font * 0.4, "textStyle": { "color": MUTED, "fontSize": font * 0.7 },
              "borderColor": GRID, "fillerColor": "rgba(56,189,248,0.15)" },
        ],
        "series": series,
    })
}

/// The thin binding to the `echarts` global (loaded from /assets/vendor on this page only).
#[cfg(feature = "hydrate")]
pub mod js {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    #[wasm_bindgen]
    extern "C" {
        /// An ECharts instance.
        pub type ECharts;
        #[wasm_bindgen(js_namespace = echarts, js_name = init)]
        fn init(el: &web_sys::Element, theme: JsValue) -> ECharts;
        #[wasm_bindgen(method, js_name = setOption)]
        fn set_option(this: &ECharts, option: &JsValue, not_merge: bool);
        #[wasm_bindgen(method)]
        pub fn resize(this: &ECharts);
        #[wasm_bindgen(method)]
        pub fn dispose(this: &ECharts);
        #[wasm_bindgen(method)]
        fn on(this: &ECharts, event: &str, handler: &js_sys::Function);
        #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
        fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    }

    const SRC: &str = "/assets/vendor/echarts.min.js";

    fn loaded() -> bool {
        js_sys::Reflect::get(&js_sys::global(), &"echarts".into()).is_ok_and(|v| !v.is_undefined())
    }

    /// Loads echarts.min.js once (a `<script src>` from 'self' passes the CSP) and waits for it.
    pub async fn ensure_loaded() -> bool {
        if loaded() {
            return true;
        }
        let document = leptos::prelude::document();
        if document.get_element_by_id("echarts-js").is_none() {
            if let Ok(el) = document.create_element("script") {
                let _ = el.set_attribute("id", "echarts-js");
                let _ = el.set_attribute("src", SRC);
                if let Some(body) = document.body() {
                    let _ = body.append_child(&el);
                }
            }
        }
        for _ in 0..200 {
            gloo_timers::future::TimeoutFuture::new(50).await;
            if loaded() {
                return true;
            }
        }
        false
    }

    pub fn create(el: &web_sys::Element) -> ECharts {
        init(el, JsValue::from_str("dark"))
    }

    /// Numbers as the page's language writes them (ECharts would write `8,000` for 8.000).
    pub struct Formatter(Closure<dyn Fn(JsValue) -> String>);

    pub fn formatter(f: impl Fn(f64) -> String + 'static) -> Formatter {
        Formatter(Closure::new(move |v: JsValue| {
            v.as_f64().map(&f).unwrap_or_else(|| "—".into())
        }))
    }

    fn set_in(obj: &JsValue, path: &[&str], value: &JsValue) {
        let mut cur = obj.clone();
        for key in &path[..path.len() - 1] {
            match js_sys::Reflect::get(&cur, &(*key).into()) {
                Ok(next) if next.is_object() => cur = next,
                _ => return,
            }
        }
        let _ = js_sys::Reflect::set(&cur, &path[path.len() - 1].into(), value);
    }

    /// Replaces the chart's option (not merged: a shorter range must drop the old bars), with
    /// the page's number format on the value axis and in the tooltip.
    pub fn show(chart: &ECharts, option: &serde_json::Value, numbers: &Formatter) {
        if let Ok(v) = json_parse(&option.to_string()) {
            let f: &JsValue = numbers.0.as_ref();
            set_in(&v, &["yAxis", "axisLabel", "formatter"], f);
            set_in(&v, &["tooltip", "valueFormatter"], f);
            chart.set_option(&v, true);
        }
    }

    /// Calls `f` with the index of the bar clicked.
    pub fn on_click(chart: &ECharts, f: impl Fn(usize) + 'static) {
        let handler = Closure::<dyn Fn(JsValue)>::new(move |params: JsValue| {
            let index = js_sys::Reflect::get(&params, &"dataIndex".into())
                .ok()
                .and_then(|v| v.as_f64());
            let series = js_sys::Reflect::get(&params, &"seriesIndex".into())
                .ok()
                .and_then(|v| v.as_f64());
            if let (Some(i), Some(0.0)) = (index, series) {
                f(i as usize);
            }
        });
        chart.on("click", handler.as_ref().unchecked_ref());
        // The chart owns the handler for its whole life; dispose() drops the listeners.
        handler.forget();
    }

    /// The page's root font size in CSS pixels.
    pub fn root_font_px() -> f64 {
        let window = leptos::prelude::window();
        window
            .get_computed_style(
                &leptos::prelude::document()
                    .document_element()
                    .expect("html element"),
            )
            .ok()
            .flatten()
            .and_then(|s| s.get_property_value("font-size").ok())
            .and_then(|v| v.trim_end_matches("px").parse().ok())
            .unwrap_or(16.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wall::model::tests::{def, fig};
    use ioc_protocol::Aggregation;

    fn view(cumulative: bool, target: Option<f64>) -> SeriesView {
        let mut indicator = def("retail_sales", Aggregation::Sum, cumulative);
        indicator.annual_target = target;
        let mut months: Vec<MonthFigure> = (1..=12)
            .map(|m| fig(&format!("2025-{m:02}"), 10.0, FigureKind::Official))
            .collect();
        months.push(MonthFigure {
            ytd: Some(11.0),
            ..fig("2026-01", 11.0, FigureKind::Estimate)
        });
        months[0].rolled_up = true;
        SeriesView {
            indicator,
            area: "40".into(),
            area_name_vi: "Nghệ An".into(),
            area_name_en: "Nghe An".into(),
            months,
        }
    }

    #[test]
    fn spans_cut_the_months_from_the_end() {
        let v = view(true, None);
        assert_eq!(visible(&v.months, Span::OneYear).len(), 13);
        assert_eq!(visible(&v.months[..5], Span::OneYear).len(), 5);
        assert_eq!(visible(&v.months, Span::All).len(), 13);
    }

    #[test]
    fn estimates_rolled_up_and_picked_months_are_marked() {
        let o = option(
            &view(true, None),
            Mode::Month,
            Span::All,
            Some("2025-06"),
            20.0,
            Lang::Vi,
        );
        let data = o["series"][0]["data"].as_array().unwrap();
        assert_eq!(data[0]["itemStyle"]["color"], ROLLED);
        assert_eq!(data[12]["itemStyle"]["opacity"], 0.45);
        assert_eq!(data[12]["itemStyle"]["borderType"], "dashed");
        assert_eq!(data[5]["itemStyle"]["borderColor"], SELECTED);
        assert_eq!(o["xAxis"]["data"][12], "T1/2026");
        assert_eq!(
            o["series"].as_array().unwrap().len(),
            1,
            "a year total is no line in month view"
        );
    }

    #[test]
    fn year_to_date_view_has_the_target_and_this_years_pace() {
        let o = option(
            &view(true, Some(1200.0)),
            Mode::Ytd,
            Span::All,
            None,
            20.0,
            Lang::En,
        );
        assert_eq!(o["series"][0]["data"][12]["value"], 11.0);
        assert_eq!(
            o["series"][0]["data"][0]["value"],
            Value::Null,
            "no ytd sent, none drawn"
        );
        assert_eq!(o["series"][1]["markLine"]["data"][0]["yAxis"], 1200.0);
        let pace = o["series"][2]["data"].as_array().unwrap();
        assert_eq!(pace[12], 100.0, "January is a twelfth of the year");
        assert_eq!(pace[0], Value::Null, "last year has no pace line");
    }

    #[test]
    fn the_change_view_reads_each_kind_by_its_rule() {
        // A flow: 11 against 10 a year before is +10 %; the months of the first year have none.
        let o = option(
            &view(true, None),
            Mode::Yoy,
            Span::All,
            None,
            20.0,
            Lang::Vi,
        );
        let data = o["series"][0]["data"].as_array().unwrap();
        assert_eq!(data[0]["value"], Value::Null);
        assert!((data[12]["value"].as_f64().unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(o["series"][0]["name"], "So cùng kỳ (%)");
        // A year-on-year index is its own change: every month has one, 103,2 is +3,2 %.
        let mut v = view(false, None);
        v.indicator.value_kind = ValueKind::IndexYoy;
        v.months.last_mut().unwrap().value = 103.2;
        let changes = yoy_changes(ValueKind::IndexYoy, &v.months);
        assert!((changes[12].unwrap() - 3.2).abs() < 1e-9);
        assert!((changes[0].unwrap() + 90.0).abs() < 1e-9, "10 is −90 %");
        // A partial roll-up is marked.
        v.months[1].partial = true;
        let o = option(&v, Mode::Month, Span::All, None, 20.0, Lang::Vi);
        assert_eq!(
            o["series"][0]["data"][1]["itemStyle"]["borderType"],
            "dotted"
        );
    }

    #[test]
    fn a_level_target_shows_in_month_view() {
        let o = option(
            &view(false, Some(104.0)),
            Mode::Month,
            Span::OneYear,
            None,
            20.0,
            Lang::Vi,
        );
        assert_eq!(o["series"][1]["markLine"]["data"][0]["yAxis"], 104.0);
    }
}
