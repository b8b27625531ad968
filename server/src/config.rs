//! Configuration: environment variables (or flags) read once into typed values.
//! A malformed value stops start-up with a message naming the variable.

use std::net::SocketAddr;

use app::server::db::DatabaseUrl;
use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;

#[derive(Debug, Parser)]
#[command(
    name = "deskfolio",
    version,
    about = "Deskfolio: portfolios as in-browser desktops"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, Copy, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Apex domain; tenants are served at <username>.<BASE_DOMAIN>.
    #[arg(long, env = "BASE_DOMAIN", default_value = "localhost", value_parser = parse_base_domain)]
    pub base_domain: String,

    /// sqlite://<path> or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/deskfolio.db", value_parser = DatabaseUrl::parse)]
    pub database_url: DatabaseUrl,

    /// Maximum database connections of this node.
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=512))]
    pub database_pool_size: u16,

    /// Comma-separated addresses or CIDRs of proxies whose X-Subdomain / X-Forwarded-* headers are believed.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "", value_parser = parse_proxies)]
    pub trusted_proxies: TrustedProxies,

    /// Address to listen on; defaults to the Leptos site address (127.0.0.1:3000).
    #[arg(long, env = "LISTEN_ADDR")]
    pub listen_addr: Option<SocketAddr>,

    /// Create the `demo` tenant with sample content on start-up. Turn off in production.
    #[arg(long, env = "DEMO_TENANT", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_tenant: bool,

    /// The account registered with this email becomes platform admin.
    #[arg(long, env = "OWNER_EMAIL", value_parser = parse_owner_email)]
    pub owner_email: Option<String>,

    /// Password of the demo tenant's owner (random when unset).
    #[arg(long, env = "DEMO_PASSWORD", hide_env_values = true, value_parser = parse_demo_password)]
    pub demo_password: Option<String>,
}

fn parse_base_domain(raw: &str) -> Result<String, String> {
    let domain = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if domain.is_empty() || !domain.split('.').all(valid_label) {
        return Err(
            "expected a domain name such as example.com or localhost (no scheme, port or path)"
                .into(),
        );
    }
    Ok(domain)
}

/// The parsed `TRUSTED_PROXIES` list (empty when unset or blank).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

fn parse_proxies(raw: &str) -> Result<TrustedProxies, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(parse_proxy)
        .collect::<Result<Vec<_>, _>>()
        .map(TrustedProxies)
}

fn parse_demo_password(raw: &str) -> Result<String, String> {
    app::core::names::check_password(raw)
        .map(|()| raw.to_string())
        .map_err(str::to_string)
}

fn parse_owner_email(raw: &str) -> Result<String, String> {
    app::core::names::parse_email(raw).map_err(str::to_string)
}

fn parse_proxy(raw: &str) -> Result<IpNet, String> {
    let raw = raw.trim();
    if let Ok(net) = raw.parse::<IpNet>() {
        return Ok(net);
    }
    raw.parse::<std::net::IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("“{raw}” is not an IP address or CIDR such as 10.0.0.0/8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn defaults_need_no_environment() {
        let cli = Cli::try_parse_from(["deskfolio"]).map_err(|e| e.to_string());
        let cli = cli.unwrap_or_else(|e| panic!("defaults must parse: {e}"));
        assert_eq!(cli.config.base_domain, "localhost");
        assert_eq!(
            cli.config.database_url,
            DatabaseUrl::Sqlite("data/deskfolio.db".into())
        );
        assert!(cli.config.trusted_proxies.0.is_empty());
        assert!(cli.config.demo_tenant);
    }

    #[test]
    fn malformed_values_name_the_variable() {
        let err = Cli::try_parse_from(["deskfolio", "--database-url", "mysql://x"])
            .err()
            .map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(
            err.contains("DATABASE_URL") && err.contains("sqlite://"),
            "{err}"
        );
        let err = Cli::try_parse_from(["deskfolio", "--trusted-proxies", "10.0.0.0/8,nope"])
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("TRUSTED_PROXIES"));
        let err = Cli::try_parse_from(["deskfolio", "--base-domain", "http://x.com"])
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("BASE_DOMAIN"));
    }

    #[test]
    fn proxies_accept_addresses_and_cidrs() {
        let cli = Cli::try_parse_from([
            "deskfolio",
            "--trusted-proxies",
            "127.0.0.1, 10.0.0.0/8,::1",
        ]);
        let proxies = cli.map(|c| c.config.trusted_proxies.0.len()).unwrap_or(0);
        assert_eq!(proxies, 3);
        let blank = Cli::try_parse_from(["deskfolio", "--trusted-proxies", ""]);
        assert_eq!(
            blank.map(|c| c.config.trusted_proxies.0.len()).ok(),
            Some(0)
        );
        let err = Cli::try_parse_from(["deskfolio", "--demo-password", "short"])
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("DEMO_PASSWORD"));
    }
}
