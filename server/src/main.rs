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
    let state = server::prepare(&cli.config).await?;
    let router = server::router(state, options);
    let shown = if cli.config.base_domain == "localhost" {
        format!("http://demo.localhost:{}", addr.port())
    } else {
        format!("demo.{}", cli.config.base_domain)
    };
    tracing::info!("listening on http://{addr}");
    if cli.config.demo_tenant {
        println!(
            "Deskfolio is running: open {shown} for the demo portfolio, http://localhost:{} to register",
            addr.port()
        );
    }
    server::serve(router, addr).await
}
