//! Owner edits on the server.
//!
//! Every write is one transaction that first locks the tenant (an update of its root row:
//! SQLite takes its write lock at once, PostgreSQL holds the row until commit), then reads the
//! tenant's nodes fresh, checks every rule on that snapshot and only then writes. So a write is
//! all or nothing, two edits of one tenant (from any node) take turns, and no rule is checked
//! against a stale cache. The cached tree is invalidated after each commit.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, SubsecRound};
use diesel::expression::functions::declare_sql_function;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, RunQueryDsl};
use unicode_normalization::UnicodeNormalization;

use super::edit::{
    FileSource, MAX_BATCH, MAX_TEXT_BYTES, Restored, Saved, SearchHit, TRASH_DAYS, TrashItem,
};
use super::{Entry, NodeKind, join, segments};
use crate::core::error::AppError;
use crate::core::names::{NODE_NAME_MAX, NodeName, name_key};
use crate::server::schema::{nodes, uploads};
use crate::server::tenancy::TenantId;
use crate::server::tree::{invalidate_tree, tenant_tree};
use crate::server::{AppState, now};

/// Deepest a node may sit below the top folder (the explorer reads no deeper).
pub const MAX_DEPTH: usize = 64;
/// Ids per `IN (…)` list, well under SQLite's bound-parameter limit.
const CHUNK: usize = 500;
/// Most search results.
const MAX_HITS: usize = 50;
/// Longest search query, in characters.
const MAX_QUERY: usize = 100;

#[declare_sql_function]
extern "SQL" {
    fn lower(
        x: diesel::sql_types::Nullable<diesel::sql_types::Text>,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// One node as the rules need it (no content).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = nodes)]
pub struct Row {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub name_key: String,
    pub size_bytes: i64,
    pub upload_id: Option<i64>,
    pub version: i32,
    pub deleted_at: Option<NaiveDateTime>,
}

impl Row {
    fn is_folder(&self) -> bool {
        self.kind == "folder"
    }

    fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    fn node_kind(&self) -> NodeKind {
        if self.is_folder() {
            NodeKind::Folder
        } else {
            NodeKind::File
        }
    }
}

/// A tenant's nodes read inside a transaction: live ones only, or live and trashed.
struct Snapshot {
    root: i64,
    rows: HashMap<i64, Row>,
    children: HashMap<i64, Vec<i64>>,
}

impl Snapshot {
    fn new(rows: Vec<Row>) -> Result<Snapshot, AppError> {
        let root = rows
            .iter()
            .find(|r| r.parent_id.is_none())
            .map(|r| r.id)
            .ok_or_else(|| AppError::internal("explorer edit", "tenant has no root folder"))?;
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for row in &rows {
            if let Some(parent) = row.parent_id {
                children.entry(parent).or_default().push(row.id);
            }
        }
        let rows = rows.into_iter().map(|r| (r.id, r)).collect();
        Ok(Snapshot {
            root,
            rows,
            children,
        })
    }

    fn row(&self, id: i64) -> Option<&Row> {
        self.rows.get(&id)
    }

    fn children(&self, id: i64) -> impl Iterator<Item = &Row> {
        self.children
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|c| self.rows.get(c))
    }

    /// The live node at `path`, or 404.
    fn resolve(&self, path: &str) -> Result<&Row, AppError> {
        let segs = segments(path);
        if segs.len() > MAX_DEPTH {
            return Err(AppError::Invalid("That path is too deep.".into()));
        }
        let mut current = self.row(self.root).ok_or_else(|| not_found(path))?;
        for seg in segs {
            if !current.is_folder() {
                return Err(not_found(path));
            }
            let key = name_key(seg);
            current = self
                .children(current.id)
                .find(|c| c.is_live() && c.name_key == key)
                .ok_or_else(|| not_found(path))?;
        }
        Ok(current)
    }

    fn resolve_folder(&self, path: &str) -> Result<&Row, AppError> {
        let row = self.resolve(path)?;
        if row.is_folder() {
            Ok(row)
        } else {
            Err(AppError::Invalid(format!(
                "“{}” is a file, not a folder.",
                self.path_of(row.id)
            )))
        }
    }

    /// The node's ancestors, nearest first (the root last); bounded against corrupt data.
    fn ancestors(&self, id: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut current = self.row(id).and_then(|r| r.parent_id);
        while let Some(parent) = current {
            if out.len() > self.rows.len() {
                break;
            }
            out.push(parent);
            current = self.row(parent).and_then(|r| r.parent_id);
        }
        out
    }

    /// Absolute path by stored names (`/` for the root), whether live or trashed.
    fn path_of(&self, id: i64) -> String {
        let mut names: Vec<&str> = self
            .ancestors(id)
            .iter()
            .filter_map(|a| self.row(*a))
            .filter(|a| a.parent_id.is_some())
            .map(|a| a.name.as_str())
            .collect();
        names.reverse();
        if let Some(row) = self.row(id).filter(|r| r.parent_id.is_some()) {
            names.push(&row.name);
        }
        format!("/{}", names.join("/"))
    }

    fn depth(&self, id: i64) -> usize {
        self.ancestors(id).len()
    }

    /// `id` itself or one of its descendants.
    fn is_within(&self, id: i64, ancestor: i64) -> bool {
        id == ancestor || self.ancestors(id).contains(&ancestor)
    }

    /// `id` and the descendants reached through children that `keep` accepts.
    fn subtree(&self, id: i64, keep: impl Fn(&Row) -> bool) -> Vec<i64> {
        let mut out = vec![id];
        let mut next = 0;
        while next < out.len() {
            let current = out[next];
            next += 1;
            out.extend(self.children(current).filter(|c| keep(c)).map(|c| c.id));
        }
        out
    }

    /// Levels below `id` in its live subtree (0 for a file or an empty folder).
    fn height(&self, id: i64) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(id, 0usize)];
        while let Some((current, level)) = stack.pop() {
            deepest = deepest.max(level);
            if level < MAX_DEPTH {
                stack.extend(
                    self.children(current)
                        .filter(|c| c.is_live())
                        .map(|c| (c.id, level + 1)),
                );
            }
        }
        deepest
    }

    /// The live child of `folder` whose name clashes with `key`, other than `except`.
    fn clash(&self, folder: i64, key: &str, except: Option<i64>) -> Option<&Row> {
        self.children(folder)
            .find(|c| c.is_live() && c.name_key == key && Some(c.id) != except)
    }

    /// How messages name a folder.
    fn place(&self, folder: i64) -> String {
        if folder == self.root {
            "the top folder".into()
        } else {
            format!("“{}”", self.path_of(folder))
        }
    }

    fn clash_error(&self, folder: i64, existing: &Row) -> AppError {
        AppError::Conflict(format!(
            "There is already a {} named “{}” in {}. Choose another name.",
            if existing.is_folder() {
                "folder"
            } else {
                "file"
            },
            existing.name,
            self.place(folder)
        ))
    }

    /// Picked items without those inside other picked items (they go along anyway).
    fn outermost<'a>(&self, picked: Vec<&'a Row>) -> Vec<&'a Row> {
        let ids: HashSet<i64> = picked.iter().map(|r| r.id).collect();
        picked
            .into_iter()
            .filter(|r| !self.ancestors(r.id).iter().any(|a| ids.contains(a)))
            .collect()
    }

    fn entry(&self, row: &Row) -> Entry {
        Entry {
            name: row.name.clone(),
            kind: row.node_kind(),
            path: self.path_of(row.id),
            size: row.size_bytes,
        }
    }
}

