//! Uploads and raw file bytes, as plain endpoints (the server mounts them):
//!
//! - `POST /upload?folder=<path>&name=<file name>` with the file as the raw body: the owner
//!   only; the type is read from the bytes (PNG, JPEG, GIF, WebP, PDF, SVG), never from the
//!   name or `Content-Type`.
//! - `GET /raw/<path>`: a live file's bytes for anyone on the tenant's own host, with
//!   `nosniff`, and a sandboxing CSP for SVG so scripts inside one never run.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::StreamExt;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::edit_ssr::{StoredUpload, check_upload_target, insert_upload};
use super::segments;
use crate::auth::session::Session;
use crate::core::error::{AppError, ErrorBody};
use crate::core::names::NodeName;
use crate::server::AppState;
use crate::server::schema::{nodes, uploads};
use crate::server::tenancy::RequestSite;
use crate::server::tree::tenant_tree;

/// The types an upload may have, for messages.
pub const ALLOWED_TYPES: &str = "PNG, JPEG, GIF, WebP, PDF and SVG";

/// Scripts, plugins and requests of an SVG opened on its own never run; inline styles still apply.
pub const SVG_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/// The type of `bytes`, judged by their content alone, or a message naming what they seem to be.
pub fn sniff(bytes: &[u8]) -> Result<&'static str, String> {
    let detected = infer::get(bytes).map(|t| t.mime_type());
    // `infer` names the type; the full signature at offset 0 is required as well, so a file
    // that only hides a signature somewhere (a polyglot) is not taken for an image or PDF.
    let exact = match detected {
        Some("image/png") => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        Some("image/jpeg") => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        Some("image/gif") => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        Some("image/webp") => bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"),
        Some("application/pdf") => bytes.starts_with(b"%PDF-"),
        _ => false,
    };
    if exact && let Some(mime) = detected {
        return Ok(mime);
    }
    if is_svg(bytes) {
        return Ok("image/svg+xml");
    }
    let seems = match detected {
        Some(mime) => format!("This file is {mime}"),
        None if std::str::from_utf8(bytes).is_ok() => "This file is text".to_string(),
        None => "This file's type is not recognised".to_string(),
    };
    Err(format!(
        "{seems}; only {ALLOWED_TYPES} files can be uploaded."
    ))
}

/// Well-formed XML (UTF-8) whose one root element is `<svg>`.
fn is_svg(bytes: &[u8]) -> bool {
    use quick_xml::events::Event;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut root_seen = false;
    let mut depth: usize = 0;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(_) => return false,
        };
        match event {
            Event::Eof => return root_seen && depth == 0,
            Event::Start(ref e) | Event::Empty(ref e) if depth == 0 => {
                if root_seen || e.local_name().as_ref() != b"svg" {
                    return false;
                }
                root_seen = true;
                if matches!(event, Event::Start(_)) {
                    depth = 1;
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ if depth > 0 => {}
            // Outside the root only the prolog's parts and white space may stand.
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            Event::Text(ref t) if t.iter().all(u8::is_ascii_whitespace) => {}
            _ => return false,
        }
    }
}

/// `10 MB`, `512 KB`: sizes in messages (binary units, as people read them).
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = (bytes * 10).div_ceil(MB);
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn too_large(max: u64, size: Option<u64>) -> AppError {
    let this = size
        .map(|s| format!(" This one is {}.", human_size(s)))
        .unwrap_or_default();
    AppError::TooLarge(format!(
        "Files can be at most {} when uploaded.{this}",
        human_size(max)
    ))
}

/// An upload's failure: an ordinary error, or 415 for a type that is not accepted.
enum UploadError {
    App(AppError),
    Unsupported(String),
}

