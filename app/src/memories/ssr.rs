//! Memories and personalities on the server: every query is scoped to the logged-in owner's
//! tenant, so another tenant's ids behave exactly like ids that don't exist.

use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel_async::{AsyncConnection, RunQueryDsl};

use super::{MemoryInput, MemoryItem, PersonalityInput, PersonalityItem};
use crate::auth::ssr::require_owner;
use crate::core::error::{AppError, FieldError};
use crate::server::schema::{ai_personalities, memories, memory_keywords};
use crate::server::tenancy::TenantId;
use crate::server::{AppState, now};

const MAX_MEMORIES: i64 = 500;
const MAX_PERSONALITIES: i64 = 20;

fn memory_missing() -> AppError {
    AppError::NotFound("That memory does not exist (it may have been deleted).".into())
}

fn personality_missing() -> AppError {
    AppError::NotFound("That personality does not exist (it may have been deleted).".into())
}

/// Keywords as the assistant matches them: trimmed, lower-cased, deduplicated, in order.
pub fn normalise_keywords(raw: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for word in raw.split([',', '\n']) {
        let word = word.trim().to_lowercase();
        if word.is_empty() || out.contains(&word) {
            continue;
        }
        if word.chars().count() > 64 {
            return Err(format!(
                "The keyword “{word}” is longer than 64 characters."
            ));
        }
        out.push(word);
    }
    if out.len() > 30 {
        return Err("Use at most 30 keywords.".into());
    }
    Ok(out)
}

fn check_len(errors: &mut Vec<FieldError>, field: &str, value: &str, min: usize, max: usize) {
    let len = value.trim().chars().count();
    let message = if len < min {
        Some("This can't be empty.".to_string())
    } else if len > max {
        Some(format!("Use at most {max} characters."))
    } else {
        None
    };
    if let Some(message) = message {
        errors.push(FieldError {
            field: field.into(),
            message,
        });
    }
}

struct ValidMemory {
    title: String,
    content: String,
    keywords: Vec<String>,
    priority: i32,
    active: bool,
}

fn validate_memory(input: MemoryInput) -> Result<ValidMemory, AppError> {
    let mut errors = Vec::new();
    check_len(&mut errors, "title", &input.title, 1, 200);
    check_len(&mut errors, "content", &input.content, 1, 10_000);
    let keywords = match normalise_keywords(&input.keywords) {
        Ok(k) => k,
        Err(message) => {
            errors.push(FieldError {
                field: "keywords".into(),
                message,
            });
            Vec::new()
        }
    };
    if !(-100..=100).contains(&input.priority) {
        errors.push(FieldError {
            field: "priority".into(),
            message: "Use a priority from -100 to 100.".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidFields(errors));
    }
    // Content is kept exactly as written ({{placeholders}} included); only the title is trimmed.
    Ok(ValidMemory {
        title: input.title.trim().to_string(),
        content: input.content,
        keywords,
        priority: input.priority,
        active: input.active,
    })
}

async fn load_memories(state: &AppState, tenant: TenantId) -> Result<Vec<MemoryItem>, AppError> {
    type Row = (i64, String, String, i32, bool);
    let (rows, keywords): (Vec<Row>, Vec<(i64, String)>) = crate::with_conn!(&state.db, conn => {
        let rows = memories::table
            .filter(memories::tenant_id.eq(tenant.0))
            .order((memories::priority.desc(), memories::id.asc()))
            .select((memories::id, memories::title, memories::content, memories::priority, memories::active))
            .load(conn)
            .await?;
        let keywords = memory_keywords::table
            .filter(memory_keywords::tenant_id.eq(tenant.0))
            .order(memory_keywords::keyword.asc())
            .select((memory_keywords::memory_id, memory_keywords::keyword))
            .load(conn)
            .await?;
        (rows, keywords)
    });
    Ok(rows
        .into_iter()
        .map(|(id, title, content, priority, active)| MemoryItem {
            keywords: keywords
                .iter()
                .filter(|(m, _)| *m == id)
                .map(|(_, k)| k.clone())
                .collect(),
            id,
            title,
            content,
            priority,
            active,
        })
        .collect())
}

pub async fn list_memories() -> Result<Vec<MemoryItem>, AppError> {
    let (state, tenant, _) = require_owner()?;
    load_memories(&state, tenant.id).await
}

/// Creates (no id) or updates a memory with its keywords, in one transaction.
pub async fn save_memory(id: Option<i64>, input: MemoryInput) -> Result<MemoryItem, AppError> {
    let (state, tenant, _) = require_owner()?;
    let memory = validate_memory(input)?;
    let tenant_id = tenant.id.0;
    let at = now();
    let result: Result<Option<i64>, DieselError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            let memory_id = match id {
                Some(id) => {
                    let changed = diesel::update(
                        memories::table
                            .filter(memories::id.eq(id))
                            .filter(memories::tenant_id.eq(tenant_id)),
                    )
                    .set((
                        memories::title.eq(&memory.title),
                        memories::content.eq(&memory.content),
                        memories::priority.eq(memory.priority),
                        memories::active.eq(memory.active),
                        memories::updated_at.eq(at),
                    ))
                    .execute(conn)
                    .await?;
                    if changed == 0 {
                        return Ok(None);
                    }
                    diesel::delete(
                        memory_keywords::table
                            .filter(memory_keywords::memory_id.eq(id))
                            .filter(memory_keywords::tenant_id.eq(tenant_id)),
                    )
                    .execute(conn)
                    .await?;
                    id
                }
                None => {
                    let count: i64 = memories::table
                        .filter(memories::tenant_id.eq(tenant_id))
                        .count()
                        .get_result(conn)
                        .await?;
                    if count >= MAX_MEMORIES {
                        return Err(DieselError::RollbackTransaction);
                    }
                    diesel::insert_into(memories::table)
                        .values((
                            memories::tenant_id.eq(tenant_id),
                            memories::title.eq(&memory.title),
                            memories::content.eq(&memory.content),
                            memories::priority.eq(memory.priority),
                            memories::active.eq(memory.active),
                            memories::created_at.eq(at),
                            memories::updated_at.eq(at),
                        ))
                        .returning(memories::id)
                        .get_result(conn)
                        .await?
                }
            };
            for keyword in &memory.keywords {
                diesel::insert_into(memory_keywords::table)
                    .values((
                        memory_keywords::tenant_id.eq(tenant_id),
                        memory_keywords::memory_id.eq(memory_id),
                        memory_keywords::keyword.eq(keyword),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok(Some(memory_id))
        })
        .await
    });
    let memory_id = match result {
        Ok(Some(id)) => id,
        Ok(None) => return Err(memory_missing()),
        Err(DieselError::RollbackTransaction) => {
            return Err(AppError::Conflict(format!(
                "A portfolio can hold at most {MAX_MEMORIES} memories. Delete some first."
            )));
        }
        Err(other) => return Err(other.into()),
    };
    load_memories(&state, tenant.id)
        .await?
        .into_iter()
        .find(|m| m.id == memory_id)
        .ok_or_else(memory_missing)
}

