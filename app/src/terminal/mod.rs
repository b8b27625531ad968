//! The terminal window: a shell over the tenant's files for visitors.

pub mod commands;
pub mod fs;
pub mod parse;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;

use crate::core::error::AppError;
use crate::core::i18n::Prefs;
use crate::core::site::TenantProfile;
use crate::desktop::{Desk, Win};
use commands::{Change, Env, FileOp, Followup, Line, LineKind, Shell};
use fs::{FsSnapshot, Vfs};

/// Every folder and file of the current tenant, for the terminal.
#[server(prefix = "/api", endpoint = "terminal_snapshot")]
pub async fn terminal_snapshot() -> Result<FsSnapshot, AppError> {
    ssr::snapshot_for_request().await
}

/// A file's text, for `cat`. Binary files are refused with a message.
#[server(prefix = "/api", endpoint = "read_text")]
pub async fn read_text(path: String) -> Result<String, AppError> {
    ssr::read_text_for_request(&path).await
}

const HISTORY_LIMIT: usize = 200;

fn history_key(username: &str) -> String {
    format!("deskfolio.history.{username}")
}

fn load_history(username: &str) -> Vec<String> {
    #[cfg(feature = "hydrate")]
    {
        let stored = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(&history_key(username)).ok().flatten());
        if let Some(text) = stored {
            return serde_json::from_str(&text).unwrap_or_default();
        }
    }
    let _ = history_key(username);
    Vec::new()
}

fn save_history(username: &str, history: &[String]) {
    #[cfg(feature = "hydrate")]
    {
        if let (Some(storage), Ok(text)) = (
            web_sys::window().and_then(|w| w.local_storage().ok().flatten()),
            serde_json::to_string(history),
        ) {
            let _ = storage.set_item(&history_key(username), &text);
        }
    }
    let _ = (username, history);
}

fn now_text() -> String {
    #[cfg(feature = "hydrate")]
    {
        return String::from(js_sys::Date::new_0().to_string());
    }
    #[allow(unreachable_code)]
    String::new()
}

/// What the prompt is reading.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    Shell,
    /// A hidden password for `login`: never echoed, never kept in history.
    Password {
        username: String,
    },
    /// Lines go to the assistant until `exit`.
    Chat,
    /// A `[y/N]` question was asked; "yes" makes these changes.
    Confirm(Vec<Change>),
}

/// Makes one change through the explorer's own server functions (same rules, same errors).
async fn apply(op: FileOp) -> Result<(), AppError> {
    use crate::explorer::edit;
    match op {
        FileOp::CreateFolder { parent, name } => edit::create_folder(parent, name).await.map(drop),
        FileOp::CreateFile { parent, name } => edit::create_file(parent, name, String::new())
            .await
            .map(drop),
        FileOp::Rename { path, new_name } => edit::rename_node(path, new_name).await.map(drop),
        FileOp::Move { paths, target } => edit::move_nodes(paths, target).await.map(drop),
        FileOp::Trash { paths } => edit::delete_nodes(paths).await.map(drop),
    }
}

fn reload_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

