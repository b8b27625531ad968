//! A tenant's folder tree (names, kinds, sizes; no contents), loaded in one query and cached
//! briefly, so resolving paths and listing folders on the hot path touches no database.
//!
//! Writes invalidate their tenant's entry on this node; other nodes see the change within the
//! TTL (DESIGN: only short-lived caches live in a node's memory).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use moka::future::Cache;

use super::AppState;
use super::schema::nodes;
use super::tenancy::TenantId;
use crate::core::error::AppError;
use crate::core::names::name_key;

/// How long another node's write can stay unseen here.
const TREE_TTL: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = nodes)]
pub struct TreeNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub name_key: String,
    pub size_bytes: i64,
    pub version: i32,
    pub updated_at: chrono::NaiveDateTime,
}

impl TreeNode {
    pub fn is_folder(&self) -> bool {
        self.kind == "folder"
    }
}

#[derive(Debug)]
pub struct TenantTree {
    pub root: i64,
    nodes: HashMap<i64, TreeNode>,
    /// Children of each folder: folders first, then by name ignoring case.
    children: HashMap<i64, Vec<i64>>,
}

impl TenantTree {
    fn from_rows(rows: Vec<TreeNode>) -> Option<TenantTree> {
        let root = rows.iter().find(|n| n.parent_id.is_none())?.id;
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for node in &rows {
            if let Some(parent) = node.parent_id {
                children.entry(parent).or_default().push(node.id);
            }
        }
        let nodes: HashMap<i64, TreeNode> = rows.into_iter().map(|n| (n.id, n)).collect();
        for list in children.values_mut() {
            let order = |id: &i64| {
                nodes
                    .get(id)
                    .map_or((false, ""), |n| (n.is_folder(), n.name_key.as_str()))
            };
            list.sort_by(|a, b| crate::core::names::listing_order(order(a), order(b)));
        }
        Some(TenantTree {
            root,
            nodes,
            children,
        })
    }

    /// Every node with its canonical absolute path (root first, parents before children).
    pub fn walk(&self) -> Vec<(String, &TreeNode)> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(String, i64)> = vec![("/".to_string(), self.root)];
        while let Some((path, id)) = stack.pop() {
            let Some(node) = self.nodes.get(&id) else {
                continue;
            };
            for child in self.children(id).collect::<Vec<_>>().into_iter().rev() {
                let child_path = if path == "/" {
                    format!("/{}", child.name)
                } else {
                    format!("{path}/{}", child.name)
                };
                stack.push((child_path, child.id));
            }
            out.push((path, node));
        }
        out
    }

    pub fn node(&self, id: i64) -> Option<&TreeNode> {
        self.nodes.get(&id)
    }

    pub fn children(&self, folder: i64) -> impl Iterator<Item = &TreeNode> {
        self.children
            .get(&folder)
            .into_iter()
            .flatten()
            .filter_map(|id| self.nodes.get(id))
    }

    /// The node at `segments` and its ancestors (root first), matching names like the
    /// database's unique key does (NFC, case-insensitive).
    pub fn resolve(&self, segments: &[&str]) -> Option<(&TreeNode, Vec<&TreeNode>)> {
        let mut current = self.nodes.get(&self.root)?;
        let mut ancestors = Vec::with_capacity(segments.len());
        for segment in segments {
            if !current.is_folder() {
                return None;
            }
            let key = name_key(segment);
            let child = self.children(current.id).find(|c| c.name_key == key)?;
            ancestors.push(current);
            current = child;
        }
        Some((current, ancestors))
    }
}

pub type TreeCache = Cache<i64, Arc<TenantTree>>;

pub fn new_cache() -> TreeCache {
    Cache::builder()
        .max_capacity(10_000)
        .time_to_live(TREE_TTL)
        .build()
}

/// The tenant's live (not trashed) tree, from the cache or one query.
pub async fn tenant_tree(state: &AppState, tenant: TenantId) -> Result<Arc<TenantTree>, AppError> {
    state
        .trees
        .try_get_with(tenant.0, async {
            let rows: Vec<TreeNode> = crate::with_conn!(&state.db, conn => {
                nodes::table
                    .filter(nodes::tenant_id.eq(tenant.0))
                    .filter(nodes::deleted_at.is_null())
                    .select(TreeNode::as_select())
                    .load(conn)
                    .await?
            });
            TenantTree::from_rows(rows).map(Arc::new).ok_or_else(|| {
                AppError::internal(
                    "tenant tree",
                    format!("tenant {} has no root folder", tenant.0),
                )
            })
        })
        .await
        .map_err(|e| (*e).clone())
}

/// Forgets a tenant's cached tree; every write to its nodes calls this.
pub async fn invalidate_tree(state: &AppState, tenant: TenantId) {
    state.trees.invalidate(&tenant.0).await;
}

#[cfg(test)]
#[expect(clippy::expect_used, reason = "a test fails loudly on a missing value")]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>, kind: &str, name: &str) -> TreeNode {
        TreeNode {
            id,
            parent_id: parent,
            kind: kind.into(),
            name: name.into(),
            name_key: name_key(name),
            size_bytes: 0,
            version: 1,
            updated_at: chrono::NaiveDateTime::default(),
        }
    }

    fn sample() -> Option<TenantTree> {
        TenantTree::from_rows(vec![
            node(1, None, "folder", ""),
            node(2, Some(1), "file", "zeta.md"),
            node(3, Some(1), "folder", "Projects"),
            node(4, Some(3), "file", "Café.md"),
            node(5, Some(1), "file", "alpha.md"),
        ])
    }

    #[test]
    fn paths_resolve_ignoring_case_and_composition() {
        let tree = sample().expect("tree");
        let (found, ancestors) = tree
            .resolve(&["projects", "CAFE\u{301}.MD"])
            .expect("resolves");
        assert_eq!(found.id, 4);
        assert_eq!(ancestors.iter().map(|a| a.id).collect::<Vec<_>>(), [1, 3]);
        assert!(tree.resolve(&["zeta.md", "inside-a-file"]).is_none());
        assert!(tree.resolve(&["missing"]).is_none());
        assert_eq!(tree.resolve(&[]).map(|(n, _)| n.id), Some(1));
    }

    #[test]
    fn listings_put_folders_first_then_names() {
        let tree = sample().expect("tree");
        let names: Vec<&str> = tree.children(1).map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["Projects", "alpha.md", "zeta.md"]);
    }
}
