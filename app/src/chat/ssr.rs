//! `POST /api/chat`: validates the question, applies the daily limit, assembles the prompt from
//! the tenant's personality, settings and memories, and streams the answer as server-sent events.

use std::convert::Infallible;
use std::sync::Arc;

use assistant::{Memory, Personality, Profile, PromptInput, PromptLimits, Turn};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::StreamExt;
use limiter::{Decision, VisitorId};
use serde::Deserialize;

use super::{AssistantIntro, MAX_HISTORY, MAX_QUESTION_CHARS};
use crate::auth::session::Session;
use crate::core::error::AppError;
use crate::core::i18n::{LANG_COOKIE, Lang, Msg, negotiate_lang, text};
use crate::core::site::ssr::cookie;
use crate::server::AppState;
use crate::server::schema::{ai_personalities, memories, memory_keywords, settings};
use crate::server::tenancy::{ClientInfo, RequestSite, Tenant, TenantId};

#[derive(Debug, Deserialize)]
pub struct ChatRequest {
    #[serde(default)]
    pub prompt: String,
    #[serde(default)]
    pub history: Vec<Turn>,
    /// Owner-only: answer as this (possibly inactive) personality, for previews.
    #[serde(default)]
    pub personality: Option<i64>,
}

/// Who may ask how much: `None` is unlimited (premium tenants, the owner on their own tenant).
pub fn daily_limit(state: &AppState, tenant: &Tenant, owner: bool) -> Option<u32> {
    (!owner && tenant.plan != "premium").then_some(state.chat.free_daily_limit)
}

fn lang_of(headers: &HeaderMap, tenant: &Tenant) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    negotiate_lang(cookie(headers, LANG_COOKIE), accept, tenant.default_lang)
}