fn not_found(path: &str) -> AppError {
    let shown: String = path.chars().take(200).collect();
    AppError::NotFound(format!("Nothing is at “{shown}”."))
}

fn not_in_trash(id: i64) -> AppError {
    AppError::NotFound(format!("There is no item {id} in the trash."))
}

fn too_deep() -> AppError {
    AppError::Invalid(format!(
        "Folders can be nested at most {MAX_DEPTH} levels deep."
    ))
}

fn root_refused(action: &str) -> AppError {
    AppError::Invalid(format!("The top folder can't be {action}."))
}

fn parse_name(raw: &str) -> Result<NodeName, AppError> {
    NodeName::parse(raw).map_err(AppError::Invalid)
}

fn kib(bytes: usize) -> usize {
    bytes.div_ceil(1024)
}

/// Text a file may hold: at most 512 KiB, no NUL (PostgreSQL can't store it).
fn check_text(text: &str) -> Result<(), AppError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(AppError::TooLarge(format!(
            "A file can hold at most {} KB of text; this text is {} KB. Split it into several files.",
            kib(MAX_TEXT_BYTES),
            kib(text.len())
        )));
    }
    if text.contains('\0') {
        return Err(AppError::Invalid(
            "The text contains a NUL character, which can't be stored. Remove it and try again."
                .into(),
        ));
    }
    Ok(())
}

fn check_batch<T>(items: &[T]) -> Result<(), AppError> {
    if items.is_empty() {
        return Err(AppError::Invalid("Choose at least one item.".into()));
    }
    if items.len() > MAX_BATCH {
        return Err(AppError::Invalid(format!(
            "Choose at most {MAX_BATCH} items at a time."
        )));
    }
    Ok(())
}

/// A unique-name violation despite the checks means a writer that skipped the tenant lock.
fn write_error(err: DieselError) -> AppError {
    match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::Conflict(
            "Another item with that name was just added there. Reload and try again.".into(),
        ),
        other => AppError::from(other),
    }
}

/// Timestamps stored at microseconds, as PostgreSQL keeps them, so equal stays equal.
fn stamp() -> NaiveDateTime {
    now().trunc_subsecs(6)
}

