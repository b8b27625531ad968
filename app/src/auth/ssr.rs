//! Registration on the server: validation, hashing, and the one-transaction tenant bootstrap.

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Deserialize;

use super::{Registered, UsernameCheck};
use crate::core::error::{AppError, FieldError};
use crate::core::names::{Username, check_password, parse_email};
use crate::core::site::ssr::{client_info, request_site, tenant_url};
use crate::server::schema::users;
use crate::server::seed::{self, TenantSeed};
use crate::server::tenancy::{ClientInfo, RequestSite, TenantId};
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
                    users::role.eq("owner"),
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
    let account = validate(input)?;
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

/// `POST /auth/register` with `{"username","password","email"}`: 201 `{"username","url"}`,
/// 400 with a message per field, 409 when the name or email is taken.
pub async fn register_handler(State(state): State<AppState>, req: Request) -> Response {
    let site = req.extensions().get::<RequestSite>().cloned();
    let client = req.extensions().get::<ClientInfo>().cloned();
    let (Some(site), Some(client)) = (site, client) else {
        return AppError::internal("register handler", "tenancy middleware did not run")
            .into_response();
    };
    let body: Bytes = match axum::body::to_bytes(req.into_body(), 64 * 1024).await {
        Ok(body) => body,
        Err(_) => {
            return AppError::TooLarge("The request is too large.".into()).into_response();
        }
    };
    let input: RegisterInput = match serde_json::from_slice(&body) {
        Ok(input) => input,
        Err(_) => {
            return AppError::Invalid(
                "Send JSON like {\"username\": \"ana\", \"password\": \"…\", \"email\": \"ana@example.com\"}.".into(),
            )
            .into_response();
        }
    };
    match register(&state, &site, &client, input).await {
        Ok(registered) => (StatusCode::CREATED, Json(registered)).into_response(),
        Err(err) => err.into_response(),
    }
}
