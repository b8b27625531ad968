//! What the current host serves, as both builds see it.

#[cfg(feature = "ssr")]
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::error::AppError;
use super::i18n::{Lang, Theme};

/// A tenant's public profile, as every page of its desktop needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantProfile {
    pub username: String,
    pub display_name: String,
    pub site_title: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SiteKind {
    Landing,
    Tenant(TenantProfile),
    NotFound { host: String },
}

/// Who is logged in on this tenant's host (its owner, or a platform admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub username: String,
    pub admin: bool,
}

/// The site for this request with the visitor's language and theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub kind: SiteKind,
    pub lang: Lang,
    pub theme: Theme,
    /// The platform's landing page, e.g. `http://localhost:3000/`.
    pub apex_url: String,
    /// The path of the page the server rendered.
    pub path: String,
    /// Set when the owner is logged in: the desktop shows its editing tools.
    pub viewer: Option<Viewer>,
    /// Why the last no-JavaScript login failed (`wrong`, `throttled`, …), on `/login` only.
    pub login_error: Option<String>,
}

impl SiteInfo {
    pub fn is_owner(&self) -> bool {
        self.viewer.is_some()
    }
}

/// The id of the `<script type="application/json">` that carries the page's `SiteInfo`.
pub const SITE_INFO_ELEMENT_ID: &str = "deskfolio-site";

/// The site of the current page: from the request on the server, from the page in the browser.
pub fn current() -> Option<SiteInfo> {
    #[cfg(feature = "ssr")]
    {
        use_context::<SiteInfo>()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let text = web_sys::window()?
            .document()?
            .get_element_by_id(SITE_INFO_ELEMENT_ID)?
            .text_content()?;
        serde_json::from_str(&text).ok()
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::core::i18n::{LANG_COOKIE, THEME_COOKIE, negotiate_lang};
    use crate::server::tenancy::{ClientInfo, RequestSite};
    use crate::server::{app_state, request_parts};

    pub fn cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find_map(|(k, v)| (k == name).then_some(v))
    }

    /// The resolved site of the current request (set by the tenancy middleware).
    pub fn request_site() -> Result<RequestSite, AppError> {
        let parts = request_parts()?;
        parts
            .extensions
            .get::<RequestSite>()
            .cloned()
            .ok_or_else(|| AppError::internal("request context", "tenant resolution did not run"))
    }

    pub fn client_info() -> Result<ClientInfo, AppError> {
        let parts = request_parts()?;
        parts
            .extensions
            .get::<ClientInfo>()
            .cloned()
            .ok_or_else(|| AppError::internal("request context", "client info missing"))
    }

    /// `scheme://base_domain[:port]/`, keeping the port the browser used.
    pub fn apex_url(client: &ClientInfo, base_domain: &str) -> String {
        let port = crate::server::tenancy::normalise_host(&client.host).1;
        match port {
            Some(port) => format!("{}://{base_domain}:{port}/", client.scheme()),
            None => format!("{}://{base_domain}/", client.scheme()),
        }
    }

    /// `scheme://username.base_domain[:port]/`.
    pub fn tenant_url(client: &ClientInfo, base_domain: &str, username: &str) -> String {
        apex_url(client, &format!("{username}.{base_domain}"))
    }

    pub fn current_site_info() -> Result<SiteInfo, AppError> {
        let state = app_state()?;
        let parts = request_parts()?;
        let site = request_site()?;
        let client = client_info()?;
        let headers = &parts.headers;
        let accept = headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let (kind, default_lang, default_theme) = match site {
            RequestSite::Landing => (SiteKind::Landing, Lang::En, Theme::Dark),
            RequestSite::Unknown { host } => (SiteKind::NotFound { host }, Lang::En, Theme::Dark),
            RequestSite::Tenant(t) => (
                SiteKind::Tenant(TenantProfile {
                    username: t.username.clone(),
                    display_name: t.display_name.clone(),
                    site_title: t.site_title.clone(),
                    description: t.description.clone(),
                }),
                t.default_lang,
                t.default_theme,
            ),
        };
        let lang = negotiate_lang(cookie(headers, LANG_COOKIE), accept, default_lang);
        let theme = cookie(headers, THEME_COOKIE)
            .and_then(Theme::parse)
            .unwrap_or(default_theme);
        // A server function is called with its own URL; the page it renders for is the referer.
        let path = if parts.uri.path().starts_with("/api/") {
            "/".to_string()
        } else {
            parts.uri.path().to_string()
        };
        let viewer = parts
            .extensions
            .get::<crate::auth::session::Session>()
            .map(|s| Viewer {
                username: s.username.clone(),
                admin: s.admin,
            });
        let login_error = (path == "/login")
            .then(|| parts.uri.query())
            .flatten()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("error=")))
            .filter(|code| code.len() <= 16 && code.chars().all(|c| c.is_ascii_lowercase()))
            .map(str::to_string);
        Ok(SiteInfo {
            kind,
            login_error,
            lang,
            theme,
            apex_url: apex_url(&client, &state.config.base_domain),
            path,
            viewer,
        })
    }
}
