//! The owner's editor window for text and markdown files: source and live preview side by
//! side, Save and Ctrl+S, and a stale save that never overwrites another tab's newer version.

use std::time::Duration;

use leptos::prelude::*;

use super::edit::{preview_markdown, read_file_source, save_file};
use super::is_markdown;
use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};
use crate::desktop::{Desk, Win};

/// How long typing must pause before the preview is rendered again.
const PREVIEW_DELAY: Duration = Duration::from_millis(250);

/// What the status line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveState {
    Loading,
    Saving,
    Unsaved,
    Saved,
}

/// The status line's state: saving wins, then unsaved changes, then saved.
pub fn save_state(loaded: bool, saving: bool, dirty: bool) -> SaveState {
    match (loaded, saving, dirty) {
        (false, _, _) => SaveState::Loading,
        (_, true, _) => SaveState::Saving,
        (_, _, true) => SaveState::Unsaved,
        _ => SaveState::Saved,
    }
}

/// Asks the browser's own yes/no question (false where there is no browser).
fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}

#[component]
pub fn EditorWindow(win: Win) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let path = win.path.get_untracked();
    let markdown = is_markdown(&path);
    let path = StoredValue::new(path);

    // The text in the textarea, and the text stored at `version` on the server.
    let text = RwSignal::new(String::new());
    let stored = RwSignal::new(String::new());
    let version = StoredValue::new(0i32);
    let loaded = RwSignal::new(false);
    let load_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let conflict = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let preview = RwSignal::new(String::new());
    let preview_error = RwSignal::new(None::<String>);
    // Bumped per edit: only the newest scheduled preview is rendered and shown.
    let preview_turn = StoredValue::new(0u64);
    let dirty = Memo::new(move |_| loaded.get() && text.with(|t| stored.with(|s| t != s)));
    let root = NodeRef::<leptos::html::Div>::new();

    let render_preview = move || {
        if !markdown {
            return;
        }
        let Some(turn) = preview_turn.try_update_value(|t| {
            *t += 1;
            *t
        }) else {
            return;
        };
        set_timeout(
            move || {
                if preview_turn.try_get_value() != Some(turn) {
                    return;
                }
                let Some(source) = text.try_get_untracked() else {
                    return;
                };
                leptos::task::spawn_local(async move {
                    let result = preview_markdown(source).await;
                    // A newer edit is already on its way; this answer is outdated.
                    if preview_turn.try_get_value() != Some(turn) {
                        return;
                    }
                    match result {
                        Ok(html) => {
                            preview.try_set(html);
                            preview_error.try_set(None);
                        }
                        Err(e) => {
                            preview_error.try_set(Some(e.to_string()));
                        }
                    }
                });
            },
            PREVIEW_DELAY,
        );
    };

    // Puts a stored version into the editor (on open, and for "Load theirs").
    let take_source = move |content: String, at: i32| {
        version.set_value(at);
        stored.set(content.clone());
        text.set(content);
        loaded.set(true);
        conflict.set(false);
        error.set(None);
        render_preview();
    };

    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match read_file_source(path.get_value()).await {
                Ok(source) => {
                    let _ = loaded.try_get_untracked().map(|_| {
                        take_source(source.content, source.version);
                    });
                }
                Err(e) => {
                    load_error.try_set(Some(e.to_string()));
                }
            }
        });
    });

    let save = move || {
        if !loaded.get_untracked() || saving.get_untracked() {
            return;
        }
        let content = text.get_untracked();
        let base = version.get_value();
        saving.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = save_file(path.get_value(), content.clone(), base).await;
            // The window may have been closed while the save was under way.
            if saving.try_set(false).is_some() {
                return;
            }
            match result {
                Ok(saved) => {
                    version.set_value(saved.version);
                    stored.set(content);
                    conflict.set(false);
                }
                Err(AppError::Conflict(_)) => conflict.set(true),
                Err(e) => error.set(Some(e.to_string())),
            }
            // Viewers, listings and the terminal reload either way; after a success they
            // show the new text, after a failure nothing changed for them.
            desk.files_changed();
        });
    };

    // "Overwrite with mine": take the newest version number, then save this text over it.
    let overwrite = move || {
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        leptos::task::spawn_local(async move {
            let result = read_file_source(path.get_value()).await;
            if saving.try_set(false).is_some() {
                return;
            }
            match result {
                Ok(source) => {
                    version.set_value(source.version);
                    conflict.set(false);
                    save();
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    // "Load theirs": replaces the user's text with the stored one, after asking.
    let load_theirs = move || {
        if dirty.get_untracked() && !confirm(prefs.t(Msg::EditorDiscardConfirm)) {
            return;
        }
        leptos::task::spawn_local(async move {
            match read_file_source(path.get_value()).await {
                Ok(source) => {
                    if loaded.try_get_untracked().is_some() {
                        take_source(source.content, source.version);
                    }
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };

    guard_unsaved_changes(win.id, root, dirty, prefs);

    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            save();
        }
    };

    let status = move || match save_state(loaded.get(), saving.get(), dirty.get()) {
        SaveState::Loading => prefs.t(Msg::Loading),
        SaveState::Saving => prefs.t(Msg::Saving),
        SaveState::Unsaved => prefs.t(Msg::EditorUnsaved),
        SaveState::Saved => prefs.t(Msg::Saved),
    };

    view! {
        <div class="editor" class:plain=!markdown node_ref=root on:keydown=on_key>
            {move || load_error.get().map(|message| view! {
                <div class="error" role="alert">
                    <p>{prefs.t(Msg::EditorLoadFailed)} " " {message}</p>
                </div>
            })}
            <div class="editor-toolbar">
                <button type="button" class="primary-button"
                    disabled=move || !loaded.get() || saving.get()
                    title="Ctrl+S"
                    on:click=move |_| save()>{move || prefs.t(Msg::EditorSaveButton)}</button>
                <span class="editor-status" role="status" aria-live="polite"
                    class:dirty=move || dirty.get()>{status}</span>
            </div>
            {move || conflict.get().then(|| view! {
                <div class="editor-conflict" role="alert">
                    <p>{prefs.t(Msg::EditorConflict)}</p>
                    <div class="editor-choices">
                        <button type="button" class="primary-button" disabled=move || saving.get()
                            on:click=move |_| overwrite()>{prefs.t(Msg::EditorOverwrite)}</button>
                        <button type="button" on:click=move |_| load_theirs()>{prefs.t(Msg::EditorLoadTheirs)}</button>
                    </div>
                </div>
            })}
            {move || error.get().map(|message| view! {
                <p class="error" role="alert">{message}</p>
            })}
            <div class="editor-panes">
                <textarea class="editor-source" spellcheck="true"
                    aria-label=move || prefs.t(Msg::EditorSource)
                    disabled=move || !loaded.get()
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        render_preview();
                    }></textarea>
                {markdown.then(|| view! {
                    <section class="editor-preview" aria-label=move || prefs.t(Msg::EditorPreview)>
                        {move || preview_error.get().map(|message| view! {
                            <p class="error" role="alert">{message}</p>
                        })}
                        <article class="markdown" inner_html=move || preview.get()></article>
                    </section>
                })}
            </div>
        </div>
    }
}

/// While the editor has unsaved changes, closing its window (× or Esc) asks first and
/// leaving the page warns. The window manager knows nothing of editors, so the close is
/// caught on its way down (capture phase), before the window's own handlers see it.
fn guard_unsaved_changes(
    id: u32,
    root: NodeRef<leptos::html::Div>,
    dirty: Memo<bool>,
    prefs: Prefs,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;

        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if dirty.try_get_untracked().unwrap_or(false) {
                ev.prevent_default();
                ev.set_return_value("");
            }
        });

        let check = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if !dirty.try_get_untracked().unwrap_or(false) {
                return;
            }
            let Some(target) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let closing = match ev.type_().as_str() {
                "click" => target.closest("button.close").ok().flatten().is_some(),
                "keydown" => ev
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Escape"),
                _ => false,
            };
            if !closing {
                return;
            }
            let Some(editor) = root.try_get_untracked().flatten() else {
                return;
            };
            let ours = target
                .closest("section.window")
                .ok()
                .flatten()
                .is_some_and(|frame| frame.contains(Some(&editor)));
            if ours && !confirm(prefs.t(Msg::EditorCloseConfirm)) {
                ev.stop_propagation();
                ev.prevent_default();
            }
        });
        let function: js_sys::Function = check.into_js_value().unchecked_into();
        if let Some(window) = web_sys::window() {
            for event in ["click", "keydown"] {
                let _ = window.add_event_listener_with_callback_and_bool(event, &function, true);
            }
        }
        CLOSE_GUARDS.with(|guards| guards.borrow_mut().push((id, function)));
        on_cleanup(move || {
            unload.remove();
            let removed: Vec<js_sys::Function> = CLOSE_GUARDS.with(|guards| {
                let mut guards = guards.borrow_mut();
                let (gone, kept) = guards.drain(..).partition(|(owner, _)| *owner == id);
                *guards = kept;
                gone.into_iter().map(|(_, f)| f).collect()
            });
            if let Some(window) = web_sys::window() {
                for function in removed {
                    for event in ["click", "keydown"] {
                        let _ = window
                            .remove_event_listener_with_callback_and_bool(event, &function, true);
                    }
                }
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, root, dirty, prefs);
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The capture listeners of open editors, by window id, so closing one removes its own
    /// (JavaScript functions cannot cross into the `Send` cleanup closure).
    static CLOSE_GUARDS: std::cell::RefCell<Vec<(u32, js_sys::Function)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_markdown_files_get_a_preview() {
        assert!(is_markdown("/notes/Plan.MD"));
        assert!(is_markdown("/a.markdown"));
        assert!(!is_markdown("/notes/todo.txt"));
        assert!(!is_markdown("/md"));
    }

    #[test]
    fn status_prefers_saving_then_unsaved_then_saved() {
        assert_eq!(save_state(false, false, false), SaveState::Loading);
        assert_eq!(save_state(true, true, true), SaveState::Saving);
        assert_eq!(save_state(true, false, true), SaveState::Unsaved);
        assert_eq!(save_state(true, false, false), SaveState::Saved);
    }
}
