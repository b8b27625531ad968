//! The desktop: icons, windows and the taskbar, for one tenant.

mod taskbar;
mod window;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};
use crate::core::site::TenantProfile;
use crate::explorer::{self, Entry, NodeKind, PathView};
use taskbar::Taskbar;
use window::WindowFrame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinKind {
    Explorer,
    Viewer,
    Terminal,
    Login,
    Account,
    Chat,
    Memories,
    Personality,
    /// The owner's markdown/text editor for the file at `path`.
    Editor,
    /// The owner's trash.
    Trash,
    /// The platform admin's tenant list.
    Admin,
    /// Visitors write to the owner; the owner reads what they wrote.
    Contact,
}

/// One open window. Every field is a signal handle, so `Win` is `Copy`.
#[derive(Debug, Clone, Copy)]
pub struct Win {
    pub id: u32,
    pub kind: WinKind,
    /// Folder shown by an explorer, file shown by a viewer.
    pub path: RwSignal<String>,
    /// Folders visited before the current one, for Back.
    pub back: RwSignal<Vec<String>>,
    pub x: RwSignal<i32>,
    pub y: RwSignal<i32>,
    pub w: RwSignal<i32>,
    pub h: RwSignal<i32>,
    pub z: RwSignal<u32>,
    pub minimized: RwSignal<bool>,
    pub maximized: RwSignal<bool>,
}

impl Win {
    pub fn title(&self, prefs: Prefs) -> String {
        let path = self.path.get();
        let last = explorer::segments(&path).last().map(|s| s.to_string());
        match (self.kind, last) {
            (WinKind::Explorer, None) => prefs.t(Msg::FileExplorer).to_string(),
            (WinKind::Explorer | WinKind::Viewer, Some(name)) => name,
            (WinKind::Viewer, None) => prefs.t(Msg::Viewer).to_string(),
            (WinKind::Terminal, _) => prefs.t(Msg::Terminal).to_string(),
            (WinKind::Login, _) => prefs.t(Msg::LogIn).to_string(),
            (WinKind::Account, _) => prefs.t(Msg::Account).to_string(),
            (WinKind::Chat, _) => prefs.t(Msg::Assistant).to_string(),
            (WinKind::Memories, _) => prefs.t(Msg::Memories).to_string(),
            (WinKind::Personality, _) => prefs.t(Msg::Personality).to_string(),
            (WinKind::Editor, Some(name)) => format!("{} — {name}", prefs.t(Msg::Editor)),
            (WinKind::Editor, None) => prefs.t(Msg::Editor).to_string(),
            (WinKind::Trash, _) => prefs.t(Msg::Trash).to_string(),
            (WinKind::Admin, _) => prefs.t(Msg::Admin).to_string(),
            (WinKind::Contact, _) => prefs.t(Msg::Contact).to_string(),
        }
    }
}

