//! Groq itself, only when `GROQ_API_KEY` is set (and `GROQ_BASE_URL` /
//! `GROQ_MODEL` if given); otherwise each test returns at once.

use twin_core::Secret;
use twin_groq::{Delta, GroqClient, GroqConfig};

use crate::support::*;

fn live_client() -> Option<GroqClient> {
    let key = std::env::var("GROQ_API_KEY")
        .ok()
        .filter(|k| !k.is_empty())?;
    let base =
        std::env::var("GROQ_BASE_URL").unwrap_or_else(|_| twin_groq::GROQ_BASE_URL.to_owned());
    let mut config = GroqConfig::new(base, Some(Secret::new(key)));
    if let Ok(model) = std::env::var("GROQ_MODEL") {
        config.model = model;
    }
    Some(GroqClient::new(config).unwrap())
}

#[tokio::test]
async fn live_one_shot_and_streamed_answers() {
    let Some(client) = live_client() else {
        eprintln!("skipped: GROQ_API_KEY is not set");
        return;
    };
    let model = client.config().model.clone();
    let messages = vec![twin_core::prompt::Message {
        role: twin_core::prompt::MessageRole::User,
        content: "Reply with the single word: ready".into(),
    }];
    let completion = client.chat(&model, &messages).await.unwrap();
    assert!(!completion.text.trim().is_empty(), "{completion:?}");

    let items = collect(client.stream_chat(&model, &messages).await.unwrap()).await;
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert!(!text(&items).trim().is_empty(), "{items:?}");
    assert!(
        items
            .iter()
            .any(|item| matches!(item, Ok(Delta::Usage(u)) if u.total_tokens > 0)),
        "{items:?}"
    );
}

#[tokio::test]
async fn live_model_list_has_the_default_model() {
    let Some(client) = live_client() else {
        eprintln!("skipped: GROQ_API_KEY is not set");
        return;
    };
    let models = client.models().await.unwrap();
    assert!(
        models.contains(&client.config().model),
        "{} is not in {models:?}",
        client.config().model
    );
}
