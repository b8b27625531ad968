//! Cross-site request refusal. Tenant subdomains are the same *site*, so SameSite cookies do
//! not stop one tenant's page from posting to another's: state-changing requests must come
//! from a page on their own host.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The host[:port] of an `Origin` or `Referer` value.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

pub async fn check_origin(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let headers = req.headers();
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(|h| h.trim_end_matches('.'));
        // An Origin (or Referer) that is present but unreadable counts as foreign.
        let claimed = headers
            .get(header::ORIGIN)
            .or_else(|| headers.get(header::REFERER))
            .map(|value| value.to_str().unwrap_or("unreadable://"));
        // Requests without Origin or Referer are not from a browser page (scripts, curl): they
        // carry no ambient cookies to abuse, so they pass.
        if let Some(claimed) = claimed {
            let same = match (authority(claimed), host) {
                (Some(origin), Some(host)) => {
                    origin.trim_end_matches('.').eq_ignore_ascii_case(host)
                }
                _ => false,
            };
            if !same {
                let body = serde_json::json!({
                    "error": "forbidden",
                    "message": "This request came from another site and was refused. Reload the page and try again.",
                });
                return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
            }
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn authority_is_the_host_and_port() {
        assert_eq!(
            authority("http://ana.localhost:3000"),
            Some("ana.localhost:3000")
        );
        assert_eq!(
            authority("https://ana.example.com/files/x?y"),
            Some("ana.example.com")
        );
        assert_eq!(authority("null"), None);
    }
}
