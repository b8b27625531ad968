//! The owner's editing of files and folders, uploads and raw serving, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use app::server::schema::{nodes, uploads, users};
use app::server::storage::{LocalStorage, Uploads};
use axum::body::Body;
use chrono::NaiveDateTime;
use common::{Backend, Response, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode};
use serde_json::Value;

both_backends!(
    owner_creates_folders_and_files_and_reads_the_source_back,
    names_follow_the_rules_and_a_clash_names_the_existing_item,
    rename_bumps_the_version_allows_case_changes_and_refuses_clashes,
    move_takes_several_items_at_once_all_or_nothing,
    a_folder_cannot_move_into_itself_or_a_folder_inside_it,
    concurrent_opposite_moves_never_make_a_cycle,
    delete_trashes_the_whole_subtree_at_once_and_restore_brings_it_back,
    restore_renames_on_a_clash_and_falls_back_to_the_top_folder,
    undo_restores_several_items_at_once,
    empty_trash_and_delete_forever_leave_no_rows_or_bytes_behind,
    trash_older_than_thirty_days_is_purged_when_listed,
    a_stale_base_version_is_a_conflict_and_keeps_the_stored_text,
    text_over_512_kib_is_refused_and_non_ascii_text_up_to_it_is_saved,
    search_finds_names_and_content_of_this_tenant_only,
    uploads_are_typed_by_their_bytes_and_served_with_safe_headers,
    an_html_file_named_png_is_refused_with_415_and_nothing_is_stored,
    an_svg_with_a_script_is_served_with_the_sandbox_csp,
    uploads_over_the_limit_get_413_by_length_and_while_streaming,
    raw_serves_only_live_files_of_the_hosts_tenant,
    authorization_matrix_refuses_visitors_strangers_foreign_origins_and_replayed_cookies,
);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

fn host(name: &str) -> String {
    format!("{name}.localhost:3000")
}

/// A test app whose uploads go to a temporary folder, with `max_upload` bytes allowed.
async fn edit_app(backend: Backend, max_upload: u64) -> (TestApp, tempfile::TempDir) {
    let mut app = TestApp::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    app.state = app.state.clone().with_uploads(Uploads {
        storage: Arc::new(LocalStorage::new(dir.path())),
        max_bytes: max_upload,
    });
    let leptos = leptos::config::LeptosOptions::builder()
        .output_name("deskfolio")
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"))
        .build();
    app.router = server::router(app.state.clone(), leptos);
    (app, dir)
}

/// A server function called by the owner `name` on their own host.
async fn owner_call(
    app: &TestApp,
    name: &str,
    cookie: &str,
    function: &str,
    form: &[(&str, &str)],
) -> Response {
    app.server_fn_with(&host(name), function, form, cookie)
        .await
}

/// A server function call with every header chosen by the test.
async fn call_from(
    app: &TestApp,
    host: &str,
    origin: Option<&str>,
    cookie: Option<&str>,
    function: &str,
    form: &[(&str, &str)],
) -> Response {
    let mut req = Request::post(format!("/api/{function}"))
        .header("host", host)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    app.send(
        req.body(Body::from(serde_urlencoded::to_string(form).unwrap()))
            .unwrap(),
    )
    .await
}

async fn upload(
    app: &TestApp,
    host: &str,
    folder: &str,
    name: &str,
    bytes: &[u8],
    cookie: Option<&str>,
    origin: Option<&str>,
) -> Response {
    let query = serde_urlencoded::to_string([("folder", folder), ("name", name)]).unwrap();
    let mut req = Request::post(format!("/upload?{query}"))
        .header("host", host)
        .header("content-type", "image/png")
        .header("content-length", bytes.len());
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    app.send(req.body(Body::from(bytes.to_vec())).unwrap())
        .await
}

fn ok(res: &Response) -> Value {
    assert!(res.status.is_success(), "{} {}", res.status, res.body);
    res.json()
}

fn message(res: &Response) -> String {
    res.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn tenant_id(app: &TestApp, name: &str) -> i64 {
    db!(app, conn => {
        users::table.filter(users::username.eq(name)).select(users::id).first::<i64>(conn).await?
    })
    .unwrap()
}

type NodeRow = (
    i64,
    Option<i64>,
    String,
    Option<String>,
    i32,
    Option<NaiveDateTime>,
    Option<i64>,
);

/// Every node of a tenant, live and trashed, in id order.
async fn all_nodes(app: &TestApp, name: &str) -> Vec<NodeRow> {
    let tenant = tenant_id(app, name).await;
    db!(app, conn => {
        nodes::table
            .filter(nodes::tenant_id.eq(tenant))
            .order(nodes::id)
            .select((
                nodes::id,
                nodes::parent_id,
                nodes::name,
                nodes::content,
                nodes::version,
                nodes::deleted_at,
                nodes::upload_id,
            ))
            .load::<NodeRow>(conn)
            .await?
    })
    .unwrap()
}

async fn node_named(app: &TestApp, owner: &str, name: &str) -> NodeRow {
    all_nodes(app, owner)
        .await
        .into_iter()
        .find(|n| n.2 == name)
        .unwrap_or_else(|| panic!("no node named {name}"))
}

async fn upload_rows(app: &TestApp, name: &str) -> Vec<(i64, String, String, i64, String)> {
    let tenant = tenant_id(app, name).await;
    db!(app, conn => {
        uploads::table
            .filter(uploads::tenant_id.eq(tenant))
            .order(uploads::id)
            .select((uploads::id, uploads::storage_key, uploads::mime, uploads::size_bytes, uploads::sha256))
            .load::<(i64, String, String, i64, String)>(conn)
            .await?
    })
    .unwrap()
}

/// Files under the storage folder.
fn stored_files(dir: &std::path::Path) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() { walk(&path) } else { 1 }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(dir)
}