/// Deletes a memory and returns it, so the window can offer Undo.
pub async fn delete_memory(id: i64) -> Result<MemoryItem, AppError> {
    let (state, tenant, _) = require_owner()?;
    let existing = load_memories(&state, tenant.id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(memory_missing)?;
    let tenant_id = tenant.id.0;
    crate::with_conn!(&state.db, conn => {
        diesel::delete(
            memories::table
                .filter(memories::id.eq(id))
                .filter(memories::tenant_id.eq(tenant_id)),
        )
        .execute(conn)
        .await?;
    });
    Ok(existing)
}

type PersonalityRow = (i64, String, String, String, String, String, String, bool);

async fn load_personalities(
    state: &AppState,
    tenant: TenantId,
) -> Result<Vec<PersonalityItem>, AppError> {
    let rows: Vec<PersonalityRow> = crate::with_conn!(&state.db, conn => {
        ai_personalities::table
            .filter(ai_personalities::tenant_id.eq(tenant.0))
            .order(ai_personalities::id.asc())
            .select((
                ai_personalities::id,
                ai_personalities::name,
                ai_personalities::description,
                ai_personalities::tone,
                ai_personalities::language,
                ai_personalities::system_prompt,
                ai_personalities::greeting,
                ai_personalities::active,
            ))
            .load(conn)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(
            |(id, name, description, tone, language, system_prompt, greeting, active)| {
                PersonalityItem {
                    id,
                    name,
                    description,
                    tone,
                    language,
                    system_prompt,
                    greeting,
                    active,
                }
            },
        )
        .collect())
}

pub async fn list_personalities() -> Result<Vec<PersonalityItem>, AppError> {
    let (state, tenant, _) = require_owner()?;
    load_personalities(&state, tenant.id).await
}

fn validate_personality(input: &PersonalityInput) -> Result<(), AppError> {
    let mut errors = Vec::new();
    check_len(&mut errors, "name", &input.name, 1, 80);
    check_len(&mut errors, "description", &input.description, 0, 500);
    check_len(&mut errors, "tone", &input.tone, 0, 200);
    check_len(&mut errors, "system_prompt", &input.system_prompt, 1, 4_000);
    check_len(&mut errors, "greeting", &input.greeting, 0, 500);
    let lang = input.language.trim();
    if lang.is_empty()
        || lang.len() > 16
        || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        errors.push(FieldError {
            field: "language".into(),
            message: "Use a language code such as en or es.".into(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::InvalidFields(errors))
    }
}

pub async fn save_personality(
    id: Option<i64>,
    input: PersonalityInput,
) -> Result<PersonalityItem, AppError> {
    let (state, tenant, _) = require_owner()?;
    validate_personality(&input)?;
    let tenant_id = tenant.id.0;
    let at = now();
    let saved: Option<i64> = crate::with_conn!(&state.db, conn => {
        match id {
            Some(id) => {
                let changed = diesel::update(
                    ai_personalities::table
                        .filter(ai_personalities::id.eq(id))
                        .filter(ai_personalities::tenant_id.eq(tenant_id)),
                )
                .set((
                    ai_personalities::name.eq(input.name.trim()),
                    ai_personalities::description.eq(&input.description),
                    ai_personalities::tone.eq(&input.tone),
                    ai_personalities::language.eq(input.language.trim()),
                    ai_personalities::system_prompt.eq(&input.system_prompt),
                    ai_personalities::greeting.eq(&input.greeting),
                    ai_personalities::updated_at.eq(at),
                ))
                .execute(conn)
                .await?;
                (changed > 0).then_some(id)
            }
            None => {
                let count: i64 = ai_personalities::table
                    .filter(ai_personalities::tenant_id.eq(tenant_id))
                    .count()
                    .get_result(conn)
                    .await?;
                if count >= MAX_PERSONALITIES {
                    None
                } else {
                    Some(
                        diesel::insert_into(ai_personalities::table)
                            .values((
                                ai_personalities::tenant_id.eq(tenant_id),
                                ai_personalities::name.eq(input.name.trim()),
                                ai_personalities::description.eq(&input.description),
                                ai_personalities::tone.eq(&input.tone),
                                ai_personalities::language.eq(input.language.trim()),
                                ai_personalities::system_prompt.eq(&input.system_prompt),
                                ai_personalities::greeting.eq(&input.greeting),
                                // The first personality answers at once.
                                ai_personalities::active.eq(count == 0),
                                ai_personalities::created_at.eq(at),
                                ai_personalities::updated_at.eq(at),
                            ))
                            .returning(ai_personalities::id)
                            .get_result(conn)
                            .await?,
                    )
                }
            }
        }
    });
    let Some(saved) = saved else {
        return Err(match id {
            Some(_) => personality_missing(),
            None => AppError::Conflict(format!(
                "A portfolio can have at most {MAX_PERSONALITIES} personalities."
            )),
        });
    };
    load_personalities(&state, tenant.id)
        .await?
        .into_iter()
        .find(|p| p.id == saved)
        .ok_or_else(personality_missing)
}

/// Makes one personality the one visitors talk to (exactly one is active).
pub async fn activate_personality(id: i64) -> Result<(), AppError> {
    let (state, tenant, _) = require_owner()?;
    let tenant_id = tenant.id.0;
    let found: Result<bool, DieselError> = crate::with_conn!(&state.db, conn => {
        conn.transaction(async |conn| {
            let exists: i64 = ai_personalities::table
                .filter(ai_personalities::id.eq(id))
                .filter(ai_personalities::tenant_id.eq(tenant_id))
                .count()
                .get_result(conn)
                .await?;
            if exists == 0 {
                return Ok(false);
            }
            diesel::update(ai_personalities::table.filter(ai_personalities::tenant_id.eq(tenant_id)))
                .set(ai_personalities::active.eq(false))
                .execute(conn)
                .await?;
            diesel::update(
                ai_personalities::table
                    .filter(ai_personalities::id.eq(id))
                    .filter(ai_personalities::tenant_id.eq(tenant_id)),
            )
            .set(ai_personalities::active.eq(true))
            .execute(conn)
            .await?;
            Ok(true)
        })
        .await
    });
    if found? {
        Ok(())
    } else {
        Err(personality_missing())
    }
}

pub async fn delete_personality(id: i64) -> Result<PersonalityItem, AppError> {
    let (state, tenant, _) = require_owner()?;
    let existing = load_personalities(&state, tenant.id)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(personality_missing)?;
    if existing.active {
        return Err(AppError::Conflict(
            "This personality is the one visitors talk to. Make another one active first.".into(),
        ));
    }
    let tenant_id = tenant.id.0;
    crate::with_conn!(&state.db, conn => {
        diesel::delete(
            ai_personalities::table
                .filter(ai_personalities::id.eq(id))
                .filter(ai_personalities::tenant_id.eq(tenant_id)),
        )
        .execute(conn)
        .await?;
    });
    Ok(existing)
}

#[cfg(test)]
mod tests {
    use super::normalise_keywords;

    #[test]
    fn keywords_are_lower_cased_trimmed_and_deduplicated() {
        assert_eq!(
            normalise_keywords(" Rust, rust ,Databases,,\nWASM").unwrap_or_default(),
            vec!["rust", "databases", "wasm"]
        );
        assert!(normalise_keywords(&"x".repeat(65)).is_err());
    }
}