impl From<AppError> for UploadError {
    fn from(err: AppError) -> Self {
        UploadError::App(err)
    }
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        match self {
            UploadError::App(err) => err.into_response(),
            UploadError::Unsupported(message) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Json(ErrorBody {
                    error: "unsupported_type".into(),
                    message,
                    fields: None,
                    retry_after: None,
                }),
            )
                .into_response(),
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct UploadQuery {
    folder: Option<String>,
    name: Option<String>,
}

/// `POST /upload?folder=/images&name=cat.png`, body = the file: `201` with the new entry
/// (`{"name","kind","path","size"}`); 401 without the owner's session, 404 for a missing
/// folder, 409 for a taken name, 413 over `UPLOAD_MAX_BYTES`, 415 for other types.
pub async fn upload_handler(State(state): State<AppState>, req: Request) -> Response {
    match upload(&state, req).await {
        Ok(entry) => (StatusCode::CREATED, Json(entry)).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn upload(state: &AppState, req: Request) -> Result<super::Entry, UploadError> {
    let Some(site) = req.extensions().get::<RequestSite>().cloned() else {
        return Err(AppError::internal("upload", "tenancy middleware did not run").into());
    };
    let RequestSite::Tenant(tenant) = site else {
        return Err(AppError::NotFound("There is no portfolio here.".into()).into());
    };
    if !req
        .extensions()
        .get::<Session>()
        .is_some_and(|s| s.tenant == tenant.id)
    {
        return Err(AppError::Unauthorized("Log in as the owner to upload files.".into()).into());
    }
    let usage = "Say where and under which name, e.g. POST /upload?folder=/images&name=photo.png.";
    let query = axum::extract::Query::<UploadQuery>::try_from_uri(req.uri())
        .map_err(|_| AppError::Invalid(usage.into()))?
        .0;
    let name = NodeName::parse(query.name.as_deref().unwrap_or_default())
        .map_err(|msg| AppError::Invalid(format!("{msg} {usage}")))?;
    let folder = query.folder.unwrap_or_else(|| "/".into());
    let max = state.uploads.max_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(size) = declared.filter(|s| *s > max) {
        return Err(too_large(max, Some(size)).into());
    }
    check_upload_target(state, tenant.id, &folder, &name).await?;

    // Counted while streaming too: Content-Length may be absent or wrong.
    let mut body = req.into_body().into_data_stream();
    let mut bytes: Vec<u8> = Vec::with_capacity(declared.unwrap_or(0).min(max) as usize);
    let mut hasher = Sha256::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|_| {
            AppError::Invalid("The upload was interrupted. Please try again.".into())
        })?;
        if (bytes.len() + chunk.len()) as u64 > max {
            return Err(too_large(max, None).into());
        }
        hasher.update(&chunk);
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(AppError::Invalid("The file is empty.".into()).into());
    }
    let mime = sniff(&bytes).map_err(UploadError::Unsupported)?;
    let mut random = [0u8; 16];
    rand::rng().fill_bytes(&mut random);
    let stored = StoredUpload {
        storage_key: format!("{}/{}", tenant.id.0, hex(&random)),
        mime,
        size: bytes.len() as i64,
        sha256: hex(&hasher.finalize()),
    };
    state
        .uploads
        .storage
        .put(&stored.storage_key, Bytes::from(bytes))
        .await
        .map_err(|e| AppError::internal("storing an upload", e))?;
    match insert_upload(state, tenant.id, &folder, &name, &stored).await {
        Ok(entry) => {
            tracing::info!(tenant = tenant.id.0, path = %entry.path, mime, size = stored.size, "uploaded a file");
            Ok(entry)
        }
        Err(err) => {
            // No row points at the bytes: remove them again.
            if let Err(e) = state.uploads.storage.delete(&stored.storage_key).await {
                tracing::warn!(%e, key = stored.storage_key, "could not remove an unused upload");
            }
            Err(err.into())
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `GET /raw/<path>`: a live file's bytes, for this host's tenant only. Uploads carry their
/// sniffed type; text files are served as plain text.
pub async fn raw_handler(State(state): State<AppState>, req: Request) -> Response {
    // Only the head is needed (a `&Request` is not `Send` across awaits).
    let (parts, _) = req.into_parts();
    match raw(&state, &parts).await {
        Ok(res) => res,
        Err(err) => err.into_response(),
    }
}

async fn raw(state: &AppState, req: &http::request::Parts) -> Result<Response, AppError> {
    let Some(RequestSite::Tenant(tenant)) = req.extensions.get::<RequestSite>().cloned() else {
        return Err(AppError::NotFound("There is no portfolio here.".into()));
    };
    let address = req.uri.path();
    let rest = address.strip_prefix("/raw").unwrap_or(address);
    let mut names = Vec::new();
    for segment in segments(rest) {
        match percent_encoding::percent_decode_str(segment).decode_utf8() {
            Ok(name) => names.push(name.into_owned()),
            Err(_) => return Err(missing(rest)),
        }
    }
    let shown = format!("/{}", names.join("/"));
    let tree = tenant_tree(state, tenant.id).await?;
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (node, _) = tree.resolve(&refs).ok_or_else(|| missing(&shown))?;
    if node.is_folder() {
        return Err(AppError::NotFound(format!(
            "“{shown}” is a folder, not a file."
        )));
    }
    let (id, name) = (node.id, node.name.clone());
    let found: Option<(Option<String>, Option<i64>, i32)> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.id.0))
            .filter(nodes::id.eq(id))
            .filter(nodes::deleted_at.is_null())
            .select((nodes::content, nodes::upload_id, nodes::version))
            .first(conn)
            .await
            .optional()?
    });
    let (content, upload_id, version) = found.ok_or_else(|| missing(&shown))?;
    let if_none_match = req
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(upload_id) = upload_id else {
        let etag = format!("\"t{id}-{version}\"");
        if if_none_match.as_deref() == Some(etag.as_str()) {
            return Ok(not_modified(&etag));
        }
        let text = content.unwrap_or_default();
        let mut res = Response::new(Body::from(text));
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        );
        common_headers(&mut res, &etag, &name);
        return Ok(res);
    };
    let upload: Option<(String, String, String)> = crate::with_conn!(&state.db, conn => {
        uploads::table
            .filter(uploads::tenant_id.eq(tenant.id.0))
            .filter(uploads::id.eq(upload_id))
            .select((uploads::storage_key, uploads::mime, uploads::sha256))
            .first(conn)
            .await
            .optional()?
    });
    let (key, mime, sha) = upload.ok_or_else(|| missing(&shown))?;
    let etag = format!("\"{sha}\"");
    if if_none_match.as_deref() == Some(etag.as_str()) {
        return Ok(not_modified(&etag));
    }
    let object = state
        .uploads
        .storage
        .get(&key)
        .await
        .map_err(|e| AppError::internal("reading an upload", e))?
        .ok_or_else(|| {
            tracing::error!(key, "an upload's bytes are missing from storage");
            AppError::NotFound(format!("The contents of “{shown}” are missing."))
        })?;
    let mut res = Response::new(object.body);
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(object.size));
    if mime == "image/svg+xml" {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SVG_CSP),
        );
    }
    common_headers(&mut res, &etag, &name);
    Ok(res)
}

