//! Server side of the terminal: the tenant's file snapshot and file text.

use super::fs::{FsEntry, FsSnapshot};
use crate::core::error::AppError;
use crate::explorer::segments;
use crate::explorer::ssr::{file_content, request_tenant};
use crate::server::tenancy::TenantId;
use crate::server::tree::tenant_tree;
use crate::server::{AppState, app_state};

pub async fn snapshot(state: &AppState, tenant: TenantId) -> Result<FsSnapshot, AppError> {
    let tree = tenant_tree(state, tenant).await?;
    let entries = tree
        .walk()
        .into_iter()
        .map(|(path, node)| FsEntry {
            path,
            folder: node.is_folder(),
            size: node.size_bytes,
            modified: node.updated_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect();
    Ok(FsSnapshot { entries })
}

pub async fn snapshot_for_request() -> Result<FsSnapshot, AppError> {
    snapshot(&app_state()?, request_tenant()?).await
}

pub async fn read_text(state: &AppState, tenant: TenantId, path: &str) -> Result<String, AppError> {
    let tree = tenant_tree(state, tenant).await?;
    let (node, _) = tree
        .resolve(&segments(path))
        .ok_or_else(|| AppError::NotFound(format!("{path}: no such file")))?;
    if node.is_folder() {
        return Err(AppError::Invalid(format!("{path} is a folder")));
    }
    let content = file_content(state, tenant, node.id).await?;
    content.ok_or_else(|| AppError::Invalid(format!("{path} is a binary file; open it instead")))
}

pub async fn read_text_for_request(path: &str) -> Result<String, AppError> {
    read_text(&app_state()?, request_tenant()?, path).await
}