async fn open(app: &TestApp, name: &str, path: &str) -> Response {
    app.server_fn(&host(name), "open_path", &[("path", path)])
        .await
}

async fn owner_creates_folders_and_files_and_reads_the_source_back(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let folder = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_folder",
        &[("parent", "/projects"), ("name", "  Año 2026 ")],
    )
    .await);
    assert_eq!(folder["path"], "/projects/Año 2026");
    assert_eq!(folder["kind"], "Folder");
    let file = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[
            ("parent", "/PROJECTS/año 2026"),
            ("name", "notes.md"),
            ("content", "# Notes\n\nfirst"),
        ],
    )
    .await);
    assert_eq!(file["path"], "/projects/Año 2026/notes.md");
    assert_eq!(file["size"], 14);
    // Visible at once (the cached tree was invalidated) and rendered for visitors.
    let listing = open(&app, "ana", "/projects/Año 2026").await;
    assert!(listing.body.contains("notes.md"), "{}", listing.body);
    let page = open(&app, "ana", "/projects/Año 2026/notes.md").await;
    assert!(page.body.contains("<h1>Notes</h1>"), "{}", page.body);
    let source = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "read_file_source",
        &[("path", "/projects/año 2026/NOTES.md")],
    )
    .await);
    assert_eq!(source["content"], "# Notes\n\nfirst");
    assert_eq!(source["version"], 1);
    assert_eq!(source["path"], "/projects/Año 2026/notes.md");
    // An empty file needs no content field; a file is no parent.
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[("parent", "/"), ("name", "empty.md")],
    )
    .await);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "create_folder",
        &[("parent", "/README.md"), ("name", "x")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(message(&res).contains("is a file"), "{}", res.body);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "create_folder",
        &[("parent", "/nowhere"), ("name", "x")],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(message(&res), "Nothing is at “/nowhere”.");
}

async fn names_follow_the_rules_and_a_clash_names_the_existing_item(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let before = all_nodes(&app, "ana").await;
    let long = "n".repeat(256);
    for bad in [
        "",
        "   ",
        ".",
        "..",
        "a/b",
        "a\\b",
        "tab\there",
        "nul\0",
        long.as_str(),
    ] {
        for function in ["create_folder", "create_file"] {
            let res = owner_call(
                &app,
                "ana",
                &cookie,
                function,
                &[("parent", "/"), ("name", bad)],
            )
            .await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad:?}: {}", res.body);
            assert_eq!(res.json()["error"], "invalid");
            assert!(!message(&res).is_empty());
        }
    }
    // Same name after case folding and NFC, and a file against a folder: one namespace.
    for clash in ["readme.MD", "Projects"] {
        let res = owner_call(
            &app,
            "ana",
            &cookie,
            "create_file",
            &[("parent", "/"), ("name", clash)],
        )
        .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    }
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "create_folder",
        &[("parent", "/"), ("name", "README.md")],
    )
    .await;
    assert_eq!(
        message(&res),
        "There is already a file named “README.md” in the top folder. Choose another name."
    );
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[("parent", "/projects"), ("name", "Caf\u{e9}.md")],
    )
    .await);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[("parent", "/projects"), ("name", "CAFE\u{301}.MD")],
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        message(&res).contains("“Café.md” in “/projects”"),
        "{}",
        res.body
    );
    assert_eq!(all_nodes(&app, "ana").await.len(), before.len() + 1);
}