/// Takes the tenant's write lock for the rest of the transaction.
macro_rules! lock_tenant {
    ($conn:ident, $tenant:expr) => {
        diesel::update(
            nodes::table
                .filter(nodes::tenant_id.eq($tenant.0))
                .filter(nodes::parent_id.is_null()),
        )
        .set(nodes::version.eq(nodes::version))
        .execute($conn)
        .await?
    };
}

/// The tenant's nodes: `live` ones, or `all` (with the trash).
macro_rules! load_rows {
    ($conn:ident, $tenant:expr, live) => {
        Snapshot::new(
            nodes::table
                .filter(nodes::tenant_id.eq($tenant.0))
                .filter(nodes::deleted_at.is_null())
                .select(Row::as_select())
                .load::<Row>($conn)
                .await?,
        )?
    };
    ($conn:ident, $tenant:expr, all) => {
        Snapshot::new(
            nodes::table
                .filter(nodes::tenant_id.eq($tenant.0))
                .select(Row::as_select())
                .load::<Row>($conn)
                .await?,
        )?
    };
}

/// Deletes nodes (subtrees complete) and their uploads' rows; evaluates to the storage keys
/// to delete once the transaction has committed.
macro_rules! purge {
    ($conn:ident, $tenant:expr, $ids:expr, $upload_ids:expr) => {{
        let ids: &[i64] = $ids;
        let upload_ids: &[i64] = $upload_ids;
        for chunk in ids.chunks(CHUNK) {
            diesel::delete(
                nodes::table
                    .filter(nodes::tenant_id.eq($tenant.0))
                    .filter(nodes::id.eq_any(chunk.to_vec())),
            )
            .execute($conn)
            .await?;
        }
        let mut keys: Vec<String> = Vec::new();
        for chunk in upload_ids.chunks(CHUNK) {
            let found: Vec<String> = uploads::table
                .filter(uploads::tenant_id.eq($tenant.0))
                .filter(uploads::id.eq_any(chunk.to_vec()))
                .select(uploads::storage_key)
                .load($conn)
                .await?;
            diesel::delete(
                uploads::table
                    .filter(uploads::tenant_id.eq($tenant.0))
                    .filter(uploads::id.eq_any(chunk.to_vec())),
            )
            .execute($conn)
            .await?;
            keys.extend(found);
        }
        keys
    }};
}

/// Removes stored bytes after their rows are gone; a failure leaves an orphan object, which
/// is logged (never a row pointing at missing bytes).
async fn delete_objects(state: &AppState, keys: Vec<String>) {
    for key in keys {
        if let Err(err) = state.uploads.storage.delete(&key).await {
            tracing::warn!(%err, key, "could not delete an uploaded file's bytes");
        }
    }
}

/// Creates a folder (`content` is `None`) or a text file in the folder at `parent`.
pub async fn create_node(
    state: &AppState,
    tenant: TenantId,
    parent: &str,
    name: &str,
    content: Option<&str>,
) -> Result<Entry, AppError> {
    let name = parse_name(name)?;
    if let Some(text) = content {
        check_text(text)?;
    }
    let at = stamp();
    let size = content.map_or(0, |c| c.len() as i64);
    let result: Result<Entry, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, live);
            let folder = snap.resolve_folder(parent)?;
            if let Some(existing) = snap.clash(folder.id, &name.key(), None) {
                return Err(snap.clash_error(folder.id, existing));
            }
            if snap.depth(folder.id) + 1 > MAX_DEPTH {
                return Err(too_deep());
            }
            let kind = if content.is_some() { NodeKind::File } else { NodeKind::Folder };
            diesel::insert_into(nodes::table)
                .values((
                    nodes::tenant_id.eq(tenant.0),
                    nodes::parent_id.eq(folder.id),
                    nodes::kind.eq(if content.is_some() { "file" } else { "folder" }),
                    nodes::name.eq(name.as_str()),
                    nodes::name_key.eq(name.key()),
                    nodes::content.eq(content),
                    nodes::size_bytes.eq(size),
                    nodes::created_at.eq(at),
                    nodes::updated_at.eq(at),
                ))
                .execute(conn)
                .await
                .map_err(write_error)?;
            Ok(Entry {
                name: name.as_str().to_string(),
                kind,
                path: join(&snap.path_of(folder.id), name.as_str()),
                size,
            })
        })
        .await
    });
    let entry = result?;
    invalidate_tree(state, tenant).await;
    Ok(entry)
}

