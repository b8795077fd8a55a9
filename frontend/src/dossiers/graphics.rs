//! The dossier wall's graphics, hand-drawn in SVG (no chart library for two shapes): the
//! semicircle gauge of a percentage and the radar of the 766 index's six groups. The CSP
//! forbids inline `style`, so geometry comes as SVG attributes and colours as classes.

use leptos::prelude::*;

use super::text::DossierMsg;
use crate::context::use_lang;
use ioc_protocol::i18n::{format_number, Lang};
use ioc_protocol::GroupScore;

/// Radius of the gauge's arc in its 100 × 58 box; its length is π·r.
const GAUGE_R: f64 = 42.0;

/// The colour class of a percentage or a 766 total: good from 80, fair from 50, poor below.
pub fn band_class(v: f64) -> &'static str {
    if v >= 80.0 {
        "good"
    } else if v >= 50.0 {
        "fair"
    } else {
        "poor"
    }
}

/// A percentage (0–100) as a half-circle filled from the left, the figure under it.
#[component]
pub fn Gauge(
    class: &'static str,
    label: DossierMsg,
    hint: DossierMsg,
    value: Signal<Option<f64>>,
) -> impl IntoView {
    let lang = use_lang();
    let length = std::f64::consts::PI * GAUGE_R;
    let arc = format!(
        "M {a} 50 A {GAUGE_R} {GAUGE_R} 0 0 1 {b} 50",
        a = 50.0 - GAUGE_R,
        b = 50.0 + GAUGE_R
    );
    let filled = move || {
        let v = value.get().unwrap_or(0.0).clamp(0.0, 100.0);
        format!("{:.2} {:.2}", length * v / 100.0, length + 1.0)
    };
    let state = move || value.get().map(band_class).unwrap_or("none");
    let shown = move || match value.get() {
        Some(v) => format!("{}%", format_number(v, 1, lang.get())),
        None => "—".to_string(),
    };
    view! {
        <div class=move || format!("counter gauge {class} {}", state()) data-counter=class>
            <p class="counter-label">{move || label.get(lang.get())}</p>
            <svg class="gauge-arc" viewBox="0 0 100 54" role="img" aria-label=shown>
                <path class="gauge-track" d=arc.clone() />
                <path class="gauge-fill" d=arc stroke-dasharray=filled />
            </svg>
            <p class="gauge-value">{shown}</p>
            <p class="counter-hint">{move || hint.get(lang.get())}</p>
        </div>
    }
    .into_any()
}

/// The point at `share` (0–1) of the radius on axis `i` of `n`, the first axis pointing up.
fn radar_point(i: usize, n: usize, share: f64) -> (f64, f64) {
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
    (
        50.0 + RADAR_R * share * angle.cos(),
        50.0 + RADAR_R * share * angle.sin(),
    )
}

const RADAR_R: f64 = 36.0;

/// `points` of an SVG polygon through each axis at its share.
fn polygon(shares: &[f64]) -> String {
    shares
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (x, y) = radar_point(i, shares.len(), s.clamp(0.0, 1.0));
            format!("{x:.2},{y:.2}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each group's points as a share of its maximum.
pub fn shares(groups: &[GroupScore]) -> Vec<f64> {
    groups
        .iter()
        .map(|g| {
            if g.max_points > 0.0 {
                g.points / g.max_points
            } else {
                0.0
            }
        })
        .collect()
}

/// The six groups of the 766 index as a radar (each axis: the group's points as a % of its
/// maximum; the axes are numbered, the legend beside it names them with their points).
#[component]
pub fn Radar(groups: Vec<GroupScore>) -> impl IntoView {
    let lang = use_lang();
    let n = groups.len().max(3);
    let s = shares(&groups);
    let rings = [0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|r| view! { <polygon class="radar-ring" points=polygon(&vec![r; n]) /> })
        .collect_view();
    let axes = (0..n)
        .map(|i| {
            let (x, y) = radar_point(i, n, 1.0);
            let (lx, ly) = radar_point(i, n, 1.22);
            view! {
                <line class="radar-axis" x1="50" y1="50" x2=format!("{x:.2}") y2=format!("{y:.2}") />
                <text class="radar-label" x=format!("{lx:.2}") y=format!("{:.2}", ly + 2.5) text-anchor="middle">{i + 1}</text>
            }
        })
        .collect_view();
    let legend = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let (vi, en) = (g.name_vi.clone(), g.name_en.clone());
            let (points, max) = (g.points, g.max_points);
            let share = s[i];
            view! {
                <li class=band_class(share * 100.0)>
                    <span class="radar-num">{i + 1}</span>
                    <span class="radar-name">{move || if lang.get() == Lang::En { en.clone() } else { vi.clone() }}</span>
                    <span class="radar-points">
                        {move || format!("{}/{}", format_number(points, 1, lang.get()), super::maximum(max, lang.get()))}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="radar">
            <svg class="radar-chart" viewBox="0 0 100 100" role="img" aria-label=move || DossierMsg::Index766Short.get(lang.get())>
                {rings}
                {axes}
                <polygon class="radar-shape" points=polygon(&s) />
            </svg>
            <ol class="radar-legend">{legend}</ol>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_axis_points_up_and_full_marks_reach_the_rim() {
        let (x, y) = radar_point(0, 6, 1.0);
        assert!((x - 50.0).abs() < 1e-9 && (y - (50.0 - RADAR_R)).abs() < 1e-9);
        let (x, y) = radar_point(3, 6, 0.5);
        assert!((x - 50.0).abs() < 1e-9 && (y - (50.0 + RADAR_R / 2.0)).abs() < 1e-9);
    }

    #[test]
    fn shares_are_of_each_groups_maximum_and_the_polygon_clamps() {
        let g = |points, max_points| GroupScore {
            code: "x".into(),
            name_vi: "x".into(),
            name_en: "x".into(),
            points,
            max_points,
        };
        assert_eq!(shares(&[g(9.0, 18.0), g(0.0, 0.0)]), vec![0.5, 0.0]);
        assert_eq!(polygon(&[2.0, 2.0, 2.0]), polygon(&[1.0, 1.0, 1.0]));
    }

    #[test]
    fn bands_split_at_80_and_50() {
        assert_eq!(band_class(80.0), "good");
        assert_eq!(band_class(79.9), "fair");
        assert_eq!(band_class(49.0), "poor");
    }
}