async fn rename_bumps_the_version_allows_case_changes_and_refuses_clashes(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let renamed = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "rename_node",
        &[("path", "/about.md"), ("new_name", "About me.md")],
    )
    .await);
    assert_eq!(renamed["path"], "/About me.md");
    let row = node_named(&app, "ana", "About me.md").await;
    assert_eq!(row.4, 2, "a rename bumps the version");
    // Only the case changes: no clash with itself.
    let renamed = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "rename_node",
        &[("path", "/about ME.md"), ("new_name", "ABOUT ME.md")],
    )
    .await);
    assert_eq!(renamed["path"], "/ABOUT ME.md");
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "rename_node",
        &[("path", "/ABOUT ME.md"), ("new_name", "readme.md")],
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(message(&res).contains("“README.md”"), "{}", res.body);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "rename_node",
        &[("path", "/"), ("new_name", "root")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "rename_node",
        &[("path", "/projects"), ("new_name", "..")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // Renaming a folder moves what is inside with it.
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[("parent", "/projects"), ("name", "a.md"), ("content", "x")],
    )
    .await);
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "rename_node",
        &[("path", "/projects"), ("new_name", "work")],
    )
    .await);
    assert_eq!(open(&app, "ana", "/work/a.md").await.status, StatusCode::OK);
    assert_eq!(
        open(&app, "ana", "/projects/a.md").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn move_takes_several_items_at_once_all_or_nothing(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let moved = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "move_nodes",
        &[
            ("paths[0]", "/README.md"),
            ("paths[1]", "/about.md"),
            ("target_folder", "/projects"),
        ],
    )
    .await);
    assert_eq!(moved[0]["path"], "/projects/README.md");
    assert_eq!(moved[1]["path"], "/projects/about.md");
    assert_eq!(
        open(&app, "ana", "/projects/about.md").await.status,
        StatusCode::OK
    );
    // One clash stops the whole move.
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[("parent", "/"), ("name", "ABOUT.md"), ("content", "x")],
    )
    .await);
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[("parent", "/"), ("name", "free.md"), ("content", "x")],
    )
    .await);
    let before = all_nodes(&app, "ana").await;
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "move_nodes",
        &[
            ("paths[0]", "/free.md"),
            ("paths[1]", "/ABOUT.md"),
            ("target_folder", "/projects"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(
        message(&res),
        "There is already a file named “about.md” in “/projects”. Choose another name."
    );
    assert_eq!(all_nodes(&app, "ana").await, before, "nothing moved");
    // A missing path also stops it; so does an empty list.
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "move_nodes",
        &[
            ("paths[0]", "/free.md"),
            ("paths[1]", "/ghost.md"),
            ("target_folder", "/projects"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "move_nodes",
        &[("target_folder", "/projects")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert_eq!(all_nodes(&app, "ana").await, before);
}

async fn a_folder_cannot_move_into_itself_or_a_folder_inside_it(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    for (parent, name) in [("/projects", "a"), ("/projects/a", "b")] {
        ok(&owner_call(
            &app,
            "ana",
            &cookie,
            "create_folder",
            &[("parent", parent), ("name", name)],
        )
        .await);
    }
    let before = all_nodes(&app, "ana").await;
    for target in ["/projects", "/projects/a", "/projects/a/b"] {
        let res = owner_call(
            &app,
            "ana",
            &cookie,
            "move_nodes",
            &[("paths[0]", "/projects"), ("target_folder", target)],
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{target}: {}",
            res.body
        );
        assert!(
            message(&res).contains("into itself or into a folder inside it"),
            "{}",
            res.body
        );
    }
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "move_nodes",
        &[("paths[0]", "/"), ("target_folder", "/projects")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(all_nodes(&app, "ana").await, before);
    // Moving a child up is fine.
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "move_nodes",
        &[("paths[0]", "/projects/a/b"), ("target_folder", "/")],
    )
    .await);
}

async fn concurrent_opposite_moves_never_make_a_cycle(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_folder",
        &[("parent", "/"), ("name", "x")],
    )
    .await);
    let a = owner_call(
        &app,
        "ana",
        &cookie,
        "move_nodes",
        &[("paths[0]", "/projects"), ("target_folder", "/x")],
    );
    let b = owner_call(
        &app,
        "ana",
        &cookie,
        "move_nodes",
        &[("paths[0]", "/x"), ("target_folder", "/projects")],
    );
    let (a, b) = tokio::join!(a, b);
    let passed = [&a, &b]
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        passed, 1,
        "{} {} / {} {}",
        a.status, a.body, b.status, b.body
    );
    // Every node still reaches the root.
    let rows = all_nodes(&app, "ana").await;
    for row in &rows {
        let mut current = row.1;
        let mut steps = 0;
        while let Some(parent) = current {
            current = rows.iter().find(|r| r.0 == parent).and_then(|r| r.1);
            steps += 1;
            assert!(steps < 10, "a cycle through {}", row.2);
        }
    }
}

