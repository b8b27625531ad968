//! Registration on the server: validation, hashing, and the one-transaction tenant bootstrap.

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Deserialize;

use super::session::{self, Session};
use super::{Registered, UsernameCheck};
use crate::core::error::{AppError, FieldError};
use crate::core::names::{Username, check_password, parse_email};
use crate::core::site::ssr::{client_info, request_site, tenant_url};
use crate::server::schema::users;
use crate::server::seed::{self, TenantSeed};
use crate::server::tenancy::{ClientInfo, RequestSite, Tenant, TenantId};
use crate::server::{AppState, app_state, now};

/// The JSON body of `POST /auth/register`; fields are optional so a missing one gets a field
/// message rather than a parse error.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterInput {
    pub username: Option<String>,
    pub password: Option<String>,
    pub email: Option<String>,
}

/// A registration that passed every rule.
pub struct NewAccount {
    pub username: Username,
    pub password: String,
    pub email: Option<String>,
}

impl std::fmt::Debug for NewAccount {
    // The password never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("username", &self.username)
            .field("email", &self.email)
            .finish()
    }
}

/// Checks every field and reports all problems at once.
pub fn validate(input: RegisterInput) -> Result<NewAccount, AppError> {
    let mut errors = Vec::new();
    let mut field = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    let username = match Username::parse(input.username.as_deref().unwrap_or_default()) {
        Ok(u) => Some(u),
        Err(msg) => {
            field("username", msg);
            None
        }
    };
    let password = input.password.unwrap_or_default();
    if let Err(msg) = check_password(&password) {
        field("password", msg);
    }
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        None => None,
        Some(raw) => match parse_email(raw) {
            Ok(e) => Some(e),
            Err(msg) => {
                field("email", msg);
                None
            }
        },
    };
    match username {
        Some(username) if errors.is_empty() => Ok(NewAccount {
            username,
            password,
            email,
        }),
        _ => Err(AppError::InvalidFields(errors)),
    }
}

/// Hashes with argon2id (the crate's default algorithm and parameters) off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal("password hashing", e))
    })
    .await
    .map_err(|e| AppError::internal("password hashing task", e))?
}

fn taken_username(name: &str) -> AppError {
    AppError::Conflict(format!("The username “{name}” is already taken."))
}

fn taken_email() -> AppError {
    AppError::Conflict("That email address already has a portfolio.".into())
}

async fn username_exists(state: &AppState, username: &str) -> Result<bool, AppError> {
    let count: i64 = crate::with_conn!(&state.db, conn => {
        users::table.filter(users::username.eq(username)).count().get_result(conn).await?
    });
    Ok(count > 0)
}

async fn email_exists(state: &AppState, email: &str) -> Result<bool, AppError> {
    let count: i64 = crate::with_conn!(&state.db, conn => {
        users::table.filter(users::email.eq(email)).count().get_result(conn).await?
    });
    Ok(count > 0)
}

/// Creates the user and bootstraps its tenant in one transaction. Concurrent registrations of
/// one name: the unique index lets exactly one through; the others get 409.
pub async fn create_account(
    state: &AppState,
    account: NewAccount,
    display_name: &str,
    seed: &TenantSeed,
) -> Result<TenantId, AppError> {
    let username = account.username.as_str().to_string();
    if username_exists(state, &username).await? {
        return Err(taken_username(&username));
    }
    if let Some(email) = &account.email
        && email_exists(state, email).await?
    {
        return Err(taken_email());
    }
    let password_hash = hash_password(account.password).await?;
    // The original first-owner rule: the platform owner's email makes an admin.
    let role = if account.email.is_some() && account.email == state.config.owner_email {
        "admin"
    } else {
        "owner"
    };
    let created = now();
    let result: Result<i64, DieselError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            // The insert comes first so SQLite takes its write lock at once (no upgrade deadlock).
            let tenant_id: i64 = diesel::insert_into(users::table)
                .values((
                    users::username.eq(&username),
                    users::email.eq(&account.email),
                    users::password_hash.eq(&password_hash),
                    users::display_name.eq(display_name),
                    users::role.eq(role),
                    users::plan.eq("free"),
                    users::disabled.eq(false),
                    users::created_at.eq(created),
                ))
                .returning(users::id)
                .get_result(conn)
                .await?;
            crate::apply_seed!(conn, tenant_id, seed, created);
            Ok(tenant_id)
        })
        .await
    });
    match result {
        Ok(id) => {
            state.tenants.invalidate(&username).await;
            tracing::info!(username = %username, tenant = id, "registered a new tenant");
            Ok(TenantId(id))
        }
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            if username_exists(state, &username).await? {
                Err(taken_username(&username))
            } else {
                Err(taken_email())
            }
        }
        Err(other) => Err(AppError::internal("registration transaction", other)),
    }
}

