//! Tenant resolution: which site a request is for, decided once per request from its host.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use moka::future::Cache;

use super::schema::{settings, users};
use super::{AppState, SiteConfig};
use crate::core::error::AppError;
use crate::core::i18n::{Lang, Theme};

/// A tenant's id. Tenant-scoped queries take this type, so a query without a tenant does not
/// compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TenantId(pub i64);

/// A tenant as the request pipeline sees it: identity plus the settings every page needs.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: TenantId,
    pub username: String,
    pub display_name: String,
    pub plan: String,
    pub site_title: String,
    pub description: String,
    pub default_lang: Lang,
    pub default_theme: Theme,
}

/// What a request's host points at.
#[derive(Debug, Clone)]
pub enum RequestSite {
    Landing,
    Tenant(Arc<Tenant>),
    Unknown { host: String },
}

/// Facts about the client, with forwarding headers believed only from trusted proxies.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub peer: IpAddr,
    pub ip: IpAddr,
    pub https: bool,
    /// The host as the browser sent it (normalised, port kept), for building absolute URLs.
    pub host: String,
}

impl ClientInfo {
    pub fn scheme(&self) -> &'static str {
        if self.https { "https" } else { "http" }
    }
}

/// Where a host name points, before any database lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostTarget {
    Apex,
    Subdomain(String),
    Outside,
}

/// Lower-cases, strips the port and a trailing dot. Returns `(name, port)`.
pub fn normalise_host(raw: &str) -> (String, Option<String>) {
    let raw = raw.trim().to_ascii_lowercase();
    let (name, port) = if let Some(rest) = raw.strip_prefix('[') {
        // [v6]:port
        match rest.split_once(']') {
            Some((addr, tail)) => (addr.to_string(), tail.strip_prefix(':').map(str::to_string)),
            None => (rest.to_string(), None),
        }
    } else if raw.matches(':').count() == 1 {
        let (name, port) = raw.split_once(':').unwrap_or((&raw, ""));
        (
            name.to_string(),
            (!port.is_empty()).then(|| port.to_string()),
        )
    } else {
        (raw.clone(), None)
    };
    let name = name.strip_suffix('.').unwrap_or(&name).to_string();
    (name, port)
}

/// A port as browsers send it: 1–65535 in digits.
fn valid_port(port: &str) -> bool {
    port.len() <= 5
        && port.chars().all(|c| c.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|p| p > 0)
}

/// Classifies a normalised host name against the base domain. IP-address hosts show the
/// landing page; only a single label directly under the base domain can be a tenant.
pub fn classify_host(name: &str, base_domain: &str) -> HostTarget {
    if name.parse::<IpAddr>().is_ok() {
        return HostTarget::Apex;
    }
    if name == base_domain || name == format!("www.{base_domain}") {
        return HostTarget::Apex;
    }
    match name
        .strip_suffix(base_domain)
        .and_then(|rest| rest.strip_suffix('.'))
    {
        Some(label) if !label.is_empty() && !label.contains('.') => {
            HostTarget::Subdomain(label.to_string())
        }
        _ => HostTarget::Outside,
    }
}

/// IPv4-mapped IPv6 addresses compare as the IPv4 they carry.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Works out the client's address: the peer, or — when the peer is a trusted proxy — the
/// rightmost address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, config: &SiteConfig) -> IpAddr {
    let peer = canonical_ip(peer);
    if !config.is_trusted_proxy(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut current = peer;
    for hop in header.rsplit(',') {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        current = canonical_ip(ip);
        if !config.is_trusted_proxy(current) {
            break;
        }
    }
    current
}

/// Decides the target of a request from its headers and peer.
pub fn target_for_request(
    headers: &http::HeaderMap,
    peer: IpAddr,
    config: &SiteConfig,
) -> (HostTarget, String) {
    let host_header = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (name, port) = normalise_host(host_header);
    // A malformed port would end up in the URLs we build: such a host is nobody's.
    if port.as_deref().is_some_and(|p| !valid_port(p)) || host_header.trim().ends_with(':') {
        return (HostTarget::Outside, name);
    }
    if config.is_trusted_proxy(peer)
        && let Some(sub) = headers.get("x-subdomain").and_then(|v| v.to_str().ok())
    {
        let sub = sub.trim().to_ascii_lowercase();
        let target = if sub.is_empty() || sub == "www" {
            HostTarget::Apex
        } else if sub.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            HostTarget::Subdomain(sub)
        } else {
            HostTarget::Outside
        };
        return (target, name);
    }
    (classify_host(&name, &config.base_domain), name)
}

