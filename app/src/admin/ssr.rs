//! Admin queries. Every function needs a platform admin's session on the host being served.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{PLANS, TenantSummary};
use crate::auth::ssr::require_owner;
use crate::core::error::AppError;
use crate::server::AppState;
use crate::server::schema::users;

const MAX_LISTED: i64 = 200;

fn require_admin() -> Result<(AppState, crate::auth::session::Session), AppError> {
    let (state, _, session) = require_owner().map_err(|e| match e {
        AppError::Unauthorized(_) => {
            AppError::Unauthorized("Log in as the platform admin to do that.".into())
        }
        other => other,
    })?;
    if !session.admin {
        return Err(AppError::Forbidden(
            "Only the platform admin can manage tenants.".into(),
        ));
    }
    Ok((state, session))
}

type Row = (String, String, String, bool, String);

fn summary((username, display_name, plan, disabled, role): Row) -> TenantSummary {
    TenantSummary {
        username,
        display_name,
        plan,
        disabled,
        admin: role == "admin",
    }
}

async fn find(state: &AppState, username: &str) -> Result<TenantSummary, AppError> {
    let row: Option<Row> = crate::with_conn!(&state.db, conn => {
        users::table
            .filter(users::username.eq(username))
            .select((users::username, users::display_name, users::plan, users::disabled, users::role))
            .first(conn)
            .await
            .optional()?
    });
    row.map(summary)
        .ok_or_else(|| AppError::NotFound(format!("There is no tenant called “{username}”.")))
}

pub async fn tenants(query: &str) -> Result<Vec<TenantSummary>, AppError> {
    let (state, _) = require_admin()?;
    // Usernames are lower-case ASCII labels; anything else can match nothing.
    let query: String = query.trim().to_lowercase();
    if query
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '-'))
        || query.len() > 30
    {
        return Ok(Vec::new());
    }
    let pattern = format!("%{query}%");
    let rows: Vec<Row> = crate::with_conn!(&state.db, conn => {
        users::table
            .filter(users::username.like(pattern.clone()))
            .order(users::username.asc())
            .limit(MAX_LISTED)
            .select((users::username, users::display_name, users::plan, users::disabled, users::role))
            .load(conn)
            .await?
    });
    Ok(rows.into_iter().map(summary).collect())
}

pub async fn set_plan(username: &str, plan: &str) -> Result<TenantSummary, AppError> {
    let (state, _) = require_admin()?;
    let Some(plan) = PLANS.into_iter().find(|p| *p == plan) else {
        return Err(AppError::Invalid(format!(
            "“{plan}” is not a plan; choose {}.",
            PLANS.join(" or ")
        )));
    };
    let changed = crate::with_conn!(&state.db, conn => {
        diesel::update(users::table.filter(users::username.eq(username)))
            .set(users::plan.eq(plan))
            .execute(conn)
            .await?
    });
    if changed == 0 {
        return Err(AppError::NotFound(format!(
            "There is no tenant called “{username}”."
        )));
    }
    state.tenants.invalidate(username).await;
    tracing::info!(tenant = username, plan, "plan changed by the admin");
    find(&state, username).await
}

pub async fn set_disabled(username: &str, disabled: bool) -> Result<TenantSummary, AppError> {
    let (state, session) = require_admin()?;
    let target = find(&state, username).await?;
    if disabled && target.admin {
        return Err(AppError::Invalid(
            "An admin's own portfolio can't be disabled: the admin would be locked out.".into(),
        ));
    }
    crate::with_conn!(&state.db, conn => {
        diesel::update(users::table.filter(users::username.eq(username)))
            .set(users::disabled.eq(disabled))
            .execute(conn)
            .await?
    });
    state.tenants.invalidate(username).await;
    tracing::info!(tenant = username, disabled, admin = %session.username, "tenant state changed by the admin");
    Ok(TenantSummary { disabled, ..target })
}
