//! The in-memory limiter (no Redis configured).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::*;
use limiter::{Backend, Limiter, SystemClock};

fn memory_limiter() -> Limiter {
    Limiter::memory(Arc::new(SystemClock), CAPACITY)
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_allows_exactly_15_of_40_concurrent_questions() {
    let limiter = memory_limiter();
    forty_concurrent_questions_allow_exactly_the_limit(&limiter, Backend::Memory).await;
    assert_eq!(limiter.backend(), Backend::Memory);
    assert_eq!(limiter.stats().memory, 40);
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_count_resets_at_utc_midnight_and_reset_is_that_midnight() {
    let (clock, dyn_clock) = manual_clock(utc(2031, 3, 4, 12, 0, 0));
    let limiter = Limiter::memory(dyn_clock, CAPACITY);
    count_resets_at_utc_midnight(&limiter, &clock, Backend::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_groups_ipv6_by_64_and_treats_mapped_ipv4_as_ipv4() {
    ipv6_in_one_64_share_a_counter_and_mapped_ipv4_is_ipv4(&memory_limiter()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_refund_gives_back_one_question_never_below_zero() {
    refund_gives_back_one_question_never_below_zero(&memory_limiter()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_counts_tenants_separately() {
    let limiter = memory_limiter();
    let v = visitor("192.0.2.5");
    let (a, b) = (unique_tenant(), unique_tenant());
    for _ in 0..LIMIT {
        assert!(limiter.check(a, &v, LIMIT).await.allowed);
    }
    assert!(!limiter.check(a, &v, LIMIT).await.allowed);
    assert_eq!(limiter.check(b, &v, LIMIT).await.remaining, LIMIT - 1);
}
