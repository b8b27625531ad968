//! Explorer queries. Every query takes a `TenantId`.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{Crumb, Entry, FileBody, FolderNode, NodeKind, PathView, join, segments};
use crate::core::error::AppError;
use crate::core::names::name_key;
use crate::core::site::ssr::request_site;
use crate::server::schema::nodes;
use crate::server::tenancy::{RequestSite, TenantId};
use crate::server::{AppState, app_state};

/// Longest path (in segments) a request may ask for; deeper trees are not reachable by URL.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = nodes)]
pub struct NodeRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub content: Option<String>,
    pub size_bytes: i64,
    pub version: i32,
}

impl NodeRow {
    pub fn kind(&self) -> NodeKind {
        if self.kind == "folder" {
            NodeKind::Folder
        } else {
            NodeKind::File
        }
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

/// Resolves a path to its node, walking from the tenant's root one segment at a time.
pub async fn resolve(
    state: &AppState,
    tenant: TenantId,
    path: &str,
) -> Result<(NodeRow, Vec<NodeRow>), AppError> {
    let segs = segments(path);
    if segs.len() > MAX_DEPTH {
        return Err(AppError::Invalid("That path is too deep.".into()));
    }
    let keys: Vec<String> = segs.iter().map(|s| name_key(s)).collect();
    let chain = crate::with_conn!(&state.db, conn => {
        let root: NodeRow = nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::parent_id.is_null())
            .select(NodeRow::as_select())
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::internal("resolve", format!("tenant {} has no root folder", tenant.0)))?;
        let mut chain = vec![root];
        for key in &keys {
            let Some(current) = chain.last() else { break };
            if current.kind() != NodeKind::Folder {
                return Err(not_found(path));
            }
            let child: Option<NodeRow> = nodes::table
                .filter(nodes::tenant_id.eq(tenant.0))
                .filter(nodes::parent_id.eq(current.id))
                .filter(nodes::name_key.eq(key))
                .filter(nodes::deleted_at.is_null())
                .select(NodeRow::as_select())
                .first(conn)
                .await
                .optional()?;
            match child {
                Some(child) => chain.push(child),
                None => return Err(not_found(path)),
            }
        }
        chain
    });
    let mut chain = chain;
    let node = chain.pop().ok_or_else(|| not_found(path))?;
    Ok((node, chain))
}

pub async fn children(
    state: &AppState,
    tenant: TenantId,
    folder: i64,
) -> Result<Vec<NodeRow>, AppError> {
    let mut rows: Vec<NodeRow> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::parent_id.eq(folder))
            .filter(nodes::deleted_at.is_null())
            .select(NodeRow::as_select())
            .load(conn)
            .await?
    });
    sort_for_listing(&mut rows);
    Ok(rows)
}

/// Folders first, then by name ignoring case.
fn sort_for_listing(rows: &mut [NodeRow]) {
    rows.sort_by(|a, b| {
        (a.kind != "folder", name_key(&a.name)).cmp(&(b.kind != "folder", name_key(&b.name)))
    });
}

pub async fn open_path(
    state: &AppState,
    tenant: TenantId,
    path: &str,
) -> Result<PathView, AppError> {
    let (node, ancestors) = resolve(state, tenant, path).await?;
    // The canonical path uses the stored names, whatever case the request used.
    let mut names: Vec<String> = ancestors.iter().skip(1).map(|n| n.name.clone()).collect();
    if node.parent_id.is_some() {
        names.push(node.name.clone());
    }
    let canonical = format!("/{}", names.join("/"));
    match node.kind() {
        NodeKind::Folder => {
            let rows = children(state, tenant, node.id).await?;
            let entries = rows
                .into_iter()
                .map(|row| Entry {
                    path: join(&canonical, &row.name),
                    kind: row.kind(),
                    size: row.size_bytes,
                    name: row.name,
                })
                .collect();
            let mut crumbs = vec![Crumb {
                name: String::new(),
                path: "/".into(),
            }];
            let mut acc = String::new();
            for name in &names {
                acc = join(&acc, name);
                crumbs.push(Crumb {
                    name: name.clone(),
                    path: acc.clone(),
                });
            }
            Ok(PathView::Folder {
                path: canonical,
                crumbs,
                entries,
            })
        }
        NodeKind::File => {
            let body = file_body(state, &node).await;
            Ok(PathView::File {
                parent: super::parent_of(&canonical),
                path: canonical,
                name: node.name,
                body,
            })
        }
    }
}

async fn file_body(state: &AppState, node: &NodeRow) -> FileBody {
    let lower = node.name.to_lowercase();
    match &node.content {
        Some(text) if lower.ends_with(".md") || lower.ends_with(".markdown") => {
            let html = state
                .rendered
                .get_with((node.id, node.version), async {
                    std::sync::Arc::from(render_markdown(text))
                })
                .await;
            FileBody::Markdown {
                html: html.to_string(),
            }
        }
        Some(text) => FileBody::Text { text: text.clone() },
        None => FileBody::Binary {
            mime: "application/octet-stream".into(),
        },
    }
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
    let rows: Vec<(i64, Option<i64>, String)> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::kind.eq("folder"))
            .filter(nodes::deleted_at.is_null())
            .select((nodes::id, nodes::parent_id, nodes::name))
            .load(conn)
            .await?
    });
    let root = rows
        .iter()
        .find(|(_, parent, _)| parent.is_none())
        .map(|(id, _, _)| *id)
        .ok_or_else(|| AppError::internal("folder tree", "root folder missing"))?;
    fn build(
        id: i64,
        name: &str,
        path: &str,
        rows: &[(i64, Option<i64>, String)],
        depth: usize,
    ) -> FolderNode {
        let mut children: Vec<FolderNode> = if depth >= MAX_DEPTH {
            Vec::new()
        } else {
            rows.iter()
                .filter(|(_, parent, _)| *parent == Some(id))
                .map(|(cid, _, cname)| build(*cid, cname, &join(path, cname), rows, depth + 1))
                .collect()
        };
        children.sort_by_key(|c| name_key(&c.name));
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
    Ok(build(root, "", "", &rows, 0))
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