async fn delete_trashes_the_whole_subtree_at_once_and_restore_brings_it_back(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_folder",
        &[("parent", "/projects"), ("name", "sub")],
    )
    .await);
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[
            ("parent", "/projects/sub"),
            ("name", "deep.md"),
            ("content", "12345"),
        ],
    )
    .await);
    let trashed = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "delete_nodes",
        &[
            ("paths[0]", "/projects"),
            ("paths[1]", "/projects/sub/deep.md"),
        ],
    )
    .await);
    assert_eq!(trashed.as_array().unwrap().len(), 1, "{trashed}");
    assert_eq!(trashed[0]["original_path"], "/projects");
    assert_eq!(trashed[0]["items"], 3);
    assert_eq!(trashed[0]["size"], 5);
    let rows = all_nodes(&app, "ana").await;
    let stamps: Vec<_> = rows
        .iter()
        .filter(|r| ["projects", "sub", "deep.md"].contains(&r.2.as_str()))
        .map(|r| r.5)
        .collect();
    assert_eq!(stamps.len(), 3);
    assert!(
        stamps[0].is_some() && stamps.iter().all(|s| *s == stamps[0]),
        "{stamps:?}"
    );
    assert_eq!(
        open(&app, "ana", "/projects/sub/deep.md").await.status,
        StatusCode::NOT_FOUND
    );
    let listing = open(&app, "ana", "/").await;
    assert!(!listing.body.contains("projects"), "{}", listing.body);
    // The trash lists the top item only, with where it was.
    let trash = ok(&owner_call(&app, "ana", &cookie, "list_trash", &[]).await);
    assert_eq!(trash.as_array().unwrap().len(), 1);
    assert_eq!(trash[0]["name"], "projects");
    assert_eq!(trash[0]["kind"], "Folder");
    let id = trash[0]["id"].as_i64().unwrap().to_string();
    let restored = ok(&owner_call(&app, "ana", &cookie, "restore_node", &[("id", &id)]).await);
    assert_eq!(restored["path"], "/projects");
    assert_eq!(restored["renamed"], false);
    assert_eq!(restored["moved_to_root"], false);
    assert_eq!(
        open(&app, "ana", "/projects/sub/deep.md").await.status,
        StatusCode::OK
    );
    assert!(all_nodes(&app, "ana").await.iter().all(|r| r.5.is_none()));
    assert_eq!(
        ok(&owner_call(&app, "ana", &cookie, "list_trash", &[]).await),
        serde_json::json!([])
    );
    // Restoring what is not in the trash is 404 and changes nothing.
    let res = owner_call(&app, "ana", &cookie, "restore_node", &[("id", &id)]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = owner_call(&app, "ana", &cookie, "delete_nodes", &[("paths[0]", "/")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
}

async fn restore_renames_on_a_clash_and_falls_back_to_the_top_folder(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let call = |function: &'static str, form: Vec<(&'static str, String)>| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            owner_call(app, "ana", &cookie, function, &form).await
        }
    };
    // A trashed file whose name was taken meanwhile comes back renamed.
    let trashed = ok(&call("delete_nodes", vec![("paths[0]", "/about.md".into())]).await);
    let about = trashed[0]["id"].as_i64().unwrap();
    ok(&call(
        "create_file",
        vec![
            ("parent", "/".into()),
            ("name", "ABOUT.md".into()),
            ("content", "new".into()),
        ],
    )
    .await);
    let restored = ok(&call("restore_node", vec![("id", about.to_string())]).await);
    assert_eq!(restored["name"], "about (restored).md");
    assert_eq!(restored["renamed"], true);
    assert!(
        restored["message"]
            .as_str()
            .unwrap()
            .contains("“about.md” was taken there"),
        "{restored}"
    );
    assert_eq!(node_named(&app, "ana", "about (restored).md").await.4, 2);
    // A file trashed before its folder comes back to the top folder.
    ok(&call(
        "create_file",
        vec![
            ("parent", "/projects".into()),
            ("name", "inner.md".into()),
            ("content", "x".into()),
        ],
    )
    .await);
    let inner = ok(&call(
        "delete_nodes",
        vec![("paths[0]", "/projects/inner.md".into())],
    )
    .await);
    let inner = inner[0]["id"].as_i64().unwrap();
    ok(&call("delete_nodes", vec![("paths[0]", "/projects".into())]).await);
    let trash = ok(&call("list_trash", vec![]).await);
    assert_eq!(trash.as_array().unwrap().len(), 2, "{trash}");
    assert_eq!(trash[1]["original_path"], "/projects/inner.md");
    let restored = ok(&call("restore_node", vec![("id", inner.to_string())]).await);
    assert_eq!(restored["path"], "/inner.md");
    assert_eq!(restored["moved_to_root"], true);
    assert!(
        restored["message"]
            .as_str()
            .unwrap()
            .contains("“/projects” is gone or in the trash"),
        "{restored}"
    );
    // The folder, restored later, does not bring the file back a second time.
    let folder = trash[0]["id"].as_i64().unwrap();
    ok(&call("restore_node", vec![("id", folder.to_string())]).await);
    assert_eq!(open(&app, "ana", "/inner.md").await.status, StatusCode::OK);
    assert_eq!(
        open(&app, "ana", "/projects/inner.md").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn undo_restores_several_items_at_once(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let before = all_nodes(&app, "ana").await;
    let trashed = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "delete_nodes",
        &[("paths[0]", "/README.md"), ("paths[1]", "/projects")],
    )
    .await);
    let first = trashed[0]["id"].to_string();
    let second = trashed[1]["id"].to_string();
    // One unknown id: nothing is restored.
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "restore_nodes",
        &[("ids[0]", &first), ("ids[1]", "987654")],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(all_nodes(&app, "ana").await.iter().any(|r| r.5.is_some()));
    let restored = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "restore_nodes",
        &[("ids[0]", &first), ("ids[1]", &second)],
    )
    .await);
    assert_eq!(restored.as_array().unwrap().len(), 2);
    let after: Vec<_> = all_nodes(&app, "ana")
        .await
        .into_iter()
        .map(|r| (r.0, r.1, r.2, r.3, r.4, r.5))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .map(|r| (r.0, r.1, r.2, r.3, r.4, r.5))
        .collect();
    assert_eq!(after, before, "undo puts everything back as it was");
}

async fn empty_trash_and_delete_forever_leave_no_rows_or_bytes_behind(backend: Backend) {
    let (app, dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let h = host("ana");
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_folder",
        &[("parent", "/projects"), ("name", "pics")],
    )
    .await);
    let res = upload(
        &app,
        &h,
        "/projects/pics",
        "dot.png",
        PNG,
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = upload(&app, &h, "/", "top.png", PNG, Some(&cookie), None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(stored_files(dir.path()), 2);
    assert_eq!(upload_rows(&app, "ana").await.len(), 2);
    // delete_forever: one trashed item and everything inside it.
    let trashed = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "delete_nodes",
        &[("paths[0]", "/projects")],
    )
    .await);
    let id = trashed[0]["id"].to_string();
    let res = owner_call(&app, "ana", &cookie, "delete_forever", &[("id", "424242")]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    ok(&owner_call(&app, "ana", &cookie, "delete_forever", &[("id", &id)]).await);
    let names: Vec<String> = all_nodes(&app, "ana")
        .await
        .into_iter()
        .map(|r| r.2)
        .collect();
    for gone in ["projects", "pics", "dot.png"] {
        assert!(!names.contains(&gone.to_string()), "{gone} left behind");
    }
    assert_eq!(upload_rows(&app, "ana").await.len(), 1);
    assert_eq!(stored_files(dir.path()), 1);
    // empty_trash: everything trashed goes, live items stay.
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "delete_nodes",
        &[("paths[0]", "/top.png"), ("paths[1]", "/about.md")],
    )
    .await);
    let emptied = ok(&owner_call(&app, "ana", &cookie, "empty_trash", &[]).await);
    assert_eq!(emptied, 2);
    let rows = all_nodes(&app, "ana").await;
    assert!(rows.iter().all(|r| r.5.is_none()), "{rows:?}");
    assert!(rows.iter().any(|r| r.2 == "README.md"));
    assert!(upload_rows(&app, "ana").await.is_empty());
    assert_eq!(stored_files(dir.path()), 0);
    // No node anywhere points at a parent that is gone.
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    assert!(rows.iter().all(|r| r.1.is_none_or(|p| ids.contains(&p))));
}

