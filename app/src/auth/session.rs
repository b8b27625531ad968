//! Owner sessions: opaque random tokens (stored hashed), host-only cookies, login with
//! throttling, logout and password change.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::PasswordVerifier;
use argon2::password_hash::phc::PasswordHash;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::core::error::AppError;
use crate::core::names::PASSWORD_MAX;
use crate::core::site::ssr::cookie;
use crate::server::schema::{sessions, users};
use crate::server::tenancy::{ClientInfo, RequestSite, TenantId};
use crate::server::{AppState, now};

/// A session lives at most this long, however active.
pub const SESSION_LIFETIME: chrono::Duration = chrono::Duration::days(30);
/// A session unused for this long is over.
pub const SESSION_IDLE: chrono::Duration = chrono::Duration::days(7);
/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::minutes(10);

/// A logged-in user on the tenant whose host the session was created on.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub tenant: TenantId,
    pub user_id: i64,
    pub username: String,
    pub admin: bool,
}

/// The cookie's name: `__Host-` over HTTPS makes browsers insist on Secure, Path=/ and no Domain.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-deskfolio_session"
    } else {
        "deskfolio_session"
    }
}

/// `Set-Cookie` for a new session: host-only (no Domain), HttpOnly, SameSite=Lax.
pub fn session_cookie(token: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    let max_age = SESSION_LIFETIME.num_seconds();
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        cookie_name(https)
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(https)
    )
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored as their SHA-256: a leaked table does not yield usable cookies.
fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a session for `user_id` on `tenant` and returns its token.
pub async fn create_session(
    state: &AppState,
    tenant: TenantId,
    user_id: i64,
) -> Result<String, AppError> {
    let token = new_token();
    let hash = token_hash(&token);
    let at = now();
    crate::with_conn!(&state.db, conn => {
        diesel::insert_into(sessions::table)
            .values((
                sessions::tenant_id.eq(tenant.0),
                sessions::user_id.eq(user_id),
                sessions::token_hash.eq(&hash),
                sessions::created_at.eq(at),
                sessions::last_seen_at.eq(at),
                sessions::expires_at.eq(at + SESSION_LIFETIME),
            ))
            .execute(conn)
            .await?;
    });
    Ok(token)
}

/// The session a token names, if it is alive and belongs to `tenant`'s host.
pub async fn find_session(
    state: &AppState,
    tenant: TenantId,
    token: &str,
) -> Result<Option<Session>, AppError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = token_hash(token);
    type Row = (
        i64,
        i64,
        i64,
        NaiveDateTime,
        NaiveDateTime,
        String,
        String,
        bool,
    );
    let row: Option<Row> = crate::with_conn!(&state.db, conn => {
        sessions::table
            .inner_join(users::table.on(users::id.eq(sessions::user_id)))
            .filter(sessions::token_hash.eq(&hash))
            .select((
                sessions::id,
                sessions::tenant_id,
                sessions::user_id,
                sessions::last_seen_at,
                sessions::expires_at,
                users::username,
                users::role,
                users::disabled,
            ))
            .first(conn)
            .await
            .optional()?
    });
    let Some((id, session_tenant, user_id, last_seen, expires, username, role, disabled)) = row
    else {
        return Ok(None);
    };
    let at = now();
    // A cookie replayed on another tenant's host is no session there.
    if session_tenant != tenant.0 || disabled || expires <= at || last_seen + SESSION_IDLE <= at {
        return Ok(None);
    }
    if last_seen + TOUCH_EVERY <= at {
        crate::with_conn!(&state.db, conn => {
            diesel::update(sessions::table.filter(sessions::id.eq(id)))
                .set(sessions::last_seen_at.eq(at))
                .execute(conn)
                .await?;
        });
    }
    Ok(Some(Session {
        id,
        tenant: TenantId(session_tenant),
        user_id,
        username,
        admin: role == "admin",
    }))
}

/// Axum middleware: attaches the request's session (if any) for the tenant being served.
pub async fn attach_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let tenant = match req.extensions().get::<RequestSite>() {
        Some(RequestSite::Tenant(t)) => Some(t.id),
        _ => None,
    };
    let https = req
        .extensions()
        .get::<ClientInfo>()
        .is_some_and(|c| c.https);
    if let Some(tenant) = tenant
        && let Some(token) = cookie(req.headers(), cookie_name(https)).map(str::to_string)
    {
        match find_session(&state, tenant, &token).await {
            Ok(Some(session)) => {
                req.extensions_mut().insert(session);
            }
            Ok(None) => {}
            Err(err) => return axum::response::IntoResponse::into_response(err),
        }
    }
    next.run(req).await
}

