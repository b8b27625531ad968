//! Contact messages on the server: stored per tenant, read only by that tenant's owner.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{ContactMessage, MAX_BODY, MAX_NAME};
use crate::auth::ssr::require_owner;
use crate::core::error::AppError;
use crate::core::site::ssr::client_info;
use crate::server::schema::contact_messages;
use crate::server::{app_state, now};

const MAX_LISTED: i64 = 500;

/// Trims and checks a sender's name, email and message; the message's text is kept as written.
fn validate(name: &str, email: &str, body: &str) -> Result<(String, String, String), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::Invalid("Please say who you are.".into()));
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(AppError::Invalid(format!(
            "A name can have at most {MAX_NAME} characters and no control characters."
        )));
    }
    let email = email.trim();
    let plausible = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !plausible {
        return Err(AppError::Invalid(
            "That email address does not look right; the owner needs it to answer you.".into(),
        ));
    }
    if body.trim().is_empty() {
        return Err(AppError::Invalid("The message is empty.".into()));
    }
    if body.chars().count() > MAX_BODY {
        return Err(AppError::Invalid(format!(
            "A message can have at most {MAX_BODY} characters."
        )));
    }
    Ok((name.to_string(), email.to_string(), body.to_string()))
}

pub async fn send(name: &str, email: &str, body: &str) -> Result<(), AppError> {
    let state = app_state()?;
    let tenant = crate::explorer::ssr::request_tenant()?;
    let client = client_info()?;
    let key = format!("{}:{}", tenant.0, client.ip);
    if let Some(secs) = state.throttles.contact_ip.blocked_for(&key) {
        return Err(crate::auth::session::too_many(secs));
    }
    let (name, email, body) = validate(name, email, body)?;
    state.throttles.contact_ip.record(&key);
    let at = now();
    crate::with_conn!(&state.db, conn => {
        diesel::insert_into(contact_messages::table)
            .values((
                contact_messages::tenant_id.eq(tenant.0),
                contact_messages::sender_name.eq(&name),
                contact_messages::sender_email.eq(&email),
                contact_messages::body.eq(&body),
                contact_messages::created_at.eq(at),
            ))
            .execute(conn)
            .await?
    });
    Ok(())
}

pub async fn list() -> Result<Vec<ContactMessage>, AppError> {
    let (state, tenant, _) = require_owner()?;
    type Row = (
        i64,
        String,
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = crate::with_conn!(&state.db, conn => {
        contact_messages::table
            .filter(contact_messages::tenant_id.eq(tenant.id.0))
            .order((contact_messages::created_at.desc(), contact_messages::id.desc()))
            .limit(MAX_LISTED)
            .select((
                contact_messages::id,
                contact_messages::sender_name,
                contact_messages::sender_email,
                contact_messages::body,
                contact_messages::created_at,
                contact_messages::read_at,
            ))
            .load(conn)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(
            |(id, sender_name, sender_email, body, created, read_at)| ContactMessage {
                id,
                sender_name,
                sender_email,
                body,
                created_at: DateTime::from_naive_utc_and_offset(created, Utc),
                read: read_at.is_some(),
            },
        )
        .collect())
}

pub async fn mark(id: i64, read: bool) -> Result<(), AppError> {
    let (state, tenant, _) = require_owner()?;
    let read_at = read.then(now);
    let changed = crate::with_conn!(&state.db, conn => {
        diesel::update(
            contact_messages::table
                .filter(contact_messages::tenant_id.eq(tenant.id.0))
                .filter(contact_messages::id.eq(id)),
        )
        .set(contact_messages::read_at.eq(read_at))
        .execute(conn)
        .await?
    });
    if changed == 0 {
        return Err(AppError::NotFound("There is no such message.".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn contact_input_is_trimmed_and_checked() {
        let (name, email, body) =
            validate("  Ana ", " ana@example.com ", " hi\n").unwrap_or_default();
        assert_eq!(
            (name.as_str(), email.as_str(), body.as_str()),
            ("Ana", "ana@example.com", " hi\n")
        );
        assert!(validate("", "a@b.co", "hi").is_err());
        assert!(validate("Ana", "not-an-email", "hi").is_err());
        assert!(validate("Ana", "a@b", "hi").is_err());
        assert!(validate("Ana", "a@b.co", "   ").is_err());
        assert!(validate("Ana", "a@b.co", &"x".repeat(5001)).is_err());
        assert!(validate("A\u{0}", "a@b.co", "hi").is_err());
    }
}
