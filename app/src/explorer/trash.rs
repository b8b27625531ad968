//! The owner's trash window: restore or delete for good.

use leptos::prelude::*;

use crate::desktop::Win;

#[component]
pub fn TrashWindow(win: Win) -> impl IntoView {
    let _ = win;
    view! { <p class="empty"></p> }
}
