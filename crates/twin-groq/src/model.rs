//! [`GroqModel`]: the twin's [`ChatModel`] on an OpenAI-compatible API,
//! with fallback models.
//!
//! A model counts as answering only once its first token is in: it is
//! asked, and its stream awaited up to the first text, so a model that
//! fails straight after a 200 falls through to the next one like a model
//! that is refused. Once a token has gone to the caller there is no going
//! back, and later errors travel in the token stream.

use std::fmt;
use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::stream;
use twin_core::prompt::{Message, PromptBuilder};
use twin_core::{AnswerRequest, ChatModel, ModelError, TokenStream};

use crate::client::{CompletionStream, Delta, GroqClient};
use crate::error::GroqError;

/// Told what happens on the wire, for metrics: every completion's token
/// usage, and every failed attempt, fallbacks included. Both default to
/// doing nothing.
pub trait GroqObserver: Send + Sync {
    fn usage(&self, _model: &str, _usage: &crate::Usage) {}
    fn error(&self, _model: &str, _error: &GroqError) {}
}

#[derive(Clone)]
struct Observer(Option<Arc<dyn GroqObserver>>);

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Some(..)" } else { "None" })
    }
}

impl Observer {
    fn usage(&self, model: &str, usage: crate::Usage) {
        log_usage(model, usage);
        if let Some(observer) = &self.0 {
            observer.usage(model, &usage);
        }
    }

    fn error(&self, model: &str, error: &GroqError) {
        if let Some(observer) = &self.0 {
            observer.error(model, error);
        }
    }
}

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
    observer: Observer,
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
            observer: Observer(None),
        }
    }

    /// Reports usage and failures to `observer` from now on.
    pub fn with_observer(mut self, observer: Arc<dyn GroqObserver>) -> GroqModel {
        self.observer = Observer(Some(observer));
        self
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
                Delta::Usage(usage) => self.observer.usage(model, usage),
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
                    let observer = self.observer.clone();
                    let rest = rest.filter_map(move |item| {
                        let item = match item {
                            Ok(Delta::Text(text)) => Some(Ok(text)),
                            Ok(Delta::Usage(usage)) => {
                                observer.usage(&model, usage);
                                None
                            }
                            Ok(Delta::Finish(_)) => None,
                            Err(error) => {
                                observer.error(&model, &error);
                                Some(Err(ModelError::from(error)))
                            }
                        };
                        std::future::ready(item)
                    });
                    return Ok(stream::once(std::future::ready(Ok(first)))
                        .chain(rest)
                        .boxed());
                }
                Err(error) if error.try_next_model() => {
                    self.observer.error(model, &error);
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
                    self.observer.error(model, &error);
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
