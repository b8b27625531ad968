//! In-process counters: the limiter when there is no Redis, and the fallback while Redis fails.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use moka::future::Cache;

use crate::{CounterKey, Outcome};

/// A day's counter is useless after that day; 25 h outlives any day it was created in.
const ENTRY_TTL: Duration = Duration::from_secs(25 * 3600);

pub(crate) struct MemoryStore {
    // One atomic per key: moka hands concurrent callers the same Arc, and the
    // compare-and-swap below never lets two of them take the last question.
    counters: Cache<CounterKey, Arc<AtomicU32>>,
}

impl MemoryStore {
    /// `capacity` bounds the number of (tenant, visitor, day) counters kept; past it the least
    /// used are evicted (an evicted visitor starts again from zero).
    pub(crate) fn new(capacity: u64) -> Self {
        Self {
            counters: Cache::builder()
                .max_capacity(capacity)
                .time_to_live(ENTRY_TTL)
                .build(),
        }
    }

    async fn counter(&self, key: CounterKey) -> Arc<AtomicU32> {
        self.counters
            .get_with(key, async { Arc::new(AtomicU32::new(0)) })
            .await
    }

    /// Takes one question if any is left; never counts past the limit.
    pub(crate) async fn check(&self, key: CounterKey, limit: u32) -> Outcome {
        let counter = self.counter(key).await;
        match counter.fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
            (used < limit).then_some(used + 1)
        }) {
            Ok(before) => Outcome {
                allowed: true,
                used: before + 1,
            },
            Err(used) => Outcome {
                allowed: false,
                used,
            },
        }
    }

    /// Gives one question back; never below zero. Returns whether one was given back.
    pub(crate) async fn refund(&self, key: CounterKey) -> bool {
        match self.counters.get(&key).await {
            Some(counter) => counter
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                    used.checked_sub(1)
                })
                .is_ok(),
            None => false,
        }
    }

    /// Mirrors a count Redis answered with, so a fallback continues from it instead of from zero.
    pub(crate) async fn observe(&self, key: CounterKey, used: u32) {
        self.counter(key).await.fetch_max(used, Ordering::AcqRel);
    }

    /// Mirrors a refund Redis made.
    pub(crate) async fn observe_refund(&self, key: CounterKey, used: u32) {
        if let Some(counter) = self.counters.get(&key).await {
            counter.fetch_min(used, Ordering::AcqRel);
        }
    }
}
