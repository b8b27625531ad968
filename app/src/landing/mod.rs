//! The platform's landing page on the apex domain, with registration.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::auth::{Register, UsernameCheck, username_status};
use crate::core::error::AppError;
use crate::core::i18n::{Lang, Msg, Prefs, Theme};

#[component]
pub fn Landing(apex_url: String) -> impl IntoView {
    let prefs = Prefs::expect();
    let register = ServerAction::<Register>::new();
    let username = RwSignal::new(String::new());
    let status = Resource::new(
        move || username.get(),
        |name| async move {
            if name.trim().is_empty() {
                None
            } else {
                Some(username_status(name).await)
            }
        },
    );
    let pending = register.pending();
    let result = register.value();

    // After a successful registration, go to the new portfolio.
    Effect::new(move |_| {
        if let Some(Ok(registered)) = result.get() {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(&registered.url);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = registered;
        }
    });
    let field_error = move |field: &'static str| {
        move || match result.get() {
            Some(Err(AppError::InvalidFields(fields))) => fields
                .into_iter()
                .find(|f| f.field == field)
                .map(|f| f.message),
            _ => None,
        }
    };
    let demo_url = apex_url.replacen("://", "://demo.", 1);
    let apex_host = StoredValue::new(
        apex_url
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string(),
    );

    view! {
        <Title text=move || prefs.t(Msg::LandingTitle)/>
        <Meta name="description" content=move || prefs.t(Msg::LandingTagline)/>
        <nav class="landing-prefs" aria-label=move || prefs.t(Msg::Language)>
            {Lang::ALL
                .into_iter()
                .map(|lang| view! {
                    <button type="button" aria-pressed=move || (prefs.lang.get() == lang).to_string()
                        on:click=move |_| prefs.set_lang(lang)>{lang.native_name()}</button>
                })
                .collect_view()}
            <button type="button" class="theme-toggle"
                on:click=move |_| prefs.set_theme(if prefs.theme.get_untracked() == Theme::Dark { Theme::Light } else { Theme::Dark })>
                {move || prefs.t(Msg::Theme)} ": "
                {move || prefs.t(if prefs.theme.get() == Theme::Dark { Msg::ThemeDark } else { Msg::ThemeLight })}
            </button>
        </nav>
        <main class="landing">
            <section class="hero">
                <h1>"Deskfolio"</h1>
                <p class="tagline">{move || prefs.t(Msg::LandingTagline)}</p>
                <ul class="pitch">
                    <li>{move || prefs.t(Msg::LandingPitch1)}</li>
                    <li>{move || prefs.t(Msg::LandingPitch2)}</li>
                    <li>{move || prefs.t(Msg::LandingPitch3)}</li>
                </ul>
                <a class="demo-link" href=demo_url>{move || prefs.t(Msg::SeeDemo)}</a>
            </section>
            <section class="register" aria-labelledby="register-title">
                <h2 id="register-title">{move || prefs.t(Msg::RegisterTitle)}</h2>
                <ActionForm action=register>
                    <label for="reg-username">{move || prefs.t(Msg::Username)}</label>
                    <input id="reg-username" name="username" autocomplete="username" required
                        autocapitalize="none" spellcheck="false" maxlength="30"
                        aria-describedby="reg-username-status"
                        on:input=move |ev| username.set(event_target_value(&ev))/>
                    <p id="reg-username-status" class="hint" aria-live="polite">
                        <Transition fallback=move || prefs.t(Msg::Checking)>
                            {move || Suspend::new(async move {
                                match status.await {
                                    None => view! { <span>{move || prefs.t(Msg::UsernameHint)}</span> }.into_any(),
                                    Some(Ok(UsernameCheck::Available { username })) => view! {
                                        <span class="ok">{format!("{username}.{}", apex_host.get_value())} " " {move || prefs.t(Msg::Available)}</span>
                                    }.into_any(),
                                    Some(Ok(UsernameCheck::Taken { username })) => view! {
                                        <span class="bad">{username} " " {move || prefs.t(Msg::Taken)}</span>
                                    }.into_any(),
                                    Some(Ok(UsernameCheck::Invalid { message })) => view! { <span class="bad">{message}</span> }.into_any(),
                                    Some(Err(err)) => view! { <span class="bad">{err.to_string()}</span> }.into_any(),
                                }
                            })}
                        </Transition>
                    </p>
                    <p class="field-error" role="alert">{field_error("username")}</p>

                    <label for="reg-email">{move || prefs.t(Msg::Email)} " (" {move || prefs.t(Msg::EmailOptional)} ")"</label>
                    <input id="reg-email" name="email" type="email" autocomplete="email"/>
                    <p class="field-error" role="alert">{field_error("email")}</p>

                    <label for="reg-password">{move || prefs.t(Msg::Password)}</label>
                    <input id="reg-password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="256"/>
                    <p class="hint">{move || prefs.t(Msg::PasswordHint)}</p>
                    <p class="field-error" role="alert">{field_error("password")}</p>

                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {move || if pending.get() { prefs.t(Msg::Creating) } else { prefs.t(Msg::CreatePortfolio) }}
                    </button>
                    <p class="form-status" role="status">
                        {move || match result.get() {
                            Some(Ok(_)) => Some(prefs.t(Msg::Created).to_string()),
                            Some(Err(AppError::InvalidFields(_))) | None => None,
                            Some(Err(err)) => Some(err.to_string()),
                        }}
                    </p>
                </ActionForm>
            </section>
        </main>
    }
}
