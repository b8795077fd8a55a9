//! The communes' boundaries for the wall's map: an administrator uploads a GeoJSON
//! FeatureCollection (`POST /api/v1/commune-shapes`, all features or none; a refused file lists
//! every bad feature with its reason).

use leptos::prelude::*;

use super::text::AdminMsg as M;
use super::{AdminCtx, FailureView};
use crate::api;
use ioc_protocol::i18n::Lang;
use ioc_protocol::CommuneShapeReceipt;

#[component]
pub fn CommuneShapesImport(ctx: AdminCtx) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let outcome = RwSignal::new(None::<Result<CommuneShapeReceipt, api::Failure>>);
    let upload = Action::new_local(move |_: &()| {
        let csrf = ctx.csrf();
        async move {
            let Some(el) = input.get_untracked() else {
                return;
            };
            if let Some(r) = api::upload(&el, "/api/v1/commune-shapes", &csrf).await {
                outcome.set(Some(r));
            }
            el.set_value("");
        }
    });
    let lang = ctx.lang();
    view! {
        <section class="history-import shapes-import" aria-labelledby="shapes-import-title">
            <h2 id="shapes-import-title">{ctx.t(M::ShapesTitle)}</h2>
            <p class="hint">{ctx.t(M::ShapesExplain)}</p>
            <label class="btn btn-secondary btn-small import" class:busy=move || upload.pending().get()>
                <span>{ctx.t(M::ChooseShapes)}</span>
                <input class="shapes-file" type="file" accept=".geojson,.json,application/geo+json,application/json" node_ref=input on:change=move |_| { upload.dispatch(()); } />
            </label>
            {move || match outcome.get() {
                None => ().into_any(),
                Some(Ok(r)) => view! {
                    <p class="notice notice-ok shapes-receipt" role="status">
                        {format!(
                            "{} {} {}; {} {}",
                            M::ShapesImported.get(lang),
                            r.imported,
                            M::ShapesCommunes.get(lang),
                            r.missing.len(),
                            M::ShapesMissing.get(lang)
                        )}
                    </p>
                }
                .into_any(),
                Some(Err(f)) => {
                    let rows = match &f {
                        api::Failure::Api { detail, .. } => detail.rows.clone(),
                        _ => Vec::new(),
                    };
                    view! {
                        <FailureView ctx failure=f />
                        <ul class="import-rows">
                            {rows
                                .into_iter()
                                .map(|r| {
                                    let text = if lang == Lang::En { r.message_en } else { r.message_vi };
                                    view! { <li>{text}</li> }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
