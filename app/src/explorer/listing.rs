//! The explorer window: a folder's listing with its tree pane and breadcrumbs, plus, for the
//! owner, editing — selection, inline rename, context menu, drag and drop, cut and paste,
//! trash with Undo, uploads with progress — and a search over the tenant's files.

use leptos::ev::{DragEvent, KeyboardEvent, MouseEvent};
use leptos::html;
use leptos::prelude::*;

use super::edit::{
    SearchHit, create_file, create_folder, delete_nodes, move_nodes, rename_node, restore_nodes,
    search_nodes,
};
use super::owner::{UploadRow, UploadState, clipboard, free_name, is_editable};
use super::{Entry, FolderNode, NodeKind, PathView, folder_tree, open_path};
use crate::core::i18n::{Msg, Prefs};
use crate::core::template::fill;
use crate::desktop::{Desk, Win, WinKind, icon_for};

/// The drag data type for items dragged out of a listing (a JSON array of paths).
const DRAG_TYPE: &str = "application/x-deskfolio-paths";

/// A message above the listing: what a change did (with Undo after a delete) or why it failed.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    Trashed { count: usize, ids: Vec<i64> },
    Error(String),
}

/// A question the owner answers before something happens.
#[derive(Debug, Clone, PartialEq)]
struct Confirm {
    text: String,
    /// The paths to move to the trash on "yes".
    trash: Vec<String>,
}

/// An open context menu, placed relative to the explorer window's content.
#[derive(Debug, Clone, PartialEq)]
struct MenuAt {
    x: f64,
    y: f64,
    /// The item right-clicked, or none for the folder's background.
    target: Option<Entry>,
}

/// One explorer window's state; every field is a handle, so it is `Copy`.
#[derive(Clone, Copy)]
struct Explorer {
    desk: Desk,
    win: Win,
    prefs: Prefs,
    owner: bool,
    entries: RwSignal<Vec<Entry>>,
    selected: RwSignal<Vec<String>>,
    anchor: RwSignal<Option<String>>,
    renaming: RwSignal<Option<String>>,
    rename_text: RwSignal<String>,
    rename_error: RwSignal<Option<String>>,
    menu: RwSignal<Option<MenuAt>>,
    confirm: RwSignal<Option<Confirm>>,
    notice: RwSignal<Option<Notice>>,
    uploads: RwSignal<Vec<UploadRow>>,
    drop_target: RwSignal<Option<String>>,
    search: RwSignal<String>,
    root: NodeRef<html::Div>,
    listing: NodeRef<html::Div>,
    picker: NodeRef<html::Input>,
    /// Set by "Upload here" on a folder; otherwise files go into the folder shown.
    upload_into: StoredValue<Option<String>>,
    #[cfg_attr(
        not(feature = "hydrate"),
        expect(dead_code, reason = "uploads run in the browser only")
    )]
    next_upload: StoredValue<u64>,
}

impl Explorer {
    fn folder(&self) -> String {
        self.win.path.get_untracked()
    }

    fn entry(&self, path: &str) -> Option<Entry> {
        self.entries
            .with_untracked(|list| list.iter().find(|e| e.path == path).cloned())
    }

    /// The item acted on (menu, drag) becomes the selection, unless it is already part of it.
    fn ensure_selected(&self, path: &str) {
        if !self
            .selected
            .with_untracked(|s| s.iter().any(|p| p == path))
        {
            self.select_only(path.to_string());
        }
    }

    fn select_only(&self, path: String) {
        self.anchor.set(Some(path.clone()));
        self.selected.set(vec![path]);
    }

    fn toggle(&self, path: String) {
        self.anchor.set(Some(path.clone()));
        self.selected.update(|s| {
            if let Some(i) = s.iter().position(|p| *p == path) {
                s.remove(i);
            } else {
                s.push(path);
            }
        });
    }

    /// Selects every item between the last one clicked and `path`, in listing order.
    fn select_range(&self, path: String) {
        let anchor = self.anchor.get_untracked();
        let range = self.entries.with_untracked(|list| {
            let to = list.iter().position(|e| e.path == path)?;
            let from = anchor
                .and_then(|a| list.iter().position(|e| e.path == a))
                .unwrap_or(to);
            let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
            Some(list[lo..=hi].iter().map(|e| e.path.clone()).collect())
        });
        match range {
            Some(paths) => self.selected.set(paths),
            None => self.select_only(path),
        }
    }

