//! The file explorer: browsing a tenant's folders and reading its files.

pub mod edit;
#[cfg(feature = "ssr")]
pub mod edit_ssr;
mod editor;
mod listing;
pub mod owner;
#[cfg(feature = "ssr")]
pub mod ssr;
mod trash;
#[cfg(feature = "ssr")]
pub mod upload;
mod view;

pub use editor::EditorWindow;
pub use listing::ExplorerWindow;
pub use trash::TrashWindow;
pub use view::ViewerWindow;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeKind {
    Folder,
    File,
}

/// One item in a folder listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub kind: NodeKind,
    /// Absolute path inside the tenant, e.g. `/projects/readme.md`.
    pub path: String,
    pub size: i64,
}

/// One step of a breadcrumb trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crumb {
    pub name: String,
    pub path: String,
}

/// What is at a path: a folder with its entries, or a file with its rendered content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PathView {
    Folder {
        path: String,
        crumbs: Vec<Crumb>,
        entries: Vec<Entry>,
    },
    File {
        path: String,
        name: String,
        parent: String,
        body: FileBody,
    },
}

/// A file's content, ready to show. Markdown is rendered and sanitised on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FileBody {
    Markdown { html: String },
    Text { text: String },
    Binary { mime: String },
}

/// A folder in the tree pane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FolderNode {
    pub name: String,
    pub path: String,
    pub children: Vec<FolderNode>,
}

/// Lists a folder or reads a file of the current tenant.
#[server(prefix = "/api", endpoint = "open_path")]
pub async fn open_path(path: String) -> Result<PathView, AppError> {
    ssr::open_path_for_request(&path).await
}

/// The current tenant's folders, nested.
#[server(prefix = "/api", endpoint = "folder_tree")]
pub async fn folder_tree() -> Result<FolderNode, AppError> {
    ssr::folder_tree_for_request().await
}

/// Splits `/a/b/` into `["a", "b"]`.
pub fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Joins a folder path and a child name into an absolute path.
pub fn join(folder: &str, name: &str) -> String {
    let folder = folder.trim_end_matches('/');
    format!("{folder}/{name}")
}

/// Markdown files (rendered in the viewer, previewed in the editor) go by their extension.
pub fn is_markdown(name_or_path: &str) -> bool {
    let lower = name_or_path.to_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// The folder that contains `path` (`/` for top-level items).
pub fn parent_of(path: &str) -> String {
    let segs = segments(path);
    if segs.len() <= 1 {
        "/".to_string()
    } else {
        format!("/{}", segs[..segs.len() - 1].join("/"))
    }
}

/// The browser address for a path: `/files/<percent-encoded segments>`, or `/` for the root.
pub fn address_for(path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'/')
        .add(b'%')
        .add(b'\\')
        .add(b'^')
        .add(b'|')
        .add(b'[')
        .add(b']');
    let segs = segments(path);
    if segs.is_empty() {
        return "/".to_string();
    }
    let encoded: Vec<String> = segs
        .iter()
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect();
    format!("/files/{}", encoded.join("/"))
}

/// The tenant path named by a browser address (`/files/...`), or `None` for other pages.
pub fn path_from_address(address: &str) -> Option<String> {
    let address = address.split(['?', '#']).next().unwrap_or_default();
    if address == "/" || address.is_empty() {
        return Some("/".to_string());
    }
    let rest = address.strip_prefix("/files")?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let decoded: Vec<String> = segments(rest)
        .iter()
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    Some(format!("/{}", decoded.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_names_with_spaces_and_unicode() {
        let path = "/projects/año 2026/notes #1.md";
        let address = address_for(path);
        assert_eq!(address, "/files/projects/a%C3%B1o%202026/notes%20%231.md");
        assert_eq!(path_from_address(&address).as_deref(), Some(path));
    }

    #[test]
    fn root_and_foreign_addresses() {
        assert_eq!(address_for("/"), "/");
        assert_eq!(path_from_address("/").as_deref(), Some("/"));
        assert_eq!(path_from_address("/files").as_deref(), Some("/"));
        assert_eq!(path_from_address("/filesystem"), None);
        assert_eq!(path_from_address("/login"), None);
    }

    #[test]
    fn parents_and_joins() {
        assert_eq!(parent_of("/a/b/c.md"), "/a/b");
        assert_eq!(parent_of("/a"), "/");
        assert_eq!(join("/", "a"), "/a");
        assert_eq!(join("/a/", "b"), "/a/b");
    }
}
