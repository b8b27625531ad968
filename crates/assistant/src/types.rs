//! The plain data the assistant works on. The app loads these from its database; this crate never
//! touches storage.

use serde::{Deserialize, Serialize};

/// The tenant's active AI personality, as stored (placeholders unfilled).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personality {
    pub name: String,
    pub description: String,
    pub tone: String,
    /// Answer language as a BCP 47 tag: `en`, `es`, `es-ES`…
    pub language: String,
    pub system_prompt: String,
    pub greeting: String,
}

impl Personality {
    /// A copy with every field passed through `fill` (placeholders are filled at read time).
    pub fn filled(&self, fill: &dyn Fn(&str) -> String) -> Self {
        Self {
            name: fill(&self.name),
            description: fill(&self.description),
            tone: fill(&self.tone),
            language: self.language.clone(),
            system_prompt: fill(&self.system_prompt),
            greeting: fill(&self.greeting),
        }
    }
}

/// One of the owner's memories (an active one; the caller filters inactive ones out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub id: i64,
    pub title: String,
    pub content: String,
    pub keywords: Vec<String>,
    /// Higher means more important: a small boost in ranking and the order of the fallback.
    pub priority: i32,
}

impl Memory {
    /// A copy with title and content passed through `fill`; keywords are plain words.
    pub fn filled(&self, fill: &dyn Fn(&str) -> String) -> Self {
        Self {
            id: self.id,
            title: fill(&self.title),
            content: fill(&self.content),
            keywords: self.keywords.clone(),
            priority: self.priority,
        }
    }

    /// What the memory costs in a prompt, in characters.
    pub fn size_chars(&self) -> usize {
        self.title.chars().count() + self.content.chars().count()
    }
}

/// The owner's settings as key/value pairs (`owner_name`, `tagline`, `location`, …), in the order
/// the caller gives them. Only the keys in [`Profile::PUBLIC_FIELDS`] reach a prompt, so settings
/// that are not about the owner (theme, future private settings) never leak to a provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub entries: Vec<(String, String)>,
}

impl Profile {
    /// Setting keys that describe the owner, with the label the prompt shows for each.
    pub const PUBLIC_FIELDS: &'static [(&'static str, &'static str)] = &[
        ("owner_name", "Name"),
        ("headline", "Headline"),
        ("tagline", "Tagline"),
        ("bio", "Bio"),
        ("location", "Location"),
        ("description", "Site description"),
        ("website", "Website"),
    ];

    pub fn new<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self {
            entries: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The owner's name (`owner_name`), or "" when unset.
    pub fn owner_name(&self) -> &str {
        self.get("owner_name").unwrap_or_default()
    }
}

/// Who said a turn of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TurnRole {
    User,
    Assistant,
}

/// An earlier turn of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub role: TurnRole,
    pub content: String,
}

impl Turn {
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: TurnRole::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: TurnRole::Assistant,
            content: content.into(),
        }
    }
}

/// The role of a chat message, as chat-completions APIs spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

/// One message sent to a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

impl ChatMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
        }
    }
}