fn missing(path: &str) -> AppError {
    let shown: String = path.chars().take(200).collect();
    AppError::NotFound(format!("Nothing is at “{shown}”."))
}

/// Shown in place (images, PDFs), saved under its own name, revalidated on each use.
fn common_headers(res: &mut Response, etag: &str, name: &str) {
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(tag) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, tag);
    }
    let encoded =
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string();
    if let Ok(disposition) = HeaderValue::from_str(&format!("inline; filename*=UTF-8''{encoded}")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
}

fn not_modified(etag: &str) -> Response {
    let mut res = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(tag) = HeaderValue::from_str(etag) {
        res.headers_mut().insert(header::ETAG, tag);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png), Ok("image/png"));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), Ok("image/jpeg"));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Ok("image/gif"));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert_eq!(
            sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"),
            Ok("application/pdf")
        );
        let svg = br#"<?xml version="1.0"?><!-- x --><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>"#;
        assert_eq!(sniff(svg), Ok("image/svg+xml"));
        assert_eq!(sniff(b"\xEF\xBB\xBF <svg/>\n"), Ok("image/svg+xml"));
    }

    #[test]
    fn other_content_is_refused_with_the_allowed_types() {
        for bad in [
            &b"<html><body>hi</body></html>"[..],
            b"<svg><g></svg>",
            b"<svg/><svg/>",
            b"<html><svg/></html>",
            b"text before <svg/>",
            b"PK\x03\x04zip",
            b"<html>%PDF-1.4 hidden</html>",
            b"\0\x01\x02",
        ] {
            let err = sniff(bad).err().unwrap_or_default();
            assert!(err.contains(ALLOWED_TYPES), "{bad:?}: {err}");
        }
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
        assert_eq!(human_size(1000), "1 KB");
    }
}
