//! Explorer queries. Every query takes a `TenantId`; paths resolve against the tenant's cached
//! tree, and only file contents are read from the database.

use std::sync::Arc;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{Crumb, Entry, FileBody, FolderNode, NodeKind, PathView, join, segments};
use crate::core::error::AppError;
use crate::core::site::ssr::request_site;
use crate::server::schema::nodes;
use crate::server::tenancy::{RequestSite, TenantId};
use crate::server::tree::{TenantTree, TreeNode, tenant_tree};
use crate::server::{AppState, app_state};

/// Longest path (in segments) a request may ask for.
const MAX_DEPTH: usize = 64;

fn kind_of(node: &TreeNode) -> NodeKind {
    if node.is_folder() {
        NodeKind::Folder
    } else {
        NodeKind::File
    }
}

/// The tenant the current request is for, or a 404 when the host is not a tenant.
pub fn request_tenant() -> Result<TenantId, AppError> {
    match request_site()? {
        RequestSite::Tenant(t) => Ok(t.id),
        _ => Err(AppError::NotFound(
            "There is no portfolio at this address.".into(),
        )),
    }
}

pub async fn open_path_for_request(path: &str) -> Result<PathView, AppError> {
    let state = app_state()?;
    let tenant = request_tenant()?;
    open_path(&state, tenant, path).await
}

pub async fn folder_tree_for_request() -> Result<FolderNode, AppError> {
    let state = app_state()?;
    let tenant = request_tenant()?;
    folder_tree(&state, tenant).await
}

fn not_found(path: &str) -> AppError {
    AppError::NotFound(format!("Nothing is at “{path}”."))
}

pub async fn open_path(
    state: &AppState,
    tenant: TenantId,
    path: &str,
) -> Result<PathView, AppError> {
    let segs = segments(path);
    if segs.len() > MAX_DEPTH {
        return Err(AppError::Invalid("That path is too deep.".into()));
    }
    let tree = tenant_tree(state, tenant).await?;
    let (node, ancestors) = tree.resolve(&segs).ok_or_else(|| not_found(path))?;
    // The canonical path uses the stored names, whatever case the request used.
    let mut names: Vec<&str> = ancestors.iter().skip(1).map(|n| n.name.as_str()).collect();
    if node.parent_id.is_some() {
        names.push(&node.name);
    }
    let canonical = format!("/{}", names.join("/"));
    if node.is_folder() {
        let entries = listing(&tree, node.id, &canonical);
        let mut crumbs = vec![Crumb {
            name: String::new(),
            path: "/".into(),
        }];
        let mut acc = String::new();
        for name in &names {
            acc = join(&acc, name);
            crumbs.push(Crumb {
                name: name.to_string(),
                path: acc.clone(),
            });
        }
        Ok(PathView::Folder {
            path: canonical,
            crumbs,
            entries,
        })
    } else {
        let body = file_body(state, tenant, node).await?;
        Ok(PathView::File {
            parent: super::parent_of(&canonical),
            path: canonical,
            name: node.name.clone(),
            body,
        })
    }
}

fn listing(tree: &TenantTree, folder: i64, folder_path: &str) -> Vec<Entry> {
    tree.children(folder)
        .map(|row| Entry {
            path: join(folder_path, &row.name),
            kind: kind_of(row),
            size: row.size_bytes,
            name: row.name.clone(),
        })
        .collect()
}

/// A file's stored text, read only when needed (tenant-scoped like every query).
pub async fn file_content(
    state: &AppState,
    tenant: TenantId,
    id: i64,
) -> Result<Option<String>, AppError> {
    let content: Option<Option<String>> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::id.eq(id))
            .select(nodes::content)
            .first(conn)
            .await
            .optional()?
    });
    Ok(content.flatten())
}

async fn file_body(
    state: &AppState,
    tenant: TenantId,
    node: &TreeNode,
) -> Result<FileBody, AppError> {
    if super::is_markdown(&node.name) {
        let html = state
            .rendered
            .try_get_with((node.id, node.version), async {
                let text = file_content(state, tenant, node.id)
                    .await?
                    .unwrap_or_default();
                Ok::<_, AppError>(Arc::<str>::from(render_markdown(&text)))
            })
            .await
            .map_err(|e| (*e).clone())?;
        return Ok(FileBody::Markdown {
            html: html.to_string(),
        });
    }
    Ok(match text_or_mime(state, tenant, node.id).await? {
        (Some(text), _) => FileBody::Text { text },
        (None, mime) => FileBody::Binary {
            mime: mime.unwrap_or_else(|| "application/octet-stream".into()),
        },
    })
}

/// A file's stored text, or else the sniffed type of its uploaded bytes (so the viewer can
/// show images and PDFs), in one query.
async fn text_or_mime(
    state: &AppState,
    tenant: TenantId,
    id: i64,
) -> Result<(Option<String>, Option<String>), AppError> {
    use crate::server::schema::uploads;
    let row: Option<(Option<String>, Option<String>)> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .left_join(
                uploads::table.on(uploads::id
                    .nullable()
                    .eq(nodes::upload_id)
                    .and(uploads::tenant_id.eq(nodes::tenant_id))),
            )
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::id.eq(id))
            .select((nodes::content, uploads::mime.nullable()))
            .first(conn)
            .await
            .optional()?
    });
    Ok(row.unwrap_or_default())
}

/// Markdown to HTML, then sanitised: raw HTML, scripts, event attributes and `javascript:`
/// URLs never reach the page.
pub fn render_markdown(source: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let parser = Parser::new_ext(source, options);
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .add_tag_attributes("code", &["class"])
        .add_tag_attributes("input", &["type", "checked", "disabled"])
        .add_tags(&["input"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

pub async fn folder_tree(state: &AppState, tenant: TenantId) -> Result<FolderNode, AppError> {
    let tree = tenant_tree(state, tenant).await?;
    fn build(tree: &TenantTree, id: i64, name: &str, path: &str, depth: usize) -> FolderNode {
        let children = if depth >= MAX_DEPTH {
            Vec::new()
        } else {
            tree.children(id)
                .filter(|c| c.is_folder())
                .map(|c| build(tree, c.id, &c.name, &join(path, &c.name), depth + 1))
                .collect()
        };
        FolderNode {
            name: name.to_string(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.to_string()
            },
            children,
        }
    }
    Ok(build(&tree, tree.root, "", "", 0))
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_never_carries_scripts_handlers_or_javascript_links() {
        let html = render_markdown(
            "# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<a href=\"#\" onclick=\"evil()\">y</a>",
        );
        assert!(html.contains("<h1>Hi</h1>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("onclick"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn markdown_keeps_lists_code_and_links() {
        let html = render_markdown(
            "- one\n- two\n\n```rust\nfn main() {}\n```\n\n[site](https://example.com)",
        );
        assert!(html.contains("<li>one</li>"));
        assert!(html.contains("<code class=\"language-rust\">"));
        assert!(html.contains("href=\"https://example.com\""));
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
    }
}
