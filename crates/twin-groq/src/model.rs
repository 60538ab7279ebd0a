//! [`GroqModel`]: the twin's [`ChatModel`] on an OpenAI-compatible API,
//! with fallback models.
//!
//! A model counts as answering only once its first token is in: it is
//! asked, and its stream awaited up to the first text, so a model that
//! fails straight after a 200 falls through to the next one like a model
//! that is refused. Once a token has gone to the caller there is no going
//! back, and later errors travel in the token stream.

use futures_util::StreamExt;
use futures_util::stream;
use twin_core::prompt::{Message, PromptBuilder};
use twin_core::{AnswerRequest, ChatModel, ModelError, TokenStream};

use crate::client::{CompletionStream, Delta, GroqClient};
use crate::error::GroqError;

/// Answers with the configured model, moving to the next in the list when
/// one fails before its first token for a reason another model may not
/// share (rate limit, outage, retired or blocked model). A bad key, an
/// over-long prompt or a rejected request stop at once: every model would
/// fail the same way.
#[derive(Debug)]
pub struct GroqModel {
    client: GroqClient,
    prompt: PromptBuilder,
    /// The primary model, then the fallbacks, without blanks or repeats.
    models: Vec<String>,
}

impl GroqModel {
    /// The model list comes from the client's configuration.
    pub fn new(client: GroqClient, prompt: PromptBuilder) -> GroqModel {
        let config = client.config();
        let mut models: Vec<String> = Vec::new();
        for model in std::iter::once(&config.model).chain(&config.fallback_models) {
            let model = model.trim();
            if !model.is_empty() && !models.iter().any(|m| m == model) {
                models.push(model.to_owned());
            }
        }
        GroqModel {
            client,
            prompt,
            models,
        }
    }

    /// The primary model, then the fallbacks, in the order they are tried.
    pub fn models(&self) -> &[String] {
        &self.models
    }

    /// The client underneath, for health checks.
    pub fn client(&self) -> &GroqClient {
        &self.client
    }

    /// Asks `model` and waits for its first token.
    async fn start(
        &self,
        model: &str,
        messages: &[Message],
    ) -> Result<(String, CompletionStream), GroqError> {
        let mut stream = self.client.stream_chat(model, messages).await?;
        let mut finish = None;
        while let Some(item) = stream.next().await {
            match item? {
                Delta::Text(text) => return Ok((text, stream)),
                Delta::Finish(reason) => finish = Some(reason),
                Delta::Usage(usage) => log_usage(model, usage),
            }
        }
        Err(GroqError::Transient(match finish {
            // A reasoning model can spend the whole token cap thinking.
            Some(reason) if reason == "length" => {
                "the model reached its token cap before answering".to_owned()
            }
            Some(reason) => format!("the model stopped ({reason}) without answering"),
            None => "the model ended without answering".to_owned(),
        }))
    }
}

fn log_usage(model: &str, usage: crate::Usage) {
    tracing::debug!(
        model,
        prompt_tokens = usage.prompt_tokens,
        completion_tokens = usage.completion_tokens,
        total_tokens = usage.total_tokens,
        "completion usage"
    );
}

impl ChatModel for GroqModel {
    fn name(&self) -> &str {
        self.models.first().map_or("", String::as_str)
    }

    async fn answer(&self, request: &AnswerRequest) -> Result<TokenStream, ModelError> {
        let messages = self.prompt.build(request);
        let mut last = GroqError::Config("no model is configured".into());
        for (i, model) in self.models.iter().enumerate() {
            match self.start(model, &messages).await {
                Ok((first, rest)) => {
                    if i > 0 {
                        tracing::info!(model = model.as_str(), "a fallback model is answering");
                    }
                    let model = model.clone();
                    let rest = rest.filter_map(move |item| {
                        let item = match item {
                            Ok(Delta::Text(text)) => Some(Ok(text)),
                            Ok(Delta::Usage(usage)) => {
                                log_usage(&model, usage);
                                None
                            }
                            Ok(Delta::Finish(_)) => None,
                            Err(error) => Some(Err(ModelError::from(error))),
                        };
                        std::future::ready(item)
                    });
                    return Ok(stream::once(std::future::ready(Ok(first)))
                        .chain(rest)
                        .boxed());
                }
                Err(error) if error.try_next_model() => {
                    let next = self.models.get(i + 1).map(String::as_str);
                    tracing::warn!(
                        model = model.as_str(),
                        next,
                        %error,
                        "the model failed before answering"
                    );
                    last = error;
                }
                Err(error) => {
                    tracing::warn!(
                        model = model.as_str(),
                        %error,
                        "the model failed before answering; no fallback can help"
                    );
                    return Err(error.into());
                }
            }
        }
        Err(last.into())
    }
}
