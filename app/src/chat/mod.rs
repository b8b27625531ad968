//! The assistant: the chat window and `POST /api/chat`, which streams answers from the owner's
//! memories in the owner's chosen personality, within the visitors' daily limit.

pub mod client;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};
use crate::core::template::fill;
use client::{AskError, ChatEvent, Stopper};

/// Longest question, in characters.
pub const MAX_QUESTION_CHARS: usize = 1000;
/// Earlier turns sent along with a question.
pub const MAX_HISTORY: usize = 12;

/// One turn of a conversation as the browser keeps it (`role` is `user` or `assistant`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatTurn {
    pub role: String,
    pub content: String,
}

/// The chat window's header: who answers, and how many questions a day a visitor has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistantIntro {
    pub name: String,
    pub greeting: String,
    /// `None` when unlimited (premium tenant, or the owner).
    pub limit: Option<u32>,
}

#[server(prefix = "/api", endpoint = "chat_intro")]
pub async fn chat_intro(
    /// Owner-only: the (possibly inactive) personality a preview speaks as.
    #[server(default)]
    personality: Option<i64>,
) -> Result<AssistantIntro, AppError> {
    ssr::chat_intro_for_request(personality).await
}

/// `HH:MM` in the browser's time zone for an ISO-8601 instant (the server's text otherwise).
pub fn local_time(iso: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
        if !date.get_time().is_nan() {
            return format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
        }
    }
    iso.to_string()
}

/// The message shown when the day's questions are used up.
pub fn limit_message(prefs: Prefs, limit: Option<u32>, reset: &str) -> String {
    fill(
        prefs.t(Msg::ChatLimitLocal),
        &[
            ("limit", &limit.map(|l| l.to_string()).unwrap_or_default()),
            ("time", &local_time(reset)),
        ],
    )
}

#[derive(Clone, Copy)]
struct Bubble {
    id: u32,
    user: bool,
    text: RwSignal<String>,
    /// The finished answer as sanitised HTML from the server.
    html: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
}

