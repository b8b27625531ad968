//! The assistant's endpoint, its daily limit, and the owner's memory and personality tools, on
//! SQLite and PostgreSQL; the limiter both in memory and on the machine's Redis.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use common::{Backend, Options, Response, TestApp, fresh_visitor};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode};
use serde_json::{Value, json};

both_backends!(
    the_demo_assistant_streams_an_answer_from_its_memories,
    forty_concurrent_questions_let_exactly_fifteen_through_in_memory,
    forty_concurrent_questions_let_exactly_fifteen_through_on_redis,
    over_the_limit_answers_429_with_the_documented_body_and_headers,
    the_owner_and_premium_tenants_are_unlimited,
    a_spoofed_forwarded_for_from_an_untrusted_peer_gains_nothing,
    ipv6_visitors_in_one_64_share_their_questions,
    a_failing_provider_does_not_use_up_a_question,
    an_openai_compatible_provider_streams_through_the_endpoint,
    questions_are_validated_with_clear_messages,
    the_assistant_answers_only_from_its_own_tenants_memories,
    owner_tools_refuse_visitors_other_owners_foreign_origins_and_replayed_cookies,
    memories_keep_placeholders_and_normalise_keywords,
    exactly_one_personality_is_active_and_it_cannot_be_deleted,
    an_owner_previews_an_inactive_personality,
);

const HOST: &str = "ana.localhost:3000";

fn ask_request(host: &str, prompt: &str) -> Request<Body> {
    Request::post("/api/chat")
        .header("host", host)
        .header("origin", format!("http://{host}"))
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"prompt": prompt, "history": []}).to_string(),
        ))
        .unwrap()
}

async fn ask_from(app: &TestApp, peer: &str, prompt: &str) -> Response {
    app.send_from(peer, ask_request(HOST, prompt)).await
}

/// The (event, data) pairs of a server-sent-events body.
fn events(res: &Response) -> Vec<(String, Value)> {
    res.body
        .split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event: ") {
                    name = Some(v.to_string());
                }
                if let Some(v) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(v).ok();
                }
            }
            Some((name?, data?))
        })
        .collect()
}

fn answer_text(res: &Response) -> String {
    events(res)
        .iter()
        .filter(|(n, _)| n == "token")
        .map(|(_, d)| d["t"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn the_demo_assistant_streams_an_answer_from_its_memories(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            demo: true,
            ..Options::default()
        },
    )
    .await;
    let res = app
        .send_from(
            &fresh_visitor(),
            ask_request("demo.localhost:3000", "Where does she work?"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.headers["content-type"], "text/event-stream");
    let events = events(&res);
    assert_eq!(events[0].0, "meta");
    assert_eq!(events[0].1["limit"], 15);
    assert_eq!(events[0].1["remaining"], 14);
    assert!(
        events.iter().filter(|(n, _)| n == "token").count() > 3,
        "streamed in pieces"
    );
    let text = answer_text(&res);
    assert!(text.contains("storage engines"), "{text}");
    let (last, done) = events.last().unwrap();
    assert_eq!(last, "done");
    assert!(done["html"].as_str().unwrap().contains("<p>"));
    assert_eq!(done["remaining"], 14);
}

async fn count_concurrent(app: &TestApp, peer: &str, n: usize) -> (usize, usize) {
    let answers = futures::future::join_all((0..n).map(|_| ask_from(app, peer, "Hello?"))).await;
    let ok = answers
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    let limited = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    (ok, limited)
}

async fn forty_concurrent_questions_let_exactly_fifteen_through_in_memory(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    assert_eq!(app.state.chat.limiter.backend(), limiter::Backend::Memory);
    assert_eq!(count_concurrent(&app, &fresh_visitor(), 40).await, (15, 25));
}

async fn forty_concurrent_questions_let_exactly_fifteen_through_on_redis(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            redis_url: Some(common::redis_url()),
            ..Options::default()
        },
    )
    .await;
    assert_eq!(
        app.state.chat.limiter.backend(),
        limiter::Backend::Redis,
        "Redis is required at {} (set TEST_REDIS_URL)",
        common::redis_url()
    );
    app.tenant("ana").await;
    assert_eq!(count_concurrent(&app, &fresh_visitor(), 40).await, (15, 25));
    assert_eq!(app.state.chat.limiter.stats().fallback, 0);
}

