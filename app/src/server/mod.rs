//! Server-only infrastructure shared by the features: state, database, tenancy.

pub mod db;
pub mod schema;
pub mod seed;
pub mod storage;
pub mod tenancy;
pub mod tree;

use std::sync::Arc;

use ipnet::IpNet;

use crate::core::error::AppError;
use db::Db;
use tenancy::TenantCache;

/// Settings the application needs at run time; the binary builds it from its configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The apex domain, e.g. `example.com`; tenants live at `<username>.<base_domain>`.
    pub base_domain: String,
    /// Peers whose `X-Subdomain` / `X-Forwarded-*` headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// The account with this email is a platform admin (`OWNER_EMAIL`).
    pub owner_email: Option<String>,
}

impl SiteConfig {
    pub fn is_trusted_proxy(&self, ip: std::net::IpAddr) -> bool {
        let ip = tenancy::canonical_ip(ip);
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }
}

/// The assistant: its provider and the visitors' daily limit.
#[derive(Clone)]
pub struct ChatServices {
    pub provider: Arc<dyn assistant::Provider>,
    pub limiter: limiter::Limiter,
    /// Questions per visitor per UTC day on free tenants.
    pub free_daily_limit: u32,
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<SiteConfig>,
    pub tenants: TenantCache,
    /// Rendered, sanitised markdown by (node id, version): every edit bumps the version, so
    /// stale entries are never read again.
    pub rendered: moka::future::Cache<(i64, i32), Arc<str>>,
    pub trees: tree::TreeCache,
    /// Failed-login and registration counters of this node.
    pub throttles: Arc<crate::auth::session::Throttles>,
    pub chat: ChatServices,
    /// Where uploaded files are stored, and how large they may be.
    pub uploads: storage::Uploads,
}

impl AppState {
    pub fn new(db: Db, chat: ChatServices, config: SiteConfig) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            tenants: TenantCache::new(),
            rendered: moka::future::Cache::builder()
                .max_capacity(32 * 1024 * 1024)
                .weigher(|_, html: &Arc<str>| u32::try_from(html.len()).unwrap_or(u32::MAX))
                .time_to_idle(std::time::Duration::from_secs(600))
                .build(),
            trees: tree::new_cache(),
            throttles: Arc::default(),
            chat,
            uploads: storage::Uploads::default(),
        }
    }

    /// Replaces the default upload storage (`data/uploads`, 10 MiB) with the configured one.
    pub fn with_uploads(mut self, uploads: storage::Uploads) -> AppState {
        self.uploads = uploads;
        self
    }
}

/// The application state, from the Leptos context of the current request.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("request context", "AppState missing from context"))
}

/// The request's parts (headers, extensions), from the Leptos context.
pub fn request_parts() -> Result<http::request::Parts, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .ok_or_else(|| AppError::internal("request context", "request parts missing from context"))
}

pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