/// `RateLimit-Policy` / `RateLimit` (IETF httpapi draft, structured fields).
fn rate_headers(headers: &mut HeaderMap, decision: &Decision, now: chrono::DateTime<chrono::Utc>) {
    let window = 24 * 60 * 60;
    let reset_in = (decision.reset - now).num_seconds().max(0);
    let policy = format!("\"daily\";q={};w={window}", decision.limit);
    let current = format!("\"daily\";r={};t={reset_in}", decision.remaining);
    for (name, value) in [("ratelimit-policy", policy), ("ratelimit", current)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

fn reset_iso(decision: &Decision) -> String {
    decision
        .reset
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn limited(lang: Lang, decision: &Decision) -> Response {
    let now = chrono::Utc::now();
    let message = crate::core::template::fill(
        text(lang, Msg::ChatLimitReached),
        &[
            ("limit", &decision.limit.to_string()),
            ("reset", &decision.reset.format("%H:%M UTC").to_string()),
        ],
    );
    let body = serde_json::json!({
        "error": "rate_limit",
        "message": message,
        "remaining": 0,
        "reset": reset_iso(decision),
        "limit": decision.limit,
    });
    let mut res = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let retry = (decision.reset - now).num_seconds().max(1);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry));
    rate_headers(res.headers_mut(), decision, now);
    res
}

fn invalid(message: &str) -> Response {
    AppError::Invalid(message.to_string()).into_response()
}

/// The tenant's active personality (or, for an owner preview, the one asked for).
async fn load_personality(
    state: &AppState,
    tenant: TenantId,
    id: Option<i64>,
) -> Result<Option<Personality>, AppError> {
    type Row = (String, String, String, String, String, String);
    let row: Option<Row> = crate::with_conn!(&state.db, conn => {
        let mut query = ai_personalities::table
            .filter(ai_personalities::tenant_id.eq(tenant.0))
            .select((
                ai_personalities::name,
                ai_personalities::description,
                ai_personalities::tone,
                ai_personalities::language,
                ai_personalities::system_prompt,
                ai_personalities::greeting,
            ))
            .into_boxed();
        query = match id {
            Some(id) => query.filter(ai_personalities::id.eq(id)),
            None => query.filter(ai_personalities::active.eq(true)),
        };
        query.first(conn).await.optional()?
    });
    Ok(row.map(
        |(name, description, tone, language, system_prompt, greeting)| Personality {
            name,
            description,
            tone,
            language,
            system_prompt,
            greeting,
        },
    ))
}

/// Who answers: the active personality, or for the owner's preview the one asked for (another
/// tenant's id is not found); a plain assistant when the tenant has none active.
async fn personality_for(
    state: &AppState,
    tenant: TenantId,
    preview: Option<i64>,
    owner: bool,
    lang: Lang,
) -> Result<Personality, AppError> {
    if preview.is_some() && !owner {
        return Err(AppError::Unauthorized(
            "Only the owner can preview personalities.".into(),
        ));
    }
    match load_personality(state, tenant, preview).await? {
        Some(p) => Ok(p),
        None if preview.is_some() => {
            Err(AppError::NotFound("There is no such personality.".into()))
        }
        None => Ok(fallback_personality(lang)),
    }
}

/// A plain assistant for a tenant without an active personality.
fn fallback_personality(lang: Lang) -> Personality {
    Personality {
        name: "Assistant".into(),
        description: String::new(),
        tone: "friendly".into(),
        language: lang.code().into(),
        system_prompt: "Answer questions about {{owner_name}} from what you know about them."
            .into(),
        greeting: String::new(),
    }
}

pub async fn load_profile(state: &AppState, tenant: TenantId) -> Result<Profile, AppError> {
    let rows: Vec<(String, String)> = crate::with_conn!(&state.db, conn => {
        settings::table
            .filter(settings::tenant_id.eq(tenant.0))
            .select((settings::key, settings::value))
            .load(conn)
            .await?
    });
    Ok(Profile::new(rows))
}

/// Every active memory of the tenant, with its keywords.
async fn load_memories(state: &AppState, tenant: TenantId) -> Result<Vec<Memory>, AppError> {
    type Rows = (Vec<(i64, String, String, i32)>, Vec<(i64, String)>);
    let (rows, keywords): Rows = crate::with_conn!(&state.db, conn => {
        let rows = memories::table
            .filter(memories::tenant_id.eq(tenant.0))
            .filter(memories::active.eq(true))
            .select((memories::id, memories::title, memories::content, memories::priority))
            .load(conn)
            .await?;
        let keywords = memory_keywords::table
            .filter(memory_keywords::tenant_id.eq(tenant.0))
            .select((memory_keywords::memory_id, memory_keywords::keyword))
            .load(conn)
            .await?;
        (rows, keywords)
    });
    Ok(rows
        .into_iter()
        .map(|(id, title, content, priority)| Memory {
            id,
            keywords: keywords
                .iter()
                .filter(|(m, _)| *m == id)
                .map(|(_, k)| k.clone())
                .collect(),
            title,
            content,
            priority,
        })
        .collect())
}

/// Fills `{{key}}` from the tenant's settings; unknown keys become empty.
fn filler(profile: &Profile) -> impl Fn(&str) -> String + '_ {
    move |template: &str| {
        let values: Vec<(&str, &str)> = profile
            .entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        crate::core::template::fill(template, &values)
    }
}

fn event(name: &str, data: serde_json::Value) -> Event {
    Event::default().event(name).data(data.to_string())
}

