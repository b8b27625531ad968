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

    /// Address for Prometheus metrics (`GET /metrics`), e.g. 127.0.0.1:9100; off when unset.
    /// Keep it off the public proxy.
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// Create the `demo` tenant with sample content on start-up. Turn off in production.
    #[arg(long, env = "DEMO_TENANT", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_tenant: bool,

    /// The account registered with this email becomes platform admin.
    #[arg(long, env = "OWNER_EMAIL", value_parser = parse_owner_email)]
    pub owner_email: Option<String>,

    /// Redis for the assistant's daily limit, shared by all nodes (in-memory limiter when unset).
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// How long a limiter call may wait for Redis before the in-memory fallback answers.
    #[arg(long, env = "REDIS_TIMEOUT_MS", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub redis_timeout_ms: u64,

    /// Questions a visitor may ask a free tenant's assistant per UTC day.
    #[arg(long, env = "CHAT_FREE_DAILY_LIMIT", default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub chat_free_daily_limit: u32,

    /// OpenAI-compatible endpoint, e.g. https://api.openai.com/v1 (built-in offline responder when unset).
    #[arg(long, env = "AI_BASE_URL")]
    pub ai_base_url: Option<String>,

    /// API key for AI_BASE_URL (optional for local servers such as Ollama).
    #[arg(long, env = "AI_API_KEY", hide_env_values = true)]
    pub ai_api_key: Option<String>,

    /// Model name for AI_BASE_URL, e.g. gpt-4o-mini or llama3.1.
    #[arg(long, env = "AI_MODEL")]
    pub ai_model: Option<String>,

    /// Longest an answer may take, in milliseconds.
    #[arg(long, env = "AI_TIMEOUT_MS", default_value_t = 60_000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub ai_timeout_ms: u64,

    /// Password of the demo tenant's owner (random when unset).
    #[arg(long, env = "DEMO_PASSWORD", hide_env_values = true, value_parser = parse_demo_password)]
    pub demo_password: Option<String>,

    /// Folder for uploaded files (used unless S3_BUCKET is set); created on the first upload.
    #[arg(long, env = "STORAGE_DIR", default_value = app::server::storage::DEFAULT_STORAGE_DIR)]
    pub storage_dir: std::path::PathBuf,

    /// Largest upload, in bytes or with a unit: 10MB, 512KB.
    #[arg(long, env = "UPLOAD_MAX_BYTES", default_value = "10MB", value_parser = parse_byte_size)]
    pub upload_max_bytes: u64,

    /// S3-compatible bucket for uploads instead of STORAGE_DIR. Unset S3_* values fall back
    /// to the usual AWS_* variables.
    #[arg(long, env = "S3_BUCKET")]
    pub s3_bucket: Option<String>,

    /// The bucket's region, e.g. eu-west-1.
    #[arg(long, env = "S3_REGION")]
    pub s3_region: Option<String>,

    /// Endpoint of a non-AWS store (MinIO, R2, …), e.g. https://s3.example.com.
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    #[arg(long, env = "S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,

    #[arg(long, env = "S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
}

/// Bytes, or a number with KB / MB / GB (powers of 1024; `KiB` and `MiB` too).
fn parse_byte_size(raw: &str) -> Result<u64, String> {
    let text = raw.trim().to_ascii_lowercase();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit = match unit.trim() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => return Err("expected a size such as 10MB, 512KB or 1048576".into()),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|n| (1..=4 * 1024 * 1024 * 1024).contains(n))
        .ok_or_else(|| "expected a size between 1 byte and 4GB, such as 10MB".into())
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
    fn upload_sizes_take_units() {
        assert_eq!(parse_byte_size("10MB"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_byte_size(" 512 kb"), Ok(512 * 1024));
        assert_eq!(parse_byte_size("1048576"), Ok(1024 * 1024));
        assert!(parse_byte_size("0").is_err());
        assert!(parse_byte_size("ten").is_err());
        assert!(parse_byte_size("5TB").is_err());
        let err = Cli::try_parse_from(["deskfolio", "--upload-max-bytes", "lots"])
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("UPLOAD_MAX_BYTES"));
        let cli = Cli::try_parse_from(["deskfolio"]).map(|c| c.config.upload_max_bytes);
        assert_eq!(
            cli.ok(),
            Some(app::server::storage::DEFAULT_UPLOAD_MAX_BYTES)
        );
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
