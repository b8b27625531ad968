//! Choosing a provider from configuration (`AI_BASE_URL`, `AI_API_KEY`, `AI_MODEL`).

use std::fmt;
use std::time::Duration;

use crate::offline::Offline;
use crate::openai::{OpenAiCompatible, Timeouts, chat_completions_url};
use crate::provider::Provider;

/// A configuration mistake, worded for the operator who has to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "AI_BASE_URL is not a usable URL ({0}); use the API root of an OpenAI-compatible \
         service, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1, or unset it for \
         the offline responder"
    )]
    InvalidBaseUrl(String),
    #[error("AI_MODEL is not set; an AI_BASE_URL needs a model name, e.g. gpt-4o-mini or llama3.2")]
    MissingModel,
    #[error(
        "{0} is set but AI_BASE_URL is not; set AI_BASE_URL to use a provider, or unset {0} for \
         the offline responder"
    )]
    WithoutBaseUrl(&'static str),
    #[error("the AI timeout must be more than 0 ms")]
    ZeroTimeout,
    #[error("the HTTP client for the AI provider could not be built: {0}")]
    HttpClient(String),
}

/// Which provider to use, validated. `Display` is safe to log (no key).
#[derive(Clone, PartialEq, Eq)]
pub enum ProviderConfig {
    /// The built-in responder: no network. The default.
    Offline,
    OpenAiCompatible {
        base_url: String,
        api_key: Option<String>,
        model: String,
        timeouts: Timeouts,
    },
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Offline => f.write_str("offline responder"),
            Self::OpenAiCompatible {
                base_url,
                api_key,
                model,
                timeouts,
            } => write!(
                f,
                "OpenAI-compatible at {base_url}, model {model}, {}, total timeout {} ms",
                if api_key.is_some() {
                    "with an API key"
                } else {
                    "without an API key"
                },
                timeouts.total.as_millis()
            ),
        }
    }
}

impl ProviderConfig {
    /// Validates the settings: offline when `base_url` is absent (or blank); otherwise `model`
    /// is required and the URL must be http(s). `timeout_ms` bounds a whole answer.
    pub fn from_parts(
        base_url: Option<String>,
        api_key: Option<String>,
        model: Option<String>,
        timeout_ms: u64,
    ) -> Result<Self, ConfigError> {
        // An empty environment variable means unset.
        let present = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let (base_url, api_key, model) = (present(base_url), present(api_key), present(model));
        let Some(base_url) = base_url else {
            if api_key.is_some() {
                return Err(ConfigError::WithoutBaseUrl("AI_API_KEY"));
            }
            if model.is_some() {
                return Err(ConfigError::WithoutBaseUrl("AI_MODEL"));
            }
            return Ok(Self::Offline);
        };
        chat_completions_url(&base_url)?;
        let model = model.ok_or(ConfigError::MissingModel)?;
        if timeout_ms == 0 {
            return Err(ConfigError::ZeroTimeout);
        }
        Ok(Self::OpenAiCompatible {
            base_url,
            api_key,
            model,
            timeouts: Timeouts::with_total(Duration::from_millis(timeout_ms)),
        })
    }

    /// The provider this configuration describes.
    pub fn build(&self) -> Result<Box<dyn Provider>, ConfigError> {
        Ok(match self {
            Self::Offline => Box::new(Offline),
            Self::OpenAiCompatible {
                base_url,
                api_key,
                model,
                timeouts,
            } => Box::new(OpenAiCompatible::new(
                base_url,
                api_key.clone(),
                model.clone(),
                *timeouts,
            )?),
        })
    }
}

/// [`ProviderConfig::from_parts`] and [`ProviderConfig::build`] in one step.
pub fn provider_from_parts(
    base_url: Option<String>,
    api_key: Option<String>,
    model: Option<String>,
    timeout_ms: u64,
) -> Result<Box<dyn Provider>, ConfigError> {
    ProviderConfig::from_parts(base_url, api_key, model, timeout_ms)?.build()
}