async fn trash_older_than_thirty_days_is_purged_when_listed(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "delete_nodes",
        &[("paths[0]", "/about.md"), ("paths[1]", "/projects")],
    )
    .await);
    let old = chrono::Utc::now().naive_utc() - chrono::Duration::days(31);
    let tenant = tenant_id(&app, "ana").await;
    db!(app, conn => {
        diesel::update(nodes::table.filter(nodes::tenant_id.eq(tenant)).filter(nodes::name.eq("about.md")))
            .set(nodes::deleted_at.eq(Some(old)))
            .execute(conn)
            .await?
    })
    .unwrap();
    let trash = ok(&owner_call(&app, "ana", &cookie, "list_trash", &[]).await);
    assert_eq!(trash.as_array().unwrap().len(), 1, "{trash}");
    assert_eq!(trash[0]["name"], "projects");
    let names: Vec<String> = all_nodes(&app, "ana")
        .await
        .into_iter()
        .map(|r| r.2)
        .collect();
    assert!(!names.contains(&"about.md".to_string()));
}

async fn a_stale_base_version_is_a_conflict_and_keeps_the_stored_text(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let source = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "read_file_source",
        &[("path", "/about.md")],
    )
    .await);
    let version = source["version"].to_string();
    let saved = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/about.md"),
            ("content", "# Me\n\nfirst tab"),
            ("base_version", &version),
        ],
    )
    .await);
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["size"], 15);
    assert!(
        open(&app, "ana", "/about.md")
            .await
            .body
            .contains("first tab")
    );
    // A second tab still on version 1.
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/about.md"),
            ("content", "# Me\n\nsecond tab"),
            ("base_version", &version),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(
        message(&res).contains("was changed somewhere else"),
        "{}",
        res.body
    );
    let row = node_named(&app, "ana", "about.md").await;
    assert_eq!(row.3.as_deref(), Some("# Me\n\nfirst tab"));
    assert_eq!(row.4, 2);
    // Folders and missing files are not saved either.
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/projects"),
            ("content", "x"),
            ("base_version", "1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/gone.md"),
            ("content", "x"),
            ("base_version", "1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/about.md"),
            ("content", "x"),
            ("base_version", "two"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
}

async fn text_over_512_kib_is_refused_and_non_ascii_text_up_to_it_is_saved(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let big = "x".repeat(512 * 1024 + 1);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/about.md"),
            ("content", &big),
            ("base_version", "1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    assert!(message(&res).contains("at most 512 KB"), "{}", res.body);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[("parent", "/"), ("name", "big.md"), ("content", &big)],
    )
    .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Far over the limit, the body limit answers (still 413 in the one error shape).
    let huge = "x".repeat(3 * 1024 * 1024);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/about.md"),
            ("content", &huge),
            ("base_version", "1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json()["error"], "too_large");
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/about.md"),
            ("content", "nul \0 here"),
            ("base_version", "1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        node_named(&app, "ana", "about.md").await.4,
        1,
        "nothing saved"
    );
    // 512 KiB of two-byte characters triples in form encoding, and still fits.
    let accents = "é".repeat(256 * 1024);
    let saved = ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/about.md"),
            ("content", &accents),
            ("base_version", "1"),
        ],
    )
    .await);
    assert_eq!(saved["size"], 512 * 1024);
    // Other server functions keep the small body limit.
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "rename_node",
        &[("path", "/about.md"), ("new_name", &"x".repeat(100 * 1024))],
    )
    .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
}