pub async fn rename_node(
    state: &AppState,
    tenant: TenantId,
    path: &str,
    new_name: &str,
) -> Result<Entry, AppError> {
    let name = parse_name(new_name)?;
    let at = stamp();
    let result: Result<Entry, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, live);
            let node = snap.resolve(path)?;
            let parent = node.parent_id.ok_or_else(|| root_refused("renamed"))?;
            let mut entry = snap.entry(node);
            if node.name == name.as_str() {
                return Ok(entry);
            }
            if let Some(existing) = snap.clash(parent, &name.key(), Some(node.id)) {
                return Err(snap.clash_error(parent, existing));
            }
            diesel::update(
                nodes::table
                    .filter(nodes::tenant_id.eq(tenant.0))
                    .filter(nodes::id.eq(node.id)),
            )
            .set((
                nodes::name.eq(name.as_str()),
                nodes::name_key.eq(name.key()),
                nodes::version.eq(nodes::version + 1),
                nodes::updated_at.eq(at),
            ))
            .execute(conn)
            .await
            .map_err(write_error)?;
            entry.name = name.as_str().to_string();
            entry.path = join(&snap.path_of(parent), name.as_str());
            Ok(entry)
        })
        .await
    });
    let entry = result?;
    invalidate_tree(state, tenant).await;
    Ok(entry)
}

pub async fn move_nodes(
    state: &AppState,
    tenant: TenantId,
    paths: &[String],
    target: &str,
) -> Result<Vec<Entry>, AppError> {
    check_batch(paths)?;
    let at = stamp();
    let result: Result<Vec<Entry>, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, live);
            let target = snap.resolve_folder(target)?;
            let mut picked: Vec<&Row> = Vec::new();
            for path in paths {
                let node = snap.resolve(path)?;
                if node.parent_id.is_none() {
                    return Err(root_refused("moved"));
                }
                if !picked.iter().any(|p| p.id == node.id) {
                    picked.push(node);
                }
            }
            let picked = snap.outermost(picked);
            let target_path = snap.path_of(target.id);
            let mut incoming: HashMap<&str, &Row> = HashMap::new();
            for node in &picked {
                if node.is_folder() && snap.is_within(target.id, node.id) {
                    return Err(AppError::Invalid(format!(
                        "“{}” can't be moved into itself or into a folder inside it.",
                        snap.path_of(node.id)
                    )));
                }
                if node.parent_id == Some(target.id) {
                    continue;
                }
                if let Some(existing) = snap.clash(target.id, &node.name_key, Some(node.id)) {
                    return Err(snap.clash_error(target.id, existing));
                }
                if let Some(other) = incoming.insert(&node.name_key, node) {
                    return Err(AppError::Conflict(format!(
                        "“{}” and “{}” have the same name; they can't both go into {}. Rename one first.",
                        snap.path_of(other.id),
                        snap.path_of(node.id),
                        snap.place(target.id)
                    )));
                }
                if snap.depth(target.id) + 1 + snap.height(node.id) > MAX_DEPTH {
                    return Err(too_deep());
                }
            }
            let mut entries = Vec::with_capacity(picked.len());
            for node in &picked {
                if node.parent_id != Some(target.id) {
                    diesel::update(
                        nodes::table
                            .filter(nodes::tenant_id.eq(tenant.0))
                            .filter(nodes::id.eq(node.id)),
                    )
                    .set((nodes::parent_id.eq(target.id), nodes::updated_at.eq(at)))
                    .execute(conn)
                    .await
                    .map_err(write_error)?;
                }
                let mut entry = snap.entry(node);
                entry.path = join(&target_path, &node.name);
                entries.push(entry);
            }
            Ok(entries)
        })
        .await
    });
    let entries = result?;
    invalidate_tree(state, tenant).await;
    Ok(entries)
}

/// The trash item `top` stands for: itself and what was trashed with it.
fn trash_item(snap: &Snapshot, top: &Row) -> TrashItem {
    let subtree = snap.subtree(top.id, |c| c.deleted_at == top.deleted_at);
    let size = subtree
        .iter()
        .filter_map(|id| snap.row(*id))
        .filter(|r| !r.is_folder())
        .map(|r| r.size_bytes)
        .sum();
    TrashItem {
        id: top.id,
        name: top.name.clone(),
        kind: top.node_kind(),
        original_path: snap.path_of(top.id),
        deleted_at: top.deleted_at.unwrap_or_default().and_utc(),
        size,
        items: subtree.len() as i64,
    }
}

/// Moves the items at `paths` and everything inside them to the trash, with one timestamp.
pub async fn trash_nodes(
    state: &AppState,
    tenant: TenantId,
    paths: &[String],
) -> Result<Vec<TrashItem>, AppError> {
    check_batch(paths)?;
    let at = stamp();
    let result: Result<Vec<TrashItem>, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let mut snap = load_rows!(conn, tenant, live);
            let mut picked: Vec<&Row> = Vec::new();
            for path in paths {
                let node = snap.resolve(path)?;
                if node.parent_id.is_none() {
                    return Err(root_refused("deleted"));
                }
                if !picked.iter().any(|p| p.id == node.id) {
                    picked.push(node);
                }
            }
            let tops: Vec<i64> = snap.outermost(picked).iter().map(|r| r.id).collect();
            let ids: Vec<i64> = tops
                .iter()
                .flat_map(|top| snap.subtree(*top, |_| true))
                .collect();
            for chunk in ids.chunks(CHUNK) {
                diesel::update(
                    nodes::table
                        .filter(nodes::tenant_id.eq(tenant.0))
                        .filter(nodes::id.eq_any(chunk.to_vec())),
                )
                .set((nodes::deleted_at.eq(Some(at)), nodes::updated_at.eq(at)))
                .execute(conn)
                .await?;
            }
            // The snapshot now says what the database says, for the answer.
            for id in &ids {
                if let Some(row) = snap.rows.get_mut(id) {
                    row.deleted_at = Some(at);
                }
            }
            Ok(tops
                .iter()
                .filter_map(|id| snap.row(*id))
                .map(|top| trash_item(&snap, top))
                .collect())
        })
        .await
    });
    let items = result?;
    invalidate_tree(state, tenant).await;
    Ok(items)
}