    #[cfg_attr(
        not(feature = "hydrate"),
        expect(dead_code, reason = "keyboard shortcuts run in the browser only")
    )]
    fn select_all(&self) {
        self.selected.set(
            self.entries
                .with_untracked(|l| l.iter().map(|e| e.path.clone()).collect()),
        );
    }

    /// The selected items in listing order.
    fn selection(&self) -> Vec<Entry> {
        let selected = self.selected.get_untracked();
        self.entries.with_untracked(|list| {
            list.iter()
                .filter(|e| selected.contains(&e.path))
                .cloned()
                .collect()
        })
    }

    fn fail(&self, message: String) {
        self.notice.set(Some(Notice::Error(message)));
    }

    fn focus_listing(&self) {
        if let Some(el) = self.listing.get_untracked() {
            let _ = el.focus();
        }
    }

    fn start_rename(&self, entry: &Entry) {
        self.menu.set(None);
        self.select_only(entry.path.clone());
        self.rename_text.set(entry.name.clone());
        self.rename_error.set(None);
        self.renaming.set(Some(entry.path.clone()));
    }

    fn cancel_rename(&self) {
        self.renaming.set(None);
        self.rename_error.set(None);
        self.focus_listing();
    }

    /// Shows the new name at once; on a refusal puts the old one back and reopens the field
    /// with the server's message next to it.
    fn commit_rename(&self) {
        let Some(path) = self.renaming.get_untracked() else {
            return;
        };
        let new_name = self.rename_text.get_untracked().trim().to_string();
        let Some(old) = self.entry(&path) else {
            self.cancel_rename();
            return;
        };
        if new_name == old.name {
            self.cancel_rename();
            return;
        }
        let snapshot = self.entries.get_untracked();
        let parent = super::parent_of(&path);
        let new_path = super::join(&parent, &new_name);
        self.entries.update(|list| {
            if let Some(e) = list.iter_mut().find(|e| e.path == path) {
                e.name = new_name.clone();
                e.path = new_path.clone();
            }
        });
        self.renaming.set(None);
        self.rename_error.set(None);
        self.select_only(new_path);
        self.focus_listing();
        let ex = *self;
        leptos::task::spawn_local(async move {
            match rename_node(path.clone(), new_name.clone()).await {
                Ok(entry) => {
                    ex.select_only(entry.path.clone());
                    ex.entries.update(|list| {
                        if let Some(e) = list.iter_mut().find(|e| e.name == new_name) {
                            *e = entry;
                        }
                    });
                    ex.desk.files_changed();
                }
                Err(err) => {
                    ex.entries.set(snapshot);
                    ex.select_only(path.clone());
                    ex.rename_text.set(new_name);
                    ex.rename_error.set(Some(err.to_string()));
                    ex.renaming.set(Some(path));
                }
            }
        });
    }

    /// Creates `untitled.md` or `New folder` (numbered when taken) and starts renaming it.
    fn create(&self, kind: NodeKind) {
        self.menu.set(None);
        self.notice.set(None);
        let parent = self.folder();
        let name = self.entries.with_untracked(|list| match kind {
            NodeKind::Folder => free_name(list, self.prefs.t(Msg::NewFolderName), ""),
            NodeKind::File => free_name(list, self.prefs.t(Msg::NewFileName), ".md"),
        });
        let ex = *self;
        leptos::task::spawn_local(async move {
            let created = match kind {
                NodeKind::Folder => create_folder(parent, name).await,
                NodeKind::File => create_file(parent, name, String::new()).await,
            };
            match created {
                Ok(entry) => {
                    ex.entries.update(|list| list.push(entry.clone()));
                    ex.start_rename(&entry);
                    ex.desk.files_changed();
                }
                Err(err) => ex.fail(err.to_string()),
            }
        });
    }

    /// Moves items to the trash; a folder with something in it asks first.
    fn delete(&self, items: Vec<Entry>) {
        self.menu.set(None);
        if items.is_empty() {
            return;
        }
        let ex = *self;
        leptos::task::spawn_local(async move {
            let mut full = Vec::new();
            for folder in items.iter().filter(|e| e.kind == NodeKind::Folder) {
                if let Ok(PathView::Folder { entries, .. }) = open_path(folder.path.clone()).await
                    && !entries.is_empty()
                {
                    full.push(folder.name.clone());
                }
            }
            let paths: Vec<String> = items.into_iter().map(|e| e.path).collect();
            if full.is_empty() {
                ex.trash(paths);
            } else {
                ex.confirm.set(Some(Confirm {
                    text: fill(
                        ex.prefs.t(Msg::ConfirmDeleteFolder),
                        &[("names", &full.join("”, “"))],
                    ),
                    trash: paths,
                }));
            }
        });
    }

    /// Removes the items from the listing at once and offers Undo once the server agrees.
    fn trash(&self, paths: Vec<String>) {
        let snapshot = self.entries.get_untracked();
        self.entries
            .update(|list| list.retain(|e| !paths.contains(&e.path)));
        self.selected.set(Vec::new());
        self.focus_listing();
        let ex = *self;
        leptos::task::spawn_local(async move {
            match delete_nodes(paths).await {
                Ok(items) => {
                    ex.notice.set(Some(Notice::Trashed {
                        count: items.len(),
                        ids: items.into_iter().map(|i| i.id).collect(),
                    }));
                    ex.desk.files_changed();
                }
                Err(err) => {
                    ex.entries.set(snapshot);
                    ex.fail(err.to_string());
                }
            }
        });
    }

    fn undo_trash(&self, ids: Vec<i64>) {
        self.notice.set(None);
        let ex = *self;
        leptos::task::spawn_local(async move {
            match restore_nodes(ids).await {
                Ok(_) => ex.desk.files_changed(),
                Err(err) => ex.fail(err.to_string()),
            }
        });
    }

    fn cut(&self, items: Vec<Entry>) {
        self.menu.set(None);
        clipboard().set(items.into_iter().map(|e| e.path).collect());
    }

    fn paste(&self, target: String) {
        self.menu.set(None);
        let paths = clipboard().get_untracked();
        if paths.is_empty() {
            return;
        }
        clipboard().set(Vec::new());
        self.move_to(paths, target);
    }

    /// Moves items into `target`: they leave this listing at once and come back, with the
    /// server's message, if it refuses (a clash, or a folder into itself).
    fn move_to(&self, paths: Vec<String>, target: String) {
        let paths: Vec<String> = paths
            .into_iter()
            .filter(|p| *p != target && super::parent_of(p) != target)
            .collect();
        if paths.is_empty() {
            return;
        }
        self.notice.set(None);
        let snapshot = self.entries.get_untracked();
        self.entries
            .update(|list| list.retain(|e| !paths.contains(&e.path)));
        self.selected.set(Vec::new());
        let ex = *self;
        leptos::task::spawn_local(async move {
            match move_nodes(paths, target).await {
                Ok(_) => ex.desk.files_changed(),
                Err(err) => {
                    ex.entries.set(snapshot);
                    ex.fail(err.to_string());
                }
            }
        });
    }

    fn open(&self, entry: &Entry) {
        self.menu.set(None);
        self.desk.open_entry(entry);
    }

    fn edit(&self, entry: &Entry) {
        self.menu.set(None);
        self.desk.open_editor(entry.path.clone());
    }

    /// Opens the file picker; what is picked goes into `folder`.
    fn pick_files(&self, folder: String) {
        self.menu.set(None);
        self.upload_into.set_value(Some(folder));
        if let Some(input) = self.picker.get_untracked() {
            input.click();
        }
    }

    /// Uploads each file on its own, each with a progress bar and its own error.
    #[cfg(feature = "hydrate")]
    fn upload(&self, files: Vec<web_sys::File>, folder: String) {
        for file in files {
            self.next_upload.update_value(|n| *n += 1);
            let row = UploadRow {
                id: self.next_upload.get_value(),
                name: file.name(),
                folder: folder.clone(),
                state: ArcRwSignal::new(UploadState::Sending(0.0)),
            };
            self.uploads.update(|rows| rows.push(row.clone()));
            let desk = self.desk;
            super::owner::send_upload(
                &file,
                &row,
                self.prefs.t(Msg::UploadNetwork).to_string(),
                move || desk.files_changed(),
            );
        }
    }

    /// Places the context menu at a point of the screen, kept inside the window.
    fn open_menu(&self, client_x: f64, client_y: f64, target: Option<Entry>) {
        let (mut x, mut y) = (client_x, client_y);
        if let Some(root) = self.root.get_untracked() {
            let rect = root.get_bounding_client_rect();
            x = (client_x - rect.left()).clamp(0.0, (rect.width() - 210.0).max(0.0));
            y = (client_y - rect.top()).clamp(0.0, (rect.height() - 330.0).max(0.0));
        }
        self.menu.set(Some(MenuAt { x, y, target }));
    }
}