async fn over_the_limit_answers_429_with_the_documented_body_and_headers(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            chat_limit: Some(2),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let visitor = fresh_visitor();
    let first = ask_from(&app, &visitor, "Hi").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.headers["ratelimit-policy"], "\"daily\";q=2;w=86400");
    assert!(
        first.headers["ratelimit"]
            .to_str()
            .unwrap()
            .starts_with("\"daily\";r=1;t=")
    );
    ask_from(&app, &visitor, "Hi").await;
    let mut req = ask_request(HOST, "Hi");
    req.headers_mut()
        .insert("accept-language", "es-ES,es;q=0.9".parse().unwrap());
    let refused = app.send_from(&visitor, req).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let body = refused.json();
    assert_eq!(body["error"], "rate_limit");
    assert_eq!(body["remaining"], 0);
    assert!(
        body["message"].as_str().unwrap().contains("preguntas"),
        "in the visitor's language: {body}"
    );
    let reset = chrono::DateTime::parse_from_rfc3339(body["reset"].as_str().unwrap()).unwrap();
    let tomorrow = chrono::Utc::now().date_naive().succ_opt().unwrap();
    assert_eq!(
        reset.naive_utc(),
        tomorrow.and_hms_opt(0, 0, 0).unwrap(),
        "the next UTC midnight"
    );
    let retry: i64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&retry));
    assert!(
        refused.headers["ratelimit"]
            .to_str()
            .unwrap()
            .starts_with("\"daily\";r=0;")
    );
}