/// Removes for good what has been in the trash longer than `TRASH_DAYS`.
async fn purge_expired(state: &AppState, tenant: TenantId) -> Result<(), AppError> {
    let cutoff = now() - chrono::Duration::days(TRASH_DAYS);
    let expired: i64 = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::deleted_at.lt(cutoff))
            .count()
            .get_result(conn)
            .await?
    });
    if expired == 0 {
        return Ok(());
    }
    let result: Result<Vec<String>, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, all);
            let old: Vec<i64> = snap
                .rows
                .values()
                .filter(|r| r.deleted_at.is_some_and(|d| d < cutoff))
                .flat_map(|r| snap.subtree(r.id, |_| true))
                .collect::<HashSet<i64>>()
                .into_iter()
                .collect();
            let upload_ids: Vec<i64> =
                old.iter().filter_map(|id| snap.row(*id)?.upload_id).collect();
            Ok(purge!(conn, tenant, &old, &upload_ids))
        })
        .await
    });
    delete_objects(state, result?).await;
    invalidate_tree(state, tenant).await;
    Ok(())
}

/// The trash's top-level items, newest first.
pub async fn list_trash(state: &AppState, tenant: TenantId) -> Result<Vec<TrashItem>, AppError> {
    purge_expired(state, tenant).await?;
    let rows: Vec<Row> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .select(Row::as_select())
            .load::<Row>(conn)
            .await?
    });
    let snap = Snapshot::new(rows)?;
    let mut items: Vec<TrashItem> = snap
        .rows
        .values()
        .filter(|r| is_trash_top(&snap, r))
        .map(|r| trash_item(&snap, r))
        .collect();
    items.sort_by(|a, b| {
        b.deleted_at
            .cmp(&a.deleted_at)
            .then_with(|| a.original_path.cmp(&b.original_path))
    });
    Ok(items)
}

/// A trashed node that was not trashed together with its folder.
fn is_trash_top(snap: &Snapshot, row: &Row) -> bool {
    row.deleted_at.is_some()
        && row
            .parent_id
            .and_then(|p| snap.row(p))
            .is_none_or(|parent| parent.deleted_at != row.deleted_at)
}

/// `name (restored).ext`, `name (restored 2).ext`, … kept within the length limit.
fn restored_name(name: &str, folder: bool, attempt: u32) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if !folder && dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    let tag = if attempt == 1 {
        " (restored)".to_string()
    } else {
        format!(" (restored {attempt})")
    };
    let room = NODE_NAME_MAX.saturating_sub(tag.chars().count() + ext.chars().count());
    let stem: String = stem.chars().take(room.max(1)).collect();
    format!("{stem}{tag}{ext}")
}