#[component]
pub fn ExplorerWindow(win: Win) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let owner = crate::core::site::current().is_some_and(|s| s.is_owner());
    let ex = Explorer {
        desk,
        win,
        prefs,
        owner,
        entries: RwSignal::new(Vec::new()),
        selected: RwSignal::new(Vec::new()),
        anchor: RwSignal::new(None),
        renaming: RwSignal::new(None),
        rename_text: RwSignal::new(String::new()),
        rename_error: RwSignal::new(None),
        menu: RwSignal::new(None),
        confirm: RwSignal::new(None),
        notice: RwSignal::new(None),
        uploads: RwSignal::new(Vec::new()),
        drop_target: RwSignal::new(None),
        search: RwSignal::new(String::new()),
        root: NodeRef::new(),
        listing: NodeRef::new(),
        picker: NodeRef::new(),
        upload_into: StoredValue::new(None),
        next_upload: StoredValue::new(0),
    };
    // Listings and the tree reload whenever any window changes the tenant's files.
    let listing = Resource::new(
        move || (win.path.get(), desk.files_rev.get()),
        |(path, _)| open_path(path),
    );
    let tree = Resource::new(move || desk.files_rev.get(), |_| folder_tree());
    let go = move |path: String| {
        ex.search.set(String::new());
        ex.selected.set(Vec::new());
        ex.renaming.set(None);
        desk.navigate(win, path)
    };
    let searching = move || !ex.search.with(|q| q.trim().is_empty());

    let on_picked = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = ex.picker.get_untracked() {
            let files = input.files().map(file_list).unwrap_or_default();
            // Cleared, so picking the same file again is a change too.
            input.set_value("");
            let folder = ex.upload_into.try_update_value(Option::take).flatten();
            ex.upload(files, folder.unwrap_or_else(|| ex.folder()));
        }
        let _ = ex;
    };

    view! {
        <div class="explorer-root" node_ref=ex.root>
            <div class="explorer-toolbar">
                <button type="button" class="nav" aria-label=move || prefs.t(Msg::Back) title=move || prefs.t(Msg::Back)
                    disabled=move || win.back.with(Vec::is_empty)
                    on:click=move |_| desk.go_back(win)>"←"</button>
                <button type="button" class="nav" aria-label=move || prefs.t(Msg::Up) title=move || prefs.t(Msg::Up)
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
                            let to = target.clone();
                            let drop_here = target.clone();
                            view! {
                                <span class="sep" aria-hidden="true">{if i == 0 { "" } else { "›" }}</span>
                                <button type="button" class="crumb"
                                    class:drop-target=move || ex.drop_target.get().as_deref() == Some(drop_here.as_str())
                                    aria-current=if current { Some("location") } else { None }
                                    on:dragover=drag_over(ex, target.clone())
                                    on:dragleave=drag_leave(ex, target.clone())
                                    on:drop=drop_on(ex, target.clone())
                                    on:click=move |_| go(to.clone())>{name}</button>
                            }
                        }).collect_view()
                    }}
                </nav>
                <div class="explorer-actions">
                    {owner.then(|| view! {
                        <button type="button" on:click=move |_| ex.create(NodeKind::Folder)>
                            <span aria-hidden="true">"📁+ "</span>{move || prefs.t(Msg::NewFolder)}
                        </button>
                        <button type="button" on:click=move |_| ex.create(NodeKind::File)>
                            <span aria-hidden="true">"📝+ "</span>{move || prefs.t(Msg::NewFile)}
                        </button>
                        <button type="button" on:click=move |_| ex.pick_files(ex.folder())>
                            <span aria-hidden="true">"⬆ "</span>{move || prefs.t(Msg::Upload)}
                        </button>
                        <button type="button" on:click=move |_| desk.open_single(WinKind::Trash)>
                            <span aria-hidden="true">"🗑 "</span>{move || prefs.t(Msg::Trash)}
                        </button>
                        <input type="file" class="picker" multiple
                            accept="image/png,image/jpeg,image/gif,image/webp,image/svg+xml,application/pdf,.png,.jpg,.jpeg,.gif,.webp,.svg,.pdf"
                            aria-label=move || prefs.t(Msg::ChooseFiles)
                            node_ref=ex.picker on:change=on_picked/>
                    })}
                    <input type="search" class="explorer-search"
                        aria-label=move || prefs.t(Msg::SearchFiles)
                        placeholder=move || prefs.t(Msg::SearchFiles)
                        prop:value=move || ex.search.get()
                        on:input=move |ev| ex.search.set(event_target_value(&ev))
                        on:keydown=move |ev| search_key(ex, &ev)/>
                </div>
            </div>
            {move || ex.notice.get().map(|notice| match notice {
                Notice::Trashed { count, ids } => view! {
                    <div class="explorer-notice" role="status">
                        <span>{if count == 1 {
                            prefs.t(Msg::MovedOneToTrash).to_string()
                        } else {
                            fill(prefs.t(Msg::MovedToTrash), &[("n", &count.to_string())])
                        }}</span>
                        " · "
                        <button type="button" class="link" on:click=move |_| ex.undo_trash(ids.clone())>{prefs.t(Msg::Undo)}</button>
                        <button type="button" class="dismiss" aria-label=prefs.t(Msg::Dismiss) on:click=move |_| ex.notice.set(None)>"×"</button>
                    </div>
                }.into_any(),
                Notice::Error(message) => view! {
                    <div class="explorer-notice error" role="alert">
                        <span>{message}</span>
                        <button type="button" class="dismiss" aria-label=prefs.t(Msg::Dismiss) on:click=move |_| ex.notice.set(None)>"×"</button>
                    </div>
                }.into_any(),
            })}
            <div class="explorer-body">
                <aside class="tree" aria-label=move || prefs.t(Msg::Folders)>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            tree.await.ok().map(|root| view! {
                                <ul role="tree"><TreeItem node=root ex/></ul>
                            })
                        })}
                    </Transition>
                </aside>
                <div class="listing" tabindex="-1" node_ref=ex.listing
                    class:drop-zone=move || ex.drop_target.get().is_some_and(|t| t == win.path.get())
                    on:keydown=move |ev| listing_key(ex, &ev)
                    on:click=move |ev| {
                        if ex.owner && !inside_entry(&ev) {
                            ex.selected.set(Vec::new());
                        }
                    }
                    on:contextmenu=move |ev: MouseEvent| {
                        if ex.owner && !inside_entry(&ev) {
                            ev.prevent_default();
                            ex.selected.set(Vec::new());
                            ex.open_menu(ev.client_x() as f64, ev.client_y() as f64, None);
                        }
                    }
                    on:dragover=drag_over(ex, String::new())
                    on:dragleave=drag_leave(ex, String::new())
                    on:drop=drop_on(ex, String::new())>
                    {move || searching().then(|| view! { <SearchResults ex/> })}
                    <div class="folder-view" hidden=searching>
                        <Transition fallback=move || view! { <p class="loading">{move || prefs.t(Msg::Loading)}</p> }>
                            {move || Suspend::new(async move {
                                match listing.await {
                                    Ok(PathView::Folder { entries, .. }) => {
                                        ex.entries.set(entries);
                                        view! { <Entries ex/> }.into_any()
                                    }
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
            </div>
            {move || (!ex.uploads.with(Vec::is_empty)).then(|| view! { <Uploads ex/> })}
            {move || ex.menu.get().map(|at| view! { <ContextMenu ex at/> })}
            {move || ex.confirm.get().map(|confirm| view! { <ConfirmTrash ex confirm/> })}
        </div>
    }
}

#[component]
fn Entries(ex: Explorer) -> impl IntoView {
    let prefs = ex.prefs;
    view! {
        <ul class="entries" role="list">
            <For each=move || ex.entries.get() key=|e| (e.path.clone(), e.kind == NodeKind::Folder) let:entry>
                <EntryItem ex entry/>
            </For>
        </ul>
        {move || ex.entries.with(Vec::is_empty).then(|| view! {
            <p class="empty">{move || prefs.t(Msg::EmptyFolder)}</p>
        })}
    }
}

#[component]
fn EntryItem(ex: Explorer, entry: Entry) -> impl IntoView {
    let prefs = ex.prefs;
    let path = entry.path.clone();
    let entry = StoredValue::new(entry);
    let selected = {
        let path = path.clone();
        move || ex.selected.with(|s| s.contains(&path))
    };
    let renaming = {
        let path = path.clone();
        move || ex.renaming.get().as_deref() == Some(path.as_str())
    };
    let is_cut = {
        let path = path.clone();
        let clip = clipboard();
        move || clip.with(|c| c.contains(&path))
    };
    let is_drop_target = {
        let path = path.clone();
        move || ex.drop_target.get().as_deref() == Some(path.as_str())
    };
    let folder = entry.with_value(|e| e.kind == NodeKind::Folder);
    let glyph = entry.with_value(icon_for);
    let kind = entry.with_value(|e| format!("{:?}", e.kind).to_lowercase());
    let href = super::address_for(&path);

    let on_click = move |ev: MouseEvent| {
        ev.prevent_default();
        let e = entry.get_value();
        if !ex.owner {
            ex.desk.open_entry(&e);
        } else if ev.ctrl_key() || ev.meta_key() {
            ex.toggle(e.path);
        } else if ev.shift_key() {
            ex.select_range(e.path);
        } else {
            ex.select_only(e.path);
        }
    };
    let on_menu = move |ev: MouseEvent| {
        if !ex.owner {
            return;
        }
        ev.prevent_default();
        ev.stop_propagation();
        let e = entry.get_value();
        ex.ensure_selected(&e.path);
        ex.open_menu(ev.client_x() as f64, ev.client_y() as f64, Some(e));
    };
    let on_more = move |ev: MouseEvent| {
        ev.stop_propagation();
        let e = entry.get_value();
        ex.ensure_selected(&e.path);
        let (x, y) = element_corner(&ev);
        ex.open_menu(x, y, Some(e));
    };
    let on_drag_start = move |ev: DragEvent| {
        let e = entry.get_value();
        ex.ensure_selected(&e.path);
        let paths = ex.selected.get_untracked();
        if let Some(dt) = ev.data_transfer() {
            let _ = dt.set_data(
                DRAG_TYPE,
                &serde_json::to_string(&paths).unwrap_or_default(),
            );
            let _ = dt.set_data("text/plain", &paths.join("\n"));
            dt.set_effect_allowed("move");
        }
    };
    let drop_path = if folder { path.clone() } else { String::new() };

    view! {
        <li class="entry-row" class:selected=selected class:cut=is_cut class:drop-target=is_drop_target>
            {move || {
                // A rename re-keys the listing: this row may already be gone when the
                // renaming signal changes, so it renders nothing rather than read its entry.
                let Some(e) = entry.try_get_value() else {
                    return ().into_any();
                };
                if renaming() {
                    return view! { <RenameField ex entry=e glyph/> }.into_any();
                }
                view! {
                    <a class="entry" href=href.clone() data-kind=kind.clone() data-path=e.path.clone()
                        draggable=ex.owner.then_some("true")
                        on:click=on_click
                        on:dblclick=move |_| if ex.owner { ex.open(&entry.get_value()) }
                        on:contextmenu=on_menu
                        on:dragstart=on_drag_start
                        on:dragover=drag_over(ex, drop_path.clone())
                        on:dragleave=drag_leave(ex, drop_path.clone())
                        on:drop=drop_on(ex, drop_path.clone())>
                        <span class="glyph" aria-hidden="true">{glyph}</span>
                        <span class="name">{e.name.clone()}</span>
                    </a>
                }.into_any()
            }}
            {ex.owner.then(|| view! {
                <button type="button" class="entry-more" tabindex="-1"
                    aria-label=move || format!("{} — {}", prefs.t(Msg::MoreActions), entry.try_with_value(|e| e.name.clone()).unwrap_or_default())
                    on:click=on_more>"⋯"</button>
            })}
        </li>
    }
}

#[component]
fn RenameField(ex: Explorer, entry: Entry, glyph: &'static str) -> impl IntoView {
    let prefs = ex.prefs;
    let input = NodeRef::<html::Input>::new();
    // Focus the field and select the name without its extension, as desktops do.
    let stem = match entry.name.rfind('.') {
        Some(i) if i > 0 && entry.kind == NodeKind::File => entry.name[..i].encode_utf16().count(),
        _ => entry.name.encode_utf16().count(),
    } as u32;
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            // The value first: selecting before the field holds the name selects nothing.
            el.set_value(&ex.rename_text.get_untracked());
            let _ = el.focus();
            let _ = el.set_selection_range(0, stem);
        }
    });
    view! {
        <div class="entry renaming">
            <span class="glyph" aria-hidden="true">{glyph}</span>
            <input type="text" class="rename" node_ref=input
                aria-label=move || prefs.t(Msg::Rename)
                aria-invalid=move || ex.rename_error.with(Option::is_some).to_string()
                prop:value=move || ex.rename_text.get()
                on:input=move |ev| ex.rename_text.set(event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| {
                    match ev.key().as_str() {
                        "Enter" => { ev.prevent_default(); ex.commit_rename(); }
                        "Escape" => { ev.prevent_default(); ex.cancel_rename(); }
                        _ => {}
                    }
                    // The listing's shortcuts (Delete, Ctrl+A…) and the window's Escape stay out of typing.
                    ev.stop_propagation();
                }
                on:blur=move |_| commit_on_blur(ex)/>
            {move || ex.rename_error.get().map(|message| view! {
                <span class="field-error" role="alert">{message}</span>
            })}
        </div>
    }
}

