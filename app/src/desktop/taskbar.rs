//! The taskbar: start menu, one button per open window, language, theme and a clock.

use leptos::prelude::*;

use super::{Desk, WinKind};
use crate::core::i18n::{Lang, Msg, Prefs, Theme};

#[component]
pub fn Taskbar(owner: String) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let menu_open = RwSignal::new(false);
    let is_owner = crate::core::site::current().is_some_and(|s| s.is_owner());
    let is_admin = crate::core::site::current()
        .and_then(|s| s.viewer)
        .is_some_and(|v| v.admin);
    let clock = RwSignal::new(String::new());
    start_clock(clock);

    view! {
        <nav class="taskbar" aria-label=move || prefs.t(Msg::Taskbar)>
            <div class="start">
                <button type="button" class="start-button" aria-haspopup="menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)>
                    <span aria-hidden="true">"◆ "</span>{owner.clone()}
                </button>
                <Show when=move || menu_open.get()>
                    <div class="start-menu" role="menu" on:keydown=move |ev| if ev.key() == "Escape" { menu_open.set(false) }>
                        <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_folder("/".into()); }>
                            "🗂 " {move || prefs.t(Msg::FileExplorer)}
                        </button>
                        <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_terminal(); }>
                            "⌨ " {move || prefs.t(Msg::Terminal)} " (Ctrl+Alt+T)"
                        </button>
                        <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_single(WinKind::Chat); }>
                            "💬 " {move || prefs.t(Msg::Assistant)}
                        </button>
                        <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_single(WinKind::Contact); }>
                            "✉ " {move || prefs.t(Msg::Contact)}
                        </button>
                        {if is_owner {
                            view! {
                                <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_single(WinKind::Memories); }>
                                    "🧠 " {move || prefs.t(Msg::Memories)}
                                </button>
                                <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_single(WinKind::Personality); }>
                                    "🎭 " {move || prefs.t(Msg::Personality)}
                                </button>
                                <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_single(WinKind::Trash); }>
                                    "🗑 " {move || prefs.t(Msg::Trash)}
                                </button>
                                <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_single(WinKind::Account); }>
                                    "👤 " {move || prefs.t(Msg::Account)}
                                </button>
                                {is_admin.then(|| view! {
                                    <button type="button" role="menuitem" on:click=move |_| { menu_open.set(false); desk.open_single(WinKind::Admin); }>
                                        "🛡 " {move || prefs.t(Msg::Admin)}
                                    </button>
                                })}
                            }.into_any()
                        } else {
                            view! {
                                <a role="menuitem" href="/login" on:click=move |ev| { ev.prevent_default(); menu_open.set(false); desk.open_single(WinKind::Login); }>
                                    "🔑 " {move || prefs.t(Msg::LogIn)}
                                </a>
                            }.into_any()
                        }}
                        <p class="menu-heading">{move || prefs.t(Msg::Language)}</p>
                        {Lang::ALL.into_iter().map(|lang| view! {
                            <button type="button" role="menuitemradio" aria-checked=move || (prefs.lang.get() == lang).to_string()
                                on:click=move |_| prefs.set_lang(lang)>{lang.native_name()}</button>
                        }).collect_view()}
                        <p class="menu-heading">{move || prefs.t(Msg::Theme)}</p>
                        {Theme::ALL.into_iter().map(|theme| view! {
                            <button type="button" role="menuitemradio" aria-checked=move || (prefs.theme.get() == theme).to_string()
                                on:click=move |_| prefs.set_theme(theme)>
                                {move || prefs.t(if theme == Theme::Dark { Msg::ThemeDark } else { Msg::ThemeLight })}
                            </button>
                        }).collect_view()}
                    </div>
                </Show>
            </div>
            <ul class="tasks" aria-label=move || prefs.t(Msg::OpenWindows)>
                <For each=move || desk.windows.get() key=|w| w.id let:win>
                    <li>
                        <button type="button"
                            class=move || if desk.focused.get() == Some(win.id) && !win.minimized.get() { "task active" } else { "task" }
                            aria-pressed=move || (desk.focused.get() == Some(win.id) && !win.minimized.get()).to_string()
                            on:click=move |_| {
                                if desk.focused.get_untracked() == Some(win.id) && !win.minimized.get_untracked() {
                                    desk.minimize(win.id)
                                } else {
                                    desk.focus(win.id)
                                }
                            }>
                            {move || win.title(prefs)}
                        </button>
                    </li>
                </For>
            </ul>
            {is_owner.then(|| view! {
                <button type="button" class="owner-badge" on:click=move |_| desk.open_single(WinKind::Account)>
                    {move || prefs.t(Msg::OwnerMode)}
                </button>
            })}
            <time class="clock" aria-live="off">{move || clock.get()}</time>
        </nav>
    }
}

/// Ticks the clock in the browser only; the server renders it empty, so hydration matches.
fn start_clock(clock: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        let tick = move || {
            let now = js_sys::Date::new_0();
            clock.set(format!("{:02}:{:02}", now.get_hours(), now.get_minutes()));
        };
        Effect::new(move |_| {
            tick();
            if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(10)) {
                on_cleanup(move || handle.clear());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = clock;
}
