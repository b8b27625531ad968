//! The viewer window.

use leptos::prelude::*;

use super::{FileBody, PathView, open_path};
use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};
use crate::desktop::{Desk, Win};

#[component]
pub fn ViewerWindow(win: Win) -> impl IntoView {
    let desk = Desk::expect();
    // The page's first file arrives with the page; it is fetched only once files change.
    match desk.take_preloaded(win.id) {
        Some(first) => {
            let start = desk.files_rev.get_untracked();
            let changed = Memo::new(move |_| desk.files_rev.get() != start);
            let first = StoredValue::new(first);
            (move || {
                if changed.get() {
                    view! { <FetchedFile win/> }.into_any()
                } else {
                    file_view(Ok(first.get_value()), win)
                }
            })
            .into_any()
        }
        None => view! { <FetchedFile win/> }.into_any(),
    }
}

/// A file fetched from the server, again whenever the tenant's files change (a save in the
/// editor, a rename or delete elsewhere); the old content stays up while it reloads.
#[component]
fn FetchedFile(win: Win) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let file = Resource::new(
        move || (win.path.get(), desk.files_rev.get()),
        |(path, _)| open_path(path),
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{move || prefs.t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move { file_view(file.await, win) })}
        </Transition>
    }
}

/// How the viewer shows an uploaded file of this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryShow {
    Image,
    Pdf,
    DownloadOnly,
}

pub fn binary_show(mime: &str) -> BinaryShow {
    match mime {
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/svg+xml" => {
            BinaryShow::Image
        }
        "application/pdf" => BinaryShow::Pdf,
        _ => BinaryShow::DownloadOnly,
    }
}

/// The owner's Edit button above a text or markdown file.
fn edit_bar(path: &str) -> Option<AnyView> {
    let owner = crate::core::site::current().is_some_and(|s| s.is_owner());
    if !owner {
        return None;
    }
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let path = path.to_string();
    Some(
        view! {
            <div class="viewer-toolbar">
                <button type="button" on:click=move |_| desk.open_editor(path.clone())>
                    <span aria-hidden="true">"✎ "</span>{move || prefs.t(Msg::ViewerEdit)}
                </button>
            </div>
        }
        .into_any(),
    )
}

fn download_link(raw: &str, name: &str) -> impl IntoView + use<> {
    let prefs = Prefs::expect();
    view! {
        <a class="download" href=raw.to_string() download=name.to_string()>
            <span aria-hidden="true">"⬇ "</span>{move || prefs.t(Msg::ViewerDownload)}
        </a>
    }
}

/// Images fitted to the window (or at their own size), PDFs in the browser's own viewer,
/// anything else as a download. All are served by `GET /raw/...` on this same host.
fn binary_view(path: &str, name: &str, mime: &str) -> AnyView {
    let prefs = Prefs::expect();
    let raw = super::edit::raw_url(path);
    match binary_show(mime) {
        BinaryShow::Image => {
            let actual = RwSignal::new(false);
            let toggle = move |_| actual.update(|a| *a = !*a);
            view! {
                <div class="viewer-toolbar">
                    <button type="button" aria-pressed=move || actual.get().to_string() on:click=toggle>
                        {move || prefs.t(Msg::ViewerActualSize)}
                    </button>
                    {download_link(&raw, name)}
                </div>
                <div class="image-view" class:actual=move || actual.get()>
                    <img src=raw.clone() alt=name.to_string()
                        title=move || if actual.get() { prefs.t(Msg::ViewerFit) } else { prefs.t(Msg::ViewerActualSize) }
                        on:click=toggle/>
                </div>
            }
            .into_any()
        }
        BinaryShow::Pdf => view! {
            <div class="viewer-toolbar">{download_link(&raw, name)}</div>
            <iframe class="pdf-view" src=raw.clone() title=name.to_string()></iframe>
        }
        .into_any(),
        BinaryShow::DownloadOnly => view! {
            <div class="binary-view">
                <p class="empty">{move || prefs.t(Msg::ViewerNoPreview)} " (" {mime.to_string()} ")"</p>
                {download_link(&raw, name)}
            </div>
        }
        .into_any(),
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
            path,
            ..
        }) => view! {
            {edit_bar(&path)}
            <article class="markdown" on:click=follow_link inner_html=html></article>
        }
        .into_any(),
        Ok(PathView::File {
            body: FileBody::Text { text },
            path,
            ..
        }) => view! {
            {edit_bar(&path)}
            <pre class="text">{text}</pre>
        }
        .into_any(),
        Ok(PathView::File {
            body: FileBody::Binary { mime },
            path,
            name,
            ..
        }) => binary_view(&path, &name, &mime),
        Ok(PathView::Folder { path, .. }) => {
            desk.open_folder(path.clone());
            view! { <p class="empty">{path}</p> }.into_any()
        }
        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_pdfs_are_shown_and_other_types_downloaded() {
        for mime in [
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "image/svg+xml",
        ] {
            assert_eq!(binary_show(mime), BinaryShow::Image, "{mime}");
        }
        assert_eq!(binary_show("application/pdf"), BinaryShow::Pdf);
        assert_eq!(
            binary_show("application/octet-stream"),
            BinaryShow::DownloadOnly
        );
        assert_eq!(binary_show("image/tiff"), BinaryShow::DownloadOnly);
    }
}
