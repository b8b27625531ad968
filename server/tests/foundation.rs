//! Registration, tenant resolution, isolation and the desktop page, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use common::{Backend, Options, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode};
use serde_json::json;

both_backends!(
    registration_creates_a_tenant_with_starter_content,
    registration_reports_every_invalid_field,
    registration_refuses_a_taken_name_in_any_case_and_a_taken_email,
    concurrent_registrations_of_one_name_let_exactly_one_through,
    registration_refuses_malformed_json_with_a_clear_message,
    registration_happens_only_on_the_apex,
    hosts_resolve_to_landing_tenant_or_not_found,
    x_subdomain_is_believed_only_from_trusted_proxies,
    one_tenant_never_sees_another_tenants_files,
    deep_links_render_the_file_in_the_html,
    markdown_from_the_database_cannot_run_scripts,
    cross_site_posts_are_refused_and_change_nothing,
    names_are_unique_per_folder_in_the_database_itself,
    a_node_cannot_hang_under_another_tenants_folder,
    migrations_are_idempotent,
    demo_tenant_is_created_once_with_sample_content,
    settings_templates_are_filled_at_read_time_and_stored_as_written,
    bad_requests_get_clear_4xx_answers_never_500,
    both_registration_endpoints_answer_errors_in_one_shape,
);

