//! The Redis limiter against the machine's Redis at 127.0.0.1:6379 (fails if it is not there).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use chrono::Utc;
use common::*;
use fred::prelude::KeysInterface;
use limiter::{Backend, DEFAULT_REDIS_TIMEOUT, Error, Limiter, SystemClock, counter_key};

async fn system_limiter() -> Limiter {
    redis_limiter(Arc::new(SystemClock)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_allows_exactly_15_of_40_concurrent_questions_and_stores_15() {
    let limiter = system_limiter().await;
    let (tenant, v) = (unique_tenant(), visitor("198.51.100.41"));
    let decisions = ask_concurrently(std::slice::from_ref(&limiter), tenant, v, 40).await;
    assert_exactly_limit_allowed(&decisions, Backend::Redis);
    // Refused questions did not inflate the stored count.
    let key = counter_key(tenant, &v, Utc::now().date_naive());
    let stored: u32 = redis_client().await.get(&key).await.unwrap();
    assert_eq!(stored, LIMIT);
    assert_eq!(limiter.stats().redis, 40);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_sharing_redis_allow_exactly_15_in_total() {
    let nodes = [system_limiter().await, system_limiter().await];
    let decisions = ask_concurrently(&nodes, unique_tenant(), visitor("198.51.100.42"), 40).await;
    assert_exactly_limit_allowed(&decisions, Backend::Redis);
    assert!(nodes.iter().all(|n| n.stats().redis == 20));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_redis_key_has_a_ttl_ending_just_after_utc_midnight() {
    let limiter = system_limiter().await;
    let redis = redis_client().await;
    let (tenant, v) = (unique_tenant(), visitor("2001:db8:aa:bb::1"));
    let decisions = ask_concurrently(std::slice::from_ref(&limiter), tenant, v, 40).await;
    let key = counter_key(tenant, &v, Utc::now().date_naive());
    let ttl: i64 = redis.ttl(&key).await.unwrap();
    let to_midnight = (decisions[0].reset - Utc::now()).num_seconds();
    assert!(ttl > 0, "TTL {ttl}");
    assert!(
        (to_midnight..=to_midnight + 61).contains(&ttl),
        "TTL {ttl}, midnight in {to_midnight}s"
    );
    assert!(key.starts_with(&format!("deskfolio:rl:{tenant}:2001:db8:aa:bb::/64:")));

    // A question refused outright (limit 0) creates no key at all, so none is left without a TTL.
    let other = visitor("192.0.2.99");
    assert!(!limiter.check(tenant, &other, 0).await.allowed);
    let exists: i64 = redis
        .exists(counter_key(tenant, &other, Utc::now().date_naive()))
        .await
        .unwrap();
    assert_eq!(exists, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_count_resets_at_utc_midnight_and_reset_is_that_midnight() {
    let (clock, dyn_clock) = manual_clock(utc(2031, 3, 4, 12, 0, 0));
    let limiter = redis_limiter(dyn_clock).await;
    count_resets_at_utc_midnight(&limiter, &clock, Backend::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_groups_ipv6_by_64_and_treats_mapped_ipv4_as_ipv4() {
    ipv6_in_one_64_share_a_counter_and_mapped_ipv4_is_ipv4(&system_limiter().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_refund_gives_back_one_question_never_below_zero() {
    refund_gives_back_one_question_never_below_zero(&system_limiter().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_refund_keeps_the_ttl_and_creates_no_key() {
    let limiter = system_limiter().await;
    let redis = redis_client().await;
    let (tenant, v) = (unique_tenant(), visitor("192.0.2.123"));
    let key = counter_key(tenant, &v, Utc::now().date_naive());
    let first = limiter.check(tenant, &v, LIMIT).await;
    limiter.check(tenant, &v, LIMIT).await;
    let ttl_before: i64 = redis.ttl(&key).await.unwrap();
    assert!(limiter.refund(tenant, &v, &first).await);
    let ttl_after: i64 = redis.ttl(&key).await.unwrap();
    assert!(ttl_after > 0 && ttl_after <= ttl_before);
    assert_eq!(redis.get::<u32, _>(&key).await.unwrap(), 1);

    // Refunding on a visitor with no counter leaves no key behind.
    let stranger = visitor("192.0.2.124");
    assert!(!limiter.refund(tenant, &stranger, &first).await);
    let exists: i64 = redis
        .exists(counter_key(tenant, &stranger, Utc::now().date_naive()))
        .await
        .unwrap();
    assert_eq!(exists, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_redis_url_is_a_clear_error() {
    for url in [
        "not a url",
        "http://127.0.0.1:6379",
        "redis://127.0.0.1:notaport",
        "rediss://127.0.0.1:6380",
    ] {
        let result =
            Limiter::redis(url, DEFAULT_REDIS_TIMEOUT, Arc::new(SystemClock), CAPACITY).await;
        assert!(
            matches!(result, Err(Error::InvalidRedisUrl(_))),
            "{url}: {result:?}"
        );
        let message = result.unwrap_err().to_string();
        assert!(message.starts_with("invalid Redis URL: "), "{message}");
        eprintln!("{url}: {message}");
    }
}
