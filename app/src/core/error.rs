//! The one error type for what a user can cause; each variant knows its HTTP status.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// An error a request can end in. Internal failures carry no detail to the client: they are
/// logged where they happen and shown as a generic message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "ErrorBody", from = "ErrorBody")]
pub enum AppError {
    /// Input that breaks a rule; the message says which and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// Several fields were invalid at once (registration forms).
    #[error("{}", .0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))]
    InvalidFields(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The request needs a logged-in owner (or the credentials were wrong).
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    TooLarge(String),
    /// Too many attempts; `retry_after` is in seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request never reached the server or its answer could not be read.
    #[error("Could not reach the server: {0}")]
    Network(String),
}

/// One invalid field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) | AppError::InvalidFields(_) => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::TooLarge(_) => 413,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal | AppError::Network(_) => 500,
        }
    }

    /// Stable machine-readable code, used in JSON bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) | AppError::InvalidFields(_) => "invalid",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::TooLarge(_) => "too_large",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Internal => "internal",
            AppError::Network(_) => "network",
        }
    }
}

/// The JSON shape of every error answer: `{"error": code, "message": text, "fields"?: […]}`,
/// the same from server functions and from plain endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldError>>,
    /// Seconds until a refused attempt may be retried (429 answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl From<AppError> for ErrorBody {
    fn from(err: AppError) -> ErrorBody {
        let fields = match &err {
            AppError::InvalidFields(fields) => Some(fields.clone()),
            _ => None,
        };
        let retry_after = match &err {
            AppError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        ErrorBody {
            error: err.code().to_string(),
            message: err.to_string(),
            fields,
            retry_after,
        }
    }
}

impl From<ErrorBody> for AppError {
    fn from(body: ErrorBody) -> AppError {
        match (body.error.as_str(), body.fields) {
            ("invalid", Some(fields)) => AppError::InvalidFields(fields),
            ("invalid", None) => AppError::Invalid(body.message),
            ("not_found", _) => AppError::NotFound(body.message),
            ("conflict", _) => AppError::Conflict(body.message),
            ("unauthorized", _) => AppError::Unauthorized(body.message),
            ("forbidden", _) => AppError::Forbidden(body.message),
            ("too_many_requests", _) => AppError::TooManyRequests {
                message: body.message,
                retry_after: body.retry_after.unwrap_or(60),
            },
            ("too_large", _) => AppError::TooLarge(body.message),
            ("network", _) => AppError::Network(body.message),
            _ => AppError::Internal,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::Response(msg) => {
                AppError::Network(msg)
            }
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg)
                if msg.contains("length limit exceeded") =>
            {
                AppError::TooLarge("The request is too large.".into())
            }
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Invalid(format!("The request could not be read: {msg}"))
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use axum::Json;
    use axum::response::{IntoResponse, Response};
    use http::StatusCode;

    impl AppError {
        /// Logs an internal failure with its context and returns the generic error.
        pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
            tracing::error!(%err, "{context}");
            AppError::Internal
        }
    }

    impl From<diesel::result::Error> for AppError {
        fn from(err: diesel::result::Error) -> Self {
            match err {
                diesel::result::Error::NotFound => AppError::NotFound("Not found.".into()),
                other => AppError::internal("database query failed", other),
            }
        }
    }

    impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
        fn from(err: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
            AppError::internal("database pool unavailable", err)
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status =
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = super::ErrorBody::from(self);
            let mut res = (status, Json(&body)).into_response();
            if let Some(secs) = body.retry_after {
                res.headers_mut()
                    .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
            }
            res
        }
    }
}