async fn registration_creates_a_tenant_with_starter_content(backend: Backend) {
    let app = TestApp::new(backend).await;
    let res = app
        .register(json!({"username": "Ana-Dev", "password": "correct horse battery", "email": "Ana@Example.com"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let body = res.json();
    assert_eq!(body["username"], "ana-dev");
    assert_eq!(body["url"], "http://ana-dev.localhost:3000/");
    assert!(!res.body.contains("correct horse battery"));

    let page = app.get("ana-dev.localhost:3000", "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Welcome to ana-dev&#x27;s desktop")
            || page.body.contains("Welcome to ana-dev's desktop"),
        "{}",
        page.body
    );
    for name in ["README.md", "about.md", "projects"] {
        assert!(
            page.body.contains(&format!(">{name}<")),
            "starter item {name} missing"
        );
    }
    // The password is stored as an argon2id hash only.
    let hash: String = db!(app, conn => {
        app::server::schema::users::table
            .filter(app::server::schema::users::username.eq("ana-dev"))
            .select(app::server::schema::users::password_hash)
            .first(conn)
            .await?
    })
    .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

async fn registration_reports_every_invalid_field(backend: Backend) {
    let app = TestApp::new(backend).await;
    let res = app
        .register(json!({"username": "a_b", "password": "short", "email": "not-an-email"}))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let fields = res.json()["fields"].as_array().cloned().unwrap_or_default();
    let named: Vec<&str> = fields.iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(named, ["username", "password", "email"], "{}", res.body);
    assert!(
        !res.body.contains("short"),
        "the password must not be echoed"
    );

    let res = app
        .register(json!({"username": "admin", "password": "long enough password"}))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("reserved"), "{}", res.body);

    let res = app
        .register(json!({"username": "ok-name", "password": "x".repeat(257)}))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("at most 256"), "{}", res.body);
    assert_eq!(
        app.get("ok-name.localhost", "/").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn registration_refuses_a_taken_name_in_any_case_and_a_taken_email(backend: Backend) {
    let app = TestApp::new(backend).await;
    let first = app.register(json!({"username": "bob", "password": "correct horse battery", "email": "bob@example.com"})).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = app
        .register(json!({"username": "BOB", "password": "another password"}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("already taken"), "{}", again.body);
    let email = app.register(json!({"username": "bobby", "password": "another password", "email": "BOB@example.com"})).await;
    assert_eq!(email.status, StatusCode::CONFLICT);
    assert!(email.body.contains("email"), "{}", email.body);
    // The refused registration left nothing behind.
    assert_eq!(
        app.get("bobby.localhost", "/").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn concurrent_registrations_of_one_name_let_exactly_one_through(backend: Backend) {
    let app = TestApp::new(backend).await;
    let spellings = ["racer", "RACER", "Racer", "rAcEr", "racer", "RaceR"];
    let attempts = spellings
        .iter()
        .map(|name| app.register(json!({"username": name, "password": "correct horse battery"})));
    let results = futures::future::join_all(attempts).await;
    let created = results
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let conflicts = results
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        (created, conflicts),
        (1, spellings.len() - 1),
        "{:?}",
        results
            .iter()
            .map(|r| (&r.status, &r.body))
            .collect::<Vec<_>>()
    );
    // Exactly one tenant with its one root folder exists.
    let roots: i64 = db!(app, conn => {
        use app::server::schema::nodes;
        nodes::table.filter(nodes::parent_id.is_null()).count().get_result(conn).await?
    })
    .unwrap();
    assert_eq!(roots, 1);
}

async fn registration_refuses_malformed_json_with_a_clear_message(backend: Backend) {
    let app = TestApp::new(backend).await;
    let res = app
        .send(
            Request::post("/auth/register")
                .header("host", "localhost")
                .header("content-type", "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["error"], "invalid");
    assert!(
        res.json()["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Send JSON like")
    );
}

async fn registration_happens_only_on_the_apex(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("carol").await;
    let res = app
        .send(
            Request::post("/auth/register")
                .header("host", "carol.localhost")
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"username": "mallory", "password": "correct horse battery"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("mallory.localhost", "/").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn hosts_resolve_to_landing_tenant_or_not_found(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("dora").await;
    let landing = "Create your portfolio";
    for host in [
        "localhost",
        "localhost:3000",
        "LOCALHOST.",
        "www.localhost",
        "127.0.0.1:3000",
        "[::1]:3000",
    ] {
        let res = app.get(host, "/").await;
        assert_eq!(res.status, StatusCode::OK, "{host}");
        assert!(
            res.body.contains(landing),
            "{host} should show the landing page"
        );
    }
    for host in ["dora.localhost", "DORA.localhost:3000", "dora.localhost."] {
        let res = app.get(host, "/").await;
        assert_eq!(res.status, StatusCode::OK, "{host}");
        assert!(
            res.body.contains("<title>dora — portfolio</title>"),
            "{host}"
        );
    }
    for host in [
        "nobody.localhost",
        "x.dora.localhost",
        "dora.example.com",
        "evil.com",
    ] {
        let res = app.get(host, "/").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{host}");
        assert!(res.body.contains("This portfolio does not exist"), "{host}");
        assert!(
            !res.body.contains("dora — portfolio"),
            "{host} must never show another tenant"
        );
    }
}

async fn x_subdomain_is_believed_only_from_trusted_proxies(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            trusted_proxies: vec!["10.0.0.0/8"],
            ..Options::default()
        },
    )
    .await;
    app.tenant("erin").await;
    let req = || {
        Request::get("/")
            .header("host", "localhost")
            .header("x-subdomain", "erin")
            .body(Body::empty())
            .unwrap()
    };
    let spoofed = app.send_from("203.0.113.7", req()).await;
    assert!(
        spoofed.body.contains("Create your portfolio"),
        "untrusted X-Subdomain must be ignored"
    );
    let proxied = app.send_from("10.1.2.3", req()).await;
    assert!(proxied.body.contains("<title>erin — portfolio</title>"));
}

async fn one_tenant_never_sees_another_tenants_files(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("frank").await;
    app.tenant("grace").await;
    // Give grace a private-looking file.
    insert_file(&app, "grace", "grace-secret.md", "# only grace").await;

    let frank_page = app.get("frank.localhost", "/").await;
    assert!(!frank_page.body.contains("grace-secret.md"));
    let deep = app.get("frank.localhost", "/files/grace-secret.md").await;
    assert_eq!(deep.status, StatusCode::NOT_FOUND);
    assert!(!deep.body.contains("only grace"));

    // The server functions answer for the host's tenant only.
    let listing = app
        .server_fn("frank.localhost", "open_path", &[("path", "/")])
        .await;
    assert_eq!(listing.status, StatusCode::OK);
    assert!(!listing.body.contains("grace-secret.md"));
    let stolen = app
        .server_fn(
            "frank.localhost",
            "open_path",
            &[("path", "/grace-secret.md")],
        )
        .await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND, "{}", stolen.body);
    let tree = app.server_fn("frank.localhost", "folder_tree", &[]).await;
    assert_eq!(tree.status, StatusCode::OK);
    assert!(!tree.body.contains("grace"));
    let snapshot = app
        .server_fn("frank.localhost", "terminal_snapshot", &[])
        .await;
    assert_eq!(snapshot.status, StatusCode::OK);
    assert!(snapshot.body.contains("/README.md") && !snapshot.body.contains("grace-secret"));
    let cat = app
        .server_fn(
            "frank.localhost",
            "read_text",
            &[("path", "/grace-secret.md")],
        )
        .await;
    assert_eq!(cat.status, StatusCode::NOT_FOUND);
    assert!(!cat.body.contains("only grace"));
    let cat = app
        .server_fn(
            "frank.localhost",
            "read_text",
            &[("path", "/../grace.localhost/grace-secret.md")],
        )
        .await;
    assert_eq!(cat.status, StatusCode::NOT_FOUND);
    let own = app
        .server_fn(
            "grace.localhost",
            "open_path",
            &[("path", "/grace-secret.md")],
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("only grace"));
    // And nothing about tenants is served on the apex.
    let apex = app
        .server_fn("localhost", "open_path", &[("path", "/")])
        .await;
    assert_eq!(apex.status, StatusCode::NOT_FOUND);
}

async fn deep_links_render_the_file_in_the_html(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("hana").await;
    insert_file(&app, "hana", "Notes Ñ 1.md", "# Deep heading\n\n- item").await;
    let res = app
        .get("hana.localhost", "/files/notes%20%C3%B1%201.md")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("<h1>Deep heading</h1>"), "{}", res.body);
    let folder = app.get("hana.localhost", "/files/projects").await;
    assert_eq!(folder.status, StatusCode::OK);
    assert!(folder.body.contains("data-kind=\"explorer\""));
}

async fn markdown_from_the_database_cannot_run_scripts(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ivan").await;
    insert_file(
        &app,
        "ivan",
        "evil.md",
        "# Title\n\n<script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[click](javascript:alert(1))\n\n<iframe src=\"https://evil.example\"></iframe>",
    )
    .await;
    insert_file(&app, "ivan", "<img src=x onerror=alert(1)>.md", "name test").await;
    let res = app.get("ivan.localhost", "/files/evil.md").await;
    assert_eq!(res.status, StatusCode::OK);
    for bad in [
        "<script>alert",
        "onerror=\"alert",
        "javascript:alert",
        "<iframe",
    ] {
        assert!(
            !res.body.contains(bad),
            "{bad} reached the page: {}",
            res.body
        );
    }
    assert!(res.body.contains(">click</a>"), "the link text stays");
    let root = app.get("ivan.localhost", "/").await;
    assert!(
        !root.body.contains("<img src=x onerror"),
        "file names must be escaped"
    );
    assert!(
        root.body.contains("&lt;img src=x onerror=alert(1)&gt;.md"),
        "the name is shown as text"
    );
}

async fn cross_site_posts_are_refused_and_change_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let res = app
        .send(
            Request::post("/auth/register")
                .header("host", "localhost:3000")
                .header("origin", "http://evil.localhost:3000")
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"username": "victim", "password": "correct horse battery"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.json()["message"]
            .as_str()
            .unwrap_or_default()
            .contains("another site")
    );
    assert_eq!(
        app.get("victim.localhost", "/").await.status,
        StatusCode::NOT_FOUND
    );
    // A Referer from another host is refused the same way; the page's own origin passes.
    let res = app
        .send(
            Request::post("/api/username_status")
                .header("host", "localhost:3000")
                .header("referer", "http://other.localhost:3000/")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("username=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let ok = app
        .server_fn(
            "localhost:3000",
            "username_status",
            &[("username", "free-name")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Available"), "{}", ok.body);
}

async fn names_are_unique_per_folder_in_the_database_itself(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("jack").await;
    insert_file(&app, "jack", "Café.md", "one").await;
    // Same name after NFC normalisation and case folding, written around the application code.
    let clash = try_insert_file(&app, "jack", "CAFE\u{301}.MD", "two").await;
    assert!(clash.is_err(), "the database must refuse a clashing name");
    // A folder and a file share one namespace.
    let clash = try_insert_file(&app, "jack", "Projects", "file named like the folder").await;
    assert!(clash.is_err());
}

async fn a_node_cannot_hang_under_another_tenants_folder(backend: Backend) {
    use app::server::schema::{nodes, users};
    let app = TestApp::new(backend).await;
    app.tenant("kate").await;
    app.tenant("liam").await;
    let result = db!(app, conn => {
        let kate: i64 = users::table.filter(users::username.eq("kate")).select(users::id).first(conn).await?;
        let liam_root: i64 = nodes::table
            .inner_join(users::table.on(users::id.eq(nodes::tenant_id)))
            .filter(users::username.eq("liam"))
            .filter(nodes::parent_id.is_null())
            .select(nodes::id)
            .first(conn)
            .await?;
        let now = chrono::Utc::now().naive_utc();
        diesel::insert_into(nodes::table)
            .values((
                nodes::tenant_id.eq(kate),
                nodes::parent_id.eq(liam_root),
                nodes::kind.eq("file"),
                nodes::name.eq("intruder.md"),
                nodes::name_key.eq("intruder.md"),
                nodes::created_at.eq(now),
                nodes::updated_at.eq(now),
            ))
            .execute(conn)
            .await
    });
    let inserted = result.expect("the lookups succeed");
    assert!(
        inserted.is_err(),
        "a cross-tenant parent must violate the composite foreign key"
    );
}

async fn migrations_are_idempotent(backend: Backend) {
    let app = TestApp::new(backend).await;
    assert_eq!(app.state.db.migrate().await.unwrap(), 0);
}

async fn demo_tenant_is_created_once_with_sample_content(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            demo: true,
            ..Options::default()
        },
    )
    .await;
    assert!(
        !app::server::seed::ensure_demo_tenant(&app.state, None)
            .await
            .unwrap(),
        "second run creates nothing"
    );
    let res = app
        .get("demo.localhost:3000", "/files/projects/tinykv/design.md")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("<code class=\"language-rust\">"));
    let root = app.get("demo.localhost:3000", "/").await;
    assert!(root.body.contains("/images/demo-desk.svg"));
}

async fn settings_templates_are_filled_at_read_time_and_stored_as_written(backend: Backend) {
    use app::server::schema::{settings, users};
    let app = TestApp::new(backend).await;
    app.tenant("mia").await;
    let stored: String = db!(app, conn => {
        settings::table
            .inner_join(users::table.on(users::id.eq(settings::tenant_id)))
            .filter(users::username.eq("mia"))
            .filter(settings::key.eq("site_title"))
            .select(settings::value)
            .first(conn)
            .await?
    })
    .unwrap();
    assert_eq!(stored, "{{owner_name}} — portfolio");
    let page = app.get("mia.localhost", "/").await;
    assert!(page.body.contains("<title>mia — portfolio</title>"));
}

async fn try_insert_file(
    app: &TestApp,
    tenant: &str,
    name: &str,
    content: &str,
) -> Result<(), String> {
    use app::server::schema::{nodes, users};
    let result = db!(app, conn => {
        let (tenant_id, root): (i64, i64) = nodes::table
            .inner_join(users::table.on(users::id.eq(nodes::tenant_id)))
            .filter(users::username.eq(tenant))
            .filter(nodes::parent_id.is_null())
            .select((users::id, nodes::id))
            .first(conn)
            .await?;
        let now = chrono::Utc::now().naive_utc();
        diesel::insert_into(nodes::table)
            .values((
                nodes::tenant_id.eq(tenant_id),
                nodes::parent_id.eq(root),
                nodes::kind.eq("file"),
                nodes::name.eq(name),
                nodes::name_key.eq(app::core::names::name_key(name)),
                nodes::content.eq(content),
                nodes::size_bytes.eq(content.len() as i64),
                nodes::created_at.eq(now),
                nodes::updated_at.eq(now),
            ))
            .execute(conn)
            .await
            .map(|_| tenant_id)
            .map_err(|e| e.to_string())
    });
    let tenant_id = result.map_err(|e| e.to_string())??;
    // Written around the application: forget the cached tree as the application's writes do.
    app::server::tree::invalidate_tree(&app.state, app::server::tenancy::TenantId(tenant_id)).await;
    Ok(())
}

async fn insert_file(app: &TestApp, tenant: &str, name: &str, content: &str) {
    try_insert_file(app, tenant, name, content)
        .await
        .expect("insert file");
}

async fn bad_requests_get_clear_4xx_answers_never_500(backend: Backend) {
    let app = TestApp::new(backend).await;
    // Server functions: missing arguments, unknown functions, oversized bodies.
    let missing = app
        .server_fn("localhost", "username_status", &[("nope", "1")])
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert_eq!(missing.json()["error"], "invalid");
    let unknown = app.server_fn("localhost", "no_such_function", &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    assert_eq!(unknown.json()["error"], "not_found");
    let big = "x".repeat(200 * 1024);
    let huge = app
        .server_fn("localhost", "username_status", &[("username", &big)])
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", huge.body);
    let huge = app
        .register(json!({"username": "big", "password": big}))
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.json()["error"], "too_large");
    // Paths the file system can't hold, malformed hosts, pages that don't exist.
    let long = format!("/{}", "x".repeat(300));
    let res = app.get("localhost", &long).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(
        app.get("localhost", &format!("/pkg{long}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("localhost:abc", "/").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("localhost:", "/").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("localhost", "/files/about.md").await.status,
        StatusCode::NOT_FOUND
    );
    // An unreadable Origin is treated as foreign.
    let res = app
        .send(
            Request::post("/auth/register")
                .header("host", "localhost")
                .header(
                    "origin",
                    http::HeaderValue::from_bytes(b"http://\xff\xfe").unwrap(),
                )
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"username": "sneaky", "password": "correct horse battery"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Security headers on every answer.
    let page = app.get("localhost", "/").await;
    assert_eq!(
        page.headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert_eq!(
        page.headers
            .get("x-frame-options")
            .and_then(|v| v.to_str().ok()),
        Some("SAMEORIGIN")
    );
}

async fn both_registration_endpoints_answer_errors_in_one_shape(backend: Backend) {
    let app = TestApp::new(backend).await;
    let json_api = app
        .register(json!({"username": "x", "password": "y"}))
        .await;
    let form_api = app
        .server_fn(
            "localhost",
            "register",
            &[("username", "x"), ("password", "y")],
        )
        .await;
    assert_eq!(json_api.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        form_api.status,
        StatusCode::BAD_REQUEST,
        "{}",
        form_api.body
    );
    assert_eq!(json_api.json(), form_api.json());
    assert_eq!(json_api.json()["fields"][0]["field"], "username");
    // Passwords are measured in characters at both ends.
    let accented = "é".repeat(200);
    let ok = app
        .register(json!({"username": "accents", "password": accented}))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    app.tenant("taken").await;
    let taken = app
        .server_fn(
            "localhost",
            "register",
            &[("username", "taken"), ("password", "long enough pw")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.json()["error"], "conflict");
    assert!(taken.json().get("fields").is_none());
}