async fn the_owner_and_premium_tenants_are_unlimited(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            chat_limit: Some(1),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let cookie = app.owner_cookie("ana").await;
    let visitor = fresh_visitor();
    for _ in 0..3 {
        let mut req = ask_request(HOST, "Hi");
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        let res = app.send_from(&visitor, req).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(!res.headers.contains_key("ratelimit"));
        assert!(events(&res)[0].1["limit"].is_null());
    }
    // The owner's questions did not use the visitor's allowance from the same address.
    assert_eq!(ask_from(&app, &visitor, "Hi").await.status, StatusCode::OK);
    assert_eq!(
        ask_from(&app, &visitor, "Hi").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    use app::server::schema::users;
    db!(app, conn => {
        diesel::update(users::table.filter(users::username.eq("ana")))
            .set(users::plan.eq("premium"))
            .execute(conn)
            .await?
    })
    .unwrap();
    app.state.tenants.invalidate("ana").await;
    for _ in 0..3 {
        assert_eq!(ask_from(&app, &visitor, "Hi").await.status, StatusCode::OK);
    }
}

async fn a_spoofed_forwarded_for_from_an_untrusted_peer_gains_nothing(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            chat_limit: Some(2),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let visitor = fresh_visitor();
    let mut statuses = Vec::new();
    for i in 0..4 {
        let mut req = ask_request(HOST, "Hi");
        req.headers_mut()
            .insert("x-forwarded-for", format!("203.0.113.{i}").parse().unwrap());
        statuses.push(app.send_from(&visitor, req).await.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

async fn ipv6_visitors_in_one_64_share_their_questions(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            chat_limit: Some(2),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let visitor = fresh_visitor();
    let neighbour = visitor.replace("::1", "::beef:1");
    assert_eq!(ask_from(&app, &visitor, "Hi").await.status, StatusCode::OK);
    assert_eq!(
        ask_from(&app, &neighbour, "Hi").await.status,
        StatusCode::OK
    );
    assert_eq!(
        ask_from(&app, &visitor, "Hi").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another /64 is another visitor.
    assert_eq!(
        ask_from(&app, &fresh_visitor(), "Hi").await.status,
        StatusCode::OK
    );
}

/// A local server speaking the OpenAI chat-completions protocol: either an error status or a
/// streamed answer.
async fn fake_provider(status: u16, chunks: &'static [&'static str]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        // Bounded: a test asks a handful of questions.
        for _ in 0..20 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut seen = Vec::new();
                // Read the request head and body (Content-Length) before answering.
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen);
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let length = text[..head_end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if seen.len() >= head_end + 4 + length {
                            break;
                        }
                    }
                }
                let response = if status == 200 {
                    let mut body = String::new();
                    for chunk in chunks {
                        body.push_str(&format!(
                            "data: {}\n\n",
                            json!({"choices": [{"delta": {"content": chunk}}]})
                        ));
                    }
                    body.push_str("data: [DONE]\n\n");
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    let body = r#"{"error":{"message":"upstream secret detail"}}"#;
                    format!(
                        "HTTP/1.1 {status} Oops\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}/v1")
}

async fn a_failing_provider_does_not_use_up_a_question(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            chat_limit: Some(1),
            ai_base_url: Some(fake_provider(500, &[]).await),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let visitor = fresh_visitor();
    for _ in 0..3 {
        let res = ask_from(&app, &visitor, "Hi").await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let (name, data) = events(&res).last().cloned().unwrap();
        assert_eq!(name, "error");
        let message = data["message"].as_str().unwrap();
        assert!(message.contains("not counted"), "{message}");
        assert!(!res.body.contains("upstream secret detail"));
    }
}

async fn an_openai_compatible_provider_streams_through_the_endpoint(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            ai_base_url: Some(fake_provider(200, &["Ana ", "builds **databases**", "."]).await),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let res = ask_from(&app, &fresh_visitor(), "What does Ana build?").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(answer_text(&res), "Ana builds **databases**.");
    let (name, done) = events(&res).last().cloned().unwrap();
    assert_eq!(name, "done");
    assert!(
        done["html"]
            .as_str()
            .unwrap()
            .contains("<strong>databases</strong>")
    );
}

async fn questions_are_validated_with_clear_messages(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let visitor = fresh_visitor();
    let empty = ask_from(&app, &visitor, "   ").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty.json()["message"]
            .as_str()
            .unwrap()
            .contains("question")
    );
    let long = ask_from(&app, &visitor, &"why ".repeat(300)).await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    assert!(long.json()["message"].as_str().unwrap().contains("1000"));
    let garbage = app
        .send_from(
            &visitor,
            Request::post("/api/chat")
                .header("host", HOST)
                .header("content-type", "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert!(
        garbage.json()["message"]
            .as_str()
            .unwrap()
            .contains("prompt")
    );
    let apex = app
        .send_from(&visitor, ask_request("localhost:3000", "Hi"))
        .await;
    assert_eq!(apex.status, StatusCode::NOT_FOUND);
    let preview = app
        .send_from(
            &visitor,
            Request::post("/api/chat")
                .header("host", HOST)
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"prompt": "Hi", "personality": 1}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(preview.status, StatusCode::UNAUTHORIZED);
    // None of the refused questions was counted.
    let ok = ask_from(&app, &visitor, "Hi").await;
    assert_eq!(events(&ok)[0].1["remaining"], 14);
}

async fn save_memory(
    app: &TestApp,
    host: &str,
    cookie: &str,
    id: Option<i64>,
    title: &str,
    content: &str,
    keywords: &str,
) -> Response {
    let id = id.map(|i| i.to_string()).unwrap_or_default();
    let mut form = vec![
        ("memory[title]", title),
        ("memory[content]", content),
        ("memory[keywords]", keywords),
        ("memory[priority]", "5"),
        ("memory[active]", "true"),
    ];
    if !id.is_empty() {
        form.push(("id", id.as_str()));
    }
    app.server_fn_with(host, "save_memory", &form, cookie).await
}

async fn the_assistant_answers_only_from_its_own_tenants_memories(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let bob = app.owner_cookie("bob").await;
    let res = save_memory(
        &app,
        "bob.localhost:3000",
        &bob,
        None,
        "Secret project",
        "Bob is building a zeppelin factory.",
        "zeppelin, secret",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let answer = ask_from(
        &app,
        &fresh_visitor(),
        "Tell me about the zeppelin secret project",
    )
    .await;
    let text = answer_text(&answer);
    assert!(!text.to_lowercase().contains("zeppelin factory"), "{text}");
    let from_bob = app
        .send_from(
            &fresh_visitor(),
            ask_request(
                "bob.localhost:3000",
                "Tell me about the zeppelin secret project",
            ),
        )
        .await;
    assert!(answer_text(&from_bob).contains("zeppelin factory"));
}

async fn memory_count(app: &TestApp, tenant: &str) -> i64 {
    use app::server::schema::{memories, users};
    db!(app, conn => {
        memories::table
            .inner_join(users::table.on(users::id.eq(memories::tenant_id)))
            .filter(users::username.eq(tenant))
            .count()
            .get_result::<i64>(conn)
            .await?
    })
    .unwrap()
}

async fn owner_tools_refuse_visitors_other_owners_foreign_origins_and_replayed_cookies(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    app.tenant("bob").await;
    let ana = app.owner_cookie("ana").await;
    let bob = app.owner_cookie("bob").await;
    let list = app.server_fn_with(HOST, "list_memories", &[], &ana).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let memory_id = list.json()[0]["id"].as_i64().unwrap().to_string();
    let personalities = app
        .server_fn_with(HOST, "list_personalities", &[], &ana)
        .await;
    let personality_id = personalities.json()[0]["id"].as_i64().unwrap().to_string();
    let before = (
        memory_count(&app, "ana").await,
        personalities.body.clone(),
        list.body.clone(),
    );

    let personality_form = |id: &str| -> Vec<(&'static str, String)> {
        vec![
            ("id", id.to_string()),
            ("personality[name]", "Hijacked".into()),
            ("personality[description]", "".into()),
            ("personality[tone]", "".into()),
            ("personality[language]", "en".into()),
            ("personality[system_prompt]", "Say you were hacked".into()),
            ("personality[greeting]", "".into()),
        ]
    };
    let calls: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("list_memories", vec![]),
        (
            "save_memory",
            vec![
                ("id", memory_id.clone()),
                ("memory[title]", "Hijacked".into()),
                ("memory[content]", "pwned".into()),
                ("memory[keywords]", "".into()),
                ("memory[priority]", "1".into()),
                ("memory[active]", "true".into()),
            ],
        ),
        ("delete_memory", vec![("id", memory_id.clone())]),
        ("list_personalities", vec![]),
        ("save_personality", personality_form(&personality_id)),
        ("activate_personality", vec![("id", personality_id.clone())]),
        ("delete_personality", vec![("id", personality_id.clone())]),
    ];
    for (name, form) in &calls {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // A visitor on ana's host.
        let visitor = app.server_fn(HOST, name, &form).await;
        assert_eq!(
            visitor.status,
            StatusCode::UNAUTHORIZED,
            "{name} as a visitor: {}",
            visitor.body
        );
        // Bob, logged in on his own host, naming ana's ids.
        let other = app
            .server_fn_with("bob.localhost:3000", name, &form, &bob)
            .await;
        assert!(
            other.status == StatusCode::NOT_FOUND
                || (other.status == StatusCode::OK && name.starts_with("list_")),
            "{name} by another owner: {} {}",
            other.status,
            other.body
        );
        if other.status == StatusCode::OK {
            assert!(
                !other.body.contains(&format!("\"id\":{memory_id},")) || name != &"list_memories"
            );
        }
        // Ana's cookie replayed on bob's host is nobody's session there.
        let replayed = app
            .server_fn_with("bob.localhost:3000", name, &form, &ana)
            .await;
        assert_eq!(
            replayed.status,
            StatusCode::UNAUTHORIZED,
            "{name} replayed: {}",
            replayed.body
        );
        // Ana's own session, but the request comes from bob's page.
        let body = serde_urlencoded::to_string(&form).unwrap();
        let foreign = app
            .send(
                Request::post(format!("/api/{name}"))
                    .header("host", HOST)
                    .header("origin", "http://bob.localhost:3000")
                    .header("cookie", &ana)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            foreign.status,
            StatusCode::FORBIDDEN,
            "{name} from a foreign origin"
        );
    }
    let after_list = app.server_fn_with(HOST, "list_memories", &[], &ana).await;
    let after_personalities = app
        .server_fn_with(HOST, "list_personalities", &[], &ana)
        .await;
    assert_eq!(
        (
            memory_count(&app, "ana").await,
            after_personalities.body,
            after_list.body
        ),
        before,
        "ana's data is unchanged"
    );
    // Chat previews of another tenant's personality are refused too.
    let mut req = Request::post("/api/chat")
        .header("host", "bob.localhost:3000")
        .header("cookie", &bob)
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"prompt": "Hi", "personality": personality_id.parse::<i64>().unwrap()})
                .to_string(),
        ))
        .unwrap();
    req.headers_mut()
        .insert("origin", "http://bob.localhost:3000".parse().unwrap());
    assert_eq!(app.send(req).await.status, StatusCode::NOT_FOUND);
}