/// Restores trashed items (each with what was trashed with it) in one transaction. An item
/// whose folder is gone or trashed comes back to the top folder; a taken name gets
/// “(restored)”. Ids that are not in this tenant's trash are 404 and nothing changes.
pub async fn restore_nodes(
    state: &AppState,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<Restored>, AppError> {
    check_batch(ids)?;
    let at = stamp();
    let result: Result<Vec<Restored>, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, all);
            // What this call has brought back so far: names now taken, nodes now live.
            let mut claimed: HashSet<(i64, String)> = HashSet::new();
            let mut revived: HashSet<i64> = HashSet::new();
            let mut done = Vec::new();
            for &id in ids {
                if revived.contains(&id) {
                    continue;
                }
                let node = snap
                    .row(id)
                    .filter(|r| r.deleted_at.is_some())
                    .ok_or_else(|| not_in_trash(id))?;
                let parent = node.parent_id.and_then(|p| snap.row(p));
                let (target, moved_to_root) = match parent {
                    Some(p) if p.is_live() || revived.contains(&p.id) => (p.id, false),
                    _ => (snap.root, true),
                };
                let taken = |key: &str| {
                    snap.clash(target, key, Some(node.id)).is_some()
                        || claimed.contains(&(target, key.to_string()))
                };
                let mut name = node.name.clone();
                let mut attempt = 0;
                while taken(&name_key(&name)) {
                    attempt += 1;
                    if attempt > 1000 {
                        return Err(AppError::Conflict(format!(
                            "“{}” can't be restored: too many items with that name.",
                            node.name
                        )));
                    }
                    name = restored_name(&node.name, node.is_folder(), attempt);
                }
                let renamed = attempt > 0;
                claimed.insert((target, name_key(&name)));
                let subtree = snap.subtree(id, |c| c.deleted_at == node.deleted_at);
                diesel::update(
                    nodes::table
                        .filter(nodes::tenant_id.eq(tenant.0))
                        .filter(nodes::id.eq(id)),
                )
                .set((
                    nodes::deleted_at.eq(None::<NaiveDateTime>),
                    nodes::parent_id.eq(target),
                    nodes::name.eq(&name),
                    nodes::name_key.eq(name_key(&name)),
                    nodes::version.eq(nodes::version + i32::from(renamed)),
                    nodes::updated_at.eq(at),
                ))
                .execute(conn)
                .await
                .map_err(write_error)?;
                for chunk in subtree[1..].chunks(CHUNK) {
                    diesel::update(
                        nodes::table
                            .filter(nodes::tenant_id.eq(tenant.0))
                            .filter(nodes::id.eq_any(chunk.to_vec())),
                    )
                    .set((nodes::deleted_at.eq(None::<NaiveDateTime>), nodes::updated_at.eq(at)))
                    .execute(conn)
                    .await
                    .map_err(write_error)?;
                }
                revived.extend(subtree.iter().copied());
                let folder_path = snap.path_of(target);
                let mut message = format!("Restored “{name}” to {}.", snap.place(target));
                if moved_to_root {
                    message.push_str(&format!(
                        " Its folder “{}” is gone or in the trash.",
                        node.parent_id.map(|p| snap.path_of(p)).unwrap_or_default()
                    ));
                }
                if renamed {
                    message.push_str(&format!(
                        " “{}” was taken there, so it is back as “{name}”.",
                        node.name
                    ));
                }
                done.push(Restored {
                    id,
                    path: join(&folder_path, &name),
                    name,
                    renamed,
                    moved_to_root,
                    message,
                });
            }
            Ok(done)
        })
        .await
    });
    let done = result?;
    invalidate_tree(state, tenant).await;
    Ok(done)
}

/// Deletes one trashed item, with everything inside it, for good.
pub async fn delete_forever(state: &AppState, tenant: TenantId, id: i64) -> Result<(), AppError> {
    let result: Result<Vec<String>, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, all);
            snap.row(id)
                .filter(|r| r.deleted_at.is_some())
                .ok_or_else(|| not_in_trash(id))?;
            // Everything below a trashed node is trashed too.
            let ids = snap.subtree(id, |_| true);
            let upload_ids: Vec<i64> =
                ids.iter().filter_map(|id| snap.row(*id)?.upload_id).collect();
            Ok(purge!(conn, tenant, &ids, &upload_ids))
        })
        .await
    });
    delete_objects(state, result?).await;
    Ok(())
}

/// Deletes everything in the trash for good; answers how many top-level items went.
pub async fn empty_trash(state: &AppState, tenant: TenantId) -> Result<u64, AppError> {
    let result: Result<(u64, Vec<String>), AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, all);
            let tops = snap.rows.values().filter(|r| is_trash_top(&snap, r)).count() as u64;
            let ids: Vec<i64> = snap
                .rows
                .values()
                .filter(|r| r.deleted_at.is_some())
                .map(|r| r.id)
                .collect();
            let upload_ids: Vec<i64> =
                ids.iter().filter_map(|id| snap.row(*id)?.upload_id).collect();
            let keys = purge!(conn, tenant, &ids, &upload_ids);
            Ok((tops, keys))
        })
        .await
    });
    let (tops, keys) = result?;
    delete_objects(state, keys).await;
    Ok(tops)
}

/// What an upload stored, for its `uploads` row.
pub struct StoredUpload {
    pub storage_key: String,
    pub mime: &'static str,
    pub size: i64,
    pub sha256: String,
}

/// Refuses an upload early (before its bytes are read) when the folder is missing or the name
/// taken; `insert_upload` checks again under the lock.
pub async fn check_upload_target(
    state: &AppState,
    tenant: TenantId,
    folder: &str,
    name: &NodeName,
) -> Result<(), AppError> {
    let rows: Vec<Row> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::deleted_at.is_null())
            .select(Row::as_select())
            .load::<Row>(conn)
            .await?
    });
    let snap = Snapshot::new(rows)?;
    let folder = snap.resolve_folder(folder)?;
    match snap.clash(folder.id, &name.key(), None) {
        Some(existing) => Err(snap.clash_error(folder.id, existing)),
        None => Ok(()),
    }
}

