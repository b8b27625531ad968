//! Uploads stored in an S3-compatible bucket: a real S3 protocol server (moto, started by this
//! test on a free loopback port) behind the same `Storage` interface as the local folder.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use app::server::storage::{ObjectStorage, S3Settings, Storage, Uploads};
use axum::body::Body;
use common::{Backend, TestApp};
use http::{Request, StatusCode};

both_backends!(uploads_live_in_the_bucket_are_served_from_it_and_leave_it_when_deleted_for_good);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const BUCKET: &str = "deskfolio-test";

/// A moto S3 server on a free port, stopped when dropped.
struct S3Server {
    child: Child,
    port: u16,
}

impl S3Server {
    fn start() -> S3Server {
        let bin = std::env::var("TEST_MOTO_SERVER").unwrap_or_else(|_| {
            format!(
                "{}/.cache/deskfolio-tools/moto/bin/moto_server",
                std::env::var("HOME").unwrap_or_default()
            )
        });
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "the S3 storage test needs moto_server at {bin} ({e}); \
                     `scripts/setup --s3` installs it, or set TEST_MOTO_SERVER"
                )
            });
        let server = S3Server { child, port };
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("moto_server did not listen on port {port} within 10 s");
    }

    /// One plain HTTP/1.1 request (moto does not check signatures); the status and body.
    fn request(&self, method: &str, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// How many objects the bucket holds.
    fn object_count(&self) -> usize {
        let (status, body) = self.request("GET", &format!("/{BUCKET}?list-type=2"));
        assert_eq!(status, 200, "listing the bucket: {body}");
        body.matches("<Key>").count()
    }

    fn storage(&self) -> ObjectStorage {
        ObjectStorage::s3(&S3Settings {
            bucket: BUCKET.into(),
            region: Some("us-east-1".into()),
            endpoint: Some(format!("http://127.0.0.1:{}", self.port)),
            access_key_id: Some("test".into()),
            secret_access_key: Some("test".into()),
        })
        .expect("S3 storage")
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const HOST: &str = "ana.localhost:3000";

/// The owner uploads `bytes` as `name` into the top folder.
async fn upload(app: &TestApp, cookie: &str, name: &str, bytes: Vec<u8>) -> common::Response {
    app.send(
        Request::post(format!("/upload?folder=%2F&name={name}"))
            .header("host", HOST)
            .header("origin", format!("http://{HOST}"))
            .header("cookie", cookie)
            .header("content-length", bytes.len())
            .body(Body::from(bytes))
            .unwrap(),
    )
    .await
}

async fn uploads_live_in_the_bucket_are_served_from_it_and_leave_it_when_deleted_for_good(
    backend: Backend,
) {
    let s3 = S3Server::start();
    let (status, body) = s3.request("PUT", &format!("/{BUCKET}"));
    assert_eq!(status, 200, "creating the bucket: {body}");

    let mut app = TestApp::new(backend).await;
    app.state = app.state.clone().with_uploads(Uploads {
        storage: Arc::new(s3.storage()),
        max_bytes: 1024,
    });
    let leptos = leptos::config::LeptosOptions::builder()
        .output_name("deskfolio")
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"))
        .build();
    app.router = server::router(app.state.clone(), leptos);
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let host = HOST;

    let res = upload(&app, &cookie, "dot.png", PNG.to_vec()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(s3.object_count(), 1, "the bytes went to the bucket");

    let raw = app.get(host, "/raw/dot.png").await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.headers["content-type"], "image/png");
    assert_eq!(raw.bytes, PNG);

    // Too large for the limit: refused before anything reaches the bucket.
    let res = upload(&app, &cookie, "big.png", vec![0u8; 2048]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    assert_eq!(s3.object_count(), 1);

    // Trash keeps the bytes (it can be restored); deleting for good removes them.
    let trashed = app
        .server_fn_with(host, "delete_nodes", &[("paths[0]", "/dot.png")], &cookie)
        .await;
    assert_eq!(trashed.status, StatusCode::OK, "{}", trashed.body);
    assert_eq!(s3.object_count(), 1);
    let id = trashed.json()[0]["id"].to_string();
    let gone = app
        .server_fn_with(host, "delete_forever", &[("id", &id)], &cookie)
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_eq!(s3.object_count(), 0, "nothing is left behind in the bucket");
    assert_eq!(
        app.get(host, "/raw/dot.png").await.status,
        StatusCode::NOT_FOUND
    );

    // The interface itself, straight against the bucket.
    let storage = s3.storage();
    storage
        .put("7/check", axum::body::Bytes::from_static(b"hello"))
        .await
        .unwrap();
    assert!(storage.get("7/check").await.unwrap().is_some());
    storage.delete("7/check").await.unwrap();
    assert!(storage.get("7/check").await.unwrap().is_none());
}