async fn memories_keep_placeholders_and_normalise_keywords(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let ana = app.owner_cookie("ana").await;
    let res = save_memory(
        &app,
        HOST,
        &ana,
        None,
        "  Hobbies ",
        "{{owner_name}} climbs on weekends.",
        " Climbing, climbing ,Outdoors,,",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let saved = res.json();
    assert_eq!(saved["title"], "Hobbies");
    assert_eq!(saved["content"], "{{owner_name}} climbs on weekends.");
    assert_eq!(saved["keywords"], json!(["climbing", "outdoors"]));
    let id = saved["id"].as_i64().unwrap();
    let bad = save_memory(&app, HOST, &ana, None, "", "", &"x".repeat(70)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let fields: Vec<String> = bad.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["title", "content", "keywords"]);
    let edited = save_memory(
        &app,
        HOST,
        &ana,
        Some(id),
        "Hobbies",
        "{{owner_name}} climbs and sails.",
        "sailing",
    )
    .await;
    assert_eq!(edited.json()["keywords"], json!(["sailing"]));
    // The assistant reads the memory with the placeholder filled.
    let answer = answer_text(&ask_from(&app, &fresh_visitor(), "Does she like sailing?").await);
    assert!(answer.contains("ana climbs and sails"), "{answer}");
    let deleted = app
        .server_fn_with(HOST, "delete_memory", &[("id", &id.to_string())], &ana)
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(
        deleted.json()["content"],
        "{{owner_name}} climbs and sails.",
        "returned for undo"
    );
    let again = app
        .server_fn_with(HOST, "delete_memory", &[("id", &id.to_string())], &ana)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

fn personality_form(name: &str, id: Option<i64>) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("personality[name]", name.to_string()),
        ("personality[description]", "A formal voice".into()),
        ("personality[tone]", "formal".into()),
        ("personality[language]", "es".into()),
        (
            "personality[system_prompt]",
            "Habla de {{owner_name}}.".into(),
        ),
        (
            "personality[greeting]",
            "Hola, soy el asistente de {{owner_name}}.".into(),
        ),
    ];
    if let Some(id) = id {
        form.push(("id", id.to_string()));
    }
    form
}

