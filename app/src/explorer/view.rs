//! The viewer window.

use leptos::prelude::*;

use super::{FileBody, PathView, open_path};
use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};
use crate::desktop::{Desk, Win};

#[component]
pub fn ViewerWindow(win: Win) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    // The page's first file arrives with the page; any other is fetched.
    match desk.take_preloaded(win.id) {
        Some(view) => file_view(Ok(view), win).into_any(),
        None => {
            let file = Resource::new(move || win.path.get(), open_path);
            view! {
                <Transition fallback=move || view! { <p class="loading">{move || prefs.t(Msg::Loading)}</p> }>
                    {move || Suspend::new(async move { file_view(file.await, win) })}
                </Transition>
            }
            .into_any()
        }
    }
}

fn file_view(file: Result<PathView, AppError>, win: Win) -> AnyView {
    let desk = Desk::expect();
    // Relative links inside a document open in the desktop instead of leaving the page.
    let follow_link = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let anchor = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a").ok().flatten());
            let Some(anchor) = anchor else { return };
            let Some(href) = anchor.get_attribute("href") else {
                return;
            };
            let external = href.contains(':') || href.starts_with('/') || href.starts_with('#');
            if !external {
                ev.prevent_default();
                let base = super::parent_of(&win.path.get_untracked());
                desk.open_path(super::join(&base, &href));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, desk, win);
    };
    match file {
        Ok(PathView::File {
            body: FileBody::Markdown { html },
            ..
        }) => view! { <article class="markdown" on:click=follow_link inner_html=html></article> }
            .into_any(),
        Ok(PathView::File {
            body: FileBody::Text { text },
            ..
        }) => view! { <pre class="text">{text}</pre> }.into_any(),
        Ok(PathView::File {
            body: FileBody::Binary { mime },
            ..
        }) => view! { <p class="empty">{mime}</p> }.into_any(),
        Ok(PathView::Folder { path, .. }) => {
            desk.open_folder(path.clone());
            view! { <p class="empty">{path}</p> }.into_any()
        }
        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
    }
}
