//! [`GroqModel`]: the twin's chat model on an OpenAI-compatible API, with
//! fallback models.

use futures_util::StreamExt;
use futures_util::stream;
use twin_core::prompt::PromptBuilder;
use twin_core::{AnswerRequest, ChatModel, ModelError, TokenStream};

use crate::client::{CompletionStream, Delta, GroqClient};
use crate::error::GroqError;

/// Answers with the configured model, falling back to the next model in the
/// list when one fails before its first token.
#[derive(Debug)]
pub struct GroqModel {
    client: GroqClient,
    prompt: PromptBuilder,
    /// The primary model, then the fallbacks, without duplicates.
    models: Vec<String>,
}

impl GroqModel {
    pub fn new(client: GroqClient, prompt: PromptBuilder) -> GroqModel {
        let config = client.config();
        let mut models: Vec<String> = Vec::new();
        for model in std::iter::once(&config.model).chain(&config.fallback_models) {
            if !model.is_empty() && !models.contains(model) {
                models.push(model.clone());
            }
        }
        GroqModel {
            client,
            prompt,
            models,
        }
    }

    /// The primary model, then the fallbacks.
    pub fn models(&self) -> &[String] {
        &self.models
    }

    pub fn client(&self) -> &GroqClient {
        &self.client
    }

    /// Starts `model` and waits for its first token, so a model that fails
    /// straight away (even after a 200) counts as failed.
    async fn start(
        &self,
        model: &str,
        messages: &[twin_core::prompt::Message],
    ) -> Result<(String, CompletionStream), GroqError> {
        let mut stream = self.client.stream_chat(model, messages).await?;
        while let Some(item) = stream.next().await {
            match item? {
                Delta::Text(text) => return Ok((text, stream)),
                Delta::Finish(_) | Delta::Usage(_) => {}
            }
        }
        Err(GroqError::Transient(
            "the model ended without answering".into(),
        ))
    }
}

impl ChatModel for GroqModel {
    fn name(&self) -> &str {
        self.models.first().map_or("none", String::as_str)
    }

    async fn answer(&self, request: &AnswerRequest) -> Result<TokenStream, ModelError> {
        let messages = self.prompt.build(request);
        let mut last = GroqError::Config("no model is configured".into());
        for model in &self.models {
            match self.start(model, &messages).await {
                Ok((first, rest)) => {
                    let rest = rest.filter_map(|item| async move {
                        match item {
                            Ok(Delta::Text(text)) => Some(Ok(text)),
                            Ok(Delta::Usage(usage)) => {
                                tracing::debug!(
                                    prompt_tokens = usage.prompt_tokens,
                                    completion_tokens = usage.completion_tokens,
                                    "completion usage"
                                );
                                None
                            }
                            Ok(Delta::Finish(_)) => None,
                            Err(error) => Some(Err(ModelError::from(error))),
                        }
                    });
                    return Ok(stream::once(async move { Ok(first) }).chain(rest).boxed());
                }
                Err(error) if error.try_next_model() => {
                    tracing::warn!(model, %error, "model failed; trying the next one");
                    last = error;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(last.into())
    }
}
