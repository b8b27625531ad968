//! Accounts: registration of a new tenant, owner login and sessions.

#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod ssr;
mod view;

pub use view::{AccountWindow, LoginWindow};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;

/// The answer to a successful registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registered {
    pub username: String,
    /// The new portfolio's address, e.g. `http://ana.localhost:3000/`.
    pub url: String,
}

/// Whether a username can be registered, for the form's live check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum UsernameCheck {
    Available { username: String },
    Taken { username: String },
    Invalid { message: String },
}

/// Registers a tenant from the landing page's form (same rules as `POST /auth/register`).
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    username: String,
    password: String,
    email: Option<String>,
) -> Result<Registered, AppError> {
    let input = ssr::RegisterInput {
        username: Some(username),
        password: Some(password),
        email,
    };
    ssr::register_for_request(input).await
}

#[server(prefix = "/api", endpoint = "username_status")]
pub async fn username_status(username: String) -> Result<UsernameCheck, AppError> {
    ssr::username_status_for_request(&username).await
}

/// Logs the owner (or a platform admin) in on this tenant's host and sets the session cookie.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<String, AppError> {
    use crate::core::site::ssr::{client_info, request_site};
    let state = crate::server::app_state()?;
    let client = client_info()?;
    let done = session::login(&state, &request_site()?, &client, &username, &password).await?;
    set_cookie(&session::session_cookie(&done.token, client.https));
    Ok(done.username)
}

/// Ends the current session (if any) and clears the cookie.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let state = crate::server::app_state()?;
    let client = crate::core::site::ssr::client_info()?;
    if let Some(current) = ssr::current_session() {
        session::delete_session(&state, current.id).await?;
    }
    set_cookie(&session::clear_cookie(client.https));
    Ok(())
}

/// Who is logged in on this host, if anyone.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<crate::core::site::Viewer>, AppError> {
    Ok(ssr::current_session().map(|s| crate::core::site::Viewer {
        username: s.username,
        admin: s.admin,
    }))
}

/// Changes the logged-in user's password; every other session of theirs ends.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let (state, _, me) = ssr::require_owner()?;
    let client = crate::core::site::ssr::client_info()?;
    let token = session::change_password(&state, &me, &current, &new).await?;
    set_cookie(&session::session_cookie(&token, client.https));
    Ok(())
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}