/// A bounded, short-lived cache of tenant lookups (negative answers too, for less time), so
/// the hot path does not query the database on every request.
#[derive(Clone)]
pub struct TenantCache {
    found: Cache<String, Arc<Tenant>>,
    missing: Cache<String, ()>,
}

impl Default for TenantCache {
    fn default() -> Self {
        Self::new()
    }
}

impl TenantCache {
    pub fn new() -> TenantCache {
        TenantCache {
            found: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(30))
                .build(),
            missing: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(3))
                .build(),
        }
    }

    /// Forgets what is cached for a username (after registration or a settings change).
    pub async fn invalidate(&self, username: &str) {
        self.found.invalidate(username).await;
        self.missing.invalidate(username).await;
    }
}

/// Looks a tenant up by username, through the cache.
pub async fn find_tenant(
    state: &AppState,
    username: &str,
) -> Result<Option<Arc<Tenant>>, AppError> {
    if let Some(t) = state.tenants.found.get(username).await {
        return Ok(Some(t));
    }
    if state.tenants.missing.get(username).await.is_some() {
        return Ok(None);
    }
    match load_tenant(state, username).await? {
        Some(tenant) => {
            let tenant = Arc::new(tenant);
            state
                .tenants
                .found
                .insert(username.to_string(), tenant.clone())
                .await;
            Ok(Some(tenant))
        }
        None => {
            state.tenants.missing.insert(username.to_string(), ()).await;
            Ok(None)
        }
    }
}