async fn exactly_one_personality_is_active_and_it_cannot_be_deleted(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.tenant("ana").await;
    let ana = app.owner_cookie("ana").await;
    let form = personality_form("Formal", None);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = app
        .server_fn_with(HOST, "save_personality", &form, &ana)
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.json()["active"], false);
    let new_id = created.json()["id"].as_i64().unwrap();
    let res = app
        .server_fn_with(
            HOST,
            "activate_personality",
            &[("id", &new_id.to_string())],
            &ana,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = app
        .server_fn_with(HOST, "list_personalities", &[], &ana)
        .await
        .json();
    let active: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["active"] == true)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(active, [new_id]);
    let refused = app
        .server_fn_with(
            HOST,
            "delete_personality",
            &[("id", &new_id.to_string())],
            &ana,
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let intro = app.server_fn(HOST, "chat_intro", &[]).await.json();
    assert_eq!(intro["greeting"], "Hola, soy el asistente de ana.");
    assert_eq!(intro["limit"], 15);
}

async fn an_owner_previews_an_inactive_personality(backend: Backend) {
    let app = TestApp::with(
        backend,
        Options {
            chat_limit: Some(1),
            ..Options::default()
        },
    )
    .await;
    app.tenant("ana").await;
    let ana = app.owner_cookie("ana").await;
    let form = personality_form("Formal", None);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id = app
        .server_fn_with(HOST, "save_personality", &form, &ana)
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let visitor = fresh_visitor();
    for _ in 0..2 {
        let res = app
            .send_from(
                &visitor,
                Request::post("/api/chat")
                    .header("host", HOST)
                    .header("origin", format!("http://{HOST}"))
                    .header("cookie", &ana)
                    .header("content-type", "application/json")
                    .body(Body::from(
                        json!({"prompt": "hola", "personality": id}).to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(
            answer_text(&res).contains("Hola"),
            "answers as the previewed personality: {}",
            answer_text(&res)
        );
    }
    // The previews did not touch the visitors' quota from that address.
    assert_eq!(ask_from(&app, &visitor, "Hi").await.status, StatusCode::OK);

    // The preview's greeting is the previewed personality's, for the owner only.
    let id = id.to_string();
    let intro = app
        .server_fn_with(HOST, "chat_intro", &[("personality", &id)], &ana)
        .await;
    assert_eq!(intro.status, StatusCode::OK, "{}", intro.body);
    assert_eq!(intro.json()["greeting"], "Hola, soy el asistente de ana.");
    assert_eq!(intro.json()["name"], "Formal");
    let visitor_intro = app
        .server_fn(HOST, "chat_intro", &[("personality", &id)])
        .await;
    assert_eq!(visitor_intro.status, StatusCode::UNAUTHORIZED);
    // Another owner naming ana's personality on their own host finds nothing.
    app.tenant("bob").await;
    let bob = app.owner_cookie("bob").await;
    let foreign = app
        .server_fn_with(
            "bob.localhost:3000",
            "chat_intro",
            &[("personality", &id)],
            &bob,
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
}
