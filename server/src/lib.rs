//! The Deskfolio server: configuration, router assembly, start-up and shutdown.

mod api;
pub mod config;
pub mod metrics;
mod origin;

use std::net::SocketAddr;
use std::path::PathBuf;

use app::server::db::Db;
use app::server::{AppState, SiteConfig};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::handle_server_fns_with_context;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::{Cli, Command, Config};

/// Opens the database, applies migrations and creates the demo tenant when asked.
pub async fn prepare(config: &Config) -> anyhow::Result<AppState> {
    let db = Db::connect(&config.database_url, usize::from(config.database_pool_size)).await?;
    let applied = db.migrate().await?;
    tracing::info!(backend = db.backend_name(), applied, "database ready");
    let chat = chat_services(config).await?;
    let state = AppState::new(
        db,
        chat,
        SiteConfig {
            base_domain: config.base_domain.clone(),
            trusted_proxies: config.trusted_proxies.0.clone(),
            owner_email: config.owner_email.clone(),
        },
    );
    let state = state.with_uploads(upload_storage(config)?);
    if let Some(email) = &config.owner_email
        && app::auth::ssr::promote_owner_email(&state, email).await?
    {
        tracing::info!("the account with OWNER_EMAIL is a platform admin");
    }
    if config.demo_tenant {
        let created = app::server::seed::ensure_demo_tenant(&state, config.demo_password.clone())
            .await
            .map_err(|e| anyhow::anyhow!("could not create the demo tenant: {e}"))?;
        if created {
            tracing::info!("created the demo tenant");
        }
    }
    Ok(state)
}

/// The assistant's provider and daily limiter, from configuration.
async fn chat_services(config: &Config) -> anyhow::Result<app::server::ChatServices> {
    let provider = assistant::ProviderConfig::from_parts(
        config.ai_base_url.clone(),
        config.ai_api_key.clone(),
        config.ai_model.clone(),
        config.ai_timeout_ms,
    )
    .map_err(|e| anyhow::anyhow!("AI_BASE_URL / AI_MODEL / AI_API_KEY: {e}"))?;
    tracing::info!(provider = %provider, "assistant ready");
    let provider = provider
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the assistant's provider: {e}"))?;
    let clock: std::sync::Arc<dyn limiter::Clock> = std::sync::Arc::new(limiter::SystemClock);
    let limiter = match &config.redis_url {
        Some(url) => limiter::Limiter::redis(
            url,
            std::time::Duration::from_millis(config.redis_timeout_ms),
            clock,
            LIMITER_CAPACITY,
        )
        .await
        .map_err(|e| anyhow::anyhow!("REDIS_URL: {e}"))?,
        None => limiter::Limiter::memory(clock, LIMITER_CAPACITY),
    };
    tracing::info!(limiter = limiter.backend().as_str(), "daily limit ready");
    Ok(app::server::ChatServices {
        provider: std::sync::Arc::from(provider),
        limiter,
        free_daily_limit: config.chat_free_daily_limit,
    })
}

/// Visitors the in-memory limiter remembers at most (older ones are evicted).
const LIMITER_CAPACITY: u64 = 200_000;

/// Upload storage from configuration: the S3 bucket when `S3_BUCKET` is set, else the folder.
fn upload_storage(config: &Config) -> anyhow::Result<app::server::storage::Uploads> {
    use app::server::storage::{LocalStorage, ObjectStorage, S3Settings, Storage};
    let storage: std::sync::Arc<dyn Storage> = match &config.s3_bucket {
        Some(bucket) => std::sync::Arc::new(
            ObjectStorage::s3(&S3Settings {
                bucket: bucket.clone(),
                region: config.s3_region.clone(),
                endpoint: config.s3_endpoint.clone(),
                access_key_id: config.s3_access_key_id.clone(),
                secret_access_key: config.s3_secret_access_key.clone(),
            })
            .map_err(|e| anyhow::anyhow!("S3_BUCKET / S3_REGION / S3_ENDPOINT: {e}"))?,
        ),
        None => std::sync::Arc::new(LocalStorage::new(&config.storage_dir)),
    };
    tracing::info!(storage = %storage.describe(), max_bytes = config.upload_max_bytes, "upload storage ready");
    Ok(app::server::storage::Uploads {
        storage,
        max_bytes: config.upload_max_bytes,
    })
}

