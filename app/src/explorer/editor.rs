//! The owner's editor window for text and markdown files.

use leptos::prelude::*;

use crate::desktop::Win;

#[component]
pub fn EditorWindow(win: Win) -> impl IntoView {
    view! { <p class="empty">{move || win.path.get()}</p> }
}
