//! Choosing a provider from AI_BASE_URL / AI_API_KEY / AI_MODEL.

use assistant::{ConfigError, ProviderConfig, provider_from_parts};

fn parts(
    base_url: Option<&str>,
    api_key: Option<&str>,
    model: Option<&str>,
) -> Result<ProviderConfig, ConfigError> {
    let own = |v: Option<&str>| v.map(str::to_string);
    ProviderConfig::from_parts(own(base_url), own(api_key), own(model), 60_000)
}

#[test]
fn no_base_url_means_the_offline_responder() {
    assert_eq!(parts(None, None, None), Ok(ProviderConfig::Offline));
    // Empty environment variables count as unset.
    assert_eq!(
        parts(Some(" "), Some(""), Some("")),
        Ok(ProviderConfig::Offline)
    );
    let provider = provider_from_parts(None, None, None, 60_000);
    assert_eq!(provider.map(|p| p.kind()).ok(), Some("offline"));
}

#[test]
fn a_base_url_with_a_model_builds_the_openai_compatible_client() {
    let config = parts(Some("http://127.0.0.1:11434/v1"), None, Some("llama3.2"));
    let Ok(config) = config else {
        panic!("valid settings rejected: {config:?}");
    };
    let provider = config.build();
    assert_eq!(provider.map(|p| p.kind()).ok(), Some("openai-compatible"));
}

#[test]
fn a_base_url_without_a_model_is_refused_with_a_hint() {
    let error = parts(Some("https://api.openai.com/v1"), Some("sk-x"), None);
    assert_eq!(error, Err(ConfigError::MissingModel));
    let message = error.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("AI_MODEL is not set"), "{message}");
}

#[test]
fn a_bad_url_is_refused_with_a_hint() {
    for url in ["api.openai.com/v1", "ftp://example.com/v1", "https://"] {
        let result = parts(Some(url), None, Some("m"));
        let Err(error @ ConfigError::InvalidBaseUrl(_)) = result else {
            panic!("{url:?} accepted: {result:?}");
        };
        let message = error.to_string();
        assert!(
            message.starts_with("AI_BASE_URL is not a usable URL"),
            "{message}"
        );
        assert!(message.contains("https://api.openai.com/v1"), "{message}");
    }
}

#[test]
fn a_key_or_model_without_a_base_url_is_refused_rather_than_ignored() {
    let error = parts(None, Some("sk-x"), None).err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some(
            "AI_API_KEY is set but AI_BASE_URL is not; set AI_BASE_URL to use a provider, or \
             unset AI_API_KEY for the offline responder"
        )
    );
    assert_eq!(
        parts(None, None, Some("gpt-4o-mini")),
        Err(ConfigError::WithoutBaseUrl("AI_MODEL"))
    );
}

#[test]
fn a_zero_timeout_is_refused() {
    let result = ProviderConfig::from_parts(
        Some("https://api.openai.com/v1".into()),
        None,
        Some("gpt-4o-mini".into()),
        0,
    );
    assert_eq!(result, Err(ConfigError::ZeroTimeout));
}

#[test]
fn the_api_key_never_shows_in_logs() {
    let config = parts(
        Some("https://api.openai.com/v1"),
        Some("sk-SECRET"),
        Some("gpt-4o-mini"),
    );
    let Ok(config) = config else {
        panic!("valid settings rejected");
    };
    let shown = format!("{config} {config:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("with an API key"), "{shown}");
    let Ok(provider) = config.build() else {
        panic!("build failed");
    };
    assert!(!format!("{provider:?}").contains("SECRET"));
}