async fn load_tenant(state: &AppState, username: &str) -> Result<Option<Tenant>, AppError> {
    let found: Option<(i64, String, String, String, bool)> = crate::with_conn!(&state.db, conn => {
        users::table
            .filter(users::username.eq(username))
            .select((users::id, users::username, users::display_name, users::plan, users::disabled))
            .first(conn)
            .await
            .optional()?
    });
    let Some((id, username, display_name, plan, disabled)) = found else {
        return Ok(None);
    };
    if disabled {
        return Ok(None);
    }
    let id = TenantId(id);
    let values = load_settings(
        state,
        id,
        &[
            "owner_name",
            "site_title",
            "description",
            "language",
            "theme",
        ],
    )
    .await?;
    let get = |key: &str| {
        values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let owner_name = get("owner_name").unwrap_or_else(|| display_name.clone());
    let fill = |t: String| crate::core::template::fill(&t, &[("owner_name", &owner_name)]);
    Ok(Some(Tenant {
        id,
        site_title: get("site_title")
            .map(fill)
            .unwrap_or_else(|| owner_name.clone()),
        description: get("description").map(fill).unwrap_or_default(),
        default_lang: get("language")
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default(),
        default_theme: get("theme")
            .and_then(|t| Theme::parse(&t))
            .unwrap_or_default(),
        username,
        display_name: owner_name.clone(),
        plan,
    }))
}

/// Reads some of a tenant's settings, as stored (templates unfilled).
pub async fn load_settings(
    state: &AppState,
    tenant: TenantId,
    keys: &[&str],
) -> Result<Vec<(String, String)>, AppError> {
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let rows = crate::with_conn!(&state.db, conn => {
        settings::table
            .filter(settings::tenant_id.eq(tenant.0))
            .filter(settings::key.eq_any(&keys))
            .select((settings::key, settings::value))
            .load::<(String, String)>(conn)
            .await?
    });
    Ok(rows)
}

/// Axum middleware: resolves the site and client facts once and stores them in the request.
pub async fn resolve_site(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer_ip = canonical_ip(peer.ip());
    let (target, name) = target_for_request(req.headers(), peer_ip, &state.config);
    let site = match target {
        HostTarget::Apex => RequestSite::Landing,
        HostTarget::Outside => RequestSite::Unknown { host: name.clone() },
        HostTarget::Subdomain(label) => match find_tenant(&state, &label).await {
            Ok(Some(tenant)) => RequestSite::Tenant(tenant),
            Ok(None) => RequestSite::Unknown { host: name.clone() },
            Err(err) => return axum::response::IntoResponse::into_response(err),
        },
    };
    let trusted = state.config.is_trusted_proxy(peer_ip);
    let headers = req.headers();
    let forwarded_for = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let https = trusted
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    let host = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
        .unwrap_or_default();
    let client = ClientInfo {
        peer: peer_ip,
        ip: client_ip(peer_ip, forwarded_for, &state.config),
        https,
        host,
    };
    req.extensions_mut().insert(site);
    req.extensions_mut().insert(client);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(proxies: &[&str]) -> SiteConfig {
        SiteConfig {
            base_domain: "example.com".into(),
            trusted_proxies: proxies.iter().filter_map(|p| p.parse().ok()).collect(),
            owner_email: None,
        }
    }

    fn target(host: &str, subdomain: Option<&str>, peer: &str, cfg: &SiteConfig) -> HostTarget {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::HOST,
            host.parse().unwrap_or(http::HeaderValue::from_static("")),
        );
        if let Some(sub) = subdomain {
            headers.insert(
                "x-subdomain",
                sub.parse().unwrap_or(http::HeaderValue::from_static("")),
            );
        }
        let peer: IpAddr = peer.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]));
        target_for_request(&headers, peer, cfg).0
    }

    #[test]
    fn hosts_resolve_by_table() {
        let cfg = config(&[]);
        let sub = |s: &str| HostTarget::Subdomain(s.to_string());
        let cases: &[(&str, HostTarget)] = &[
            ("example.com", HostTarget::Apex),
            ("example.com:3000", HostTarget::Apex),
            ("EXAMPLE.COM.", HostTarget::Apex),
            ("www.example.com", HostTarget::Apex),
            ("ana.example.com", sub("ana")),
            ("Ana.Example.Com:8443", sub("ana")),
            ("ana.example.com.", sub("ana")),
            ("ana.example.com.:3000", sub("ana")),
            ("ana.example.com..", HostTarget::Outside),
            ("ana.example.com:abc", HostTarget::Outside),
            ("ana.example.com:99999", HostTarget::Outside),
            ("ana.example.com:", HostTarget::Outside),
            ("deep.ana.example.com", HostTarget::Outside),
            ("ana.other.com", HostTarget::Outside),
            ("anaexample.com", HostTarget::Outside),
            ("127.0.0.1", HostTarget::Apex),
            ("127.0.0.1:3000", HostTarget::Apex),
            ("[::1]:3000", HostTarget::Apex),
            ("[2001:db8::1]", HostTarget::Apex),
            ("", HostTarget::Outside),
        ];
        for (host, expected) in cases {
            assert_eq!(
                &target(host, None, "203.0.113.9", &cfg),
                expected,
                "host {host}"
            );
        }
    }

    #[test]
    fn x_subdomain_from_an_untrusted_peer_is_ignored() {
        let cfg = config(&["10.0.0.0/8"]);
        assert_eq!(
            target("example.com", Some("victim"), "203.0.113.9", &cfg),
            HostTarget::Apex
        );
        assert_eq!(
            target("example.com", Some("victim"), "10.1.2.3", &cfg),
            HostTarget::Subdomain("victim".into())
        );
        assert_eq!(
            target("ana.example.com", Some("www"), "10.1.2.3", &cfg),
            HostTarget::Apex
        );
        assert_eq!(
            target("example.com", Some("a.b"), "10.1.2.3", &cfg),
            HostTarget::Outside
        );
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let cfg = config(&["10.0.0.0/8"]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        // Untrusted peer: its header is ignored.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &cfg),
            ip("203.0.113.9")
        );
        // Trusted peer: the rightmost untrusted hop wins, spoofed left entries do not.
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                Some("6.6.6.6, 198.51.100.7, 10.0.0.5"),
                &cfg
            ),
            ip("198.51.100.7")
        );
        // IPv4-mapped peers count as their IPv4 address.
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.2"), Some("198.51.100.7"), &cfg),
            ip("198.51.100.7")
        );
    }
}
