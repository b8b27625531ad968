//! The content a new tenant starts with, and the demo tenant.
//!
//! Registration uses built-in defaults (not a copy of another tenant), so a new portfolio never
//! depends on what some other account did to its own settings.

use crate::core::error::AppError;
use crate::server::AppState;

/// A folder or file to create; `parent` indexes an earlier entry, `None` is the root folder.
pub struct SeedNode {
    pub parent: Option<usize>,
    pub folder: bool,
    pub name: &'static str,
    pub content: Option<String>,
}

pub struct SeedMemory {
    pub title: &'static str,
    pub content: &'static str,
    pub keywords: &'static [&'static str],
    pub priority: i32,
}

pub struct SeedPersonality {
    pub name: &'static str,
    pub description: &'static str,
    pub tone: &'static str,
    pub language: &'static str,
    pub system_prompt: &'static str,
    pub greeting: &'static str,
}

/// Everything a tenant is bootstrapped with, in one transaction.
pub struct TenantSeed {
    pub settings: Vec<(&'static str, String)>,
    pub nodes: Vec<SeedNode>,
    pub memories: Vec<SeedMemory>,
    pub personality: SeedPersonality,
}

/// Writes a seed for `$tenant_id` on `$conn` (inside the caller's transaction).
#[macro_export]
macro_rules! apply_seed {
    ($conn:ident, $tenant_id:expr, $seed:expr, $now:expr) => {{
        use $crate::server::schema::{
            ai_personalities, memories, memory_keywords, nodes, settings,
        };
        let tenant_id: i64 = $tenant_id;
        let seed: &$crate::server::seed::TenantSeed = $seed;
        let at = $now;
        for (key, value) in &seed.settings {
            diesel::insert_into(settings::table)
                .values((
                    settings::tenant_id.eq(tenant_id),
                    settings::key.eq(*key),
                    settings::value.eq(value),
                ))
                .execute($conn)
                .await?;
        }
        let root: i64 = diesel::insert_into(nodes::table)
            .values((
                nodes::tenant_id.eq(tenant_id),
                nodes::kind.eq("folder"),
                nodes::name.eq(""),
                nodes::name_key.eq(""),
                nodes::created_at.eq(at),
                nodes::updated_at.eq(at),
            ))
            .returning(nodes::id)
            .get_result($conn)
            .await?;
        let mut ids: Vec<i64> = Vec::with_capacity(seed.nodes.len());
        for node in &seed.nodes {
            let parent = node
                .parent
                .and_then(|i| ids.get(i).copied())
                .unwrap_or(root);
            let size = node.content.as_ref().map(|c| c.len() as i64).unwrap_or(0);
            let id: i64 = diesel::insert_into(nodes::table)
                .values((
                    nodes::tenant_id.eq(tenant_id),
                    nodes::parent_id.eq(parent),
                    nodes::kind.eq(if node.folder { "folder" } else { "file" }),
                    nodes::name.eq(node.name),
                    nodes::name_key.eq($crate::core::names::name_key(node.name)),
                    nodes::content.eq(&node.content),
                    nodes::size_bytes.eq(size),
                    nodes::created_at.eq(at),
                    nodes::updated_at.eq(at),
                ))
                .returning(nodes::id)
                .get_result($conn)
                .await?;
            ids.push(id);
        }
        for memory in &seed.memories {
            let memory_id: i64 = diesel::insert_into(memories::table)
                .values((
                    memories::tenant_id.eq(tenant_id),
                    memories::title.eq(memory.title),
                    memories::content.eq(memory.content),
                    memories::priority.eq(memory.priority),
                    memories::active.eq(true),
                    memories::created_at.eq(at),
                    memories::updated_at.eq(at),
                ))
                .returning(memories::id)
                .get_result($conn)
                .await?;
            for keyword in memory.keywords {
                diesel::insert_into(memory_keywords::table)
                    .values((
                        memory_keywords::tenant_id.eq(tenant_id),
                        memory_keywords::memory_id.eq(memory_id),
                        memory_keywords::keyword.eq(keyword.to_lowercase()),
                    ))
                    .execute($conn)
                    .await?;
            }
        }
        let p = &seed.personality;
        diesel::insert_into(ai_personalities::table)
            .values((
                ai_personalities::tenant_id.eq(tenant_id),
                ai_personalities::name.eq(p.name),
                ai_personalities::description.eq(p.description),
                ai_personalities::tone.eq(p.tone),
                ai_personalities::language.eq(p.language),
                ai_personalities::system_prompt.eq(p.system_prompt),
                ai_personalities::greeting.eq(p.greeting),
                ai_personalities::active.eq(true),
                ai_personalities::created_at.eq(at),
                ai_personalities::updated_at.eq(at),
            ))
            .execute($conn)
            .await?;
    }};
}

fn default_personality() -> SeedPersonality {
    SeedPersonality {
        name: "Assistant",
        description: "Answers visitors' questions about {{owner_name}}.",
        tone: "friendly and concise",
        language: "en",
        system_prompt: "You are the assistant on {{owner_name}}'s portfolio. Answer only from what you \
                        know about {{owner_name}}; when you don't know, say so and suggest the contact form.",
        greeting: "Hi! Ask me anything about {{owner_name}}.",
    }
}

fn base_settings(display_name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("owner_name", display_name.to_string()),
        ("site_title", "{{owner_name}} — portfolio".into()),
        ("description", "The portfolio of {{owner_name}}.".into()),
        ("language", "en".into()),
        ("theme", "dark".into()),
    ]
}

