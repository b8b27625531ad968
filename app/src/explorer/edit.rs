//! The owner's editing of their files: create, rename, move, trash and restore, edit text,
//! search. Every function except `search_nodes` needs the owner (or a platform admin) logged
//! in on this tenant's own host; paths and ids always resolve inside the host's tenant, so
//! another tenant's items behave exactly like missing ones (404).
//!
//! Uploads (`POST /upload`) and raw file serving (`GET /raw/<path>`) are plain endpoints in
//! `explorer::upload`.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Entry, NodeKind};
use crate::core::error::AppError;

/// Most text (UTF-8 bytes) a file may hold; checked before anything is written.
pub const MAX_TEXT_BYTES: usize = 512 * 1024;
/// Most items one move or delete may name.
pub const MAX_BATCH: usize = 1000;
/// Trashed items are removed for good after this many days.
pub const TRASH_DAYS: i64 = 30;

/// A top-level item in the trash (a trashed folder stands for everything trashed with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrashItem {
    /// Pass to `restore_node` / `delete_forever`.
    pub id: i64,
    pub name: String,
    pub kind: NodeKind,
    /// Where it was when it was trashed, e.g. `/projects/old.md`.
    pub original_path: String,
    pub deleted_at: DateTime<Utc>,
    /// Bytes of all files in it.
    pub size: i64,
    /// How many folders and files it holds, itself included.
    pub items: i64,
}

/// What a restore did; `message` says it in a sentence for the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restored {
    pub id: i64,
    /// Where it is now.
    pub path: String,
    pub name: String,
    /// It came back under another name because its own was taken.
    pub renamed: bool,
    /// Its old folder is gone or trashed, so it came back to the top folder.
    pub moved_to_root: bool,
    pub message: String,
}

/// A text file as stored, for the editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSource {
    pub path: String,
    pub name: String,
    pub content: String,
    /// Send back as `base_version` when saving.
    pub version: i32,
}

/// The answer to a successful save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub path: String,
    /// The new version: the next save's `base_version`.
    pub version: i32,
    pub size: i64,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub name: String,
    pub kind: NodeKind,
    pub path: String,
    pub size: i64,
    /// The name matched (ignoring case and accents).
    pub in_name: bool,
    /// Text around the first match in the file's content, when the content matched.
    pub snippet: Option<String>,
}

/// Creates a folder in `parent` (a folder path such as `/` or `/projects`).
#[server(prefix = "/api", endpoint = "create_folder")]
pub async fn create_folder(parent: String, name: String) -> Result<Entry, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::create_node(&state, tenant.id, &parent, &name, None).await
}

/// Creates a text (markdown) file in `parent` with `content` (at most 512 KiB).
#[server(prefix = "/api", endpoint = "create_file")]
pub async fn create_file(
    parent: String,
    name: String,
    #[server(default)] content: String,
) -> Result<Entry, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::create_node(&state, tenant.id, &parent, &name, Some(&content)).await
}

/// Renames the item at `path`; answers with its new entry.
#[server(prefix = "/api", endpoint = "rename_node")]
pub async fn rename_node(path: String, new_name: String) -> Result<Entry, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::rename_node(&state, tenant.id, &path, &new_name).await
}

/// Moves items into `target_folder`, all or none; answers with their new entries.
#[server(prefix = "/api", endpoint = "move_nodes")]
pub async fn move_nodes(
    #[server(default)] paths: Vec<String>,
    target_folder: String,
) -> Result<Vec<Entry>, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::move_nodes(&state, tenant.id, &paths, &target_folder).await
}

/// Moves items (with everything inside them) to the trash; answers with what was trashed so
/// the UI can offer Undo (`restore_nodes` with their ids).
#[server(prefix = "/api", endpoint = "delete_nodes")]
pub async fn delete_nodes(
    #[server(default)] paths: Vec<String>,
) -> Result<Vec<TrashItem>, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::trash_nodes(&state, tenant.id, &paths).await
}

/// The trash, newest first. Items older than 30 days are removed for good first.
#[server(prefix = "/api", endpoint = "list_trash")]
pub async fn list_trash() -> Result<Vec<TrashItem>, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::list_trash(&state, tenant.id).await
}

/// Brings a trashed item (and what was trashed with it) back.
#[server(prefix = "/api", endpoint = "restore_node")]
pub async fn restore_node(id: i64) -> Result<Restored, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    let mut restored = super::edit_ssr::restore_nodes(&state, tenant.id, &[id]).await?;
    restored
        .pop()
        .ok_or_else(|| AppError::internal("restore", "restore answered nothing"))
}

/// Brings several trashed items back at once, all or none (Undo of a delete).
#[server(prefix = "/api", endpoint = "restore_nodes")]
pub async fn restore_nodes(#[server(default)] ids: Vec<i64>) -> Result<Vec<Restored>, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::restore_nodes(&state, tenant.id, &ids).await
}

/// Deletes everything in the trash for good; answers how many items (top level) went.
#[server(prefix = "/api", endpoint = "empty_trash")]
pub async fn empty_trash() -> Result<u64, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::empty_trash(&state, tenant.id).await
}

/// Deletes one trashed item (and what was trashed with it) for good.
#[server(prefix = "/api", endpoint = "delete_forever")]
pub async fn delete_forever(id: i64) -> Result<(), AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::delete_forever(&state, tenant.id, id).await
}

/// Saves a text file. `base_version` is the version the editor loaded; when the file changed
/// since, nothing is written and the answer is 409 (the editor keeps the user's text).
#[server(prefix = "/api", endpoint = "save_file")]
pub async fn save_file(
    path: String,
    #[server(default)] content: String,
    base_version: i32,
) -> Result<Saved, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::save_file(&state, tenant.id, &path, &content, base_version).await
}

/// A text file's stored source and version, for the editor.
#[server(prefix = "/api", endpoint = "read_file_source")]
pub async fn read_file_source(path: String) -> Result<FileSource, AppError> {
    let (state, tenant, _) = crate::auth::ssr::require_owner()?;
    super::edit_ssr::read_file_source(&state, tenant.id, &path).await
}

/// Finds this tenant's items by name (ignoring case and accents) and text files by content.
/// Anyone may search; only live items of the host's tenant are found.
#[server(prefix = "/api", endpoint = "search_nodes")]
pub async fn search_nodes(query: String) -> Result<Vec<SearchHit>, AppError> {
    let state = crate::server::app_state()?;
    let tenant = super::ssr::request_tenant()?;
    super::edit_ssr::search(&state, tenant, &query).await
}

/// Renders the editor's markdown for its preview pane, with the same sanitiser as the viewer
/// (the wasm build carries no markdown renderer). Owner only; as large as a file may be.
#[server(prefix = "/api", endpoint = "preview_markdown")]
pub async fn preview_markdown(#[server(default)] source: String) -> Result<String, AppError> {
    crate::auth::ssr::require_owner()?;
    if source.len() > MAX_TEXT_BYTES {
        return Err(AppError::TooLarge(format!(
            "The preview is limited to {} KiB of text.",
            MAX_TEXT_BYTES / 1024
        )));
    }
    Ok(super::ssr::render_markdown(&source))
}

/// The address that serves a file's bytes (`GET /raw/...`), e.g. for `<img src>`.
pub fn raw_url(path: &str) -> String {
    match super::address_for(path).strip_prefix("/files/") {
        Some(rest) => format!("/raw/{rest}"),
        None => "/raw/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::raw_url;

    #[test]
    fn raw_urls_encode_each_segment() {
        assert_eq!(
            raw_url("/images/my cat #1.png"),
            "/raw/images/my%20cat%20%231.png"
        );
    }
}
