//! Fixtures shared by the integration tests: the demo tenant's owner, an English and a Spanish
//! personality with placeholders, and a realistic set of memories in both languages.

#![allow(dead_code)] // each test binary uses a different part

use assistant::{Memory, Personality, Profile, PromptInput, PromptLimits, Turn};

pub fn profile() -> Profile {
    Profile::new([
        ("owner_name", "Ada Demo"),
        ("site_title", "{{owner_name}} — portfolio"),
        ("description", "The portfolio of {{owner_name}}."),
        ("language", "en"),
        ("theme", "dark"),
        ("tagline", "Systems engineer who likes small, fast software"),
        ("location", "Valencia, Spain"),
    ])
}

/// The test's own filler over the profile: `{{key}}` becomes the setting, unknown keys vanish.
pub fn filler(profile: &Profile) -> impl Fn(&str) -> String + '_ {
    move |template: &str| {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                return out;
            };
            out.push_str(profile.get(after[..end].trim()).unwrap_or_default());
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out
    }
}

pub fn english_personality() -> Personality {
    Personality {
        name: "Pixel".into(),
        description: "Answers visitors' questions about {{owner_name}}'s work and life.".into(),
        tone: "friendly, warm and concise".into(),
        language: "en".into(),
        system_prompt: "You speak for {{owner_name}}, who lives in {{location}}. When asked about \
                        experience, mention the cv folder.{{no_such_setting}}"
            .into(),
        greeting: "Hi! I'm Pixel. Ask me anything about {{owner_name}}.".into(),
    }
}

pub fn spanish_personality() -> Personality {
    Personality {
        name: "Lola".into(),
        description: "Responde a las visitas sobre {{owner_name}}.".into(),
        tone: "cercano y breve".into(),
        language: "es-ES".into(),
        system_prompt: "Eres la asistente del portfolio de {{owner_name}}. Si no sabes algo, \
                        dilo y sugiere el formulario de contacto."
            .into(),
        greeting: "¡Hola! Soy Lola. Pregúntame lo que quieras sobre {{owner_name}}.".into(),
    }
}

fn memory(id: i64, title: &str, content: &str, keywords: &[&str], priority: i32) -> Memory {
    Memory {
        id,
        title: title.into(),
        content: content.into(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        priority,
    }
}

pub const CURRENT_ROLE: i64 = 1;
pub const LANGUAGES: i64 = 2;
pub const HOBBIES: i64 = 3;
pub const EXPERIENCE: i64 = 4;
pub const SKILLS: i64 = 5;
pub const STUDIES: i64 = 6;
pub const CONTACT: i64 = 7;

pub fn memories() -> Vec<Memory> {
    vec![
        memory(
            CURRENT_ROLE,
            "Current role",
            "{{owner_name}} works as a systems engineer building storage engines in Rust.",
            &["job", "work", "role", "trabajo", "rust"],
            3,
        ),
        memory(
            LANGUAGES,
            "Languages",
            "{{owner_name}} speaks English and Spanish and lives in Valencia.",
            &["languages", "idiomas", "spanish", "valencia"],
            1,
        ),
        memory(
            HOBBIES,
            "Hobbies",
            "On weekends {{owner_name}} maps mountain trails and cooks paella.",
            &["hobbies", "aficiones", "trails", "paella"],
            1,
        ),
        memory(
            EXPERIENCE,
            "Experience",
            "Storage engineer at Example Corp since 2022: she built a replicated log and cut \
             p99 latency by 40%. Before that she worked as a backend developer at Sample Ltd \
             (2019–2022), writing APIs in Go and Rust. The full CV is in the cv folder.",
            &[
                "experience",
                "career",
                "cv",
                "work",
                "experiencia",
                "trabajó",
                "empresas",
            ],
            2,
        ),
        memory(
            SKILLS,
            "Skills",
            "Programs mainly in Rust and C, with some Go and Python. At home with Linux, \
             storage engines and geodata.",
            &[
                "skills",
                "programming",
                "languages",
                "habilidades",
                "programación",
                "lenguajes",
            ],
            2,
        ),
        memory(
            STUDIES,
            "Estudios",
            "{{owner_name}} estudió Ingeniería Informática en la Universitat Politècnica de \
             València (2015–2019).",
            &[
                "education",
                "study",
                "university",
                "estudios",
                "universidad",
                "carrera",
            ],
            1,
        ),
        memory(
            CONTACT,
            "Contacto",
            "La mejor forma de contactar con {{owner_name}} es el formulario de contacto; \
             responde en uno o dos días.",
            &["contacto", "contact", "email", "correo"],
            0,
        ),
    ]
}

pub fn input<'a>(
    personality: &'a Personality,
    profile: &'a Profile,
    memories: &'a [Memory],
    history: &'a [Turn],
    question: &'a str,
) -> PromptInput<'a> {
    PromptInput {
        personality,
        profile,
        memories,
        history,
        question,
        limits: PromptLimits::default(),
    }
}