/// The window manager, shared through context.
#[derive(Clone, Copy)]
pub struct Desk {
    pub windows: RwSignal<Vec<Win>>,
    next_id: StoredValue<u32>,
    top_z: StoredValue<u32>,
    pub focused: RwSignal<Option<u32>>,
    /// False while the first page's windows are being opened: they match the address already.
    settled: StoredValue<bool>,
    /// Windows' signals belong to the desk, not to whichever component opened them, so closing
    /// one window never disposes another's state.
    owner: StoredValue<Owner>,
    /// Content the first page already loaded, by window id, so it is not fetched twice.
    preloaded: StoredValue<Vec<(u32, PathView)>>,
    /// Bumped after every change to the tenant's files (from any window or the terminal):
    /// listings, the folder tree and the desktop icons reload when it moves.
    pub files_rev: RwSignal<u64>,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            windows: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(1),
            top_z: StoredValue::new(10),
            focused: RwSignal::new(None),
            settled: StoredValue::new(false),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            preloaded: StoredValue::new(Vec::new()),
            files_rev: RwSignal::new(0),
        }
    }

    pub fn expect() -> Desk {
        expect_context::<Desk>()
    }

    fn create(&self, kind: WinKind, path: String) -> Win {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let n = self.windows.with_untracked(Vec::len) as i32;
        let (w, h) = match kind {
            WinKind::Explorer => (760, 480),
            WinKind::Viewer => (700, 540),
            WinKind::Terminal => (720, 440),
            WinKind::Login | WinKind::Account => (380, 400),
            WinKind::Chat => (440, 560),
            WinKind::Memories | WinKind::Personality => (820, 560),
            WinKind::Editor => (900, 600),
            WinKind::Trash => (640, 440),
            WinKind::Admin => (640, 480),
            WinKind::Contact => (480, 520),
        };
        let owner = self.owner.get_value();
        let win = owner.with(|| Win {
            id,
            kind,
            path: RwSignal::new(path),
            back: RwSignal::new(Vec::new()),
            // Clear of two columns of desktop icons, which is what a portfolio usually has.
            x: RwSignal::new(240 + 36 * (n % 6)),
            y: RwSignal::new(24 + 30 * (n % 6)),
            w: RwSignal::new(w),
            h: RwSignal::new(h),
            z: RwSignal::new(0),
            minimized: RwSignal::new(false),
            maximized: RwSignal::new(false),
        });
        self.windows.update(|ws| ws.push(win));
        self.focus(id);
        win
    }

    /// The content loaded with the page for window `id`, if any (given out once).
    pub fn take_preloaded(&self, id: u32) -> Option<PathView> {
        let mut found = None;
        self.preloaded.update_value(|list| {
            if let Some(i) = list.iter().position(|(w, _)| *w == id) {
                found = Some(list.swap_remove(i).1);
            }
        });
        found
    }

    fn find(&self, id: u32) -> Option<Win> {
        self.windows
            .with_untracked(|ws| ws.iter().find(|w| w.id == id).copied())
    }

    /// Brings a window to the front (restoring it if minimised) and points the address bar at it.
    pub fn focus(&self, id: u32) {
        let Some(win) = self.find(id) else { return };
        let z = self.top_z.get_value() + 1;
        self.top_z.set_value(z);
        win.z.set(z);
        win.minimized.set(false);
        self.focused.set(Some(id));
        if self.settled.get_value() {
            set_address(&win.path.get_untracked());
        }
    }

    pub fn minimize(&self, id: u32) {
        if let Some(win) = self.find(id) {
            win.minimized.set(true);
            self.focus_topmost_except(id);
        }
    }

    pub fn close(&self, id: u32) {
        self.windows.update(|ws| ws.retain(|w| w.id != id));
        self.focus_topmost_except(id);
    }

    fn focus_topmost_except(&self, id: u32) {
        let next = self.windows.with_untracked(|ws| {
            ws.iter()
                .filter(|w| w.id != id && !w.minimized.get_untracked())
                .max_by_key(|w| w.z.get_untracked())
                .map(|w| w.id)
        });
        match next {
            Some(next) => self.focus(next),
            None => {
                self.focused.set(None);
                set_address("/");
            }
        }
    }

    /// Shows a folder: in the focused explorer if there is one, else in a new explorer.
    pub fn open_folder(&self, path: String) {
        let focused = self.focused.get_untracked().and_then(|id| self.find(id));
        let target = focused.filter(|w| w.kind == WinKind::Explorer).or_else(|| {
            self.windows.with_untracked(|ws| {
                ws.iter()
                    .filter(|w| w.kind == WinKind::Explorer)
                    .max_by_key(|w| w.z.get_untracked())
                    .copied()
            })
        });
        match target {
            Some(win) => {
                self.navigate(win, path);
                self.focus(win.id);
            }
            None => {
                self.create(WinKind::Explorer, path);
            }
        }
    }

    /// Moves an explorer to another folder, remembering where it was for Back.
    pub fn navigate(&self, win: Win, path: String) {
        let current = win.path.get_untracked();
        if current != path {
            win.back.update(|b| b.push(current));
            win.path.set(path.clone());
        }
        if self.focused.get_untracked() == Some(win.id) {
            set_address(&path);
        }
    }

    pub fn go_back(&self, win: Win) {
        let mut previous = None;
        win.back.update(|b| previous = b.pop());
        if let Some(path) = previous {
            win.path.set(path.clone());
            set_address(&path);
        }
    }

    /// Opens a file in a viewer (focusing the one that already shows it).
    pub fn open_file(&self, path: String) {
        self.open_at(WinKind::Viewer, path);
    }

    /// Focuses the window of this kind already showing `path`, or opens one.
    fn open_at(&self, kind: WinKind, path: String) {
        let existing = self.windows.with_untracked(|ws| {
            ws.iter()
                .find(|w| w.kind == kind && w.path.get_untracked() == path)
                .copied()
        });
        match existing {
            Some(win) => self.focus(win.id),
            None => {
                self.create(kind, path);
            }
        }
    }

    /// Tells every window that the tenant's files changed, so they reload what they show.
    pub fn files_changed(&self) {
        self.files_rev.update(|r| *r += 1);
    }

    /// Opens the editor for the text file at `path` (focusing the one already editing it).
    pub fn open_editor(&self, path: String) {
        self.open_at(WinKind::Editor, path);
    }

    /// Focuses the terminal, opening one if none is open.
    pub fn open_terminal(&self) {
        self.open_single(WinKind::Terminal);
    }

    /// Focuses the window of a kind that exists once (terminal, login…), opening it if needed.
    pub fn open_single(&self, kind: WinKind) {
        let existing = self
            .windows
            .with_untracked(|ws| ws.iter().find(|w| w.kind == kind).copied());
        match existing {
            Some(win) => self.focus(win.id),
            None => {
                self.create(kind, "/".into());
            }
        }
    }

    pub fn open_entry(&self, entry: &Entry) {
        match entry.kind {
            NodeKind::Folder => self.open_folder(entry.path.clone()),
            NodeKind::File => self.open_file(entry.path.clone()),
        }
    }

    /// Opens whatever is at `path`, asking the server whether it is a folder or a file.
    pub fn open_path(&self, path: String) {
        let desk = *self;
        leptos::task::spawn_local(async move {
            match explorer::open_path(path.clone()).await {
                Ok(PathView::File { path, .. }) => desk.open_file(path),
                Ok(PathView::Folder { path, .. }) => desk.open_folder(path),
                Err(_) => desk.open_folder("/".into()),
            }
        });
    }
}