/// What every new portfolio starts with: a welcome README, an about file, a projects folder.
pub fn starter(display_name: &str) -> TenantSeed {
    TenantSeed {
        settings: base_settings(display_name),
        nodes: vec![
            SeedNode {
                parent: None,
                folder: false,
                name: "README.md",
                content: Some(format!(
                    "# Welcome to {display_name}'s desktop\n\nThis is a fresh Deskfolio portfolio. \
                     Open the **projects** folder, or read **about.md** to learn who lives here.\n\n\
                     *Is this your portfolio? Log in from the Start menu (bottom left) with the \
                     password you registered with, and edit everything here, this file too.*\n"
                )),
            },
            SeedNode {
                parent: None,
                folder: false,
                name: "about.md",
                content: Some(format!(
                    "# About {display_name}\n\nA few words about me will appear here soon.\n"
                )),
            },
            SeedNode {
                parent: None,
                folder: true,
                name: "projects",
                content: None,
            },
        ],
        memories: vec![SeedMemory {
            title: "Who I am",
            content: "{{owner_name}} has a new Deskfolio portfolio and will add more about their work soon.",
            keywords: &["about", "bio", "who"],
            priority: 1,
        }],
        personality: default_personality(),
    }
}

/// The demo tenant's content: several folders, markdown with headings, lists, code, links and
/// an image.
pub fn demo() -> TenantSeed {
    let md = |s: &str| Some(s.to_string());
    let mut settings = base_settings("Ada Demo");
    settings.push((
        "tagline",
        "Systems engineer who likes small, fast software".into(),
    ));
    settings.push(("location", "Valencia, Spain".into()));
    TenantSeed {
        settings,
        nodes: vec![
            /* 0 */
            SeedNode {
                parent: None,
                folder: false,
                name: "README.md",
                content: md(DEMO_README),
            },
            /* 1 */
            SeedNode {
                parent: None,
                folder: false,
                name: "about.md",
                content: md(DEMO_ABOUT),
            },
            /* 2 */
            SeedNode {
                parent: None,
                folder: true,
                name: "projects",
                content: None,
            },
            /* 3 */
            SeedNode {
                parent: Some(2),
                folder: false,
                name: "readme.md",
                content: md(DEMO_PROJECTS),
            },
            /* 4 */
            SeedNode {
                parent: Some(2),
                folder: true,
                name: "tinykv",
                content: None,
            },
            /* 5 */
            SeedNode {
                parent: Some(4),
                folder: false,
                name: "design.md",
                content: md(DEMO_TINYKV),
            },
            /* 6 */
            SeedNode {
                parent: Some(4),
                folder: false,
                name: "benchmarks.md",
                content: md(DEMO_BENCH),
            },
            /* 7 */
            SeedNode {
                parent: Some(2),
                folder: true,
                name: "trail-maps",
                content: None,
            },
            /* 8 */
            SeedNode {
                parent: Some(7),
                folder: false,
                name: "overview.md",
                content: md(DEMO_TRAILS),
            },
            /* 9 */
            SeedNode {
                parent: None,
                folder: true,
                name: "blog",
                content: None,
            },
            /* 10 */
            SeedNode {
                parent: Some(9),
                folder: false,
                name: "2026-why-rust.md",
                content: md(DEMO_POST),
            },
            /* 11 */
            SeedNode {
                parent: Some(9),
                folder: false,
                name: "notes.txt",
                content: md("Plain text notes.\nLine two.\n"),
            },
            /* 12 */
            SeedNode {
                parent: None,
                folder: true,
                name: "cv",
                content: None,
            },
            /* 13 */
            SeedNode {
                parent: Some(12),
                folder: false,
                name: "experience.md",
                content: md(DEMO_CV),
            },
        ],
        memories: vec![
            SeedMemory {
                title: "Current role",
                content: "{{owner_name}} works as a systems engineer building storage engines in Rust.",
                keywords: &["job", "work", "role", "trabajo", "rust"],
                priority: 3,
            },
            SeedMemory {
                title: "Languages",
                content: "{{owner_name}} speaks English and Spanish and lives in Valencia.",
                keywords: &["languages", "idiomas", "spanish", "valencia"],
                priority: 1,
            },
            SeedMemory {
                title: "Hobbies",
                content: "On weekends {{owner_name}} maps mountain trails and cooks paella.",
                keywords: &["hobbies", "aficiones", "trails", "paella"],
                priority: 1,
            },
        ],
        personality: default_personality(),
    }
}