/// Records stored bytes as a new file in `folder`: an `uploads` row and a `nodes` row, in one
/// transaction.
pub async fn insert_upload(
    state: &AppState,
    tenant: TenantId,
    folder: &str,
    name: &NodeName,
    stored: &StoredUpload,
) -> Result<Entry, AppError> {
    let at = stamp();
    let result: Result<Entry, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, live);
            let folder = snap.resolve_folder(folder)?;
            if let Some(existing) = snap.clash(folder.id, &name.key(), None) {
                return Err(snap.clash_error(folder.id, existing));
            }
            if snap.depth(folder.id) + 1 > MAX_DEPTH {
                return Err(too_deep());
            }
            let upload_id: i64 = diesel::insert_into(uploads::table)
                .values((
                    uploads::tenant_id.eq(tenant.0),
                    uploads::storage_key.eq(&stored.storage_key),
                    uploads::mime.eq(stored.mime),
                    uploads::size_bytes.eq(stored.size),
                    uploads::sha256.eq(&stored.sha256),
                    uploads::original_name.eq(name.as_str()),
                    uploads::created_at.eq(at),
                ))
                .returning(uploads::id)
                .get_result(conn)
                .await?;
            diesel::insert_into(nodes::table)
                .values((
                    nodes::tenant_id.eq(tenant.0),
                    nodes::parent_id.eq(folder.id),
                    nodes::kind.eq("file"),
                    nodes::name.eq(name.as_str()),
                    nodes::name_key.eq(name.key()),
                    nodes::upload_id.eq(upload_id),
                    nodes::size_bytes.eq(stored.size),
                    nodes::created_at.eq(at),
                    nodes::updated_at.eq(at),
                ))
                .execute(conn)
                .await
                .map_err(write_error)?;
            Ok(Entry {
                name: name.as_str().to_string(),
                kind: NodeKind::File,
                path: join(&snap.path_of(folder.id), name.as_str()),
                size: stored.size,
            })
        })
        .await
    });
    let entry = result?;
    invalidate_tree(state, tenant).await;
    Ok(entry)
}

fn uploaded_not_text(path: &str) -> AppError {
    AppError::Invalid(format!(
        "“{path}” is an uploaded file, not text; it can't be edited here."
    ))
}

/// Saves a text file if nobody changed it since `base_version`.
pub async fn save_file(
    state: &AppState,
    tenant: TenantId,
    path: &str,
    content: &str,
    base_version: i32,
) -> Result<Saved, AppError> {
    check_text(content)?;
    let at = stamp();
    let size = content.len() as i64;
    let result: Result<Saved, AppError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            lock_tenant!(conn, tenant);
            let snap = load_rows!(conn, tenant, live);
            let node = snap.resolve(path)?;
            let canonical = snap.path_of(node.id);
            if node.is_folder() {
                return Err(AppError::Invalid(format!("“{canonical}” is a folder, not a file.")));
            }
            if node.upload_id.is_some() {
                return Err(uploaded_not_text(&canonical));
            }
            if node.version != base_version {
                return Err(stale(&canonical));
            }
            let changed = diesel::update(
                nodes::table
                    .filter(nodes::tenant_id.eq(tenant.0))
                    .filter(nodes::id.eq(node.id))
                    .filter(nodes::version.eq(base_version)),
            )
            .set((
                nodes::content.eq(content),
                nodes::size_bytes.eq(size),
                nodes::version.eq(base_version + 1),
                nodes::updated_at.eq(at),
            ))
            .execute(conn)
            .await?;
            if changed != 1 {
                return Err(stale(&canonical));
            }
            Ok(Saved {
                path: canonical,
                version: base_version + 1,
                size,
            })
        })
        .await
    });
    let saved = result?;
    invalidate_tree(state, tenant).await;
    Ok(saved)
}

fn stale(path: &str) -> AppError {
    AppError::Conflict(format!(
        "“{path}” was changed somewhere else since you opened it, so your version was not saved. \
         Your text is still here: copy it, reopen the file and apply your changes again."
    ))
}

/// A text file's source and version, read fresh (not from the cache).
pub async fn read_file_source(
    state: &AppState,
    tenant: TenantId,
    path: &str,
) -> Result<FileSource, AppError> {
    let rows: Vec<Row> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::deleted_at.is_null())
            .select(Row::as_select())
            .load::<Row>(conn)
            .await?
    });
    let snap = Snapshot::new(rows)?;
    let node = snap.resolve(path)?;
    let canonical = snap.path_of(node.id);
    if node.is_folder() {
        return Err(AppError::Invalid(format!(
            "“{canonical}” is a folder, not a file."
        )));
    }
    let found: Option<(Option<String>, i32)> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::id.eq(node.id))
            .filter(nodes::deleted_at.is_null())
            .select((nodes::content, nodes::version))
            .first(conn)
            .await
            .optional()?
    });
    let (content, version) = found.ok_or_else(|| not_found(path))?;
    let content = content
        .filter(|_| node.upload_id.is_none())
        .ok_or_else(|| uploaded_not_text(&canonical))?;
    Ok(FileSource {
        path: canonical,
        name: node.name.clone(),
        content,
        version,
    })
}