/// Ends one session.
pub async fn delete_session(state: &AppState, id: i64) -> Result<(), AppError> {
    crate::with_conn!(&state.db, conn => {
        diesel::delete(sessions::table.filter(sessions::id.eq(id)))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Ends every session of a user (after a password change).
pub async fn delete_user_sessions(state: &AppState, user_id: i64) -> Result<(), AppError> {
    crate::with_conn!(&state.db, conn => {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id)))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Fixed-window counters of failed attempts, by key (an account or a client address).
/// Per node: a cluster multiplies the allowance by its node count, which still stops guessing.
pub struct Throttle {
    limit: u32,
    window: Duration,
    entries: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Throttle {
        Throttle {
            limit,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait when `key` has used up its attempts.
    pub fn blocked_for(&self, key: &str) -> Option<u64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (count, start) = entries.get(key)?;
        let elapsed = start.elapsed();
        (*count >= self.limit && elapsed < self.window)
            .then(|| (self.window - elapsed).as_secs().max(1))
    }

    /// Counts one attempt against `key`.
    pub fn record(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Bounded: expired windows are dropped before the map can grow large.
        if entries.len() >= 100_000 {
            let window = self.window;
            entries.retain(|_, (_, start)| start.elapsed() < window);
        }
        let entry = entries
            .entry(key.to_string())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn clear(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(key);
    }
}

/// The throttles of the account endpoints.
pub struct Throttles {
    pub login_account: Throttle,
    pub login_ip: Throttle,
    pub register_ip: Throttle,
    /// Contact messages per tenant and visitor address.
    pub contact_ip: Throttle,
}

impl Default for Throttles {
    fn default() -> Self {
        Throttles {
            login_account: Throttle::new(10, Duration::from_secs(15 * 60)),
            login_ip: Throttle::new(50, Duration::from_secs(15 * 60)),
            register_ip: Throttle::new(20, Duration::from_secs(60 * 60)),
            contact_ip: Throttle::new(5, Duration::from_secs(60 * 60)),
        }
    }
}

pub fn too_many(secs: u64) -> AppError {
    let minutes = secs.div_ceil(60);
    AppError::TooManyRequests {
        message: format!(
            "Too many attempts. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after: secs,
    }
}

fn wrong_credentials() -> AppError {
    AppError::Unauthorized("The username or password is not right.".into())
}

/// A hash to verify against when the user does not exist, so both failures take as long.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        use argon2::password_hash::PasswordHasher;
        Argon2::default()
            .hash_password(new_token().as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Verifies a password against a stored argon2 hash, off the async threads.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| decoy_hash().to_string());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(|e| AppError::internal("password verification task", e))
}

/// A successful login: the session token and who logged in.
pub struct LoggedIn {
    pub token: String,
    pub username: String,
}

/// Checks credentials on a tenant's host. Only that tenant's owner or a platform admin may log
/// in there; every failure looks the same.
pub async fn login(
    state: &AppState,
    site: &RequestSite,
    client: &ClientInfo,
    username: &str,
    password: &str,
) -> Result<LoggedIn, AppError> {
    let RequestSite::Tenant(tenant) = site else {
        return Err(AppError::NotFound(
            "Log in on your portfolio's own address.".into(),
        ));
    };
    let username = username.trim().to_lowercase();
    if username.is_empty() || password.is_empty() {
        return Err(AppError::Invalid(
            "Enter your username and password.".into(),
        ));
    }
    // Over-long passwords are refused before hashing (argon2 on megabytes is a DoS).
    if password.chars().count() > PASSWORD_MAX || username.len() > 64 {
        return Err(wrong_credentials());
    }
    let throttles = &state.throttles;
    let account_key = format!("{}:{username}", tenant.id.0);
    let ip_key = client.ip.to_string();
    if let Some(secs) = throttles
        .login_account
        .blocked_for(&account_key)
        .or_else(|| throttles.login_ip.blocked_for(&ip_key))
    {
        return Err(too_many(secs));
    }
    let user: Option<(i64, String, String, bool)> = crate::with_conn!(&state.db, conn => {
        users::table
            .filter(users::username.eq(&username))
            .select((users::id, users::password_hash, users::role, users::disabled))
            .first(conn)
            .await
            .optional()?
    });
    let allowed = user.as_ref().is_some_and(|(id, _, role, disabled)| {
        !disabled && (*id == tenant.id.0 || role == "admin")
    });
    let hash = user
        .as_ref()
        .filter(|_| allowed)
        .map(|(_, h, _, _)| h.clone());
    let verified = verify_password(password.to_string(), hash).await?;
    let Some((user_id, ..)) = user.filter(|_| allowed && verified) else {
        throttles.login_account.record(&account_key);
        throttles.login_ip.record(&ip_key);
        tracing::info!(tenant = tenant.id.0, ip = %client.ip, "failed login");
        return Err(wrong_credentials());
    };
    throttles.login_account.clear(&account_key);
    let token = create_session(state, tenant.id, user_id).await?;
    tracing::info!(tenant = tenant.id.0, user = user_id, "logged in");
    Ok(LoggedIn { token, username })
}

/// Changes the logged-in user's password and ends all their sessions; returns a fresh token
/// for the browser that made the change.
pub async fn change_password(
    state: &AppState,
    session: &Session,
    current: &str,
    new: &str,
) -> Result<String, AppError> {
    crate::core::names::check_password(new).map_err(|m| AppError::Invalid(m.to_string()))?;
    if current.chars().count() > PASSWORD_MAX {
        return Err(AppError::Invalid(
            "The current password is not right.".into(),
        ));
    }
    let hash: String = crate::with_conn!(&state.db, conn => {
        users::table
            .filter(users::id.eq(session.user_id))
            .select(users::password_hash)
            .first(conn)
            .await?
    });
    if !verify_password(current.to_string(), Some(hash)).await? {
        return Err(AppError::Invalid(
            "The current password is not right.".into(),
        ));
    }
    let new_hash = super::ssr::hash_password(new.to_string()).await?;
    crate::with_conn!(&state.db, conn => {
        diesel::update(users::table.filter(users::id.eq(session.user_id)))
            .set(users::password_hash.eq(&new_hash))
            .execute(conn)
            .await?;
    });
    delete_user_sessions(state, session.user_id).await?;
    create_session(state, session.tenant, session.user_id).await
}
