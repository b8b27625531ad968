//! `TestApp`: the real router over a fresh database (a SQLite file or a PostgreSQL schema).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use app::server::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, StatusCode};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests use; CI starts it. Tests fail (never skip) when it is absent.
pub fn postgres_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The Redis the limiter tests use; CI starts it. Tests fail (never skip) when it is absent.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _db: TestDb,
}

/// Owns the per-test database and removes it afterwards.
enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { schema: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { schema } = self {
            let schema = schema.clone();
            // Drop runs outside any async context guarantee: use a private runtime on a thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async move {
                    let (client, conn) =
                        tokio_postgres::connect(&postgres_url(), tokio_postgres::NoTls)
                            .await
                            .ok()?;
                    tokio::spawn(conn);
                    client
                        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    /// The body as text (lossy); `bytes` holds it exactly.
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

#[derive(Default, Clone)]
pub struct Options {
    pub demo: bool,
    pub trusted_proxies: Vec<&'static str>,
    pub owner_email: Option<&'static str>,
    pub redis_url: Option<String>,
    pub chat_limit: Option<u32>,
    /// An OpenAI-compatible endpoint (a local test server) instead of the offline responder.
    pub ai_base_url: Option<String>,
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        TestApp::with(backend, Options::default()).await
    }

    pub async fn with(backend: Backend, options: Options) -> TestApp {
        let (url, db) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("test.db");
                (format!("sqlite://{}", path.display()), TestDb::Sqlite(dir))
            }
            Backend::Postgres => {
                let schema = format!("t_{}", uuid_like());
                let (client, conn) = tokio_postgres::connect(&postgres_url(), tokio_postgres::NoTls)
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "PostgreSQL is required for the postgres half of the suite and is not reachable at {} ({e}). \
                             Start it, or set TEST_POSTGRES_URL.",
                            postgres_url()
                        )
                    });
                tokio::spawn(conn);
                client
                    .batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .await
                    .expect("create schema");
                let sep = if postgres_url().contains('?') {
                    '&'
                } else {
                    '?'
                };
                (
                    format!("{}{sep}options=-c%20search_path%3D{schema}", postgres_url()),
                    TestDb::Postgres { schema },
                )
            }
        };
        let mut args = vec![
            "deskfolio".to_string(),
            "--database-url".into(),
            url,
            "--database-pool-size".into(),
            "4".into(),
            "--demo-tenant".into(),
            options.demo.to_string(),
        ];
        if !options.trusted_proxies.is_empty() {
            args.push("--trusted-proxies".into());
            args.push(options.trusted_proxies.join(","));
        }
        if let Some(url) = &options.redis_url {
            args.extend(["--redis-url".into(), url.clone()]);
        }
        if let Some(limit) = options.chat_limit {
            args.extend(["--chat-free-daily-limit".into(), limit.to_string()]);
        }
        if let Some(url) = &options.ai_base_url {
            args.extend([
                "--ai-base-url".into(),
                url.clone(),
                "--ai-model".into(),
                "test-model".into(),
                "--ai-timeout-ms".into(),
                "3000".into(),
            ]);
        }
        if let Some(email) = options.owner_email {
            args.push("--owner-email".into());
            args.push(email.into());
        }
        let cli = <server::Cli as clap::Parser>::try_parse_from(args).expect("test config");
        let state = server::prepare(&cli.config).await.expect("prepare");
        let leptos = leptos::config::LeptosOptions::builder()
            .output_name("deskfolio")
            .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"))
            .build();
        let router = server::router(state.clone(), leptos);
        TestApp {
            router,
            state,
            _db: db,
        }
    }

    /// Sends a request as if from `peer`.
    pub async fn send_from(&self, peer: &str, mut req: Request<Body>) -> Response {
        let peer: SocketAddr = format!("{peer}:40000")
            .parse()
            .or_else(|_| format!("[{peer}]:40000").parse())
            .expect("peer");
        req.extensions_mut().insert(ConnectInfo(peer));
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("infallible router");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Response {
        self.send_from("198.51.100.20", req).await
    }

    pub async fn get(&self, host: &str, path: &str) -> Response {
        self.send(
            Request::get(path)
                .header("host", host)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn register(&self, body: serde_json::Value) -> Response {
        self.send(
            Request::post("/auth/register")
                .header("host", "localhost:3000")
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// Calls a server function the way the browser does (form-encoded POST from its own page).
    pub async fn server_fn(&self, host: &str, name: &str, form: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(form).unwrap();
        self.send(
            Request::post(format!("/api/{name}"))
                .header("host", host)
                .header("origin", format!("http://{host}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Logs in through `POST /auth/login` on `host` (from that host's own page).
    pub async fn login(&self, host: &str, username: &str, password: &str) -> Response {
        self.send(
            Request::post("/auth/login")
                .header("host", host)
                .header("origin", format!("http://{host}"))
                .header("content-type", "application/json")
                .body(Body::from(
                    serde_json::json!({"username": username, "password": password}).to_string(),
                ))
                .unwrap(),
        )
        .await
    }

    /// Logs `name` in on its own host and returns the `Cookie` header value to send.
    pub async fn owner_cookie(&self, name: &str) -> String {
        let res = self
            .login(
                &format!("{name}.localhost:3000"),
                name,
                "correct horse battery",
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        session_cookie(&res).expect("session cookie")
    }

    /// A server function called with a session cookie.
    pub async fn server_fn_with(
        &self,
        host: &str,
        name: &str,
        form: &[(&str, &str)],
        cookie: &str,
    ) -> Response {
        let body = serde_urlencoded::to_string(form).unwrap();
        self.send(
            Request::post(format!("/api/{name}"))
                .header("host", host)
                .header("origin", format!("http://{host}"))
                .header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Registers `name` and checks it worked.
    pub async fn tenant(&self, name: &str) {
        let res = self
            .register(serde_json::json!({"username": name, "password": "correct horse battery"}))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Declares each test once per backend: `mod sqlite { ... }` and `mod postgres { ... }`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name($crate::common::Backend::Sqlite).await }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name($crate::common::Backend::Postgres).await }
            )*
        }
    };
}

/// Runs a query body against the test database; `?` inside converts errors to `AppError`.
#[macro_export]
macro_rules! db {
    ($app:expr, $conn:ident => $body:expr) => {
        (async { Ok::<_, app::core::error::AppError>(app::with_conn!(&$app.state.db, $conn => $body)) }).await
    };
}

/// The `name=value` of the session cookie a response sets, ready for a `Cookie` header.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("deskfolio_session=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// A loopback address no other test uses, so daily counters (which live in Redis across runs)
/// start at zero.
pub fn fresh_visitor() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "fd00:{:x}:{:x}:{:x}::1",
        std::process::id() & 0xffff,
        nanos & 0xffff,
        (n + (nanos >> 16)) & 0xffff
    )
}