/// Leaving the field commits the name, unless the field was only re-created: a reload of the
/// listing (another window changed files) replaces the row, and the new field takes the focus.
fn commit_on_blur(ex: Explorer) {
    #[cfg(feature = "hydrate")]
    set_timeout(
        move || {
            let refocused = document()
                .active_element()
                .is_some_and(|el| el.class_name().split(' ').any(|c| c == "rename"));
            if refocused {
                return;
            }
            // After a refusal (shown next to the field), leaving it gives up instead of
            // sending the same name again on every focus change.
            if ex.rename_error.with_untracked(Option::is_some) {
                ex.cancel_rename();
            } else {
                ex.commit_rename();
            }
        },
        std::time::Duration::ZERO,
    );
    #[cfg(not(feature = "hydrate"))]
    ex.commit_rename();
}

#[component]
fn TreeItem(node: FolderNode, ex: Explorer) -> impl IntoView {
    let desk = ex.desk;
    let prefs = ex.prefs;
    let win = ex.win;
    let path = node.path.clone();
    let selected = {
        let path = path.clone();
        move || win.path.get() == path
    };
    let is_drop_target = {
        let path = path.clone();
        move || ex.drop_target.get().as_deref() == Some(path.as_str())
    };
    let label = if node.path == "/" {
        None
    } else {
        Some(node.name.clone())
    };
    let children = node.children.clone();
    let to = path.clone();
    view! {
        <li role="treeitem" aria-selected=move || selected().to_string()>
            <button type="button" class="tree-node" class:drop-target=is_drop_target
                on:dragover=drag_over(ex, path.clone())
                on:dragleave=drag_leave(ex, path.clone())
                on:drop=drop_on(ex, path.clone())
                on:click=move |_| {
                    ex.search.set(String::new());
                    ex.selected.set(Vec::new());
                    desk.navigate(win, to.clone())
                }>
                <span aria-hidden="true">"📁 "</span>
                {match label {
                    Some(name) => name.into_any(),
                    None => (move || prefs.t(Msg::Home)).into_any(),
                }}
            </button>
            {(!children.is_empty()).then(|| view! {
                <ul role="group">
                    {children.into_iter().map(|child| view! { <TreeItem node=child ex/> }.into_any()).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[component]
fn SearchResults(ex: Explorer) -> impl IntoView {
    let prefs = ex.prefs;
    let desk = ex.desk;
    let hits = LocalResource::new(move || {
        let query = ex.search.get();
        let _ = desk.files_rev.get();
        async move { search_nodes(query.trim().to_string()).await }
    });
    let open_hit = move |hit: &SearchHit| {
        desk.open_entry(&Entry {
            name: hit.name.clone(),
            kind: hit.kind,
            path: hit.path.clone(),
            size: hit.size,
        });
    };
    view! {
        <Transition fallback=move || view! { <p class="loading">{move || prefs.t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match hits.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">{fill(prefs.t(Msg::NoResults), &[("query", ex.search.get_untracked().trim())])}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="search-results" aria-label=prefs.t(Msg::Results)
                            on:keydown=move |ev| { move_focus(&ev, "ul.search-results", "a.hit"); }>
                            {list.into_iter().map(|hit| {
                                let glyph = icon_for(&Entry { name: hit.name.clone(), kind: hit.kind, path: String::new(), size: 0 });
                                let href = super::address_for(&hit.path);
                                let shown = hit.clone();
                                view! {
                                    <li>
                                        <a class="hit" href=href on:click=move |ev| { ev.prevent_default(); open_hit(&hit); }>
                                            <span class="glyph" aria-hidden="true">{glyph}</span>
                                            <span class="hit-text">
                                                <span class="name">{shown.name.clone()}</span>
                                                <small class="hit-path">{shown.path.clone()}</small>
                                                {shown.snippet.clone().map(|s| view! { <small class="snippet">{s}</small> })}
                                            </span>
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Uploads(ex: Explorer) -> impl IntoView {
    let prefs = ex.prefs;
    let clear = move |_| {
        ex.uploads.update(|rows| {
            rows.retain(|r| matches!(r.state.get_untracked(), UploadState::Sending(_)))
        })
    };
    view! {
        <div class="uploads" role="region" aria-label=move || prefs.t(Msg::Uploading)>
            <ul>
                <For each=move || ex.uploads.get() key=|row| row.id let:row>
                    {
                        let state = row.state.clone();
                        let label = row.name.clone();
                        view! {
                            <li class="upload" data-state=move || match state.get() {
                                UploadState::Sending(_) => "sending",
                                UploadState::Done => "done",
                                UploadState::Failed(_) => "failed",
                            }>
                                <span class="upload-name">{row.name.clone()}</span>
                                {
                                    let state = row.state.clone();
                                    move || match state.get() {
                                        UploadState::Sending(f) => view! {
                                            <progress max="1" value=f aria-label=label.clone()></progress>
                                        }.into_any(),
                                        UploadState::Done => view! {
                                            <span class="upload-done">{prefs.t(Msg::Uploaded)}</span>
                                        }.into_any(),
                                        UploadState::Failed(message) => view! {
                                            <span class="upload-error" role="alert">{message}</span>
                                        }.into_any(),
                                    }
                                }
                            </li>
                        }
                    }
                </For>
            </ul>
            <button type="button" class="dismiss" aria-label=move || prefs.t(Msg::Dismiss) on:click=clear>"×"</button>
        </div>
    }
}

/// What a context-menu item does.
#[derive(Clone)]
enum Action {
    Open(Entry),
    Edit(Entry),
    Rename(Entry),
    Cut,
    Paste(String),
    Delete,
    NewFolder,
    NewFile,
    Upload(String),
}

#[component]
fn ContextMenu(ex: Explorer, at: MenuAt) -> impl IntoView {
    let prefs = ex.prefs;
    let menu = NodeRef::<html::Div>::new();
    let has_clip = !clipboard().with_untracked(Vec::is_empty);
    let current = ex.folder();
    let single = ex.selected.with_untracked(Vec::len) <= 1;
    let into = match &at.target {
        Some(e) if e.kind == NodeKind::Folder => e.path.clone(),
        _ => current.clone(),
    };
    let mut items: Vec<(Msg, bool, Action)> = Vec::new();
    if let Some(e) = &at.target {
        items.push((Msg::Open, single, Action::Open(e.clone())));
        if is_editable(e) {
            items.push((Msg::Edit, single, Action::Edit(e.clone())));
        }
        items.push((Msg::Rename, single, Action::Rename(e.clone())));
        items.push((Msg::Cut, true, Action::Cut));
    }
    items.push((Msg::Paste, has_clip, Action::Paste(into.clone())));
    if at.target.is_some() {
        items.push((Msg::Delete, true, Action::Delete));
    }
    items.push((Msg::NewFolder, true, Action::NewFolder));
    items.push((Msg::NewFile, true, Action::NewFile));
    items.push((Msg::UploadHere, true, Action::Upload(into)));

    let run = move |action: Action| match action {
        Action::Open(e) => ex.open(&e),
        Action::Edit(e) => ex.edit(&e),
        Action::Rename(e) => ex.start_rename(&e),
        Action::Cut => ex.cut(ex.selection()),
        Action::Paste(target) => ex.paste(target),
        Action::Delete => ex.delete(ex.selection()),
        Action::NewFolder => ex.create(NodeKind::Folder),
        Action::NewFile => ex.create(NodeKind::File),
        Action::Upload(folder) => ex.pick_files(folder),
    };
    // The first item takes the focus, so the menu works from the keyboard at once.
    Effect::new(move |_| {
        if let Some(el) = menu.get() {
            focus_menu_item(&el, 0);
        }
    });
    // A press anywhere outside the menu closes it.
    let outside = window_event_listener(leptos::ev::pointerdown, move |ev| {
        let inside = menu
            .get_untracked()
            .is_some_and(|el| contains_target(&el, ev.target()));
        if !inside {
            ex.menu.set(None);
        }
    });
    on_cleanup(move || outside.remove());
    let close = move || {
        ex.menu.set(None);
        ex.focus_listing();
    };
    view! {
        <div class="context-menu" role="menu" node_ref=menu aria-label=move || prefs.t(Msg::Actions)
            style=format!("left:{}px;top:{}px", at.x, at.y)
            on:contextmenu=|ev: MouseEvent| ev.prevent_default()
            on:keydown=move |ev: KeyboardEvent| {
                match ev.key().as_str() {
                    "Escape" | "Tab" => { ev.prevent_default(); close(); }
                    "ArrowDown" => { ev.prevent_default(); step_menu(&ev, 1); }
                    "ArrowUp" => { ev.prevent_default(); step_menu(&ev, -1); }
                    "Home" => { ev.prevent_default(); step_menu(&ev, i32::MIN); }
                    "End" => { ev.prevent_default(); step_menu(&ev, i32::MAX); }
                    _ => return,
                }
                ev.stop_propagation();
            }>
            {items.into_iter().map(|(msg, enabled, action)| {
                let danger = matches!(action, Action::Delete);
                view! {
                    <button type="button" role="menuitem" class:danger=danger disabled=!enabled
                        on:click=move |_| run(action.clone())>{prefs.t(msg)}</button>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn ConfirmTrash(ex: Explorer, confirm: Confirm) -> impl IntoView {
    let prefs = ex.prefs;
    let yes = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(el) = yes.get() {
            let _ = el.focus();
        }
    });
    let cancel = move || {
        ex.confirm.set(None);
        ex.focus_listing();
    };
    let paths = confirm.trash.clone();
    view! {
        <div class="confirm-backdrop">
            <div class="confirm" role="alertdialog" aria-modal="true" aria-label=move || prefs.t(Msg::MoveToTrash)
                on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" {
                    ev.stop_propagation();
                    cancel();
                }>
                <p>{confirm.text.clone()}</p>
                <div class="confirm-actions">
                    <button type="button" on:click=move |_| cancel()>{prefs.t(Msg::Cancel)}</button>
                    <button type="button" class="danger" node_ref=yes on:click=move |_| {
                        ex.confirm.set(None);
                        ex.trash(paths.clone());
                    }>{prefs.t(Msg::MoveToTrash)}</button>
                </div>
            </div>
        </div>
    }
}

/// The listing's keys: arrows move (and, for the owner, select), Enter opens, Backspace goes
/// up; the owner also gets F2, Delete, Ctrl+A/X/V and the context-menu key.
fn listing_key(ex: Explorer, ev: &KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        if target.as_ref().is_some_and(|t| t.tag_name() == "INPUT") {
            return;
        }
        let focused = target
            .as_ref()
            .and_then(|t| t.closest("a.entry").ok().flatten())
            .and_then(|a| a.get_attribute("data-path"))
            .and_then(|path| ex.entry(&path));
        let key = ev.key();
        let ctrl = ev.ctrl_key() || ev.meta_key();
        match key.as_str() {
            "Backspace" => {
                ev.prevent_default();
                ex.search.set(String::new());
                ex.desk
                    .navigate(ex.win, super::parent_of(&ex.win.path.get_untracked()));
                return;
            }
            "ArrowRight" | "ArrowDown" | "ArrowLeft" | "ArrowUp" => {
                if let Some(path) = move_focus(ev, "ul.entries", "a.entry")
                    && ex.owner
                    && !ctrl
                {
                    if ev.shift_key() {
                        ex.select_range(path);
                    } else {
                        ex.select_only(path);
                    }
                }
                return;
            }
            _ => {}
        }
        if !ex.owner {
            return;
        }
        let selection = || {
            let chosen = ex.selection();
            if chosen.is_empty() {
                focused.clone().into_iter().collect()
            } else {
                chosen
            }
        };
        match key.as_str() {
            "Enter" => {
                if let Some(e) = &focused {
                    ev.prevent_default();
                    ex.open(e);
                }
            }
            "F2" => {
                let chosen = selection();
                if let [one] = chosen.as_slice() {
                    ev.prevent_default();
                    ex.start_rename(one);
                }
            }
            "Delete" => {
                ev.prevent_default();
                ex.delete(selection());
            }
            "Escape" if !ex.selected.with_untracked(Vec::is_empty) => {
                ev.stop_propagation();
                ex.selected.set(Vec::new());
            }
            "ContextMenu" | "F10" if key == "ContextMenu" || ev.shift_key() => {
                ev.prevent_default();
                let rect = target.map(|t| t.get_bounding_client_rect());
                let (x, y) = rect.map_or((0.0, 0.0), |r| (r.left() + 8.0, r.bottom()));
                if let Some(e) = &focused {
                    ex.ensure_selected(&e.path);
                }
                ex.open_menu(x, y, focused.clone());
            }
            k if ctrl && k.eq_ignore_ascii_case("a") => {
                ev.prevent_default();
                ex.select_all();
            }
            k if ctrl && k.eq_ignore_ascii_case("x") => {
                ev.prevent_default();
                ex.cut(selection());
            }
            k if ctrl && k.eq_ignore_ascii_case("v") => {
                ev.prevent_default();
                ex.paste(ex.folder());
            }
            _ => {}
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ex, ev);
}

/// The search box's keys: Escape goes back to the folder, Enter opens the first result,
/// Down moves into the results.
fn search_key(ex: Explorer, ev: &KeyboardEvent) {
    match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            ev.stop_propagation();
            ex.search.set(String::new());
            ex.focus_listing();
        }
        "Enter" | "ArrowDown" => {
            #[cfg(feature = "hydrate")]
            if let Some(root) = ex.root.get_untracked()
                && let Ok(Some(first)) = root.query_selector(".search-results a.hit")
            {
                use wasm_bindgen::JsCast;
                ev.prevent_default();
                if let Ok(link) = first.dyn_into::<web_sys::HtmlElement>() {
                    if ev.key() == "Enter" {
                        link.click();
                    } else {
                        let _ = link.focus();
                    }
                }
            }
            let _ = ex;
        }
        _ => {}
    }
}

/// Moves the focus between the `items` of the `list` around the event's target with the
/// arrow keys; answers the `data-path` of the item now focused.
fn move_focus(ev: &KeyboardEvent, list: &str, items: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let step: i32 = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => 1,
            "ArrowLeft" | "ArrowUp" => -1,
            _ => return None,
        };
        let current = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?;
        let container = match current.closest(list).ok().flatten() {
            Some(found) => found,
            // Focus on the listing itself: start at its first item.
            None => current.query_selector(list).ok().flatten()?,
        };
        let links = container.query_selector_all(items).ok()?;
        let count = links.length() as i32;
        if count == 0 {
            return None;
        }
        let position = (0..count).find(|&i| {
            links
                .item(i as u32)
                .is_some_and(|node| node.is_same_node(Some(current.as_ref())))
        });
        let next = position.map_or(0, |i| (i + step).clamp(0, count - 1));
        let el = links
            .item(next as u32)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())?;
        ev.prevent_default();
        let _ = el.focus();
        el.get_attribute("data-path")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, list, items);
        None
    }
}

/// Whether a pointer event happened on an item rather than the listing's background.
fn inside_entry(ev: &MouseEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".entry-row, .search-results").ok().flatten())
            .is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

/// The bottom-left corner of the element an event happened on, in screen coordinates.
fn element_corner(ev: &MouseEvent) -> (f64, f64) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let rect = el.get_bounding_client_rect();
            return (rect.left(), rect.bottom());
        }
    }
    (ev.client_x() as f64, ev.client_y() as f64)
}

fn contains_target(el: &web_sys::HtmlDivElement, target: Option<web_sys::EventTarget>) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        target
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .is_some_and(|node| el.contains(Some(&node)))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (el, target);
        false
    }
}

fn focus_menu_item(menu: &web_sys::HtmlDivElement, index: i32) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Ok(items) = menu.query_selector_all("[role=menuitem]:not(:disabled)") else {
            return;
        };
        let count = items.length() as i32;
        if count == 0 {
            return;
        }
        let i = index.rem_euclid(count) as u32;
        if let Some(el) = items
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (menu, index);
}

/// Moves the focus `step` items through the menu (wrapping); `i32::MIN`/`MAX` go to the ends.
fn step_menu(ev: &KeyboardEvent, step: i32) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(menu) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDivElement>().ok())
        else {
            return;
        };
        let Ok(items) = menu.query_selector_all("[role=menuitem]:not(:disabled)") else {
            return;
        };
        let count = items.length() as i32;
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let position = (0..count).find(|&i| {
            items.item(i as u32).is_some_and(|node| {
                active
                    .as_ref()
                    .is_some_and(|a| node.is_same_node(Some(a.as_ref())))
            })
        });
        let next = match step {
            i32::MIN => 0,
            i32::MAX => count - 1,
            _ => position.map_or(0, |p| p + step),
        };
        focus_menu_item(&menu, next);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, step);
}

/// What a drag carries that this window can take: items of a listing, or files from the computer.
#[derive(Clone, Copy, PartialEq)]
enum Dragged {
    Items,
    Files,
}

fn dragged(ev: &DragEvent) -> Option<Dragged> {
    let types = ev.data_transfer()?.types();
    let has = |t: &str| types.includes(&wasm_bindgen::JsValue::from_str(t), 0);
    if has(DRAG_TYPE) {
        Some(Dragged::Items)
    } else if has("Files") {
        Some(Dragged::Files)
    } else {
        None
    }
}

/// The folder a drop lands in: `target`, or the window's own folder for the background.
fn drop_folder(ex: Explorer, target: &str) -> String {
    if target.is_empty() {
        ex.win.path.get_untracked()
    } else {
        target.to_string()
    }
}

/// What an owner's drag carries, once this listing has claimed the event from the browser.
fn take_drag(ex: Explorer, ev: &DragEvent) -> Option<Dragged> {
    if !ex.owner {
        return None;
    }
    let kind = dragged(ev)?;
    ev.prevent_default();
    ev.stop_propagation();
    Some(kind)
}

fn drag_over(ex: Explorer, target: String) -> impl Fn(DragEvent) + Clone + 'static {
    move |ev: DragEvent| {
        let Some(kind) = take_drag(ex, &ev) else {
            return;
        };
        if let Some(dt) = ev.data_transfer() {
            dt.set_drop_effect(if kind == Dragged::Items {
                "move"
            } else {
                "copy"
            });
        }
        let folder = drop_folder(ex, &target);
        if ex
            .drop_target
            .with_untracked(|t| t.as_deref() != Some(folder.as_str()))
        {
            ex.drop_target.set(Some(folder));
        }
    }
}

fn drag_leave(ex: Explorer, target: String) -> impl Fn(DragEvent) + Clone + 'static {
    move |_ev: DragEvent| {
        let folder = drop_folder(ex, &target);
        if ex
            .drop_target
            .with_untracked(|t| t.as_deref() == Some(folder.as_str()))
        {
            ex.drop_target.set(None);
        }
    }
}

fn drop_on(ex: Explorer, target: String) -> impl Fn(DragEvent) + Clone + 'static {
    move |ev: DragEvent| {
        let Some(kind) = take_drag(ex, &ev) else {
            return;
        };
        ex.drop_target.set(None);
        let folder = drop_folder(ex, &target);
        let Some(dt) = ev.data_transfer() else { return };
        match kind {
            Dragged::Items => {
                let paths = dt
                    .get_data(DRAG_TYPE)
                    .ok()
                    .and_then(|json| serde_json::from_str::<Vec<String>>(&json).ok())
                    .unwrap_or_default();
                ex.move_to(paths, folder);
            }
            Dragged::Files => {
                #[cfg(feature = "hydrate")]
                ex.upload(dt.files().map(file_list).unwrap_or_default(), folder);
            }
        }
    }
}

#[cfg(feature = "hydrate")]
fn file_list(list: web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}
