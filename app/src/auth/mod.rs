//! Accounts: registration of a new tenant (login arrives with the owners feature).

#[cfg(feature = "ssr")]
pub mod ssr;

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
