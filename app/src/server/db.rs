//! The database: SQLite (embedded default) or PostgreSQL, behind one pool type.
//!
//! Query bodies are written once and expanded per backend by [`with_conn!`], so both backends
//! run the same code.

use diesel::sqlite::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Where the data lives, parsed from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path (or `:memory:`).
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<DatabaseUrl, String> {
        let raw = raw.trim();
        if let Some(path) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(
                    "a sqlite URL needs a file path, e.g. sqlite://data/deskfolio.db".into(),
                );
            }
            if path == ":memory:" || path.contains("mode=memory") {
                return Err(
                    "an in-memory SQLite database would differ per pooled connection; use a file path"
                        .into(),
                );
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(raw.to_string()));
        }
        Err("expected sqlite://<path> or postgres://user@host/db".into())
    }
}

#[derive(Clone)]
pub enum Db {
    Sqlite(Pool<SqliteConn>),
    Postgres(Pool<AsyncPgConnection>),
}

/// Runs `$body` with `$conn: &mut <backend connection>`, once per backend arm.
#[macro_export]
macro_rules! with_conn {
    ($db:expr, $conn:ident => $body:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite(pool) => {
                let mut pooled = pool.get().await?;
                let $conn = &mut *pooled;
                $body
            }
            $crate::server::db::Db::Postgres(pool) => {
                let mut pooled = pool.get().await?;
                let $conn = &mut *pooled;
                $body
            }
        }
    };
}

impl Db {
    /// Opens the pool. SQLite connections get WAL, a busy timeout and enforced foreign keys.
    pub async fn connect(url: &DatabaseUrl, max_size: usize) -> anyhow::Result<Db> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = std::path::Path::new(path).parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        anyhow::anyhow!(
                            "cannot create the folder {} for the SQLite database: {e}",
                            dir.display()
                        )
                    })?;
                }
                let mut config = ManagerConfig::<SqliteConn>::default();
                // A broken connection shows on its next query; a test query per checkout would
                // double the queries of every page.
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(|url| {
                    let url = url.to_string();
                    Box::pin(async move {
                        let mut conn = SqliteConn::establish(&url).await?;
                        conn.batch_execute(
                            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                        )
                        .await
                        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    })
                });
                let manager = AsyncDieselConnectionManager::new_with_config(path.clone(), config);
                let pool = Pool::builder(manager).max_size(max_size).build()?;
                // Fail at start-up, not on the first request, when the file can't be opened.
                drop(
                    pool.get()
                        .await
                        .map_err(|e| anyhow::anyhow!("cannot open SQLite database {path}: {e}"))?,
                );
                Ok(Db::Sqlite(pool))
            }
            DatabaseUrl::Postgres(url) => {
                let mut config = ManagerConfig::<AsyncPgConnection>::default();
                config.recycling_method = RecyclingMethod::Fast;
                let manager = AsyncDieselConnectionManager::new_with_config(url.clone(), config);
                let pool = Pool::builder(manager).max_size(max_size).build()?;
                drop(pool.get().await.map_err(|e| {
                    use std::error::Error as _;
                    let cause = e.source().map(|s| format!(" ({s})")).unwrap_or_default();
                    anyhow::anyhow!(
                        "cannot connect to PostgreSQL at {}: {e}{cause}",
                        redact(url)
                    )
                })?);
                Ok(Db::Postgres(pool))
            }
        }
    }

    /// One round trip to the database (readiness).
    pub async fn ping(&self) -> Result<(), crate::core::error::AppError> {
        use diesel_async::RunQueryDsl;
        crate::with_conn!(self, conn => {
            diesel::sql_query("SELECT 1").execute(conn).await?;
        });
        Ok(())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Applies pending migrations; safe when several nodes start at once (PostgreSQL takes an
    /// advisory lock, SQLite serialises writers). Re-running is a no-op.
    pub async fn migrate(&self) -> anyhow::Result<usize> {
        match self {
            Db::Sqlite(pool) => {
                let conn = pool.get().await?;
                let conn = diesel_async::pooled_connection::deadpool::Object::take(conn);
                run_migrations(conn, SQLITE_MIGRATIONS).await
            }
            Db::Postgres(pool) => {
                let mut conn = pool.get().await?;
                // A fixed key: "deskfolio" in ASCII, folded into an i64.
                conn.batch_execute("SELECT pg_advisory_lock(7250988123458516079)")
                    .await?;
                // Taken out of the pool: the session-level lock is released when this
                // connection closes after the migrations.
                let conn = diesel_async::pooled_connection::deadpool::Object::take(conn);
                run_migrations(conn, POSTGRES_MIGRATIONS).await
            }
        }
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = url[scheme + 3..at].split(':').next().unwrap_or_default();
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

async fn run_migrations<C>(conn: C, migrations: EmbeddedMigrations) -> anyhow::Result<usize>
where
    C: AsyncConnection + 'static,
    diesel_async::AsyncMigrationHarness<C>: MigrationHarness<C::Backend>,
{
    tokio::task::spawn_blocking(move || {
        let mut harness = diesel_async::AsyncMigrationHarness::new(conn);
        harness
            .run_pending_migrations(migrations)
            .map(|applied| applied.len())
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))
    })
    .await?
}
