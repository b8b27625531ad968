#![recursion_limit = "256"]
//! Deskfolio's Leptos application, shared by the server (SSR) and the browser (hydrate) builds.
//!
//! Organised by feature; `core` holds the building blocks every feature uses. Server-only code
//! sits in `ssr` submodules and in `server`, compiled only with the `ssr` feature.

pub mod auth;
pub mod core;
pub mod desktop;
pub mod explorer;
pub mod landing;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Link, Meta, MetaTags, Stylesheet, Title};

use crate::core::i18n::{Msg, Prefs};
use crate::core::site::{get_site, SiteInfo, SiteKind};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The root component: resolves which site this host serves and renders it.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let site = OnceResource::new_blocking(get_site());
    view! {
        <Stylesheet id="leptos" href="/pkg/deskfolio.css"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match site.await {
                        Ok(info) => view! { <Site info/> }.into_any(),
                        Err(err) => view! {
                            <main class="fatal">
                                <h1>"Deskfolio"</h1>
                                <p>{err.to_string()}</p>
                            </main>
                        }.into_any(),
                    }
                })}
        </Suspense>
    }
}

#[component]
fn Site(info: SiteInfo) -> impl IntoView {
    let prefs = Prefs::provide(info.lang, info.theme);
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
        SiteKind::Landing => view! { <landing::Landing apex_url/> }.into_any(),
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
