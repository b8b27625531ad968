//! The owner's trash window: what was deleted, from where and when; restore it, or delete it
//! for good (each after a confirmation, since that cannot be undone).

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

use super::NodeKind;
use super::edit::{TrashItem, delete_forever, empty_trash, list_trash, restore_node};
use super::owner::human_size;
use crate::core::i18n::{Msg, Prefs};
use crate::core::template::fill;
use crate::desktop::{Desk, Win};

/// What the owner is asked to confirm.
#[derive(Debug, Clone, PartialEq)]
enum Ask {
    DeleteForever(TrashItem),
    EmptyTrash(usize),
}

#[component]
pub fn TrashWindow(win: Win) -> impl IntoView {
    let _ = win;
    let desk = Desk::expect();
    let prefs = Prefs::expect();
    let trash = LocalResource::new(move || {
        let _ = desk.files_rev.get();
        list_trash()
    });
    let items = RwSignal::new(Vec::<TrashItem>::new());
    let loaded = RwSignal::new(false);
    let status = RwSignal::new(None::<Result<String, String>>);
    let ask = RwSignal::new(None::<Ask>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| match trash.get() {
        Some(Ok(list)) => {
            items.set(list);
            loaded.set(true);
        }
        Some(Err(err)) => {
            status.set(Some(Err(err.to_string())));
            loaded.set(true);
        }
        None => {}
    });

    // The row leaves at once; it comes back with the server's message if the restore fails.
    let restore = move |item: TrashItem| {
        let snapshot = items.get_untracked();
        items.update(|list| list.retain(|i| i.id != item.id));
        leptos::task::spawn_local(async move {
            match restore_node(item.id).await {
                Ok(restored) => {
                    status.set(Some(Ok(restored.message)));
                    desk.files_changed();
                }
                Err(err) => {
                    items.set(snapshot);
                    status.set(Some(Err(err.to_string())));
                }
            }
        });
    };
    let confirmed = move |what: Ask| {
        ask.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match &what {
                Ask::DeleteForever(item) => delete_forever(item.id)
                    .await
                    .map(|()| fill(prefs.t(Msg::DeletedForever), &[("name", &item.name)])),
                Ask::EmptyTrash(_) => empty_trash()
                    .await
                    .map(|_| prefs.t(Msg::TrashEmptied).to_string()),
            };
            match result {
                Ok(message) => {
                    status.set(Some(Ok(message)));
                    desk.files_changed();
                }
                Err(err) => status.set(Some(Err(err.to_string()))),
            }
            busy.set(false);
        });
    };

    view! {
        <div class="trash-window">
            <div class="trash-toolbar">
                <p class="hint">{move || prefs.t(Msg::TrashKeeps)}</p>
                <button type="button" class="danger"
                    disabled=move || busy.get() || items.with(Vec::is_empty)
                    on:click=move |_| ask.set(Some(Ask::EmptyTrash(items.with_untracked(Vec::len))))>
                    {move || prefs.t(Msg::EmptyTrash)}
                </button>
            </div>
            {move || status.get().map(|s| match s {
                Ok(text) => view! { <p class="trash-status" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="trash-status error" role="alert">{text}</p> }.into_any(),
            })}
            {move || if !loaded.get() {
                view! { <p class="loading">{prefs.t(Msg::Loading)}</p> }.into_any()
            } else if items.with(Vec::is_empty) {
                view! { <p class="empty">{prefs.t(Msg::TrashIsEmpty)}</p> }.into_any()
            } else {
                view! {
                    <table class="trash-list">
                        <thead>
                            <tr>
                                <th scope="col">{prefs.t(Msg::Name)}</th>
                                <th scope="col">{prefs.t(Msg::OriginalLocation)}</th>
                                <th scope="col">{prefs.t(Msg::Size)}</th>
                                <th scope="col">{prefs.t(Msg::DeletedAt)}</th>
                                <th scope="col"><span class="visually-hidden">{prefs.t(Msg::Actions)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || items.get() key=|i| i.id let:item>
                                <TrashRow item restore confirm=move |i| ask.set(Some(Ask::DeleteForever(i)))/>
                            </For>
                        </tbody>
                    </table>
                }.into_any()
            }}
            {move || ask.get().map(|what| {
                let text = match &what {
                    Ask::DeleteForever(item) => fill(prefs.t(Msg::ConfirmDeleteForever), &[("name", &item.name)]),
                    Ask::EmptyTrash(n) => fill(prefs.t(Msg::ConfirmEmptyTrash), &[("n", &n.to_string())]),
                };
                let label = match &what {
                    Ask::DeleteForever(_) => prefs.t(Msg::DeleteForever),
                    Ask::EmptyTrash(_) => prefs.t(Msg::EmptyTrash),
                };
                view! { <ConfirmDialog text label on_yes=move || confirmed(what.clone()) on_no=move || ask.set(None)/> }
            })}
        </div>
    }
}

#[component]
fn TrashRow(
    item: TrashItem,
    restore: impl Fn(TrashItem) + Copy + Send + Sync + 'static,
    confirm: impl Fn(TrashItem) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = Prefs::expect();
    let glyph = match item.kind {
        NodeKind::Folder => "📁",
        NodeKind::File => "📄",
    };
    let size = if item.items > 1 {
        format!(
            "{} · {}",
            human_size(item.size),
            fill(prefs.t(Msg::ItemsInside), &[("n", &item.items.to_string())])
        )
    } else {
        human_size(item.size)
    };
    let when = item.deleted_at.format("%Y-%m-%d %H:%M UTC").to_string();
    let to_restore = item.clone();
    let to_delete = item.clone();
    view! {
        <tr>
            <td class="trash-name"><span aria-hidden="true">{glyph} " "</span>{item.name.clone()}</td>
            <td class="trash-path">{item.original_path.clone()}</td>
            <td>{size}</td>
            <td><time datetime=item.deleted_at.to_rfc3339()>{when}</time></td>
            <td class="trash-actions">
                <button type="button"
                    aria-label=format!("{} {}", prefs.t(Msg::Restore), item.name)
                    on:click=move |_| restore(to_restore.clone())>{prefs.t(Msg::Restore)}</button>
                <button type="button" class="danger"
                    aria-label=format!("{} {}", prefs.t(Msg::DeleteForever), item.name)
                    on:click=move |_| confirm(to_delete.clone())>{prefs.t(Msg::DeleteForever)}</button>
            </td>
        </tr>
    }
}

/// A small question inside the window; the safe answer (Cancel) is one Escape away.
#[component]
fn ConfirmDialog(
    text: String,
    label: &'static str,
    on_yes: impl Fn() + Send + Sync + 'static,
    on_no: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = Prefs::expect();
    let cancel = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(el) = cancel.get() {
            let _ = el.focus();
        }
    });
    view! {
        <div class="confirm-backdrop">
            <div class="confirm" role="alertdialog" aria-modal="true" aria-label=label
                on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" {
                    ev.stop_propagation();
                    on_no();
                }>
                <p>{text}</p>
                <div class="confirm-actions">
                    <button type="button" node_ref=cancel on:click=move |_| on_no()>{prefs.t(Msg::Cancel)}</button>
                    <button type="button" class="danger" on:click=move |_| on_yes()>{label}</button>
                </div>
            </div>
        </div>
    }
}
