//! `deskfolio [serve|migrate]`.

use clap::Parser;
use server::{Cli, Command};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("deskfolio: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    if command == Command::Migrate {
        let db = app::server::db::Db::connect(&cli.config.database_url, 1).await?;
        let applied = db.migrate().await?;
        println!(
            "{applied} migration(s) applied to the {} database",
            db.backend_name()
        );
        return Ok(());
    }
    let conf = leptos::config::get_configuration(None)
        .map_err(|e| anyhow::anyhow!("Leptos configuration: {e}"))?;
    let options = conf.leptos_options;
    let addr = cli.config.listen_addr.unwrap_or(options.site_addr);
    let listener = server::bind(addr).await?;
    if let Some(metrics_addr) = cli.config.metrics_addr {
        let handle = server::metrics::install()?;
        let metrics_listener = server::bind(metrics_addr).await?;
        tracing::info!("metrics on http://{metrics_addr}/metrics");
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics_listener, server::metrics::router(handle)).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    let state = server::prepare(&cli.config).await?;
    let router = server::router(state, options);
    tracing::info!("listening on http://{addr}");
    let domain = &cli.config.base_domain;
    if domain == "localhost" {
        let port = addr.port();
        let demo = if cli.config.demo_tenant {
            format!("open http://demo.localhost:{port} for the demo portfolio, ")
        } else {
            String::new()
        };
        println!("Deskfolio is running: {demo}http://localhost:{port} to register");
    } else {
        println!("Deskfolio is serving {domain} and *.{domain} on {addr}");
    }
    server::serve(router, listener).await
}
