//! The platform admin changes tenants' plans and disables tenants; nobody else can, on SQLite
//! and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Options, TestApp, session_cookie};
use http::StatusCode;

both_backends!(
    the_admin_lists_tenants_and_changes_a_plan,
    a_disabled_tenant_answers_404_and_its_owner_cannot_log_in_until_enabled,
    owners_visitors_foreign_origins_and_replayed_cookies_cannot_administer,
    unknown_plans_and_tenants_get_clear_errors,
    the_admin_cannot_disable_their_own_portfolio,
);

const PASSWORD: &str = "correct horse battery";
const BOSS: &str = "boss.localhost:3000";

/// An app with tenants `ana` and `bob`, and `boss` whose email is OWNER_EMAIL; the admin's cookie.
async fn app_with_admin(backend: Backend) -> (TestApp, String) {
    let app = TestApp::with(
        backend,
        Options {
            owner_email: Some("root@example.com"),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let res = app
        .register(serde_json::json!({"username": "boss", "password": PASSWORD, "email": "root@example.com"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = app.login(BOSS, "boss", PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let cookie = session_cookie(&res).unwrap();
    (app, cookie)
}

async fn plan_of(app: &TestApp, admin: &str, name: &str) -> serde_json::Value {
    let res = app
        .server_fn_with(BOSS, "admin_tenants", &[("query", name)], admin)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = res.json();
    let found = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["username"] == name)
        .cloned();
    found.unwrap_or(serde_json::Value::Null)
}

async fn the_admin_lists_tenants_and_changes_a_plan(backend: Backend) {
    let (app, admin) = app_with_admin(backend).await;
    let res = app
        .server_fn_with(BOSS, "admin_tenants", &[("query", "")], &admin)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let names: Vec<String> = res
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["username"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["ana", "bob", "boss"]);
    assert_eq!(plan_of(&app, &admin, "ana").await["plan"], "free");

    let res = app
        .server_fn_with(
            BOSS,
            "admin_set_plan",
            &[("username", "ana"), ("plan", "premium")],
            &admin,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["plan"], "premium");
    assert_eq!(plan_of(&app, &admin, "ana").await["plan"], "premium");
    assert_eq!(plan_of(&app, &admin, "bob").await["plan"], "free");
}

async fn a_disabled_tenant_answers_404_and_its_owner_cannot_log_in_until_enabled(backend: Backend) {
    let (app, admin) = app_with_admin(backend).await;
    let bob_session = app.owner_cookie("bob").await;
    assert_eq!(
        app.get("bob.localhost:3000", "/").await.status,
        StatusCode::OK
    );

    let res = app
        .server_fn_with(
            BOSS,
            "admin_set_disabled",
            &[("username", "bob"), ("disabled", "true")],
            &admin,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["disabled"], true);
    assert_eq!(
        app.get("bob.localhost:3000", "/").await.status,
        StatusCode::NOT_FOUND
    );
    let login = app.login("bob.localhost:3000", "bob", PASSWORD).await;
    assert_ne!(login.status, StatusCode::OK, "{}", login.body);
    // The session bob had before is of no use either.
    let res = app
        .server_fn_with(
            "bob.localhost:3000",
            "create_folder",
            &[("parent", "/"), ("name", "x")],
            &bob_session,
        )
        .await;
    assert_ne!(res.status, StatusCode::OK, "{}", res.body);
    // Other tenants are untouched.
    assert_eq!(
        app.get("ana.localhost:3000", "/").await.status,
        StatusCode::OK
    );

    let res = app
        .server_fn_with(
            BOSS,
            "admin_set_disabled",
            &[("username", "bob"), ("disabled", "false")],
            &admin,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.get("bob.localhost:3000", "/").await.status,
        StatusCode::OK
    );
    let login = app.login("bob.localhost:3000", "bob", PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
}

async fn owners_visitors_foreign_origins_and_replayed_cookies_cannot_administer(backend: Backend) {
    let (app, admin) = app_with_admin(backend).await;
    let ana = app.owner_cookie("ana").await;
    let change = [("username", "bob"), ("plan", "premium")];

    // An owner who is not the admin, on their own host.
    let res = app
        .server_fn_with("ana.localhost:3000", "admin_set_plan", &change, &ana)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = app
        .server_fn_with("ana.localhost:3000", "admin_tenants", &[], &ana)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    // A visitor.
    let res = app.server_fn(BOSS, "admin_set_plan", &change).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    // The admin's cookie replayed on another tenant's host is nobody's session.
    let res = app
        .server_fn_with("ana.localhost:3000", "admin_set_plan", &change, &admin)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    // The admin's cookie, but the request comes from another tenant's page.
    let body = serde_urlencoded::to_string(change).unwrap();
    let res = app
        .send(
            http::Request::post("/api/admin_set_plan")
                .header("host", BOSS)
                .header("origin", "http://ana.localhost:3000")
                .header("cookie", &admin)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);

    assert_eq!(plan_of(&app, &admin, "bob").await["plan"], "free");
}

async fn unknown_plans_and_tenants_get_clear_errors(backend: Backend) {
    let (app, admin) = app_with_admin(backend).await;
    let res = app
        .server_fn_with(
            BOSS,
            "admin_set_plan",
            &[("username", "ana"), ("plan", "gold")],
            &admin,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(
        res.json()["message"]
            .as_str()
            .unwrap()
            .contains("free or premium")
    );
    let res = app
        .server_fn_with(
            BOSS,
            "admin_set_disabled",
            &[("username", "nobody"), ("disabled", "true")],
            &admin,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert!(res.json()["message"].as_str().unwrap().contains("nobody"));
}

async fn the_admin_cannot_disable_their_own_portfolio(backend: Backend) {
    let (app, admin) = app_with_admin(backend).await;
    let res = app
        .server_fn_with(
            BOSS,
            "admin_set_disabled",
            &[("username", "boss"), ("disabled", "true")],
            &admin,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert_eq!(app.get(BOSS, "/").await.status, StatusCode::OK);
}