pub async fn chat_handler(State(state): State<AppState>, req: Request) -> Response {
    let Some(RequestSite::Tenant(tenant)) = req.extensions().get::<RequestSite>().cloned() else {
        return AppError::NotFound("There is no assistant at this address.".into()).into_response();
    };
    let Some(client) = req.extensions().get::<ClientInfo>().cloned() else {
        return AppError::internal("chat", "tenancy middleware did not run").into_response();
    };
    let owner = req
        .extensions()
        .get::<Session>()
        .is_some_and(|s| s.tenant == tenant.id);
    let lang = lang_of(req.headers(), &tenant);
    let Ok(body) = axum::body::to_bytes(req.into_body(), 64 * 1024).await else {
        return AppError::TooLarge("The question and its conversation are too long.".into())
            .into_response();
    };
    let Ok(input) = serde_json::from_slice::<ChatRequest>(&body) else {
        return invalid(r#"Send JSON like {"prompt": "What do you work on?", "history": []}."#);
    };
    let question = input.prompt.trim();
    if question.is_empty() {
        return invalid(text(lang, Msg::ChatEmpty));
    }
    if question.chars().count() > MAX_QUESTION_CHARS {
        return invalid(text(lang, Msg::ChatTooLong));
    }
    // The conversation comes from the browser: keep only its most recent turns.
    let history: Vec<Turn> = input
        .history
        .iter()
        .rev()
        .take(MAX_HISTORY)
        .rev()
        .cloned()
        .collect();

    let loaded = async {
        let personality =
            personality_for(&state, tenant.id, input.personality, owner, lang).await?;
        Ok::<_, AppError>((
            personality,
            load_profile(&state, tenant.id).await?,
            load_memories(&state, tenant.id).await?,
        ))
    };
    let (personality, profile, memories) = match loaded.await {
        Ok(parts) => parts,
        Err(err) => return err.into_response(),
    };

    // Counted before answering, so concurrent questions can never pass the limit; a failed
    // answer gives its question back.
    let visitor = VisitorId::from_ip(client.ip);
    let decision = match daily_limit(&state, &tenant, owner) {
        Some(limit) => {
            let decision = state.chat.limiter.check(tenant.id.0, &visitor, limit).await;
            if !decision.allowed {
                return limited(lang, &decision);
            }
            Some(decision)
        }
        None => None,
    };

    let prompt = assistant::prepare(
        &PromptInput {
            personality: &personality,
            profile: &profile,
            memories: &memories,
            history: &history,
            question,
            limits: PromptLimits::default(),
        },
        &filler(&profile),
    );
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(64);
    let meta = serde_json::json!({
        "limit": decision.as_ref().map(|d| d.limit),
        "remaining": decision.as_ref().map(|d| d.remaining),
        "reset": decision.as_ref().map(reset_iso),
    });
    let provider = Arc::clone(&state.chat.provider);
    let limiter = state.chat.limiter.clone();
    let tenant_id = tenant.id.0;
    let answer_decision = decision.clone();
    tokio::spawn(async move {
        let _ = tx.send(event("meta", meta)).await;
        let refund = async || {
            if let Some(d) = &answer_decision {
                limiter.refund(tenant_id, &visitor, d).await;
            }
        };
        let failed = |err: assistant::ProviderError| {
            tracing::warn!(kind = err.kind(), error = ?err, "assistant answer failed");
            event(
                "error",
                serde_json::json!({ "message": text(lang, Msg::ChatFailed) }),
            )
        };
        let mut stream = match provider.stream(prompt.messages, &prompt.context).await {
            Ok(stream) => stream,
            Err(err) => {
                refund().await;
                let _ = tx.send(failed(err)).await;
                return;
            }
        };
        let mut answer = String::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(text) => {
                    answer.push_str(&text);
                    // A closed channel means the visitor stopped or left: stop asking.
                    if tx
                        .send(event("token", serde_json::json!({ "t": text })))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Err(err) => {
                    refund().await;
                    let _ = tx.send(failed(err)).await;
                    return;
                }
            }
        }
        let html = crate::explorer::ssr::render_markdown(&answer);
        let done = serde_json::json!({
            "html": html,
            "remaining": answer_decision.as_ref().map(|d| d.remaining),
        });
        let _ = tx.send(event("done", done)).await;
    });
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (Ok::<_, Infallible>(e), rx))
    });
    let mut res = Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Tells nginx not to buffer the stream.
    res.headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    if let Some(decision) = &decision {
        rate_headers(res.headers_mut(), decision, chrono::Utc::now());
    }
    res
}

/// What the chat window shows before the first question.
pub async fn chat_intro_for_request(preview: Option<i64>) -> Result<AssistantIntro, AppError> {
    let state = crate::server::app_state()?;
    let RequestSite::Tenant(tenant) = crate::core::site::ssr::request_site()? else {
        return Err(AppError::NotFound(
            "There is no assistant at this address.".into(),
        ));
    };
    let owner = crate::auth::ssr::current_session().is_some_and(|s| s.tenant == tenant.id);
    let parts = crate::server::request_parts()?;
    let lang = lang_of(&parts.headers, &tenant);
    let personality = personality_for(&state, tenant.id, preview, owner, lang).await?;
    let profile = load_profile(&state, tenant.id).await?;
    let fill = filler(&profile);
    Ok(AssistantIntro {
        name: fill(&personality.name),
        greeting: fill(&personality.greeting),
        limit: daily_limit(&state, &tenant, owner),
    })
}