#[component]
pub fn TerminalWindow(win: Win, profile: TenantProfile) -> impl IntoView {
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let username = StoredValue::new(profile.username.clone());
    let profile = StoredValue::new(profile);
    let shell = StoredValue::new(Shell {
        history: load_history(&username.get_value()),
        ..Shell::default()
    });
    let lines = RwSignal::new(Vec::<(usize, Line)>::new());
    let next_line = StoredValue::new(0usize);
    let input = RwSignal::new(String::new());
    let cwd = RwSignal::new("/".to_string());
    let history_pos = StoredValue::new(None::<usize>);
    let tab_count = StoredValue::new(0u8);
    let vfs = StoredValue::new(None::<Vfs>);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let mode = RwSignal::new(Mode::Shell);
    let viewer = StoredValue::new(
        crate::core::site::current()
            .and_then(|s| s.viewer)
            .map(|v| v.username),
    );
    // The answer being streamed, shown under the scrollback until it is complete.
    let streaming = RwSignal::new(None::<String>);
    let stopper = StoredValue::new(None::<crate::chat::client::Stopper>);
    let chat_history = StoredValue::new(Vec::<crate::chat::ChatTurn>::new());

    let print = move |new: Vec<Line>| {
        lines.update(|all| {
            for line in new {
                let id = next_line.get_value();
                next_line.set_value(id + 1);
                all.push((id, line));
            }
            // A bounded scrollback keeps long sessions light.
            let excess = all.len().saturating_sub(1000);
            all.drain(..excess);
        });
    };

    // Loads the file snapshot when the window opens (browser only).
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match terminal_snapshot().await {
                Ok(snapshot) => vfs.set_value(Some(Vfs::new(snapshot))),
                Err(e) => print(vec![Line {
                    kind: LineKind::Err,
                    text: e.to_string(),
                }]),
            }
        });
    });

    let prompt = move || match mode.get() {
        Mode::Confirm(_) => "[y/N]".to_string(),
        Mode::Password { .. } => "Password:".to_string(),
        Mode::Chat => "ai>".to_string(),
        Mode::Shell => {
            let dir = cwd.get();
            let shown = if dir == "/" {
                "~".to_string()
            } else {
                format!("~{dir}")
            };
            let who = viewer.get_value().unwrap_or_else(|| "visitor".into());
            format!("{who}@{}:{shown}$", username.get_value())
        }
    };

    let say = move |kind: LineKind, text: String| print(vec![Line { kind, text }]);
    // Makes the changes in order, stopping at the first refusal; then the file snapshot is
    // reloaded and every window that shows files is told.
    let change = move |changes: Vec<Change>| {
        leptos::task::spawn_local(async move {
            let mut changed = false;
            for step in changes {
                match apply(step.op).await {
                    Ok(()) => {
                        changed = true;
                        if !step.done.is_empty() {
                            say(LineKind::Out, step.done);
                        }
                    }
                    Err(e) => {
                        say(LineKind::Err, format!("{}: {e}", step.command));
                        break;
                    }
                }
            }
            if !changed {
                return;
            }
            desk.files_changed();
            match terminal_snapshot().await {
                Ok(snapshot) => {
                    let fresh = Vfs::new(snapshot);
                    shell.update_value(|s| s.settle(&fresh));
                    vfs.set_value(Some(fresh));
                    cwd.set(shell.with_value(|s| s.cwd.clone()));
                }
                Err(e) => say(LineKind::Err, e.to_string()),
            }
        });
    };

    let ask = move |question: String| {
        let stop = crate::chat::client::Stopper::new();
        stopper.set_value(Some(stop.clone()));
        streaming.set(Some(String::new()));
        let history = chat_history.get_value();
        leptos::task::spawn_local(async move {
            use crate::chat::client::{AskError, ChatEvent};
            let mut limit = None;
            let mut left = None;
            let mut failed = None;
            let result =
                crate::chat::client::ask(&question, &history, None, &stop, |event| match event {
                    ChatEvent::Meta {
                        limit: l,
                        remaining,
                    } => {
                        limit = l;
                        left = remaining;
                    }
                    ChatEvent::Token(t) => streaming.update(|s| {
                        if let Some(s) = s {
                            s.push_str(&t)
                        }
                    }),
                    ChatEvent::Done { remaining, .. } => left = remaining,
                    ChatEvent::Failed(message) => failed = Some(message),
                })
                .await;
            let answer = streaming.get_untracked().unwrap_or_default();
            streaming.set(None);
            stopper.set_value(None);
            print(
                answer
                    .lines()
                    .map(|t| Line {
                        kind: LineKind::Out,
                        text: t.to_string(),
                    })
                    .collect(),
            );
            match (result, failed) {
                (Ok(()), None) => {
                    chat_history.update_value(|h| {
                        h.push(crate::chat::ChatTurn {
                            role: "user".into(),
                            content: question.clone(),
                        });
                        h.push(crate::chat::ChatTurn {
                            role: "assistant".into(),
                            content: answer.clone(),
                        });
                        let excess = h.len().saturating_sub(crate::chat::MAX_HISTORY);
                        h.drain(..excess);
                    });
                    if let (Some(left), Some(limit)) = (left, limit) {
                        say(
                            LineKind::Hint,
                            crate::core::template::fill(
                                prefs.t(crate::core::i18n::Msg::ChatRemaining),
                                &[("n", &left.to_string()), ("limit", &limit.to_string())],
                            ),
                        );
                    }
                }
                (_, Some(message)) => say(LineKind::Err, format!("ai: {message}")),
                (Err(AskError::Limited { reset, limit, .. }), _) => {
                    say(
                        LineKind::Err,
                        format!("ai: {}", crate::chat::limit_message(prefs, limit, &reset)),
                    );
                }
                (Err(AskError::Stopped), _) => say(LineKind::Hint, "^C".into()),
                (Err(AskError::Refused(message)), _) => {
                    say(LineKind::Err, format!("ai: {message}"))
                }
                (Err(AskError::Network(_)), _) => say(
                    LineKind::Err,
                    format!("ai: {}", prefs.t(crate::core::i18n::Msg::ChatNetwork)),
                ),
            }
        });
    };

    let submit = move || {
        let line = input.get_untracked();
        input.set(String::new());
        history_pos.set_value(None);
        match mode.get_untracked() {
            Mode::Password { username: who } => {
                // The password is never printed and never reaches the history.
                mode.set(Mode::Shell);
                say(LineKind::Hint, "Password: ********".into());
                leptos::task::spawn_local(async move {
                    match crate::auth::login(who, line).await {
                        Ok(name) => {
                            say(LineKind::Out, format!("logged in as {name}"));
                            reload_page();
                        }
                        Err(e) => say(LineKind::Err, format!("login: {e}")),
                    }
                });
                return;
            }
            Mode::Confirm(changes) => {
                mode.set(Mode::Shell);
                say(LineKind::Hint, format!("[y/N] {line}"));
                if commands::is_yes(&line) {
                    change(changes);
                } else {
                    say(
                        LineKind::Out,
                        match prefs.lang.get_untracked() {
                            crate::core::i18n::Lang::En => "Nothing was changed.".into(),
                            crate::core::i18n::Lang::Es => "No se cambió nada.".into(),
                        },
                    );
                }
                return;
            }
            Mode::Chat => {
                say(LineKind::Hint, format!("ai> {line}"));
                let question = line.trim().to_string();
                if question == "exit" || question == "quit" {
                    mode.set(Mode::Shell);
                } else if !question.is_empty() && streaming.get_untracked().is_none() {
                    ask(question);
                }
                return;
            }
            Mode::Shell => {}
        }
        print(vec![Line {
            kind: LineKind::Hint,
            text: format!("{} {line}", prompt()),
        }]);
        if !line.trim().is_empty() {
            shell.update_value(|s| {
                if s.history.last() != Some(&line) {
                    s.history.push(line.clone());
                    let excess = s.history.len().saturating_sub(HISTORY_LIMIT);
                    s.history.drain(..excess);
                }
                save_history(&username.get_value(), &s.history);
            });
        }
        let Some(outcome) = vfs.with_value(|v| {
            v.as_ref().map(|v| {
                let profile = profile.get_value();
                let who = viewer.get_value();
                let env = Env {
                    vfs: v,
                    lang: prefs.lang.get_untracked(),
                    theme: prefs.theme.get_untracked(),
                    profile: &profile,
                    now: now_text(),
                    viewer: who.as_deref(),
                };
                let mut s = shell.get_value();
                let outcome = commands::run(&mut s, &line, &env);
                shell.set_value(s);
                outcome
            })
        }) else {
            print(vec![Line {
                kind: LineKind::Hint,
                text: "…".into(),
            }]);
            return;
        };
        cwd.set(shell.with_value(|s| s.cwd.clone()));
        print(outcome.lines);
        match outcome.followup {
            Followup::None => {}
            Followup::Clear => lines.set(Vec::new()),
            Followup::Exit => desk.close(win.id),
            Followup::Open { path } => desk.open_path(path),
            Followup::SetTheme(theme) => prefs.set_theme(theme),
            Followup::SetLang(lang) => prefs.set_lang(lang),
            Followup::Ask { question } => ask(question),
            Followup::ChatMode => {
                mode.set(Mode::Chat);
                say(LineKind::Hint, match prefs.lang.get_untracked() {
                    crate::core::i18n::Lang::En => "Chatting with the assistant. Type 'exit' to leave, Ctrl+C stops an answer.".into(),
                    crate::core::i18n::Lang::Es => "Conversando con el asistente. Escribe 'exit' para salir; Ctrl+C detiene una respuesta.".into(),
                });
            }
            Followup::PasswordPrompt { username: who } => {
                mode.set(Mode::Password { username: who })
            }
            Followup::Change(changes) => change(changes),
            Followup::Confirm(changes) => mode.set(Mode::Confirm(changes)),
            Followup::Edit { path } => desk.open_editor(path),
            Followup::Contact => desk.open_single(crate::desktop::WinKind::Contact),
            Followup::Logout => {
                leptos::task::spawn_local(async move {
                    match crate::auth::logout().await {
                        Ok(()) => {
                            say(LineKind::Out, "logged out".into());
                            reload_page();
                        }
                        Err(e) => say(LineKind::Err, format!("logout: {e}")),
                    }
                });
            }
            Followup::Cat { paths } => {
                leptos::task::spawn_local(async move {
                    for path in paths {
                        match read_text(path.clone()).await {
                            Ok(text) => print(
                                text.lines()
                                    .map(|t| Line {
                                        kind: LineKind::Out,
                                        text: t.to_string(),
                                    })
                                    .collect(),
                            ),
                            Err(e) => print(vec![Line {
                                kind: LineKind::Err,
                                text: format!("cat: {e}"),
                            }]),
                        }
                    }
                });
            }
        }
    };

    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key != "Tab" {
            tab_count.set_value(0);
        }
        match key.as_str() {
            "Enter" => {
                ev.prevent_default();
                submit();
            }
            "Escape" => {
                // Esc closes windows elsewhere; here it only clears the line.
                ev.stop_propagation();
                input.set(String::new());
            }
            "ArrowUp" | "ArrowDown" => {
                ev.prevent_default();
                let history = shell.with_value(|s| s.history.clone());
                if history.is_empty() {
                    return;
                }
                let pos = match (history_pos.get_value(), key.as_str()) {
                    (None, "ArrowUp") => Some(history.len() - 1),
                    (Some(p), "ArrowUp") => Some(p.saturating_sub(1)),
                    (Some(p), _) if p + 1 < history.len() => Some(p + 1),
                    _ => None,
                };
                history_pos.set_value(pos);
                input.set(pos.map(|p| history[p].clone()).unwrap_or_default());
            }
            "Tab" => {
                ev.prevent_default();
                let done = vfs.with_value(|v| {
                    v.as_ref().map(|v| {
                        shell.with_value(|s| commands::complete(s, v, &input.get_untracked()))
                    })
                });
                if let Some(completion) = done {
                    let count = tab_count.get_value() + 1;
                    tab_count.set_value(count);
                    if completion.input != input.get_untracked() {
                        input.set(completion.input);
                    } else if count >= 2 && completion.candidates.len() > 1 {
                        print(vec![Line {
                            kind: LineKind::Out,
                            text: completion.candidates.join("  "),
                        }]);
                    }
                }
            }
            "l" | "L" if ev.ctrl_key() => {
                ev.prevent_default();
                lines.set(Vec::new());
            }
            "c" | "C" if ev.ctrl_key() => {
                ev.prevent_default();
                if let Some(stop) = stopper.get_value() {
                    stop.stop();
                    return;
                }
                if mode.get_untracked() != Mode::Shell {
                    mode.set(Mode::Shell);
                }
                print(vec![Line {
                    kind: LineKind::Hint,
                    text: format!("{} {}^C", prompt(), input.get_untracked()),
                }]);
                input.set(String::new());
            }
            _ => {}
        }
    };

    // Focus the prompt when the window opens and whenever the output is clicked.
    Effect::new(move |_| {
        if let Some(el) = input_ref.get() {
            let _ = el.focus();
        }
    });
    // Keep the newest output in view.
    let screen = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        lines.track();
        if let Some(el) = screen.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });

    view! {
        <div class="terminal" node_ref=screen on:click=move |_| {
            if let Some(el) = input_ref.get() { let _ = el.focus(); }
        }>
            <p class="term-line hint">{move || match prefs.lang.get() {
                crate::core::i18n::Lang::En => "Type 'help' to see the commands. Tab completes, ↑/↓ recall.",
                crate::core::i18n::Lang::Es => "Escribe 'help' para ver las órdenes. Tab completa, ↑/↓ recuerdan.",
            }}</p>
            <For each=move || lines.get() key=|(id, _)| *id let:item>
                <p class=match item.1.kind {
                    LineKind::Out => "term-line",
                    LineKind::Err => "term-line err",
                    LineKind::Hint => "term-line hint",
                }>{item.1.text}</p>
            </For>
            {move || streaming.get().map(|text| view! { <p class="term-line streaming" aria-live="polite">{text}</p> })}
            <label class="term-input">
                <span class="prompt">{prompt}</span>
                <input node_ref=input_ref type=move || if matches!(mode.get(), Mode::Password { .. }) { "password" } else { "text" } autocomplete="off" autocapitalize="none" spellcheck="false"
                    aria-label="Terminal input"
                    prop:value=move || input.get()
                    on:input=move |ev| {
                        // Typing starts a new completion: the next Tab completes, the one after lists.
                        tab_count.set_value(0);
                        input.set(event_target_value(&ev));
                    }
                    on:keydown=on_key/>
            </label>
        </div>
    }
}