/// The whole application router: pages, server functions, JSON endpoints and static files.
pub fn router(state: AppState, options: LeptosOptions) -> Router {
    // Leptos spawns resource futures on a global executor; already set is fine (tests build many routers).
    let _ = any_spawner::Executor::init_tokio();
    let context = {
        let state = state.clone();
        let options = options.clone();
        move || {
            provide_context(state.clone());
            provide_context(options.clone());
        }
    };
    let page = {
        let options = options.clone();
        leptos_axum::render_app_to_stream_in_order_with_context(context.clone(), move || {
            app::shell(options.clone())
        })
    };
    let server_fns = {
        let context = context.clone();
        move |req: Request<Body>| handle_server_fns_with_context(context.clone(), req)
    };
    let site_root = PathBuf::from(options.site_root.as_ref());
    let pkg_dir = site_root.join(options.site_pkg_dir.as_ref());

    // The wasm and JS bundles, served precompressed when the build made .br/.gz files.
    // Names are not hashed, so browsers revalidate (cheap 304s) rather than cache blindly.
    let pkg = Router::new()
        .fallback_service({
            let bundle = ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip();
            tower::service_fn(move |req: Request<Body>| {
                let bundle = bundle.clone();
                async move {
                    // A name the file system can't hold (too long…) is just not there.
                    let res = match tower::ServiceExt::oneshot(bundle, req).await {
                        Ok(res) if !res.status().is_server_error() => res.map(Body::new),
                        _ => StatusCode::NOT_FOUND.into_response(),
                    };
                    Ok::<_, std::convert::Infallible>(res)
                }
            })
        })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    // Unknown paths render the site's page with a not-found notice and a 404 status.
    let not_found_page = {
        let page = page.clone();
        move |req: Request<Body>| {
            let page = page.clone();
            async move {
                let mut res = page(req).await;
                if res.status() == StatusCode::OK {
                    *res.status_mut() = StatusCode::NOT_FOUND;
                }
                res
            }
        }
    };
    let static_files = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip();
    let assets = tower::service_fn(move |req: Request<Body>| {
        let static_files = static_files.clone();
        let not_found_page = not_found_page.clone();
        async move {
            // Names the file system can't hold are simply not there (not a server error).
            if req
                .uri()
                .path()
                .split('/')
                .any(|segment| segment.len() > 255)
            {
                return Ok::<_, std::convert::Infallible>(not_found_page(req).await);
            }
            let (parts, body) = req.into_parts();
            let probe = Request::from_parts(parts.clone(), Body::empty());
            match tower::ServiceExt::oneshot(static_files, probe).await {
                Ok(res) if res.status().is_success() || res.status().is_redirection() => {
                    Ok(res.map(Body::new))
                }

                _ => Ok(not_found_page(Request::from_parts(parts, body)).await),
            }
        }
    });

    let edit_fns = post(server_fns.clone())
        .layer(RequestBodyLimitLayer::new(api::MAX_EDIT_BODY))
        .layer(axum::middleware::from_fn(api::normalise_answers));
    Router::new()
        .route("/", get(page.clone()))
        .route("/files", get(page.clone()))
        .route("/files/", get(page.clone()))
        .route("/files/{*path}", get(page.clone()))
        // Saving or creating a file, and the editor's preview, carry up to 512 KiB of text.
        .route("/api/save_file", edit_fns.clone())
        .route("/api/create_file", edit_fns.clone())
        .route("/api/preview_markdown", edit_fns)
        .route(
            "/api/{*fn_name}",
            post(server_fns.clone())
                .get(server_fns)
                .layer(RequestBodyLimitLayer::new(api::MAX_BODY))
                .layer(axum::middleware::from_fn(api::normalise_answers)),
        )
        .route("/api/chat", post(app::chat::ssr::chat_handler))
        // Owner-only (session checked inside); behind the Origin check like every POST.
        .route("/upload", post(app::explorer::upload::upload_handler))
        .route("/raw/{*path}", get(app::explorer::upload::raw_handler))
        .route("/auth/register", post(app::auth::ssr::register_handler))
        .route("/auth/login", post(app::auth::ssr::login_handler))
        .route("/auth/logout", post(app::auth::ssr::logout_handler))
        .route(
            "/login",
            get(page.clone()).post(app::auth::ssr::login_form_handler),
        )
        .route("/logout", post(app::auth::ssr::logout_form_handler))
        .route("/healthz", get(live))
        .route("/readyz", get(ready))
        .nest("/pkg", pkg)
        .fallback_service(assets)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            app::auth::session::attach_session,
        ))
        .layer(axum::middleware::from_fn(origin::check_origin))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        // Other sites may not frame a portfolio (clickjacking); its own pages may.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            app::server::tenancy::resolve_site,
        ))
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(state)
}

/// Liveness: answers from memory, touches nothing (also the benchmark's ceiling).
async fn live() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Binds the listening socket (before anything is announced, so a busy port fails first).
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {addr}: {e} (set LISTEN_ADDR to another address)")
    })
}

/// How long in-flight requests get to finish after Ctrl+C or SIGTERM.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves until Ctrl+C or SIGTERM, then lets in-flight requests finish (at most 10 s, so a
/// stalled client can't hold the process).
pub async fn serve(router: Router, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY keep-alive responses wait on delayed ACKs.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stopping_tx.send(());
    });
    let deadline = async move {
        if stopping_rx.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server => result?,
        () = deadline => tracing::warn!("requests still open after {SHUTDOWN_GRACE:?}; stopping anyway"),
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