/// Registers on behalf of a request; only the platform's own host registers.
pub async fn register(
    state: &AppState,
    site: &RequestSite,
    client: &ClientInfo,
    input: RegisterInput,
) -> Result<Registered, AppError> {
    if !matches!(site, RequestSite::Landing) {
        return Err(AppError::NotFound(
            "Registration happens on the platform's main address.".into(),
        ));
    }
    let ip = client.ip.to_string();
    if let Some(secs) = state.throttles.register_ip.blocked_for(&ip) {
        return Err(session::too_many(secs));
    }
    let account = validate(input)?;
    state.throttles.register_ip.record(&ip);
    let username = account.username.as_str().to_string();
    let display_name = username.clone();
    create_account(state, account, &display_name, &seed::starter(&display_name)).await?;
    Ok(Registered {
        url: tenant_url(client, &state.config.base_domain, &username),
        username,
    })
}

pub async fn register_for_request(input: RegisterInput) -> Result<Registered, AppError> {
    let state = app_state()?;
    let site = request_site()?;
    let client = client_info()?;
    let registered = register(&state, &site, &client, input).await?;
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(StatusCode::CREATED);
    }
    Ok(registered)
}

pub async fn username_status_for_request(raw: &str) -> Result<UsernameCheck, AppError> {
    let state = app_state()?;
    Ok(match Username::parse(raw) {
        Err(msg) => UsernameCheck::Invalid {
            message: msg.to_string(),
        },
        Ok(name) => {
            let username = name.as_str().to_string();
            if username_exists(&state, &username).await? {
                UsernameCheck::Taken { username }
            } else {
                UsernameCheck::Available { username }
            }
        }
    })
}

/// The tenancy facts and JSON body of a plain endpoint request, or the error answer.
async fn read_json<T: serde::de::DeserializeOwned>(
    req: Request,
    example: &str,
) -> Result<(RequestSite, ClientInfo, Option<Session>, T), Response> {
    let site = req.extensions().get::<RequestSite>().cloned();
    let client = req.extensions().get::<ClientInfo>().cloned();
    let session = req.extensions().get::<Session>().cloned();
    let (Some(site), Some(client)) = (site, client) else {
        return Err(
            AppError::internal("auth endpoint", "tenancy middleware did not run").into_response(),
        );
    };
    let body: Bytes = axum::body::to_bytes(req.into_body(), 64 * 1024)
        .await
        .map_err(|_| AppError::TooLarge("The request is too large.".into()).into_response())?;
    let input = serde_json::from_slice(&body)
        .map_err(|_| AppError::Invalid(format!("Send JSON like {example}.")).into_response())?;
    Ok((site, client, session, input))
}

