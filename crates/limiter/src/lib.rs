//! Per-visitor daily question limiter for the AI assistant.
//!
//! Counters are per tenant, visitor and UTC calendar day. With a Redis URL, Redis (through
//! fred) holds them, shared by every app node; without one, an in-memory store does. While
//! Redis fails the in-memory store answers instead, and a background probe switches back to
//! Redis as soon as it answers again. Which tenants are limited, and to what, is the caller's
//! decision: premium tenants and owners simply never call [`Limiter::check`].

mod clock;
mod memory;
mod redis;
mod visitor;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use fred::prelude::ClientLike;
use fred::types::ConnectHandle;

pub use clock::{Clock, ManualClock, SystemClock};
pub use visitor::VisitorId;

use memory::MemoryStore;
use redis::RedisStore;

/// Questions per visitor per UTC day on a free tenant, unless configured otherwise.
pub const DEFAULT_LIMIT_PER_DAY: u32 = 15;
/// How long a request may wait for Redis before it is answered from memory.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(100);
/// Counters the in-memory store keeps at most (a few dozen bytes each).
pub const DEFAULT_MEMORY_CAPACITY: u64 = 100_000;

/// Redis keeps a day's counter this long past the day's end, for nodes whose clocks lag a bit.
const EXPIRY_MARGIN_SECS: i64 = 60;
/// How often the background probe asks a failed Redis whether it is back.
const PROBE_INTERVAL: Duration = Duration::from_secs(1);

/// Which store answered a decision (or, for [`Limiter::backend`], would answer the next one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Redis, shared by all nodes.
    Redis,
    /// The in-memory store, because no Redis is configured.
    Memory,
    /// The in-memory store, because Redis is configured but failing.
    Fallback,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Redis => "redis",
            Self::Memory => "memory",
            Self::Fallback => "fallback",
        }
    }
}

/// The answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    /// Questions left today after this one.
    pub remaining: u32,
    /// When the count starts again: the next UTC midnight.
    pub reset: DateTime<Utc>,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid Redis URL: {0}")]
    InvalidRedisUrl(String),
    #[error("cannot create the Redis client: {0}")]
    RedisClient(#[source] fred::error::Error),
}

/// Counts since the limiter was built (the same events also go to the `metrics` facade).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Decisions answered by Redis.
    pub redis: u64,
    /// Decisions answered by memory with no Redis configured.
    pub memory: u64,
    /// Decisions answered by memory because Redis was failing.
    pub fallback: u64,
    /// Redis calls on the request path that failed or timed out.
    pub redis_errors: u64,
    /// Times the background probe switched back to Redis.
    pub recoveries: u64,
}

/// The Redis key of a counter: `deskfolio:rl:{tenant}:{visitor}:{yyyy-mm-dd}`.
pub fn counter_key(tenant_id: i64, visitor: &VisitorId, day: NaiveDate) -> String {
    CounterKey {
        tenant_id,
        visitor: *visitor,
        day,
    }
    .to_string()
}

/// The daily question limiter. Cheap to clone; clones share counters and the Redis connection.
#[derive(Clone)]
pub struct Limiter {
    inner: Arc<Inner>,
}

struct Inner {
    clock: Arc<dyn Clock>,
    memory: MemoryStore,
    redis: Option<RedisStore>,
    stats: Counters,
}

#[derive(Default)]
struct Counters {
    redis: AtomicU64,
    memory: AtomicU64,
    fallback: AtomicU64,
    redis_errors: AtomicU64,
    recoveries: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CounterKey {
    tenant_id: i64,
    visitor: VisitorId,
    day: NaiveDate,
}

impl fmt::Display for CounterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            tenant_id,
            visitor,
            day,
        } = self;
        write!(f, "deskfolio:rl:{tenant_id}:{visitor}:{day}")
    }
}

/// What a store did with one question: whether it was taken, and the count after it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    allowed: bool,
    used: u32,
}

impl Limiter {
    /// A limiter for a single node, with no Redis.
    pub fn memory(clock: Arc<dyn Clock>, capacity: u64) -> Self {
        Self {
            inner: Arc::new(Inner {
                clock,
                memory: MemoryStore::new(capacity),
                redis: None,
                stats: Counters::default(),
            }),
        }
    }

    /// A limiter on Redis, falling back to memory while Redis fails. A malformed URL is an
    /// error; an unreachable Redis is not: the limiter then starts in fallback and switches to
    /// Redis once it answers. Waits at most about a second for the first connection. Must be
    /// called inside a Tokio runtime (it spawns the probe).
    pub async fn redis(
        url: &str,
        timeout: Duration,
        clock: Arc<dyn Clock>,
        capacity: u64,
    ) -> Result<Self, Error> {
        let (redis, connection) = RedisStore::connect(url, timeout).await?;
        if !redis.is_up() {
            redis.warn_unreachable_at_start();
        }
        metrics::gauge!("limiter_redis_up").set(if redis.is_up() { 1.0 } else { 0.0 });
        let client = redis.client.clone();
        let inner = Arc::new(Inner {
            clock,
            memory: MemoryStore::new(capacity),
            redis: Some(redis),
            stats: Counters::default(),
        });
        tokio::spawn(probe(Arc::downgrade(&inner), client, connection));
        Ok(Self { inner })
    }

