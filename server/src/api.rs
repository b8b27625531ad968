//! Answers of the `/api/*` server functions: the status follows the error in the body, and
//! requests to no function get a JSON 404 instead of the framework's developer text.

use app::core::error::{AppError, ErrorBody};
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Bodies of server-function requests larger than this are refused with 413.
pub const MAX_BODY: usize = 64 * 1024;

/// Bodies of `save_file` / `create_file`: 512 KiB of text, which form encoding can make up to
/// three times larger when it is not ASCII (each byte becomes `%XX`).
pub const MAX_EDIT_BODY: usize = 2 * 1024 * 1024;

pub async fn normalise_answers(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::TooLarge("The request is too large.".into()).into_response();
    }
    let is_fn_error = res.headers().contains_key("serverfnerror");
    let maybe_missing = res.status() == StatusCode::BAD_REQUEST && !is_fn_error;
    if !is_fn_error && !maybe_missing {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return AppError::Internal.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<ErrorBody>(&bytes) {
        if let Some(secs) = error.retry_after {
            parts
                .headers
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        parts.status = StatusCode::from_u16(AppError::from(error).status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Response::from_parts(parts, Body::from(bytes));
    }
    if bytes.starts_with(b"Could not find a server function") {
        return AppError::NotFound("There is no such endpoint.".into()).into_response();
    }
    Response::from_parts(parts, Body::from(bytes))
}