/// `POST /auth/register` with `{"username","password","email"}`: 201 `{"username","url"}`,
/// 400 with a message per field, 409 when the name or email is taken.
pub async fn register_handler(State(state): State<AppState>, req: Request) -> Response {
    let example = r#"{"username": "ana", "password": "…", "email": "ana@example.com"}"#;
    let (site, client, _, input) = match read_json::<RegisterInput>(req, example).await {
        Ok(parts) => parts,
        Err(res) => return res,
    };
    match register(&state, &site, &client, input).await {
        Ok(registered) => (StatusCode::CREATED, Json(registered)).into_response(),
        Err(err) => err.into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

/// `POST /auth/login` with `{"username","password"}`: 200 `{"username"}` and the session
/// cookie; 401 for wrong credentials (the same for an unknown user), 429 when throttled.
pub async fn login_handler(State(state): State<AppState>, req: Request) -> Response {
    let example = r#"{"username": "ana", "password": "…"}"#;
    let (site, client, _, input) = match read_json::<LoginInput>(req, example).await {
        Ok(parts) => parts,
        Err(res) => return res,
    };
    match session::login(&state, &site, &client, &input.username, &input.password).await {
        Ok(done) => (
            [(
                header::SET_COOKIE,
                session::session_cookie(&done.token, client.https),
            )],
            Json(serde_json::json!({ "username": done.username })),
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

/// `POST /auth/logout`: ends the session (if any) and clears the cookie; always 200.
pub async fn logout_handler(State(state): State<AppState>, req: Request) -> Response {
    let https = req
        .extensions()
        .get::<ClientInfo>()
        .is_some_and(|c| c.https);
    if let Some(current) = req.extensions().get::<Session>()
        && let Err(err) = session::delete_session(&state, current.id).await
    {
        return err.into_response();
    }
    (
        [(header::SET_COOKIE, session::clear_cookie(https))],
        Json(serde_json::json!({ "ok": true })),
    )
        .into_response()
}

/// `POST /login` from the no-JavaScript form: on success back to the desktop, otherwise back
/// to the form with the reason.
pub async fn login_form_handler(
    State(state): State<AppState>,
    axum::Extension(site): axum::Extension<RequestSite>,
    axum::Extension(client): axum::Extension<ClientInfo>,
    axum::Form(input): axum::Form<LoginInput>,
) -> Response {
    match session::login(&state, &site, &client, &input.username, &input.password).await {
        Ok(done) => (
            [
                (
                    header::SET_COOKIE,
                    session::session_cookie(&done.token, client.https),
                ),
                (header::LOCATION, "/".to_string()),
            ],
            StatusCode::SEE_OTHER,
        )
            .into_response(),
        Err(err) => {
            let reason = match err {
                AppError::TooManyRequests { .. } => "throttled",
                AppError::Invalid(_) => "missing",
                AppError::NotFound(_) => "elsewhere",
                _ => "wrong",
            };
            let mut res =
                axum::response::Redirect::to(&format!("/login?error={reason}")).into_response();
            *res.status_mut() = StatusCode::SEE_OTHER;
            res
        }
    }
}

/// `POST /logout` from a plain form: ends the session and goes back to the desktop.
pub async fn logout_form_handler(State(state): State<AppState>, req: Request) -> Response {
    let https = req
        .extensions()
        .get::<ClientInfo>()
        .is_some_and(|c| c.https);
    if let Some(current) = req.extensions().get::<Session>()
        && let Err(err) = session::delete_session(&state, current.id).await
    {
        return err.into_response();
    }
    (
        [
            (header::SET_COOKIE, session::clear_cookie(https)),
            (header::LOCATION, "/".to_string()),
        ],
        StatusCode::SEE_OTHER,
    )
        .into_response()
}

/// The session of the current server-function request, if any.
pub fn current_session() -> Option<Session> {
    crate::server::request_parts()
        .ok()?
        .extensions
        .get::<Session>()
        .cloned()
}

/// The owner (or an admin) logged in on the tenant being served, or 401.
pub fn require_owner() -> Result<(AppState, std::sync::Arc<Tenant>, Session), AppError> {
    let state = app_state()?;
    let RequestSite::Tenant(tenant) = request_site()? else {
        return Err(AppError::NotFound("There is no portfolio here.".into()));
    };
    let session = current_session()
        .filter(|s| s.tenant == tenant.id)
        .ok_or_else(|| AppError::Unauthorized("Log in as the owner to do that.".into()))?;
    Ok((state, tenant, session))
}

/// Makes the account with `email` a platform admin; true when there is one.
pub async fn promote_owner_email(state: &AppState, email: &str) -> Result<bool, AppError> {
    let changed = crate::with_conn!(&state.db, conn => {
        diesel::update(users::table.filter(users::email.eq(email)))
            .set(users::role.eq("admin"))
            .execute(conn)
            .await?
    });
    Ok(changed > 0)
}
