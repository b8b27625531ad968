//! Explorer and viewer windows.

use leptos::prelude::*;

use super::{FileBody, FolderNode, PathView, folder_tree, open_path};
use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};
use crate::desktop::{Desk, Win, icon_for};

#[component]
pub fn ExplorerWindow(win: Win) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let listing = Resource::new(
        move || (win.path.get(), desk.files_rev.get()),
        |(path, _)| open_path(path),
    );
    let tree = Resource::new(move || desk.files_rev.get(), |_| folder_tree());
    let go = move |path: String| desk.navigate(win, path);

    view! {
        <div class="explorer-toolbar">
            <button type="button" aria-label=move || prefs.t(Msg::Back) title=move || prefs.t(Msg::Back)
                disabled=move || win.back.with(Vec::is_empty)
                on:click=move |_| desk.go_back(win)>"←"</button>
            <button type="button" aria-label=move || prefs.t(Msg::Up) title=move || prefs.t(Msg::Up)
                disabled=move || win.path.get() == "/"
                on:click=move |_| go(super::parent_of(&win.path.get_untracked()))>"↑"</button>
            <nav class="breadcrumbs" aria-label=move || prefs.t(Msg::Breadcrumbs)>
                {move || {
                    let path = win.path.get();
                    let mut crumbs = vec![("/".to_string(), prefs.t(Msg::Home).to_string())];
                    let mut acc = String::new();
                    for seg in super::segments(&path) {
                        acc = super::join(&acc, seg);
                        crumbs.push((acc.clone(), seg.to_string()));
                    }
                    let last = crumbs.len() - 1;
                    crumbs.into_iter().enumerate().map(|(i, (target, name))| {
                        let current = i == last;
                        view! {
                            <span class="sep" aria-hidden="true">{if i == 0 { "" } else { "›" }}</span>
                            <button type="button" class="crumb"
                                aria-current=if current { Some("location") } else { None }
                                on:click=move |_| go(target.clone())>{name}</button>
                        }
                    }).collect_view()
                }}
            </nav>
        </div>
        <div class="explorer-body">
            <aside class="tree" aria-label=move || prefs.t(Msg::Folders)>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        tree.await.ok().map(|root| view! {
                            <ul role="tree"><TreeItem node=root win/></ul>
                        })
                    })}
                </Transition>
            </aside>
            <div class="listing">
                <Transition fallback=move || view! { <p class="loading">{move || prefs.t(Msg::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match listing.await {
                            Ok(PathView::Folder { entries, .. }) if entries.is_empty() => {
                                view! { <p class="empty">{move || prefs.t(Msg::EmptyFolder)}</p> }.into_any()
                            }
                            Ok(PathView::Folder { entries, .. }) => view! {
                                <ul class="entries" role="list" on:keydown=move |ev| move_focus(&ev, desk, win)>
                                    {entries.into_iter().map(|entry| {
                                        let glyph = icon_for(&entry);
                                        let name = entry.name.clone();
                                        let href = super::address_for(&entry.path);
                                        let kind = entry.kind;
                                        view! {
                                            <li>
                                                <a class="entry" href=href data-kind=move || format!("{kind:?}").to_lowercase()
                                                    on:click=move |ev| { ev.prevent_default(); desk.open_entry(&entry); }>
                                                    <span class="glyph" aria-hidden="true">{glyph}</span>
                                                    <span class="name">{name}</span>
                                                </a>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Ok(PathView::File { path, .. }) => {
                                // The address named a file: show its folder and open the file.
                                desk.open_file(path.clone());
                                view! { <p class="empty">{path}</p> }.into_any()
                            }
                            Err(err) => view! {
                                <div class="error" role="alert">
                                    <p>{err.to_string()}</p>
                                    <button type="button" on:click=move |_| go("/".into())>{move || prefs.t(Msg::Home)}</button>
                                </div>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </div>
    }
}

/// Arrow keys move between items of a listing; Backspace goes up a folder.
fn move_focus(ev: &leptos::ev::KeyboardEvent, desk: Desk, win: Win) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let key = ev.key();
        if key == "Backspace" {
            ev.prevent_default();
            desk.navigate(win, super::parent_of(&win.path.get_untracked()));
            return;
        }
        let step: i32 = match key.as_str() {
            "ArrowRight" | "ArrowDown" => 1,
            "ArrowLeft" | "ArrowUp" => -1,
            _ => return,
        };
        let Some(current) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Some(list) = current.closest("ul.entries").ok().flatten() else {
            return;
        };
        let Ok(links) = list.query_selector_all("a.entry") else {
            return;
        };
        let count = links.length() as i32;
        let position = (0..count).find(|&i| {
            links
                .item(i as u32)
                .is_some_and(|node| node.is_same_node(Some(current.as_ref())))
        });
        let next = position.map_or(0, |i| (i + step).clamp(0, count - 1));
        if let Some(el) = links
            .item(next as u32)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        {
            ev.prevent_default();
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, desk, win);
}

#[component]
fn TreeItem(node: FolderNode, win: Win) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let path = node.path.clone();
    let selected = {
        let path = path.clone();
        move || win.path.get() == path
    };
    let label = if node.path == "/" {
        None
    } else {
        Some(node.name.clone())
    };
    let children = node.children.clone();
    view! {
        <li role="treeitem" aria-selected=move || selected().to_string()>
            <button type="button" class="tree-node" on:click=move |_| desk.navigate(win, path.clone())>
                <span aria-hidden="true">"📁 "</span>
                {match label {
                    Some(name) => name.into_any(),
                    None => (move || prefs.t(Msg::Home)).into_any(),
                }}
            </button>
            {(!children.is_empty()).then(|| view! {
                <ul role="group">
                    {children.into_iter().map(|child| view! { <TreeItem node=child win/> }.into_any()).collect_view()}
                </ul>
            })}
        </li>
    }
}

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
