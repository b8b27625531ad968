#![recursion_limit = "256"]
//! Deskfolio's Leptos application, shared by the server (SSR) and the browser (hydrate) builds.
//!
//! Organised by feature; `core` holds the building blocks every feature uses. Server-only code
//! sits in `ssr` submodules and in `server`, compiled only with the `ssr` feature.

pub mod admin;
pub mod auth;
pub mod chat;
pub mod contact;
pub mod core;
pub mod desktop;
pub mod explorer;
pub mod landing;
pub mod memories;
#[cfg(feature = "ssr")]
pub mod server;
pub mod terminal;

use leptos::prelude::*;
use leptos_meta::{Html, Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};

use crate::core::i18n::{Msg, Prefs};
use crate::core::site::{SITE_INFO_ELEMENT_ID, SiteInfo, SiteKind};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The site is known synchronously from the request; the browser reads the same value from
    // this script element, so both sides render the same page.
    let site_json = {
        #[cfg(feature = "ssr")]
        {
            core::site::ssr::current_site_info()
                .ok()
                .map(|info| {
                    provide_context(info.clone());
                    serde_json::to_string(&info)
                        .unwrap_or_default()
                        .replace('<', "\\u003c")
                })
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        String::new()
    };
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <script id=SITE_INFO_ELEMENT_ID type="application/json" inner_html=site_json></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The root component: renders the site this host serves.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let body = match core::site::current() {
        Some(info) => view! { <Site info/> }.into_any(),
        None => view! {
            <main class="fatal">
                <h1>"Deskfolio"</h1>
                <p>"This page could not be prepared. Please reload."</p>
            </main>
        }
        .into_any(),
    };
    view! {
        <Stylesheet id="leptos" href="/pkg/deskfolio.css"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        {body}
    }
}

#[component]
fn Site(info: SiteInfo) -> impl IntoView {
    let prefs = Prefs::provide(info.lang, info.theme);
    // Effects run only in the browser: this marks the page as hydrated (tests wait for it).
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    let lang_attr = move || prefs.lang.get().code();
    let theme_attr = move || prefs.theme.get().code();
    view! {
        <Html {..} lang=lang_attr data-theme=theme_attr/>
        <SiteBody kind=info.kind apex_url=info.apex_url address=info.path/>
    }
}

#[component]
fn SiteBody(kind: SiteKind, apex_url: String, address: String) -> impl IntoView {
    match kind {
        SiteKind::Landing => {
            // The platform has one page; any other address on the apex is not found.
            #[cfg(feature = "ssr")]
            if address != "/"
                && let Some(res) = use_context::<leptos_axum::ResponseOptions>()
            {
                res.set_status(http::StatusCode::NOT_FOUND);
            }
            view! { <landing::Landing apex_url/> }.into_any()
        }
        SiteKind::Tenant(profile) => view! { <desktop::Desktop profile address/> }.into_any(),
        SiteKind::NotFound { host } => view! { <NotFoundPage host apex_url/> }.into_any(),
    }
}

#[component]
fn NotFoundPage(host: String, apex_url: String) -> impl IntoView {
    let prefs = Prefs::expect();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=move || prefs.t(Msg::NotFoundTitle)/>
        <Meta name="robots" content="noindex"/>
        <main class="not-found" role="main">
            <h1>{move || prefs.t(Msg::NotFoundTitle)}</h1>
            <p>{move || prefs.t(Msg::NotFoundBody)} " " <code>{host.clone()}</code></p>
            <a class="button" href=apex_url>{move || prefs.t(Msg::NotFoundRegister)}</a>
        </main>
    }
}
