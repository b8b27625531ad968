//! Owner tools for the assistant: what it knows (memories) and how it speaks (personalities).

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::core::i18n::{Msg, Prefs};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryItem {
    pub id: i64,
    pub title: String,
    /// As written: `{{placeholders}}` stay intact.
    pub content: String,
    pub keywords: Vec<String>,
    pub priority: i32,
    pub active: bool,
}

/// A memory as the form sends it; keywords separated by commas.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryInput {
    pub title: String,
    pub content: String,
    pub keywords: String,
    pub priority: i32,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalityItem {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub tone: String,
    pub language: String,
    pub system_prompt: String,
    pub greeting: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonalityInput {
    pub name: String,
    pub description: String,
    pub tone: String,
    pub language: String,
    pub system_prompt: String,
    pub greeting: String,
}

#[server(prefix = "/api", endpoint = "list_memories")]
pub async fn list_memories() -> Result<Vec<MemoryItem>, AppError> {
    ssr::list_memories().await
}

#[server(prefix = "/api", endpoint = "save_memory")]
pub async fn save_memory(id: Option<i64>, memory: MemoryInput) -> Result<MemoryItem, AppError> {
    ssr::save_memory(id, memory).await
}

#[server(prefix = "/api", endpoint = "delete_memory")]
pub async fn delete_memory(id: i64) -> Result<MemoryItem, AppError> {
    ssr::delete_memory(id).await
}

#[server(prefix = "/api", endpoint = "list_personalities")]
pub async fn list_personalities() -> Result<Vec<PersonalityItem>, AppError> {
    ssr::list_personalities().await
}

#[server(prefix = "/api", endpoint = "save_personality")]
pub async fn save_personality(
    id: Option<i64>,
    personality: PersonalityInput,
) -> Result<PersonalityItem, AppError> {
    ssr::save_personality(id, personality).await
}

#[server(prefix = "/api", endpoint = "activate_personality")]
pub async fn activate_personality(id: i64) -> Result<(), AppError> {
    ssr::activate_personality(id).await
}

#[server(prefix = "/api", endpoint = "delete_personality")]
pub async fn delete_personality(id: i64) -> Result<PersonalityItem, AppError> {
    ssr::delete_personality(id).await
}

fn input_of(memory: &MemoryItem) -> MemoryInput {
    MemoryInput {
        title: memory.title.clone(),
        content: memory.content.clone(),
        keywords: memory.keywords.join(", "),
        priority: memory.priority,
        active: memory.active,
    }
}

/// Matches a memory against the search box (title, content, keywords; case-insensitive).
fn matches(memory: &MemoryItem, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty()
        || memory.title.to_lowercase().contains(&q)
        || memory.content.to_lowercase().contains(&q)
        || memory.keywords.iter().any(|k| k.contains(&q))
}

/// An error for the status line; a field's problem is named by the label the owner sees.
fn explain(prefs: Prefs, err: &AppError) -> String {
    match err {
        AppError::InvalidFields(fields) => fields
            .iter()
            .map(|f| {
                let label = match f.field.as_str() {
                    "title" => Some(Msg::Title),
                    "content" => Some(Msg::Content),
                    "keywords" => Some(Msg::Keywords),
                    "priority" => Some(Msg::Priority),
                    "name" => Some(Msg::Name),
                    "description" => Some(Msg::Description),
                    "tone" => Some(Msg::Tone),
                    "language" => Some(Msg::Language),
                    "greeting" => Some(Msg::Greeting),
                    "system_prompt" => Some(Msg::SystemPrompt),
                    _ => None,
                };
                let label = label.map_or_else(|| f.field.clone(), |m| prefs.t(m).to_string());
                format!("{label}: {}", f.message)
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

#[component]
pub fn MemoriesWindow() -> impl IntoView {
    let prefs = Prefs::expect();
    let items = RwSignal::new(Vec::<MemoryItem>::new());
    let loaded = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    // The memory being edited: `Some(None)` is a new one.
    let editing = RwSignal::new(None::<Option<i64>>);
    let form = RwSignal::new(MemoryInput::default());
    let message = RwSignal::new(None::<Result<String, String>>);
    let undo = RwSignal::new(None::<MemoryItem>);
    let busy = RwSignal::new(false);

    let reload = move || {
        leptos::task::spawn_local(async move {
            match list_memories().await {
                Ok(list) => items.set(list),
                Err(e) => message.set(Some(Err(explain(prefs, &e)))),
            }
            loaded.set(true);
        });
    };
    Effect::new(move |_| reload());

    let start_new = move || {
        form.set(MemoryInput {
            active: true,
            ..MemoryInput::default()
        });
        editing.set(Some(None));
        message.set(None);
    };
    let save = move || {
        let Some(id) = editing.get_untracked() else {
            return;
        };
        busy.set(true);
        let memory = form.get_untracked();
        leptos::task::spawn_local(async move {
            match save_memory(id, memory).await {
                Ok(saved) => {
                    editing.set(Some(Some(saved.id)));
                    form.set(input_of(&saved));
                    message.set(Some(Ok(prefs.t(Msg::Saved).to_string())));
                    reload();
                }
                Err(e) => message.set(Some(Err(explain(prefs, &e)))),
            }
            busy.set(false);
        });
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match delete_memory(id).await {
                Ok(gone) => {
                    undo.set(Some(gone));
                    if editing.get_untracked() == Some(Some(id)) {
                        editing.set(None);
                    }
                    reload();
                }
                Err(e) => message.set(Some(Err(explain(prefs, &e)))),
            }
        });
    };
    let restore = move || {
        let Some(gone) = undo.get_untracked() else {
            return;
        };
        undo.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = save_memory(None, input_of(&gone)).await {
                message.set(Some(Err(explain(prefs, &e))));
            }
            reload();
        });
    };

    let visible = move || {
        let q = query.get();
        items.with(|list| {
            list.iter()
                .filter(|m| matches(m, &q))
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="memories split">
            <div class="list-pane">
                <div class="toolbar">
                    <input type="search" placeholder=move || prefs.t(Msg::Search) aria-label=move || prefs.t(Msg::Search)
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                    <button type="button" on:click=move |_| start_new()>{move || prefs.t(Msg::NewMemory)}</button>
                </div>
                {move || undo.get().map(|gone| view! {
                    <p class="toast" role="status">
                        {prefs.t(Msg::Deleted)} " “" {gone.title.clone()} "” "
                        <button type="button" on:click=move |_| restore()>{prefs.t(Msg::Undo)}</button>
                    </p>
                })}
                <ul class="memory-list">
                    <For each=visible key=|m| (m.id, m.title.clone(), m.priority, m.active) let:memory>
                        {
                            let id = memory.id;
                            let chosen = memory.clone();
                            view! {
                                <li class:inactive=!memory.active class:selected=move || editing.get() == Some(Some(id))>
                                    <button type="button" class="memory-title" on:click=move |_| {
                                        form.set(input_of(&chosen));
                                        editing.set(Some(Some(id)));
                                        message.set(None);
                                    }>
                                        {memory.title.clone()}
                                        <small>" · " {memory.priority}</small>
                                    </button>
                                    <button type="button" class="danger" aria-label=move || prefs.t(Msg::Delete) on:click=move |_| remove(id)>"🗑"</button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                {move || (loaded.get() && items.with(Vec::is_empty)).then(|| view! {
                    <p class="empty">{prefs.t(Msg::NoMemories)}</p>
                })}
            </div>
            <div class="edit-pane">
                {move || match editing.get() {
                    None => view! { <p class="empty">{prefs.t(Msg::PickMemory)}</p> }.into_any(),
                    Some(_) => view! {
                        <form class="memory-form" on:submit=move |ev| { ev.prevent_default(); save(); }
                            on:keydown=move |ev| if ev.key() == "s" && (ev.ctrl_key() || ev.meta_key()) { ev.prevent_default(); save(); }>
                            <label>{prefs.t(Msg::Title)}
                                <input required maxlength="200" prop:value=move || form.get().title
                                    on:input=move |ev| form.update(|f| f.title = event_target_value(&ev))/>
                            </label>
                            <label>{prefs.t(Msg::Content)}
                                <textarea rows="8" required prop:value=move || form.get().content
                                    on:input=move |ev| form.update(|f| f.content = event_target_value(&ev))></textarea>
                            </label>
                            <label>{prefs.t(Msg::Keywords)}
                                <input prop:value=move || form.get().keywords placeholder="rust, databases"
                                    on:input=move |ev| form.update(|f| f.keywords = event_target_value(&ev))/>
                            </label>
                            <div class="row">
                                <label>{prefs.t(Msg::Priority)}
                                    <input type="number" min="-100" max="100" prop:value=move || form.get().priority.to_string()
                                        on:input=move |ev| form.update(|f| f.priority = event_target_value(&ev).parse().unwrap_or(0))/>
                                </label>
                                <label class="check">
                                    <input type="checkbox" prop:checked=move || form.get().active
                                        on:change=move |ev| form.update(|f| f.active = event_target_checked(&ev))/>
                                    {prefs.t(Msg::Active)}
                                </label>
                            </div>
                            <button type="submit" class="primary" disabled=move || busy.get()>{prefs.t(Msg::Save)} " (Ctrl+S)"</button>
                        </form>
                    }.into_any(),
                }}
                {move || message.get().map(|m| match m {
                    Ok(text) => view! { <p class="ok" role="status">{text}</p> }.into_any(),
                    Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
                })}
            </div>
        </div>
    }
}

fn personality_input(p: &PersonalityItem) -> PersonalityInput {
    PersonalityInput {
        name: p.name.clone(),
        description: p.description.clone(),
        tone: p.tone.clone(),
        language: p.language.clone(),
        system_prompt: p.system_prompt.clone(),
        greeting: p.greeting.clone(),
    }
}

#[component]
pub fn PersonalityWindow() -> impl IntoView {
    let prefs = Prefs::expect();
    let items = RwSignal::new(Vec::<PersonalityItem>::new());
    let editing = RwSignal::new(None::<Option<i64>>);
    let form = RwSignal::new(PersonalityInput::default());
    let message = RwSignal::new(None::<Result<String, String>>);
    let preview = RwSignal::new(None::<i64>);

    let reload = move || {
        leptos::task::spawn_local(async move {
            match list_personalities().await {
                Ok(list) => {
                    if editing.get_untracked().is_none()
                        && let Some(active) = list.iter().find(|p| p.active)
                    {
                        form.set(personality_input(active));
                        editing.set(Some(Some(active.id)));
                    }
                    items.set(list);
                }
                Err(e) => message.set(Some(Err(explain(prefs, &e)))),
            }
        });
    };
    Effect::new(move |_| reload());
    let save = move || {
        let Some(id) = editing.get_untracked() else {
            return;
        };
        let input = form.get_untracked();
        leptos::task::spawn_local(async move {
            match save_personality(id, input).await {
                Ok(saved) => {
                    editing.set(Some(Some(saved.id)));
                    message.set(Some(Ok(prefs.t(Msg::Saved).to_string())));
                    reload();
                }
                Err(e) => message.set(Some(Err(explain(prefs, &e)))),
            }
        });
    };
    let activate = move |id: i64| {
        leptos::task::spawn_local(async move {
            if let Err(e) = activate_personality(id).await {
                message.set(Some(Err(explain(prefs, &e))));
            }
            reload();
        });
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match delete_personality(id).await {
                Ok(_) => {
                    editing.set(None);
                    reload();
                }
                Err(e) => message.set(Some(Err(explain(prefs, &e)))),
            }
        });
    };
    let field = move |label: Msg,
                      get: fn(&PersonalityInput) -> String,
                      set: fn(&mut PersonalityInput, String),
                      long: bool| {
        view! {
            <label>{prefs.t(label)}
                {if long {
                    view! { <textarea rows="5" prop:value=move || get(&form.get())
                        on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))></textarea> }.into_any()
                } else {
                    view! { <input prop:value=move || get(&form.get())
                        on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))/> }.into_any()
                }}
            </label>
        }
    };

    view! {
        <div class="personality split">
            <div class="list-pane">
                <div class="toolbar">
                    <button type="button" on:click=move |_| {
                        form.set(PersonalityInput { language: "en".into(), ..PersonalityInput::default() });
                        editing.set(Some(None));
                        message.set(None);
                    }>{move || prefs.t(Msg::NewPersonality)}</button>
                </div>
                <ul class="personality-list">
                    <For each=move || items.get() key=|p| (p.id, p.name.clone(), p.active) let:p>
                        {
                            let id = p.id;
                            let chosen = p.clone();
                            view! {
                                <li class:selected=move || editing.get() == Some(Some(id))>
                                    <label class="check">
                                        <input type="radio" name="active-personality" prop:checked=p.active
                                            on:change=move |_| activate(id)/>
                                        <span class="sr-only">{prefs.t(Msg::Active)}</span>
                                    </label>
                                    <button type="button" on:click=move |_| {
                                        form.set(personality_input(&chosen));
                                        editing.set(Some(Some(id)));
                                        message.set(None);
                                    }>{p.name.clone()}</button>
                                    {(!p.active).then(|| view! {
                                        <button type="button" class="danger" aria-label=prefs.t(Msg::Delete) on:click=move |_| remove(id)>"🗑"</button>
                                    })}
                                </li>
                            }
                        }
                    </For>
                </ul>
            </div>
            <div class="edit-pane">
                <Show when=move || editing.get().is_some()>
                    <form class="personality-form" on:submit=move |ev| { ev.prevent_default(); save(); }
                        on:keydown=move |ev| if ev.key() == "s" && (ev.ctrl_key() || ev.meta_key()) { ev.prevent_default(); save(); }>
                        {field(Msg::Name, |f| f.name.clone(), |f, v| f.name = v, false)}
                        {field(Msg::Description, |f| f.description.clone(), |f, v| f.description = v, false)}
                        {field(Msg::Tone, |f| f.tone.clone(), |f, v| f.tone = v, false)}
                        {field(Msg::Language, |f| f.language.clone(), |f, v| f.language = v, false)}
                        {field(Msg::Greeting, |f| f.greeting.clone(), |f, v| f.greeting = v, false)}
                        {field(Msg::SystemPrompt, |f| f.system_prompt.clone(), |f, v| f.system_prompt = v, true)}
                        <div class="row">
                            <button type="submit" class="primary">{prefs.t(Msg::Save)}</button>
                            {move || editing.get().flatten().map(|id| view! {
                                <button type="button" on:click=move |_| preview.set(Some(id))>{prefs.t(Msg::Preview)}</button>
                            })}
                        </div>
                    </form>
                </Show>
                {move || message.get().map(|m| match m {
                    Ok(text) => view! { <p class="ok" role="status">{text}</p> }.into_any(),
                    Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
                })}
                {move || preview.get().map(|id| view! {
                    <div class="preview">
                        <crate::chat::ChatWindow personality=id/>
                    </div>
                })}
            </div>
        </div>
    }
}