const DEMO_README: &str = "# Hi, I'm Ada 👋\n\nWelcome to my desktop. Everything here is a real folder or file:\n\n\
- **projects/** — things I built, with design notes\n\
- **blog/** — what I write about\n\
- **cv/** — where I worked\n\n\
![A sketch of my desk](/images/demo-desk.svg)\n\n\
Find me on [my blog](https://example.com/blog) or read [about me](about.md).\n";

const DEMO_ABOUT: &str = "# About Ada\n\nSystems engineer in **Valencia**. I like software that is \
small, fast and explainable.\n\n## What I work with\n\n1. Rust and C\n2. Storage engines\n3. Maps and \
geodata\n\n> Make it work, make it right, make it fast.\n";

const DEMO_PROJECTS: &str = "# Projects\n\n| Project | What | Status |\n| --- | --- | --- |\n\
| tinykv | an embedded key-value store | stable |\n| trail-maps | offline hiking maps | ongoing |\n";

const DEMO_TINYKV: &str = "# tinykv — design\n\nA log-structured store in about 3,000 lines.\n\n\
## Write path\n\n```rust\npub fn put(&mut self, key: &[u8], value: &[u8]) -> io::Result<()> {\n    \
self.log.append(key, value)?;\n    self.index.insert(key.to_vec(), self.log.offset());\n    Ok(())\n}\n```\n\n\
## Trade-offs\n\n- [x] crash safety through an append-only log\n- [ ] compaction runs in the background\n";

const DEMO_BENCH: &str = "# Benchmarks\n\nOn a 2-core laptop:\n\n- 410k writes/s\n- 1.2M reads/s\n\n\
Numbers are medians of five runs.\n";

const DEMO_TRAILS: &str = "# Trail maps\n\nOffline maps for the Sierra Calderona, rendered from \
OpenStreetMap extracts.\n\n## Features\n\n- vector tiles\n- elevation profiles\n";

const DEMO_POST: &str = "# Why I write Rust in 2026\n\n*Posted in January.*\n\nBecause the compiler \
is the colleague who always reviews my code.\n\n## Three reasons\n\n1. No data races\n2. Honest errors\n3. Great tooling\n";

const DEMO_CV: &str = "# Experience\n\n## Storage engineer — Example Corp (2022–now)\n\n- Built a \
replicated log\n- Cut p99 latency by 40%\n\n## Backend developer — Sample Ltd (2019–2022)\n\n- APIs in Go and Rust\n";

/// The demo tenant's name. The demo is a development convenience; production turns it off.
pub const DEMO_USERNAME: &str = "demo";

/// Creates the demo tenant if it does not exist yet. Returns whether it was created.
pub async fn ensure_demo_tenant(
    state: &AppState,
    password: Option<String>,
) -> Result<bool, AppError> {
    use crate::auth::ssr::{NewAccount, create_account};
    use crate::core::names::Username;
    let username =
        Username::parse(DEMO_USERNAME).map_err(|e| AppError::internal("demo tenant", e))?;
    let password = password.unwrap_or_else(random_password);
    let account = NewAccount {
        username,
        password,
        email: None,
    };
    match create_account(state, account, "Ada Demo", &demo()).await {
        Ok(_) => Ok(true),
        Err(AppError::Conflict(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

fn random_password() -> String {
    use rand::Rng;
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}