async fn search_finds_names_and_content_of_this_tenant_only(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let cookie = app.owner_cookie("ana").await;
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[
            ("parent", "/projects"),
            ("name", "Über Notes.md"),
            (
                "content",
                "Some words.\nThe Zebra crossing is 50% done.\nMore.",
            ),
        ],
    )
    .await);
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "create_file",
        &[
            ("parent", "/"),
            ("name", "old.md"),
            ("content", "zebra in the trash"),
        ],
    )
    .await);
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "delete_nodes",
        &[("paths[0]", "/old.md")],
    )
    .await);
    // A visitor searches: name without accents or case, and content.
    let hits = ok(&app
        .server_fn(&host("ana"), "search_nodes", &[("query", "uber")])
        .await);
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
    assert_eq!(hits[0]["path"], "/projects/Über Notes.md");
    assert_eq!(hits[0]["in_name"], true);
    let hits = ok(&app
        .server_fn(&host("ana"), "search_nodes", &[("query", "ZEBRA")])
        .await);
    assert_eq!(
        hits.as_array().unwrap().len(),
        1,
        "trashed files are not found: {hits}"
    );
    assert_eq!(hits[0]["in_name"], false);
    assert_eq!(
        hits[0]["snippet"],
        "Some words. The Zebra crossing is 50% done. More."
    );
    let hits = ok(&app
        .server_fn(&host("ana"), "search_nodes", &[("query", "50%")])
        .await);
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
    let hits = ok(&app
        .server_fn(&host("ana"), "search_nodes", &[("query", "5_%")])
        .await);
    assert_eq!(
        hits,
        serde_json::json!([]),
        "LIKE wildcards match literally"
    );
    // Another tenant's host never finds ana's files.
    for query in ["zebra", "uber", "notes"] {
        let hits = ok(&app
            .server_fn(&host("bob"), "search_nodes", &[("query", query)])
            .await);
        assert!(!hits.to_string().contains("Über"), "{hits}");
        assert!(!hits.to_string().contains("Zebra"), "{hits}");
    }
    let res = app
        .server_fn(&host("ana"), "search_nodes", &[("query", "  ")])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = app
        .server_fn("localhost", "search_nodes", &[("query", "zebra")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

async fn uploads_are_typed_by_their_bytes_and_served_with_safe_headers(backend: Backend) {
    let (app, dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let h = host("ana");
    // The name says JPEG and Content-Type says PNG; the bytes are a PDF.
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    let res = upload(
        &app,
        &h,
        "/projects",
        "cv 2026.jpg",
        pdf,
        Some(&cookie),
        Some("http://ana.localhost:3000"),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["path"], "/projects/cv 2026.jpg");
    assert_eq!(res.json()["size"], pdf.len());
    let rows = upload_rows(&app, "ana").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].2, "application/pdf");
    assert_eq!(rows[0].3, pdf.len() as i64);
    assert_eq!(rows[0].4, sha256_hex(pdf));
    assert_eq!(stored_files(dir.path()), 1);
    let node = node_named(&app, "ana", "cv 2026.jpg").await;
    assert_eq!(node.6, Some(rows[0].0));
    assert_eq!(node.3, None);
    let raw = app.get(&h, "/raw/projects/cv%202026.jpg").await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.headers["content-type"], "application/pdf");
    assert_eq!(raw.headers["x-content-type-options"], "nosniff");
    assert!(
        raw.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;"),
        "PDFs open in place"
    );
    assert_eq!(raw.body.as_bytes(), pdf);
    // Revalidation answers 304 without the bytes.
    let etag = raw.headers["etag"].to_str().unwrap().to_string();
    let again = app
        .send(
            Request::get("/raw/projects/cv%202026.jpg")
                .header("host", &h)
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    // A taken name, a missing folder, an empty body, no name.
    let res = upload(
        &app,
        &h,
        "/projects",
        "CV 2026.JPG",
        PNG,
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(message(&res).contains("“cv 2026.jpg”"), "{}", res.body);
    let res = upload(&app, &h, "/nope", "a.png", PNG, Some(&cookie), None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = upload(&app, &h, "/", "a.png", b"", Some(&cookie), None).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = upload(&app, &h, "/", "", PNG, Some(&cookie), None).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(upload_rows(&app, "ana").await.len(), 1);
    assert_eq!(stored_files(dir.path()), 1);
    // The explorer lists it; its text can't be edited.
    assert!(
        open(&app, "ana", "/projects")
            .await
            .body
            .contains("cv 2026.jpg")
    );
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "read_file_source",
        &[("path", "/projects/cv 2026.jpg")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = owner_call(
        &app,
        "ana",
        &cookie,
        "save_file",
        &[
            ("path", "/projects/cv 2026.jpg"),
            ("content", "x"),
            ("base_version", "1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // Text files are served as plain text.
    let raw = app.get(&h, "/raw/README.md").await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.headers["content-type"], "text/plain; charset=utf-8");
    assert!(raw.body.starts_with("# Welcome"));
}

/// SHA-256 in hex, the way the server records it.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn an_html_file_named_png_is_refused_with_415_and_nothing_is_stored(backend: Backend) {
    let (app, dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let before = all_nodes(&app, "ana").await;
    for body in [
        &b"<html><script>alert(document.cookie)</script></html>"[..],
        b"<html>%PDF-1.4 not really</html>",
        b"#!/bin/sh\necho hi\n",
    ] {
        let res = upload(
            &app,
            &host("ana"),
            "/",
            "photo.png",
            body,
            Some(&cookie),
            None,
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{}",
            res.body
        );
        assert_eq!(res.json()["error"], "unsupported_type");
        assert!(
            message(&res).contains("only PNG, JPEG, GIF, WebP, PDF and SVG files can be uploaded"),
            "{}",
            res.body
        );
    }
    assert_eq!(all_nodes(&app, "ana").await, before);
    assert!(upload_rows(&app, "ana").await.is_empty());
    assert_eq!(stored_files(dir.path()), 0);
}

async fn an_svg_with_a_script_is_served_with_the_sandbox_csp(backend: Backend) {
    let (app, _dir) = edit_app(backend, 4096).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let svg = br#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <script>alert(document.domain)</script>
  <rect width="10" height="10" style="fill:red"/>
</svg>
"#;
    let res = upload(
        &app,
        &host("ana"),
        "/",
        "logo.png",
        svg,
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let raw = app.get(&host("ana"), "/raw/logo.png").await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.headers["content-type"], "image/svg+xml");
    assert_eq!(
        raw.headers["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    );
    assert_eq!(raw.headers["x-content-type-options"], "nosniff");
    // An HTML page that merely contains an <svg> is not an SVG.
    let res = upload(
        &app,
        &host("ana"),
        "/",
        "page.svg",
        b"<html><body><svg></svg><script>x</script></body></html>",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(
        res.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        res.body
    );
}

async fn uploads_over_the_limit_get_413_by_length_and_while_streaming(backend: Backend) {
    let (app, dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let mut big = PNG.to_vec();
    big.resize(2000, 0);
    let res = upload(
        &app,
        &host("ana"),
        "/",
        "big.png",
        &big,
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    assert_eq!(res.json()["error"], "too_large");
    assert!(message(&res).contains("at most 1 KB"), "{}", res.body);
    // No Content-Length (or a false one): counted while the bytes arrive.
    for length in [None, Some("100")] {
        let mut req = Request::post("/upload?folder=/&name=big.png")
            .header("host", host("ana"))
            .header("cookie", &cookie);
        if let Some(length) = length {
            req = req.header("content-length", length);
        }
        let body = Body::from_stream(futures::stream::iter([
            Ok::<_, std::io::Error>(big[..600].to_vec()),
            Ok(big[600..].to_vec()),
        ]));
        let res = app.send(req.body(body).unwrap()).await;
        assert_eq!(
            res.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{length:?}: {}",
            res.body
        );
    }
    assert!(upload_rows(&app, "ana").await.is_empty());
    assert_eq!(stored_files(dir.path()), 0);
    let fits = upload(
        &app,
        &host("ana"),
        "/",
        "small.png",
        &big[..1024],
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(fits.status, StatusCode::CREATED, "{}", fits.body);
}

async fn raw_serves_only_live_files_of_the_hosts_tenant(backend: Backend) {
    let (app, _dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let cookie = app.owner_cookie("ana").await;
    let res = upload(
        &app,
        &host("ana"),
        "/projects",
        "ana-only.png",
        PNG,
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let visitor = app.get(&host("ana"), "/raw/projects/ana-only.png").await;
    assert_eq!(visitor.status, StatusCode::OK);
    assert_eq!(
        visitor.headers["content-length"],
        PNG.len().to_string().as_str()
    );
    let stolen = app.get(&host("bob"), "/raw/projects/ana-only.png").await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("localhost", "/raw/projects/ana-only.png")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&host("ana"), "/raw/projects").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&host("ana"), "/raw/../bob/README.md").await.status,
        StatusCode::NOT_FOUND
    );
    ok(&owner_call(
        &app,
        "ana",
        &cookie,
        "delete_nodes",
        &[("paths[0]", "/projects/ana-only.png")],
    )
    .await);
    let trashed = app.get(&host("ana"), "/raw/projects/ana-only.png").await;
    assert_eq!(trashed.status, StatusCode::NOT_FOUND);
}

/// What every refused call must leave untouched: ana's nodes, uploads and stored bytes.
async fn ana_state(app: &TestApp, dir: &std::path::Path) -> (Vec<NodeRow>, usize, usize) {
    (
        all_nodes(app, "ana").await,
        upload_rows(app, "ana").await.len(),
        stored_files(dir),
    )
}

async fn authorization_matrix_refuses_visitors_strangers_foreign_origins_and_replayed_cookies(
    backend: Backend,
) {
    let (app, dir) = edit_app(backend, 1024).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let ana = app.owner_cookie("ana").await;
    let bob = app.owner_cookie("bob").await;
    let (ana_host, bob_host) = (host("ana"), host("bob"));
    // Ana's private-looking data: a folder with a file, an upload and a trashed file.
    ok(&owner_call(
        &app,
        "ana",
        &ana,
        "create_folder",
        &[("parent", "/"), ("name", "ana-folder")],
    )
    .await);
    ok(&owner_call(
        &app,
        "ana",
        &ana,
        "create_file",
        &[
            ("parent", "/ana-folder"),
            ("name", "ana-secret.md"),
            ("content", "ana's secret text"),
        ],
    )
    .await);
    ok(&owner_call(
        &app,
        "ana",
        &ana,
        "create_file",
        &[
            ("parent", "/"),
            ("name", "ana-trashed.md"),
            ("content", "trashed secret"),
        ],
    )
    .await);
    let res = upload(
        &app,
        &ana_host,
        "/ana-folder",
        "ana.png",
        PNG,
        Some(&ana),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let trashed = ok(&owner_call(
        &app,
        "ana",
        &ana,
        "delete_nodes",
        &[("paths[0]", "/ana-trashed.md")],
    )
    .await);
    let trash_id = trashed[0]["id"].to_string();
    let before = ana_state(&app, dir.path()).await;

    // Every owner-only function, aimed at ana's items; `names_victim` is false where the call
    // names nothing of ana's (then bob, on his own host, acts on his own data).
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, bool);
    let cases: Vec<Case> = vec![
        (
            "create_folder",
            vec![("parent", "/ana-folder"), ("name", "x")],
            true,
        ),
        (
            "create_file",
            vec![
                ("parent", "/ana-folder"),
                ("name", "x.md"),
                ("content", "x"),
            ],
            true,
        ),
        (
            "rename_node",
            vec![("path", "/ana-folder/ana-secret.md"), ("new_name", "x.md")],
            true,
        ),
        (
            "move_nodes",
            vec![
                ("paths[0]", "/ana-folder/ana-secret.md"),
                ("target_folder", "/"),
            ],
            true,
        ),
        ("delete_nodes", vec![("paths[0]", "/ana-folder")], true),
        ("list_trash", vec![], false),
        ("restore_node", vec![("id", trash_id.as_str())], true),
        ("restore_nodes", vec![("ids[0]", trash_id.as_str())], true),
        ("empty_trash", vec![], false),
        ("delete_forever", vec![("id", trash_id.as_str())], true),
        (
            "save_file",
            vec![
                ("path", "/ana-folder/ana-secret.md"),
                ("content", "pwned"),
                ("base_version", "1"),
            ],
            true,
        ),
        (
            "read_file_source",
            vec![("path", "/ana-folder/ana-secret.md")],
            true,
        ),
    ];
    let ana_origin = format!("http://{ana_host}");
    let bob_origin = format!("http://{bob_host}");
    for (function, form, names_victim) in &cases {
        // (a) A visitor without a session.
        let res = call_from(&app, &ana_host, Some(&ana_origin), None, function, form).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "(a) {function}: {}",
            res.body
        );
        assert_eq!(res.json()["error"], "unauthorized");
        // (b) Bob, logged in on his own host, with ana's paths and ids: they are not there.
        let res = call_from(
            &app,
            &bob_host,
            Some(&bob_origin),
            Some(&bob),
            function,
            form,
        )
        .await;
        if *names_victim {
            assert_eq!(
                res.status,
                StatusCode::NOT_FOUND,
                "(b) {function}: {}",
                res.body
            );
        } else {
            assert_eq!(res.status, StatusCode::OK, "(b) {function}: {}", res.body);
        }
        assert!(
            !res.body.contains("secret text"),
            "(b) {function}: {}",
            res.body
        );
        // (c) Ana's own session, but the request comes from another site's page.
        let res = call_from(
            &app,
            &ana_host,
            Some(&bob_origin),
            Some(&ana),
            function,
            form,
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "(c) {function}: {}",
            res.body
        );
        let res = call_from(&app, &ana_host, Some("null"), Some(&ana), function, form).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "(c) {function} with Origin null"
        );
        // (d) Bob's cookie replayed on ana's host (and ana's on bob's): nobody's session there.
        let res = call_from(
            &app,
            &ana_host,
            Some(&ana_origin),
            Some(&bob),
            function,
            form,
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "(d) {function}: {}",
            res.body
        );
        let res = call_from(
            &app,
            &bob_host,
            Some(&bob_origin),
            Some(&ana),
            function,
            form,
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "(d) {function} on bob's host"
        );
        // Nor on the platform's own host.
        let res = call_from(&app, "localhost:3000", None, Some(&ana), function, form).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{function} on the apex");
        assert_eq!(
            ana_state(&app, dir.path()).await,
            before,
            "{function} changed ana's data"
        );
    }
    // Another tenant's ids and paths look exactly like missing ones.
    let foreign = call_from(
        &app,
        &bob_host,
        None,
        Some(&bob),
        "restore_node",
        &[("id", &trash_id)],
    )
    .await;
    let missing = call_from(
        &app,
        &bob_host,
        None,
        Some(&bob),
        "restore_node",
        &[("id", "99999999")],
    )
    .await;
    assert_eq!(foreign.status, missing.status);
    assert_eq!(
        message(&foreign).replace(&trash_id, "N"),
        message(&missing).replace("99999999", "N")
    );

    // The upload endpoint, the same four ways.
    let (a, b, c, d) = (
        upload(
            &app,
            &ana_host,
            "/ana-folder",
            "x.png",
            PNG,
            None,
            Some(&ana_origin),
        )
        .await,
        upload(
            &app,
            &bob_host,
            "/ana-folder",
            "x.png",
            PNG,
            Some(&bob),
            Some(&bob_origin),
        )
        .await,
        upload(
            &app,
            &ana_host,
            "/ana-folder",
            "x.png",
            PNG,
            Some(&ana),
            Some(&bob_origin),
        )
        .await,
        upload(
            &app,
            &ana_host,
            "/ana-folder",
            "x.png",
            PNG,
            Some(&bob),
            Some(&ana_origin),
        )
        .await,
    );
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "(a) upload: {}", a.body);
    assert_eq!(b.status, StatusCode::NOT_FOUND, "(b) upload: {}", b.body);
    assert_eq!(c.status, StatusCode::FORBIDDEN, "(c) upload: {}", c.body);
    assert_eq!(d.status, StatusCode::UNAUTHORIZED, "(d) upload: {}", d.body);
    let apex = upload(&app, "localhost:3000", "/", "x.png", PNG, Some(&ana), None).await;
    assert_eq!(apex.status, StatusCode::NOT_FOUND);
    assert_eq!(
        ana_state(&app, dir.path()).await,
        before,
        "uploads changed ana's data"
    );
    assert!(upload_rows(&app, "bob").await.is_empty());

    // Visitors read live files, on ana's host only; the trash stays private.
    assert_eq!(
        app.get(&ana_host, "/raw/ana-folder/ana.png").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&bob_host, "/raw/ana-folder/ana.png").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&ana_host, "/raw/ana-trashed.md").await.status,
        StatusCode::NOT_FOUND
    );
    let hits = ok(&app
        .server_fn(&ana_host, "search_nodes", &[("query", "secret")])
        .await);
    assert_eq!(
        hits.as_array().unwrap().len(),
        1,
        "only the live file: {hits}"
    );
    let hits = ok(&app
        .server_fn(&bob_host, "search_nodes", &[("query", "secret")])
        .await);
    assert_eq!(hits, serde_json::json!([]));
}
