//! Owner login and sessions, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use common::{Backend, Options, TestApp, session_cookie};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode};

both_backends!(
    login_sets_a_host_only_http_only_lax_cookie,
    login_behind_an_https_proxy_uses_the_host_prefix_and_secure,
    wrong_password_and_unknown_user_get_the_same_answer,
    another_tenants_owner_cannot_log_in_here,
    the_owner_email_account_is_admin_and_may_log_in_anywhere,
    a_session_is_valid_only_on_the_host_that_created_it,
    logout_ends_the_session,
    password_change_ends_every_other_session,
    failed_logins_are_throttled_per_account_with_retry_after,
    registrations_are_throttled_per_client_address,
    the_login_form_works_without_javascript,
    expired_and_idle_sessions_are_refused,
    tokens_are_stored_hashed,
    cross_site_login_posts_are_refused,
);

const PASSWORD: &str = "correct horse battery";

async fn whoami(app: &TestApp, host: &str, cookie: &str) -> serde_json::Value {
    let res = app.server_fn_with(host, "whoami", &[], cookie).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

async fn login_sets_a_host_only_http_only_lax_cookie(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let res = app.login("ana.localhost:3000", "ana", PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["username"], "ana");
    let set = res.headers["set-cookie"].to_str().unwrap();
    assert!(set.starts_with("deskfolio_session="), "{set}");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"));
    assert!(
        !set.to_ascii_lowercase().contains("domain="),
        "host-only: {set}"
    );
    assert!(
        !set.contains("Secure"),
        "plain HTTP cannot keep a Secure cookie: {set}"
    );
    let cookie = session_cookie(&res).unwrap();
    assert_eq!(
        whoami(&app, "ana.localhost:3000", &cookie).await["username"],
        "ana"
    );
    let page = app
        .send(
            Request::get("/")
                .header("host", "ana.localhost:3000")
                .header("cookie", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        page.body.contains("\"viewer\":{\"username\":\"ana\""),
        "owner mode is rendered"
    );
}

async fn login_behind_an_https_proxy_uses_the_host_prefix_and_secure(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            trusted_proxies: vec!["10.0.0.0/8"],
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let res = app
        .send_from(
            "10.0.0.5",
            Request::post("/auth/login")
                .header("host", "ana.localhost")
                .header("x-forwarded-proto", "https")
                .header("content-type", "application/json")
                .body(Body::from(
                    serde_json::json!({"username": "ana", "password": PASSWORD}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let set = res.headers["set-cookie"].to_str().unwrap();
    assert!(set.starts_with("__Host-deskfolio_session="), "{set}");
    assert!(set.contains("; Secure"), "{set}");
    // The same header from an untrusted peer does not make the request HTTPS.
    let spoofed = app
        .send(
            Request::post("/auth/login")
                .header("host", "ana.localhost")
                .header("x-forwarded-proto", "https")
                .header("content-type", "application/json")
                .body(Body::from(
                    serde_json::json!({"username": "ana", "password": PASSWORD}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    let set = spoofed.headers["set-cookie"].to_str().unwrap();
    assert!(set.starts_with("deskfolio_session="), "{set}");
}

async fn wrong_password_and_unknown_user_get_the_same_answer(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let wrong = app
        .login("ana.localhost:3000", "ana", "not the password")
        .await;
    let unknown = app
        .login("ana.localhost:3000", "nobody", "not the password")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.json()["error"], "unauthorized");
    assert!(wrong.headers.get("set-cookie").is_none());
    let huge = app
        .login("ana.localhost:3000", "ana", &"x".repeat(10_000))
        .await;
    assert_eq!(
        huge.status,
        StatusCode::UNAUTHORIZED,
        "long passwords are not hashed"
    );
    let empty = app.login("ana.localhost:3000", "", "").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let apex = app.login("localhost:3000", "ana", PASSWORD).await;
    assert_eq!(apex.status, StatusCode::NOT_FOUND, "{}", apex.body);
}

async fn another_tenants_owner_cannot_log_in_here(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let res = app.login("ana.localhost:3000", "bob", PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert!(session_cookie(&res).is_none());
}

async fn the_owner_email_account_is_admin_and_may_log_in_anywhere(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            owner_email: Some("root@example.com"),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let res = app
        .register(serde_json::json!({"username": "boss", "password": PASSWORD, "email": "Root@Example.com"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = app.login("ana.localhost:3000", "boss", PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let me = whoami(&app, "ana.localhost:3000", &session_cookie(&res).unwrap()).await;
    assert_eq!(me["username"], "boss");
    assert_eq!(me["admin"], true);
}

async fn a_session_is_valid_only_on_the_host_that_created_it(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let ana = app.owner_cookie("ana").await;
    // Replayed on bob's host, ana's cookie is nobody's session.
    assert!(whoami(&app, "bob.localhost:3000", &ana).await.is_null());
    let res = app
        .server_fn_with(
            "bob.localhost:3000",
            "change_password",
            &[("current", PASSWORD), ("new", "taken over!!")],
            &ana,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    // Bob's password is unchanged.
    let bob = app.login("bob.localhost:3000", "bob", PASSWORD).await;
    assert_eq!(bob.status, StatusCode::OK);
}

async fn logout_ends_the_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let host = "ana.localhost:3000";
    let cookie = app.owner_cookie("ana").await;
    let res = app
        .send(
            Request::post("/auth/logout")
                .header("host", host)
                .header("origin", format!("http://{host}"))
                .header("cookie", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(
        whoami(&app, host, &cookie).await.is_null(),
        "the old token is dead"
    );
}

async fn password_change_ends_every_other_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let host = "ana.localhost:3000";
    let laptop = app.owner_cookie("ana").await;
    let phone = app.owner_cookie("ana").await;
    let wrong = app
        .server_fn_with(
            host,
            "change_password",
            &[("current", "nope nope nope"), ("new", "a new passphrase")],
            &laptop,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    let short = app
        .server_fn_with(
            host,
            "change_password",
            &[("current", PASSWORD), ("new", "short")],
            &laptop,
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.body);
    let res = app
        .server_fn_with(
            host,
            "change_password",
            &[("current", PASSWORD), ("new", "a new passphrase")],
            &laptop,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let fresh = session_cookie(&res).expect("the changing browser stays logged in");
    assert!(whoami(&app, host, &phone).await.is_null());
    assert!(whoami(&app, host, &laptop).await.is_null());
    assert_eq!(whoami(&app, host, &fresh).await["username"], "ana");
    assert_eq!(
        app.login(host, "ana", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(host, "ana", "a new passphrase").await.status,
        StatusCode::OK
    );
}

async fn failed_logins_are_throttled_per_account_with_retry_after(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let host = "ana.localhost:3000";
    for _ in 0..10 {
        let res = app.login(host, "ana", "guess guess guess").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits now: the attacker learns nothing.
    let res = app.login(host, "ana", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    let retry: u64 = res.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    assert_eq!(res.json()["error"], "too_many_requests");
    assert!(res.json()["message"].as_str().unwrap().contains("minute"));
    // The same limit reached through the server function answers the same way.
    let res = app
        .server_fn(
            host,
            "login",
            &[("username", "ana"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.contains_key("retry-after"));
}

async fn registrations_are_throttled_per_client_address(backend: Backend) {
    let app = TestApp::new(backend).await;
    for i in 0..20 {
        app.tenant(&format!("user{i}")).await;
    }
    let res = app
        .register(serde_json::json!({"username": "one-more", "password": PASSWORD}))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.contains_key("retry-after"));
    // Another address may still register.
    let other = app
        .send_from(
            "203.0.113.9",
            Request::post("/auth/register")
                .header("host", "localhost:3000")
                .header("content-type", "application/json")
                .body(Body::from(
                    serde_json::json!({"username": "one-more", "password": PASSWORD}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.body);
}

async fn the_login_form_works_without_javascript(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let host = "ana.localhost:3000";
    let page = app.get(host, "/login").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("action=\"/login\""), "{}", page.body);
    let post = |password: &'static str| {
        Request::post("/login")
            .header("host", host)
            .header("origin", format!("http://{host}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("username=ana&password={password}")))
            .unwrap()
    };
    let wrong = app.send(post("wrong+wrong")).await;
    assert_eq!(wrong.status, StatusCode::SEE_OTHER);
    assert_eq!(wrong.headers["location"], "/login?error=wrong");
    let page = app.get(host, "/login?error=wrong").await;
    assert!(
        page.body.contains("role=\"alert\""),
        "the form explains the failure"
    );
    let ok = app.send(post("correct+horse+battery")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.headers["location"], "/");
    let cookie = session_cookie(&ok).unwrap();
    let out = app
        .send(
            Request::post("/logout")
                .header("host", host)
                .header("origin", format!("http://{host}"))
                .header("cookie", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(whoami(&app, host, &cookie).await.is_null());
}

async fn expired_and_idle_sessions_are_refused(backend: Backend) {
    use app::server::schema::sessions;
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let host = "ana.localhost:3000";
    let expired = app.owner_cookie("ana").await;
    let old = chrono::Utc::now().naive_utc() - chrono::Duration::days(1);
    db!(app, conn => {
        diesel::update(sessions::table).set(sessions::expires_at.eq(old)).execute(conn).await?
    })
    .unwrap();
    assert!(whoami(&app, host, &expired).await.is_null());
    let idle = app.owner_cookie("ana").await;
    let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::days(8);
    db!(app, conn => {
        diesel::update(sessions::table).set(sessions::last_seen_at.eq(long_ago)).execute(conn).await?
    })
    .unwrap();
    assert!(whoami(&app, host, &idle).await.is_null());
}

async fn tokens_are_stored_hashed(backend: Backend) {
    use app::server::schema::sessions;
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    assert!(token.len() >= 40, "a long random token: {token}");
    let stored: Vec<String> = db!(app, conn => {
        sessions::table.select(sessions::token_hash).load(conn).await?
    })
    .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert!(!stored[0].contains(&token));
}

async fn cross_site_login_posts_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let res = app
        .send(
            Request::post("/auth/login")
                .header("host", "ana.localhost:3000")
                .header("origin", "http://bob.localhost:3000")
                .header("content-type", "application/json")
                .body(Body::from(
                    serde_json::json!({"username": "ana", "password": PASSWORD}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(session_cookie(&res).is_none());
}
