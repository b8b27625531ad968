//! Window chrome: title bar (drag to move), buttons, resize handle, keyboard.

use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::prelude::*;

use super::{Desk, Win, WinKind};
use crate::core::i18n::{Msg, Prefs};
use crate::explorer::{ExplorerWindow, ViewerWindow};

const MIN_W: i32 = 280;
const MIN_H: i32 = 180;

#[derive(Clone, Copy)]
enum Gesture {
    Move {
        dx: i32,
        dy: i32,
    },
    Resize {
        start_x: i32,
        start_y: i32,
        w: i32,
        h: i32,
    },
}

fn on_button(ev: &PointerEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("button").ok().flatten())
            .is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

#[component]
pub fn WindowFrame(win: Win) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let gesture = StoredValue::new(None::<Gesture>);
    let id = win.id;
    let title_id = format!("win-title-{id}");
    let title_id_for_heading = title_id.clone();

    let start_move = move |ev: PointerEvent| {
        desk.focus(id);
        if ev.button() != 0 || win.maximized.get_untracked() || on_button(&ev) {
            return;
        }
        ev.prevent_default();
        gesture.set_value(Some(Gesture::Move {
            dx: ev.client_x() - win.x.get_untracked(),
            dy: ev.client_y() - win.y.get_untracked(),
        }));
    };
    let start_resize = move |ev: PointerEvent| {
        if ev.button() != 0 || win.maximized.get_untracked() {
            return;
        }
        ev.stop_propagation();
        // No text selection or native drag-and-drop may start: either cancels the gesture.
        ev.prevent_default();
        desk.focus(id);
        gesture.set_value(Some(Gesture::Resize {
            start_x: ev.client_x(),
            start_y: ev.client_y(),
            w: win.w.get_untracked(),
            h: win.h.get_untracked(),
        }));
    };
    let track = move |ev: PointerEvent| match gesture.get_value() {
        Some(Gesture::Move { dx, dy }) => {
            // Keep the title bar reachable: never above the screen or fully off to the side.
            win.x
                .set((ev.client_x() - dx).max(-win.w.get_untracked() + 80));
            win.y.set((ev.client_y() - dy).max(0));
        }
        Some(Gesture::Resize {
            start_x,
            start_y,
            w,
            h,
        }) => {
            win.w.set((w + ev.client_x() - start_x).max(MIN_W));
            win.h.set((h + ev.client_y() - start_y).max(MIN_H));
        }
        None => {}
    };
    let finish = move |_ev: PointerEvent| gesture.set_value(None);
    // Moves and releases are followed on the whole window, so a fast pointer that leaves the
    // title bar or the resize handle keeps dragging (pointer capture is not reliable when the
    // element changes size under the pointer).
    let move_listener = window_event_listener(leptos::ev::pointermove, track);
    let up_listener = window_event_listener(leptos::ev::pointerup, finish);
    let cancel_listener = window_event_listener(leptos::ev::pointercancel, finish);
    on_cleanup(move || {
        move_listener.remove();
        up_listener.remove();
        cancel_listener.remove();
    });

    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            desk.close(id);
        }
    };

    let style = move || {
        format!(
            "left:{}px;top:{}px;width:{}px;height:{}px;z-index:{}",
            win.x.get(),
            win.y.get(),
            win.w.get(),
            win.h.get(),
            win.z.get()
        )
    };
    let class = move || {
        let mut class = String::from("window");
        if win.maximized.get() {
            class.push_str(" maximized");
        }
        if win.minimized.get() {
            class.push_str(" minimized");
        }
        if desk.focused.get() == Some(id) {
            class.push_str(" focused");
        }
        class
    };
    let kind_class = match win.kind {
        WinKind::Explorer => "explorer",
        WinKind::Viewer => "viewer",
        WinKind::Terminal => "terminal",
        WinKind::Login => "login",
        WinKind::Account => "account",
        WinKind::Chat => "chat",
        WinKind::Memories => "memories",
        WinKind::Personality => "personality",
        WinKind::Editor => "editor",
        WinKind::Trash => "trash",
        WinKind::Admin => "admin",
        WinKind::Contact => "contact",
    };
    let title = move || win.title(prefs);

    view! {
        <section
            class=class
            data-kind=kind_class
            style=style
            role="dialog"
            aria-labelledby=title_id.clone()
            tabindex="-1"
            on:pointerdown=move |_| {
                if desk.focused.get_untracked() != Some(id) { desk.focus(id) }
            }
            on:keydown=on_key
        >
            <header
                class="titlebar"
                on:pointerdown=start_move
                on:dblclick=move |_| win.maximized.update(|m| *m = !*m)
            >
                <h2 id=title_id_for_heading>{title}</h2>
                <div class="controls">
                    <button type="button" class="min" aria-label=move || prefs.t(Msg::Minimize) title=move || prefs.t(Msg::Minimize)
                        on:click=move |_| desk.minimize(id)>"–"</button>
                    <button type="button" class="max"
                        aria-label=move || if win.maximized.get() { prefs.t(Msg::Restore) } else { prefs.t(Msg::Maximize) }
                        title=move || if win.maximized.get() { prefs.t(Msg::Restore) } else { prefs.t(Msg::Maximize) }
                        on:click=move |_| win.maximized.update(|m| *m = !*m)>"□"</button>
                    <button type="button" class="close" aria-label=move || prefs.t(Msg::Close) title=move || prefs.t(Msg::Close)
                        on:click=move |_| desk.close(id)>"×"</button>
                </div>
            </header>
            <div class="content">
                {match win.kind {
                    WinKind::Explorer => view! { <ExplorerWindow win/> }.into_any(),
                    WinKind::Viewer => view! { <ViewerWindow win/> }.into_any(),
                    WinKind::Terminal => {
                        let profile = expect_context::<crate::core::site::TenantProfile>();
                        view! { <crate::terminal::TerminalWindow win profile/> }.into_any()
                    }
                    WinKind::Login => view! { <crate::auth::LoginWindow/> }.into_any(),
                    WinKind::Account => view! { <crate::auth::AccountWindow/> }.into_any(),
                    WinKind::Chat => view! { <crate::chat::ChatWindow/> }.into_any(),
                    WinKind::Memories => view! { <crate::memories::MemoriesWindow/> }.into_any(),
                    WinKind::Personality => view! { <crate::memories::PersonalityWindow/> }.into_any(),
                    WinKind::Editor => view! { <crate::explorer::EditorWindow win/> }.into_any(),
                    WinKind::Trash => view! { <crate::explorer::TrashWindow win/> }.into_any(),
                    WinKind::Admin => view! { <crate::admin::AdminWindow/> }.into_any(),
                    WinKind::Contact => view! { <crate::contact::ContactWindow/> }.into_any(),
                }}
            </div>
            <div
                class="resize"
                role="separator"
                aria-label=move || prefs.t(Msg::ResizeWindow)
                on:pointerdown=start_resize
            ></div>
        </section>
    }
}
