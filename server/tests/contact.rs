//! Contact messages: visitors write, only the tenant's own owner reads, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestApp, fresh_visitor};
use http::StatusCode;

both_backends!(
    a_visitors_message_reaches_only_that_tenants_owner,
    bad_contact_input_gets_a_clear_400_and_nothing_is_stored,
    contact_messages_are_throttled_per_visitor,
    only_the_owner_can_read_or_mark_messages,
);

const ANA: &str = "ana.localhost:3000";
const BOB: &str = "bob.localhost:3000";

async fn send(app: &TestApp, host: &str, peer: &str, form: &[(&str, &str)]) -> common::Response {
    let body = serde_urlencoded::to_string(form).unwrap();
    app.send_from(
        peer,
        http::Request::post("/api/send_contact")
            .header("host", host)
            .header("origin", format!("http://{host}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap(),
    )
    .await
}

fn message(text: &str) -> [(&'static str, String); 3] {
    [
        ("name", "Grace".to_string()),
        ("email", "grace@example.com".to_string()),
        ("message", text.to_string()),
    ]
}

async fn send_text(app: &TestApp, host: &str, peer: &str, text: &str) -> common::Response {
    let m = message(text);
    let form: Vec<(&str, &str)> = m.iter().map(|(k, v)| (*k, v.as_str())).collect();
    send(app, host, peer, &form).await
}

async fn inbox(app: &TestApp, host: &str, cookie: &str) -> Vec<serde_json::Value> {
    let res = app
        .server_fn_with(host, "list_contact_messages", &[], cookie)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json().as_array().unwrap().clone()
}

async fn a_visitors_message_reaches_only_that_tenants_owner(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let res = send_text(
        &app,
        ANA,
        &fresh_visitor(),
        "Hello <b>Ana</b>,\nlet's talk.",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let ana = app.owner_cookie("ana").await;
    let list = inbox(&app, ANA, &ana).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["sender_name"], "Grace");
    assert_eq!(list[0]["sender_email"], "grace@example.com");
    assert_eq!(
        list[0]["body"], "Hello <b>Ana</b>,\nlet's talk.",
        "kept as written"
    );
    assert_eq!(list[0]["read"], false);
    let bob = app.owner_cookie("bob").await;
    assert!(inbox(&app, BOB, &bob).await.is_empty());
}

async fn bad_contact_input_gets_a_clear_400_and_nothing_is_stored(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let peer = fresh_visitor();
    for (form, says) in [
        (
            vec![("name", ""), ("email", "g@example.com"), ("message", "hi")],
            "who you are",
        ),
        (
            vec![("name", "G"), ("email", "nope"), ("message", "hi")],
            "email",
        ),
        (
            vec![("name", "G"), ("email", "g@example.com"), ("message", "  ")],
            "empty",
        ),
    ] {
        let res = send(&app, ANA, &peer, &form).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
        assert!(
            res.json()["message"].as_str().unwrap().contains(says),
            "{}",
            res.body
        );
    }
    let long = "x".repeat(5001);
    let res = send_text(&app, ANA, &peer, &long).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let res = send(&app, ANA, &peer, &[("name", "G")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    // On the platform's landing page there is no owner to write to.
    let res = send_text(&app, "localhost:3000", &peer, "hi").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);

    let ana = app.owner_cookie("ana").await;
    assert!(inbox(&app, ANA, &ana).await.is_empty());
}

async fn contact_messages_are_throttled_per_visitor(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let peer = fresh_visitor();
    for i in 0..5 {
        let res = send_text(&app, ANA, &peer, &format!("message {i}")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let res = send_text(&app, ANA, &peer, "one too many").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(
        res.json()["message"]
            .as_str()
            .unwrap()
            .contains("Try again")
    );
    // Another visitor is not held back.
    let res = send_text(&app, ANA, &fresh_visitor(), "hello").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let ana = app.owner_cookie("ana").await;
    assert_eq!(inbox(&app, ANA, &ana).await.len(), 6);
}

async fn only_the_owner_can_read_or_mark_messages(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    send_text(&app, ANA, &fresh_visitor(), "for ana").await;
    let ana = app.owner_cookie("ana").await;
    let bob = app.owner_cookie("bob").await;
    let id = inbox(&app, ANA, &ana).await[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();

    // A visitor, bob on his own host with ana's message id, and ana's cookie replayed on bob's host.
    let res = app.server_fn(ANA, "list_contact_messages", &[]).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let mark = [("id", id.as_str()), ("read", "true")];
    let res = app.server_fn(ANA, "mark_contact_message", &mark).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let res = app
        .server_fn_with(BOB, "mark_contact_message", &mark, &bob)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = app
        .server_fn_with(BOB, "list_contact_messages", &[], &ana)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(inbox(&app, ANA, &ana).await[0]["read"], false, "unchanged");

    let res = app
        .server_fn_with(ANA, "mark_contact_message", &mark, &ana)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(inbox(&app, ANA, &ana).await[0]["read"], true);
}
