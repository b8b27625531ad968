//! The login and account windows of the desktop.

use leptos::prelude::*;

use crate::core::i18n::{Msg, Prefs};
use crate::core::site::TenantProfile;

/// A plain form posting to `/login`: it works before (and without) the wasm, and a success
/// reloads the desktop in owner mode.
#[component]
pub fn LoginWindow() -> impl IntoView {
    let prefs = Prefs::expect();
    let profile = expect_context::<TenantProfile>();
    let error = crate::core::site::current()
        .and_then(|s| s.login_error)
        .map(|code| match code.as_str() {
            "throttled" => Msg::LoginThrottled,
            "missing" => Msg::LoginMissing,
            "elsewhere" => Msg::LoginElsewhere,
            _ => Msg::LoginWrong,
        });
    view! {
        <form class="login-form" method="post" action="/login">
            <h2>{move || prefs.t(Msg::LoginTitle)}</h2>
            {error.map(|msg| view! { <p class="error" role="alert">{move || prefs.t(msg)}</p> })}
            <label>
                {move || prefs.t(Msg::Username)}
                <input name="username" autocomplete="username" required value=profile.username.clone()/>
            </label>
            <label>
                {move || prefs.t(Msg::Password)}
                <input name="password" type="password" autocomplete="current-password" required autofocus/>
            </label>
            <button type="submit" class="primary">{move || prefs.t(Msg::LogIn)}</button>
        </form>
    }
}

/// The owner's account: who is logged in, password change, log out.
#[component]
pub fn AccountWindow() -> impl IntoView {
    let prefs = Prefs::expect();
    let viewer = crate::core::site::current().and_then(|s| s.viewer);
    let username = viewer.map(|v| v.username).unwrap_or_default();
    let change = ServerAction::<super::ChangePassword>::new();
    let pending = change.pending();
    let result = change.value();
    view! {
        <div class="account">
            <p>{move || prefs.t(Msg::LoggedInAs)} " " <strong>{username.clone()}</strong></p>
            <ActionForm action=change attr:class="password-form">
                <h2>{move || prefs.t(Msg::ChangePassword)}</h2>
                <label>
                    {move || prefs.t(Msg::CurrentPassword)}
                    <input name="current" type="password" autocomplete="current-password" required/>
                </label>
                <label>
                    {move || prefs.t(Msg::NewPassword)}
                    <input name="new" type="password" autocomplete="new-password" minlength="8" required/>
                </label>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { prefs.t(Msg::Saving) } else { prefs.t(Msg::ChangePassword) }}
                </button>
                {move || match result.get() {
                    Some(Ok(())) => view! { <p class="ok" role="status">{prefs.t(Msg::PasswordChanged)}</p> }.into_any(),
                    Some(Err(err)) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    None => ().into_any(),
                }}
            </ActionForm>
            <form method="post" action="/logout">
                <button type="submit" class="logout">{move || prefs.t(Msg::LogOut)}</button>
            </form>
        </div>
    }
}