#[component]
pub fn ChatWindow(#[prop(optional)] personality: Option<i64>) -> impl IntoView {
    let prefs = Prefs::expect();
    let intro = LocalResource::new(move || chat_intro(personality));
    let bubbles = RwSignal::new(Vec::<Bubble>::new());
    let draft = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let remaining = RwSignal::new(None::<(u32, u32)>);
    let notice = RwSignal::new(None::<String>);
    let stopper = StoredValue::new(None::<Stopper>);
    let next_id = StoredValue::new(0u32);
    let log_ref = NodeRef::<leptos::html::Div>::new();

    let scroll_down = move || {
        if let Some(log) = log_ref.get_untracked() {
            log.set_scroll_top(log.scroll_height());
        }
    };
    let send = move || {
        let question = draft.get_untracked().trim().to_string();
        if question.is_empty() || busy.get_untracked() {
            return;
        }
        if question.chars().count() > MAX_QUESTION_CHARS {
            notice.set(Some(prefs.t(Msg::ChatTooLong).to_string()));
            return;
        }
        notice.set(None);
        let history: Vec<ChatTurn> = bubbles.with_untracked(|list| {
            list.iter()
                .filter(|b| b.error.get_untracked().is_none())
                .map(|b| ChatTurn {
                    role: if b.user { "user" } else { "assistant" }.into(),
                    content: b.text.get_untracked(),
                })
                .collect()
        });
        let new_bubble = |user: bool, text: String| Bubble {
            id: {
                next_id.update_value(|n| *n += 1);
                next_id.get_value()
            },
            user,
            text: RwSignal::new(text),
            html: RwSignal::new(None),
            error: RwSignal::new(None),
        };
        let asked = new_bubble(true, question.clone());
        let answer = new_bubble(false, String::new());
        bubbles.update(|list| {
            list.push(asked);
            list.push(answer);
        });
        draft.set(String::new());
        busy.set(true);
        let stop = Stopper::new();
        stopper.set_value(Some(stop.clone()));
        leptos::task::spawn_local(async move {
            let mut limit = None;
            let result = client::ask(&question, &history, personality, &stop, |event| {
                match event {
                    ChatEvent::Meta { limit: l, .. } => limit = l,
                    ChatEvent::Token(t) => answer.text.update(|s| s.push_str(&t)),
                    ChatEvent::Done {
                        html,
                        remaining: left,
                    } => {
                        answer.html.set(Some(html));
                        if let (Some(left), Some(limit)) = (left, limit) {
                            remaining.set(Some((left, limit)));
                        }
                    }
                    ChatEvent::Failed(message) => answer.error.set(Some(message)),
                }
                scroll_down();
            })
            .await;
            match result {
                Ok(()) => {}
                Err(AskError::Stopped) => answer
                    .error
                    .set(Some(prefs.t(Msg::ChatStopped).to_string())),
                Err(AskError::Limited { reset, limit, .. }) => {
                    bubbles.update(|list| {
                        list.pop();
                    });
                    remaining.set(limit.map(|l| (0, l)));
                    notice.set(Some(limit_message(prefs, limit, &reset)));
                }
                Err(AskError::Refused(message)) => answer.error.set(Some(message)),
                Err(AskError::Network(_)) => answer
                    .error
                    .set(Some(prefs.t(Msg::ChatNetwork).to_string())),
            }
            busy.set(false);
            stopper.set_value(None);
            scroll_down();
        });
    };
    let stop = move || {
        if let Some(s) = stopper.get_value() {
            s.stop();
        }
    };

    view! {
        <div class="chat" on:keydown=move |ev| {
            if ev.key() == "c" && ev.ctrl_key() && busy.get_untracked() { stop() }
        }>
            <header class="chat-head">
                {move || intro.get().and_then(|r| r.ok()).map(|i| view! {
                    <strong class="chat-name">{i.name.clone()}</strong>
                    {personality.map(|_| view! { <span class="badge">{move || prefs.t(Msg::Preview)}</span> })}
                })}
            </header>
            <div class="chat-log" node_ref=log_ref aria-live="polite">
                {move || intro.get().and_then(|r| r.ok()).filter(|i| !i.greeting.is_empty()).map(|i| view! {
                    <p class="bubble assistant greeting">{i.greeting.clone()}</p>
                })}
                <For each=move || bubbles.get() key=|b| b.id let:b>
                    {
                        view! {
                            <div class=if b.user { "bubble user" } else { "bubble assistant" }>
                                {move || match (b.user, b.html.get()) {
                                    (false, Some(html)) => view! { <div class="answer" inner_html=html></div> }.into_any(),
                                    _ => view! { <p class="answer-text">{move || b.text.get()}</p> }.into_any(),
                                }}
                                {move || (!b.user && b.text.get().is_empty() && b.error.get().is_none() && busy.get())
                                    .then(|| view! { <span class="typing" aria-label=prefs.t(Msg::Loading)>"…"</span> })}
                                {move || b.error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                            </div>
                        }
                    }
                </For>
            </div>
            {move || notice.get().map(|n| view! { <p class="chat-notice" role="alert">{n}</p> })}
            <form class="chat-input" on:submit=move |ev| { ev.prevent_default(); send(); }>
                <textarea
                    rows="2"
                    maxlength=MAX_QUESTION_CHARS.to_string()
                    placeholder=move || prefs.t(Msg::ChatPlaceholder)
                    aria-label=move || prefs.t(Msg::ChatPlaceholder)
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" && !ev.shift_key() {
                            ev.prevent_default();
                            send();
                        }
                    }
                ></textarea>
                {move || if busy.get() {
                    view! { <button type="button" class="stop" on:click=move |_| stop()>{prefs.t(Msg::Stop)}</button> }.into_any()
                } else {
                    view! { <button type="submit" class="primary">{prefs.t(Msg::Send)}</button> }.into_any()
                }}
            </form>
            <p class="chat-quota" aria-live="polite">
                {move || remaining.get().map(|(left, limit)| fill(
                    prefs.t(Msg::ChatRemaining),
                    &[("n", &left.to_string()), ("limit", &limit.to_string())],
                ))}
            </p>
        </div>
    }
}
