//! Contact: visitors send the owner a message from the desktop (or the terminal's `contact`);
//! the owner reads them in the same window.

#[cfg(feature = "ssr")]
pub mod ssr;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};

/// Longest sender name, in characters.
pub const MAX_NAME: usize = 100;
/// Longest message, in characters.
pub const MAX_BODY: usize = 5000;

/// A message as the owner reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactMessage {
    pub id: i64,
    pub sender_name: String,
    pub sender_email: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// Sends the tenant's owner a message. Throttled per visitor address.
#[server(prefix = "/api", endpoint = "send_contact")]
pub async fn send_contact(name: String, email: String, message: String) -> Result<(), AppError> {
    ssr::send(&name, &email, &message).await
}

/// The owner's messages, newest first.
#[server(prefix = "/api", endpoint = "list_contact_messages")]
pub async fn list_contact_messages() -> Result<Vec<ContactMessage>, AppError> {
    ssr::list().await
}

/// Marks one of the owner's messages read or unread.
#[server(prefix = "/api", endpoint = "mark_contact_message")]
pub async fn mark_contact_message(id: i64, read: bool) -> Result<(), AppError> {
    ssr::mark(id, read).await
}

#[component]
pub fn ContactWindow() -> impl IntoView {
    let is_owner = crate::core::site::current().is_some_and(|s| s.is_owner());
    if is_owner {
        view! { <Inbox/> }.into_any()
    } else {
        view! { <ContactForm/> }.into_any()
    }
}

#[component]
fn ContactForm() -> impl IntoView {
    let prefs = Prefs::expect();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        outcome.set(None);
        let (n, e, m) = (
            name.get_untracked(),
            email.get_untracked(),
            message.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = send_contact(n, e, m).await;
            pending.set(false);
            match result {
                Ok(()) => {
                    // Cleared only once it is stored: a failed send keeps what was written.
                    message.set(String::new());
                    outcome.set(Some(Ok(())));
                }
                Err(err) => outcome.set(Some(Err(err.to_string()))),
            }
        });
    };
    view! {
        <form class="contact-form" on:submit=submit>
            <label>{move || prefs.t(Msg::ContactName)}
                <input type="text" required maxlength=MAX_NAME autocomplete="name"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            <label>{move || prefs.t(Msg::ContactEmail)}
                <input type="email" required maxlength="254" autocomplete="email"
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
            </label>
            <label>{move || prefs.t(Msg::ContactMessage)}
                <textarea required rows="6" maxlength=MAX_BODY
                    prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))></textarea>
            </label>
            {move || outcome.get().map(|o| match o {
                Ok(()) => view! { <p class="status" role="status">{prefs.t(Msg::ContactSent)}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { prefs.t(Msg::Saving) } else { prefs.t(Msg::Send) }}
            </button>
        </form>
    }
}

#[component]
fn Inbox() -> impl IntoView {
    let prefs = Prefs::expect();
    let rev = RwSignal::new(0u32);
    let messages = Resource::new(move || rev.get(), |_| list_contact_messages());
    let error = RwSignal::new(None::<String>);
    let toggle = move |id: i64, read: bool| {
        leptos::task::spawn_local(async move {
            match mark_contact_message(id, read).await {
                Ok(()) => rev.update(|r| *r += 1),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="inbox">
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <Transition fallback=move || view! { <p class="loading">{move || prefs.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{prefs.t(Msg::ContactNone)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="messages" aria-label=move || prefs.t(Msg::ContactInbox)>
                                {list.into_iter().map(|m| {
                                    let id = m.id;
                                    let read = m.read;
                                    let mailto = format!("mailto:{}", m.sender_email);
                                    view! {
                                        <li class:unread=!read>
                                            <header>
                                                <strong>{m.sender_name.clone()}</strong> " "
                                                <a href=mailto>{m.sender_email.clone()}</a> " "
                                                <time datetime=m.created_at.to_rfc3339()>{m.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</time>
                                            </header>
                                            <p class="body">{m.body.clone()}</p>
                                            <button type="button" on:click=move |_| toggle(id, !read)>
                                                {if read { prefs.t(Msg::ContactMarkUnread) } else { prefs.t(Msg::ContactMarkRead) }}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