/// Lower-cased, accents removed: how names and text are compared when searching.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Text around the first match of `folded_query` in `content`, on one line, or `None`.
fn snippet(content: &str, folded_query: &str) -> Option<String> {
    // Fold char by char, remembering where each folded char came from.
    let mut folded = String::with_capacity(content.len());
    let mut origin: Vec<(usize, usize)> = Vec::with_capacity(content.len());
    for (at, c) in content.char_indices() {
        if c.is_ascii() {
            origin.push((folded.len(), at));
            folded.push(c.to_ascii_lowercase());
            continue;
        }
        for f in fold(c.encode_utf8(&mut [0; 4])).chars() {
            origin.push((folded.len(), at));
            folded.push(f);
        }
    }
    let found = folded.find(folded_query)?;
    let start_in_content = origin
        .iter()
        .find(|(f, _)| *f == found)
        .map(|(_, at)| *at)
        .unwrap_or(0);
    let before: String = content[..start_in_content]
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = content[start_in_content..].chars().take(100).collect();
    let lead = if before.len() < start_in_content {
        "…"
    } else {
        ""
    };
    let tail = if start_in_content + after.len() < content.len() {
        "…"
    } else {
        ""
    };
    let text = format!("{lead}{before}{after}{tail}");
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `%` and `_` match literally.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Live items of `tenant` whose name (ignoring case and accents) or text contains `query`.
pub async fn search(
    state: &AppState,
    tenant: TenantId,
    query: &str,
) -> Result<Vec<SearchHit>, AppError> {
    let query = query.trim();
    if query.is_empty() {
        return Err(AppError::Invalid("Type something to search for.".into()));
    }
    if query.chars().count() > MAX_QUERY {
        return Err(AppError::Invalid(format!(
            "Search for at most {MAX_QUERY} characters."
        )));
    }
    let folded_query = fold(query);
    let tree = tenant_tree(state, tenant).await?;
    let walked = tree.walk();
    let mut hits: Vec<SearchHit> = Vec::new();
    let mut by_id: HashMap<i64, usize> = HashMap::new();
    for (path, node) in &walked {
        if node.parent_id.is_some() && fold(&node.name).contains(&folded_query) {
            by_id.insert(node.id, hits.len());
            hits.push(SearchHit {
                name: node.name.clone(),
                kind: if node.is_folder() {
                    NodeKind::Folder
                } else {
                    NodeKind::File
                },
                path: path.clone(),
                size: node.size_bytes,
                in_name: true,
                snippet: None,
            });
        }
    }
    // Text matches: the database filters (case-insensitively), the snippet is cut here.
    let pattern = format!("%{}%", like_escape(&query.to_lowercase()));
    let matches: Vec<(i64, Option<String>)> = crate::with_conn!(&state.db, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant.0))
            .filter(nodes::deleted_at.is_null())
            .filter(nodes::content.is_not_null())
            .filter(lower(nodes::content).like(&pattern).escape('\\'))
            .order(nodes::id)
            .select((nodes::id, nodes::content))
            .limit(MAX_HITS as i64)
            .load(conn)
            .await?
    });
    let paths: HashMap<i64, (&String, &crate::server::tree::TreeNode)> =
        walked.iter().map(|(p, n)| (n.id, (p, *n))).collect();
    for (id, content) in matches {
        let Some((path, node)) = paths.get(&id) else {
            continue;
        };
        let text = content.unwrap_or_default();
        let cut = snippet(&text, &folded_query)
            .or_else(|| Some(text.chars().take(100).collect::<String>()));
        match by_id.get(&id) {
            Some(index) => {
                if let Some(hit) = hits.get_mut(*index) {
                    hit.snippet = cut;
                }
            }
            None => hits.push(SearchHit {
                name: node.name.clone(),
                kind: NodeKind::File,
                path: (*path).clone(),
                size: node.size_bytes,
                in_name: false,
                snippet: cut,
            }),
        }
    }
    hits.truncate(MAX_HITS);
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restored_names_keep_the_extension_and_the_length_limit() {
        assert_eq!(restored_name("notes.md", false, 1), "notes (restored).md");
        assert_eq!(restored_name("notes.md", false, 2), "notes (restored 2).md");
        assert_eq!(restored_name("v1.2", true, 1), "v1.2 (restored)");
        assert_eq!(restored_name(".profile", false, 1), ".profile (restored)");
        let long = format!("{}.md", "x".repeat(254));
        let renamed = restored_name(&long, false, 1);
        assert_eq!(renamed.chars().count(), NODE_NAME_MAX);
        assert!(renamed.ends_with(" (restored).md"));
    }

    #[test]
    fn search_folds_case_and_accents_and_cuts_a_one_line_snippet() {
        assert_eq!(fold("Café CRÈME"), "cafe creme");
        let text = format!("{}\nthe CAFÉ is open\n{}", "a".repeat(100), "b".repeat(200));
        let cut = snippet(&text, &fold("cafe")).unwrap_or_default();
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("the CAFÉ is open"), "{cut}");
        assert!(!cut.contains('\n'));
        assert_eq!(snippet("short", "zzz"), None);
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