/// Keeps the browser address on the focused window's path (a history entry per change).
fn set_address(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let address = explorer::address_for(path);
        if let Some(window) = web_sys::window() {
            let current = window.location().pathname().unwrap_or_default();
            if current != address
                && let Ok(history) = window.history()
            {
                let _ =
                    history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// What the desktop needs to render a first page: its icons and the item the URL names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesktopData {
    pub icons: Vec<Entry>,
    pub open: Option<PathView>,
    /// Set when the address named something that does not exist.
    pub missing: Option<String>,
}

#[server(prefix = "/api", endpoint = "desktop_state")]
pub async fn desktop_state(address: String) -> Result<DesktopData, AppError> {
    ssr::desktop_state(address).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::explorer::ssr::{open_path, request_tenant};
    use crate::server::app_state;

    /// `address` is the page's path: `/` or `/files/...`; anything else is a missing page.
    pub async fn desktop_state(address: String) -> Result<DesktopData, AppError> {
        let state = app_state()?;
        let tenant = request_tenant()?;
        let icons = match open_path(&state, tenant, "/").await? {
            PathView::Folder { entries, .. } => entries,
            PathView::File { .. } => Vec::new(),
        };
        let not_found = |shown: String| {
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(http::StatusCode::NOT_FOUND);
            }
            (None, Some(shown))
        };
        // The login page is the desktop with the login window open.
        let address = if address == "/login" {
            "/".to_string()
        } else {
            address
        };
        let Some(path) = explorer::path_from_address(&address) else {
            let (open, missing) = not_found(address);
            return Ok(DesktopData {
                icons,
                open,
                missing,
            });
        };
        let (open, missing) = if path == "/" {
            // The front page opens the README when there is one.
            let readme = icons
                .iter()
                .find(|e| e.kind == NodeKind::File && e.name.eq_ignore_ascii_case("readme.md"));
            match readme {
                Some(entry) => (Some(open_path(&state, tenant, &entry.path).await?), None),
                None => (None, None),
            }
        } else {
            match open_path(&state, tenant, &path).await {
                Ok(view) => (Some(view), None),
                Err(AppError::NotFound(_)) => not_found(path),
                Err(other) => return Err(other),
            }
        };
        Ok(DesktopData {
            icons,
            open,
            missing,
        })
    }
}

/// The tenant's desktop. `address` is the page's path (`/` or `/files/...`).
#[component]
pub fn Desktop(profile: TenantProfile, address: String) -> impl IntoView {
    let prefs = Prefs::expect();
    let login = address == "/login";
    let state = OnceResource::new_blocking(desktop_state(address));
    provide_context(profile.clone());
    let title = profile.site_title.clone();
    let owner = StoredValue::new(profile.display_name.clone());
    let description = if profile.description.is_empty() {
        profile.site_title.clone()
    } else {
        profile.description.clone()
    };

    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description/>
        <Meta name="author" content=profile.display_name.clone()/>
        <div class="desktop" role="application" aria-label=move || prefs.t(Msg::Desktop)>
            <Suspense fallback=move || view! { <p class="loading">{move || prefs.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(data) => view! { <DesktopBody data owner=owner.get_value() login/> }.into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn DesktopBody(data: DesktopData, owner: String, login: bool) -> impl IntoView {
    // A fresh desk per render: the server may render this body more than once.
    let desk = Desk::new();
    provide_context(desk);
    let prefs = Prefs::expect();
    // Open what the address names, identically on the server and during hydration.
    match &data.open {
        Some(PathView::Folder { path, .. }) => {
            desk.create(WinKind::Explorer, path.clone());
        }
        Some(file @ PathView::File { path, parent, .. }) => {
            if parent != "/" {
                desk.create(WinKind::Explorer, parent.clone());
            }
            let viewer = desk.create(WinKind::Viewer, path.clone());
            desk.preloaded
                .update_value(|list| list.push((viewer.id, file.clone())));
        }
        None => {}
    }
    let is_owner = crate::core::site::current().is_some_and(|s| s.is_owner());
    if login && !is_owner {
        desk.create(WinKind::Login, "/".into());
    }
    desk.settled.set_value(true);
    install_back_button_handler(desk);
    // Ctrl+Alt+T opens the terminal from anywhere on the desktop.
    let shortcut = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() && ev.alt_key() && ev.key().eq_ignore_ascii_case("t") {
            ev.prevent_default();
            desk.open_terminal();
        }
    });
    on_cleanup(move || shortcut.remove());
    let missing = data.missing.clone();
    let icons = RwSignal::new(data.icons.clone());
    // The icons are the top folder's items: reload them after any change to the files.
    Effect::new(move |previous: Option<u64>| {
        let rev = desk.files_rev.get();
        if previous.is_some_and(|p| p != rev) {
            leptos::task::spawn_local(async move {
                if let Ok(PathView::Folder { entries, .. }) = explorer::open_path("/".into()).await
                {
                    icons.set(entries);
                }
            });
        }
        rev
    });
    view! {
        <ul class="icons" aria-label=move || prefs.t(Msg::Desktop)>
            <li>
                <button class="icon" on:click=move |_| desk.open_folder("/".into())>
                    <span class="glyph" aria-hidden="true">"🗂"</span>
                    <span class="label">{move || prefs.t(Msg::FileExplorer)}</span>
                </button>
            </li>
            <li>
                <button class="icon" on:click=move |_| desk.open_single(WinKind::Chat)>
                    <span class="glyph" aria-hidden="true">"💬"</span>
                    <span class="label">{move || prefs.t(Msg::Assistant)}</span>
                </button>
            </li>
            <li>
                <button class="icon" on:click=move |_| desk.open_single(WinKind::Contact)>
                    <span class="glyph" aria-hidden="true">"✉"</span>
                    <span class="label">{move || prefs.t(Msg::Contact)}</span>
                </button>
            </li>
            <li>
                <button class="icon" title="Ctrl+Alt+T" on:click=move |_| desk.open_terminal()>
                    <span class="glyph" aria-hidden="true">"⌨"</span>
                    <span class="label">{move || prefs.t(Msg::Terminal)}</span>
                </button>
            </li>
            <For each=move || icons.get() key=|e| (e.path.clone(), e.kind == NodeKind::Folder) let:entry>
                {
                    let glyph = icon_for(&entry);
                    let name = entry.name.clone();
                    let title = name.clone();
                    let href = explorer::address_for(&entry.path);
                    view! {
                        <li>
                            // The label is cut to two lines; the whole name shows on hover.
                            <a class="icon" href=href title=title on:click=move |ev| {
                                ev.prevent_default();
                                desk.open_entry(&entry);
                            }>
                                <span class="glyph" aria-hidden="true">{glyph}</span>
                                <span class="label">{name}</span>
                            </a>
                        </li>
                    }
                }
            </For>
        </ul>
        {missing.map(|path| view! {
            <div class="notice" role="alert">
                <p>{move || prefs.t(Msg::PageNotFound)} " " <code>{path.clone()}</code></p>
                <a href="/">{move || prefs.t(Msg::BackToDesktop)}</a>
            </div>
        })}
        <div class="windows">
            <For each=move || desk.windows.get() key=|w| w.id let:win>
                <WindowFrame win/>
            </For>
        </div>
        // After the windows: the taskbar lists them, on the server as in the browser.
        <Taskbar owner/>
    }
}

pub fn icon_for(entry: &Entry) -> &'static str {
    match entry.kind {
        NodeKind::Folder => "📁",
        NodeKind::File if explorer::is_markdown(&entry.name) => "📝",
        NodeKind::File => "📄",
    }
}

/// The browser's Back and Forward buttons open what the address names.
fn install_back_button_handler(desk: Desk) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Some(window) = web_sys::window() else {
            return;
        };
        let handler = Closure::<dyn FnMut(web_sys::PopStateEvent)>::new(
            move |_ev: web_sys::PopStateEvent| {
                let Some(window) = web_sys::window() else {
                    return;
                };
                let address = window.location().pathname().unwrap_or_default();
                // The login page is the desktop with the login window open.
                let address = if address == "/login" {
                    "/".to_string()
                } else {
                    address
                };
                let Some(path) = explorer::path_from_address(&address) else {
                    return;
                };
                let shown = desk.windows.with_untracked(|ws| {
                    ws.iter().find(|w| w.path.get_untracked() == path).copied()
                });
                match shown {
                    Some(win) => desk.focus(win.id),
                    None if path == "/" => {}
                    None => desk.open_path(path),
                }
            },
        );
        let _ =
            window.add_event_listener_with_callback("popstate", handler.as_ref().unchecked_ref());
        handler.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = desk;
}