    /// The store the next decision will come from.
    pub fn backend(&self) -> Backend {
        match &self.inner.redis {
            None => Backend::Memory,
            Some(redis) if redis.is_up() => Backend::Redis,
            Some(_) => Backend::Fallback,
        }
    }

    pub fn stats(&self) -> Stats {
        let s = &self.inner.stats;
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            redis: get(&s.redis),
            memory: get(&s.memory),
            fallback: get(&s.fallback),
            redis_errors: get(&s.redis_errors),
            recoveries: get(&s.recoveries),
        }
    }

    /// Counts one question of `visitor` on `tenant_id` against `limit` questions per UTC day,
    /// unless the limit is already reached. Never fails: a failing Redis costs at most the
    /// timeout once, then requests go straight to memory until Redis is back.
    pub async fn check(&self, tenant_id: i64, visitor: &VisitorId, limit: u32) -> Decision {
        let now = self.inner.clock.now();
        let day = now.date_naive();
        let reset = start_of(day.succ_opt().unwrap_or(day));
        let key = CounterKey {
            tenant_id,
            visitor: *visitor,
            day,
        };
        let ttl_secs = (reset - now).num_seconds().max(0) + EXPIRY_MARGIN_SECS;
        let (backend, outcome) = self.inner.count(key, limit, ttl_secs).await;
        metrics::counter!(
            "limiter_decisions_total",
            "backend" => backend.as_str(),
            "allowed" => if outcome.allowed { "true" } else { "false" },
        )
        .increment(1);
        Decision {
            allowed: outcome.allowed,
            limit,
            remaining: limit.saturating_sub(outcome.used),
            reset,
            backend,
        }
    }

    /// Gives back the question `decision` took (when the AI provider failed), on the day it was
    /// counted. Never below zero; the Redis key keeps its TTL. A refused decision took nothing,
    /// so it gives nothing back. Returns whether a question was given back.
    pub async fn refund(&self, tenant_id: i64, visitor: &VisitorId, decision: &Decision) -> bool {
        if !decision.allowed {
            return false;
        }
        let Some(day) = decision.reset.date_naive().pred_opt() else {
            return false;
        };
        let key = CounterKey {
            tenant_id,
            visitor: *visitor,
            day,
        };
        let inner = &self.inner;
        if decision.backend == Backend::Redis
            && let Some(redis) = &inner.redis
            && redis.is_up()
        {
            match redis.refund(key.to_string()).await {
                Ok(Some(used)) => {
                    inner.memory.observe_refund(key, used).await;
                    return true;
                }
                Ok(None) => return false,
                Err(error) => inner.redis_failed(redis, &error),
            }
        }
        inner.memory.refund(key).await
    }
}

impl Inner {
    async fn count(&self, key: CounterKey, limit: u32, ttl_secs: i64) -> (Backend, Outcome) {
        let Some(redis) = &self.redis else {
            self.stats.memory.fetch_add(1, Ordering::Relaxed);
            return (Backend::Memory, self.memory.check(key, limit).await);
        };
        if redis.is_up() {
            match redis.check(key.to_string(), limit, ttl_secs).await {
                Ok(outcome) => {
                    self.memory.observe(key, outcome.used).await;
                    self.stats.redis.fetch_add(1, Ordering::Relaxed);
                    return (Backend::Redis, outcome);
                }
                Err(error) => self.redis_failed(redis, &error),
            }
        }
        self.stats.fallback.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("limiter_fallback_total").increment(1);
        (Backend::Fallback, self.memory.check(key, limit).await)
    }

    fn redis_failed(&self, redis: &RedisStore, error: &fred::error::Error) {
        self.stats.redis_errors.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("limiter_redis_errors_total").increment(1);
        metrics::gauge!("limiter_redis_up").set(0.0);
        redis.failed(error);
    }
}

/// Asks a failed Redis every `PROBE_INTERVAL` whether it is back, for as long as the limiter
/// lives; then closes the client so fred's reconnect loop ends too.
async fn probe(inner: Weak<Inner>, client: fred::prelude::Client, mut connection: ConnectHandle) {
    let mut ticks = tokio::time::interval(PROBE_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(inner) = inner.upgrade() else { break };
        let Some(redis) = &inner.redis else { break };
        if redis.is_up() {
            continue;
        }
        // Only a failed first connection ends fred's connection task; start another.
        if connection.is_finished() {
            connection = client.connect();
        }
        if redis.probe(PROBE_INTERVAL).await {
            inner.stats.recoveries.fetch_add(1, Ordering::Relaxed);
            metrics::gauge!("limiter_redis_up").set(1.0);
        }
    }
    let _ = tokio::time::timeout(PROBE_INTERVAL, client.quit()).await;
    connection.abort();
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}
