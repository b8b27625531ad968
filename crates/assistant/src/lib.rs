//! Deskfolio's AI assistant, independent of the web app: it gets plain data in (personality,
//! owner profile, memories, history, question) and streams an answer out.
//!
//! ```no_run
//! # async fn example(personality: assistant::Personality, profile: assistant::Profile,
//! #     memories: Vec<assistant::Memory>) -> Result<(), Box<dyn std::error::Error>> {
//! use assistant::{PromptInput, PromptLimits, ProviderConfig, prepare};
//! use futures_util::StreamExt;
//!
//! let provider = ProviderConfig::from_parts(None, None, None, 60_000)?.build()?;
//! let input = PromptInput {
//!     personality: &personality,
//!     profile: &profile,
//!     memories: &memories,
//!     history: &[],
//!     question: "Where did she work?",
//!     limits: PromptLimits::default(),
//! };
//! let fill = |template: &str| template.replace("{{owner_name}}", "Ada");
//! let prompt = prepare(&input, &fill);
//! let mut answer = provider.stream(prompt.messages, &prompt.context).await?;
//! while let Some(chunk) = answer.next().await {
//!     print!("{}", chunk?);
//! }
//! # Ok(()) }
//! ```

mod config;
mod offline;
mod openai;
mod prompt;
mod provider;
pub mod retrieval;
mod text;
mod types;

pub use config::{ConfigError, ProviderConfig, provider_from_parts};
pub use offline::{Offline, compose as compose_offline_answer};
pub use openai::{OpenAiCompatible, Timeouts};
pub use prompt::{
    AnswerContext, Prompt, PromptInput, PromptLimits, build_prompt, language_name, prepare,
};
pub use provider::{Provider, ProviderError, TextStream, TimeoutPhase};
pub use retrieval::{Retrieved, Scored, rank, retrieve, search};
pub use types::{ChatMessage, Memory, Personality, Profile, Role, Turn, TurnRole};
