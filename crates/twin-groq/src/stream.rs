//! From a streamed response body to [`Delta`]s.
//!
//! [`Decoder`] turns bytes, cut anywhere, into deltas: the SSE parser finds
//! the events, each `data` is `[DONE]`, a `chat.completion.chunk` or an
//! error object. [`completion_stream`] drives it from the HTTP body. Each
//! event is decoded as soon as its last byte is in, and its deltas are
//! yielded before the next read, so the first token reaches the caller
//! without waiting for anything after it.
//!
//! A stream ends in one of three ways: `[DONE]` (clean), an error item
//! (after which nothing more is read), or the body ending early, which is
//! an error unless the model had already said why it stopped.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use twin_core::Secret;

use crate::client::{CompletionStream, Delta, Usage};
use crate::error::{GroqError, event_error, transport};
use crate::sse::SseParser;
use crate::wire::ChunkBody;

/// Event data to deltas, for one streamed completion.
#[derive(Debug)]
pub(crate) struct Decoder {
    parser: SseParser,
    /// The model asked for, to name it in errors.
    model: String,
    /// To scrub from server messages.
    key: Option<Secret>,
    /// `[DONE]` or an error was seen: ignore anything after it.
    done: bool,
    /// A `finish_reason` was seen: the answer is whole even if `[DONE]`
    /// never comes.
    finished: bool,
}

impl Decoder {
    pub(crate) fn new(model: &str, key: Option<Secret>) -> Decoder {
        Decoder {
            parser: SseParser::new(),
            model: model.to_owned(),
            key,
            done: false,
            finished: false,
        }
    }

    /// True once `[DONE]` or an error has been decoded.
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// Decodes the events `bytes` complete, appending their deltas to `out`.
    pub(crate) fn feed(&mut self, bytes: &[u8], out: &mut VecDeque<Result<Delta, GroqError>>) {
        if self.done {
            return;
        }
        for data in self.parser.feed(bytes) {
            self.decode(&data, out);
            if self.done {
                return;
            }
        }
    }

    /// The body has ended: decodes a last event left without its blank
    /// line, and reports an answer that broke off.
    pub(crate) fn end(&mut self, out: &mut VecDeque<Result<Delta, GroqError>>) {
        if self.done {
            return;
        }
        if let Some(data) = self.parser.finish() {
            // A last event cut in half is a broken connection, not a
            // malformed answer, so only a whole one is decoded.
            let data = data.trim();
            if data == "[DONE]" || serde_json::from_str::<serde_json::Value>(data).is_ok() {
                self.decode(data, out);
            }
        }
        if !self.done && !self.finished {
            out.push_back(Err(GroqError::Transient(
                "the answer broke off before its end".into(),
            )));
        }
        self.done = true;
    }

    fn decode(&mut self, data: &str, out: &mut VecDeque<Result<Delta, GroqError>>) {
        let data = data.trim();
        if data.is_empty() {
            return;
        }
        if data == "[DONE]" {
            self.done = true;
            return;
        }
        let chunk: ChunkBody = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(error) => {
                self.done = true;
                out.push_back(Err(GroqError::Malformed(format!(
                    "a stream event is not a completion chunk: {error}"
                ))));
                return;
            }
        };
        if let Some(detail) = &chunk.error {
            self.done = true;
            out.push_back(Err(event_error(detail, &self.model, self.key.as_ref())));
            return;
        }
        for choice in chunk.choices {
            if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                out.push_back(Ok(Delta::Text(text)));
            }
            if let Some(reason) = choice.finish_reason {
                self.finished = true;
                out.push_back(Ok(Delta::Finish(reason)));
            }
        }
        // Groq puts usage in `x_groq`; OpenAI, Ollama and llama.cpp at the
        // top level.
        if let Some(usage) = chunk.x_groq.and_then(|x| x.usage).or(chunk.usage) {
            out.push_back(Ok(Delta::Usage(Usage::from(usage))));
        }
    }
}

struct State {
    response: reqwest::Response,
    decoder: Decoder,
    pending: VecDeque<Result<Delta, GroqError>>,
    idle_timeout: Duration,
}

/// The deltas of a streamed response whose status was a success.
pub(crate) fn completion_stream(
    response: reqwest::Response,
    decoder: Decoder,
    idle_timeout: Duration,
) -> CompletionStream {
    let state = State {
        response,
        decoder,
        pending: VecDeque::new(),
        idle_timeout,
    };
    stream::unfold(state, next).boxed()
}

async fn next(mut s: State) -> Option<(Result<Delta, GroqError>, State)> {
    loop {
        if let Some(item) = s.pending.pop_front() {
            return Some((item, s));
        }
        if s.decoder.is_done() {
            return None;
        }
        match tokio::time::timeout(s.idle_timeout, s.response.chunk()).await {
            Ok(Ok(Some(bytes))) => s.decoder.feed(&bytes, &mut s.pending),
            Ok(Ok(None)) => s.decoder.end(&mut s.pending),
            Ok(Err(error)) => {
                s.pending.clear();
                s.pending.push_back(Err(transport(error)));
                s.decoder.done = true;
            }
            Err(_) => {
                s.pending.push_back(Err(GroqError::Transient(format!(
                    "the answer stalled: nothing for {:.1} s",
                    s.idle_timeout.as_secs_f64()
                ))));
                s.decoder.done = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = include_str!("../tests/data/stream.txt");
    const STREAM_ERROR: &str = include_str!("../tests/data/stream_error.txt");
    const STREAM_CUT: &str = include_str!("../tests/data/stream_cut.txt");

    const ANSWER: &str = "I'm a backend engineer [1].";

    /// Every item the decoder yields for `chunks`, then the end of body.
    fn decode(chunks: &[&[u8]]) -> Vec<Result<Delta, GroqError>> {
        let mut decoder = Decoder::new("m", Some(Secret::new("gsk_k")));
        let mut out = VecDeque::new();
        for chunk in chunks {
            decoder.feed(chunk, &mut out);
        }
        decoder.end(&mut out);
        out.into()
    }

    fn text(items: &[Result<Delta, GroqError>]) -> String {
        items
            .iter()
            .filter_map(|item| match item {
                Ok(Delta::Text(text)) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_documented_stream_decodes_in_order_with_usage() {
        let items = decode(&[STREAM.as_bytes()]);
        assert_eq!(text(&items), ANSWER);
        let tail = &items[items.len() - 2..];
        assert_eq!(
            tail,
            [
                Ok(Delta::Finish("stop".into())),
                Ok(Delta::Usage(Usage {
                    prompt_tokens: 412,
                    completion_tokens: 12,
                    total_tokens: 424,
                })),
            ]
        );
        assert!(items.iter().all(Result::is_ok), "{items:?}");
    }

    #[test]
    fn every_split_point_gives_the_same_items() {
        let bytes = STREAM.as_bytes();
        let whole = decode(&[bytes]);
        for cut in 0..=bytes.len() {
            assert_eq!(
                decode(&[&bytes[..cut], &bytes[cut..]]),
                whole,
                "cut at {cut}"
            );
        }
        for size in [1, 2, 3, 7, 64] {
            let pieces: Vec<&[u8]> = bytes.chunks(size).collect();
            assert_eq!(decode(&pieces), whole, "pieces of {size}");
        }
    }

    #[test]
    fn crlf_line_endings_and_comments_change_nothing() {
        let crlf = STREAM.replace('\n', "\r\n");
        let with_pings = format!(": ping\n\n{}", STREAM.replace("\n\n", "\n\n: ping\n\n"));
        let whole = decode(&[STREAM.as_bytes()]);
        for variant in [crlf, with_pings] {
            let bytes = variant.as_bytes();
            assert_eq!(decode(&[bytes]), whole);
            let pieces: Vec<&[u8]> = bytes.chunks(5).collect();
            assert_eq!(decode(&pieces), whole);
        }
    }

    #[test]
    fn multi_line_data_is_joined() {
        let event = "data: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n";
        assert_eq!(decode(&[event.as_bytes()]), [Ok(Delta::Text("Hi".into()))]);
    }

    #[test]
    fn nothing_after_done_is_read() {
        let event = "data: [DONE]\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n";
        assert_eq!(decode(&[event.as_bytes()]), []);
        // `[DONE]` without its blank line, at the end of the body.
        assert_eq!(decode(&[b"data: [DONE]"]), []);
    }

    #[test]
    fn an_error_object_mid_stream_ends_it_with_an_error() {
        let items = decode(&[STREAM_ERROR.as_bytes()]);
        assert_eq!(text(&items), "I led");
        assert!(
            matches!(items.last(), Some(Err(GroqError::Transient(m))) if m.contains("Service Unavailable")),
            "{items:?}"
        );
        assert_eq!(items.iter().filter(|i| i.is_err()).count(), 1);

        let limited = "data: {\"error\":{\"message\":\"slow down\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}\n\n";
        assert!(matches!(
            decode(&[limited.as_bytes()])[..],
            [Err(GroqError::RateLimited { .. })]
        ));
    }

    #[test]
    fn a_stream_cut_before_done_ends_with_a_transient_error() {
        let items = decode(&[STREAM_CUT.as_bytes()]);
        assert_eq!(text(&items), "I led");
        assert!(
            matches!(items.last(), Some(Err(GroqError::Transient(_)))),
            "{items:?}"
        );
        // Cut in the middle of an event: still a broken stream, not a
        // malformed one.
        let half = &STREAM.as_bytes()[..STREAM.len() / 2];
        assert!(matches!(
            decode(&[half]).last(),
            Some(Err(GroqError::Transient(_)))
        ));
        // Cut after the finish reason: the answer is whole.
        let without_done = STREAM.replace("data: [DONE]\n\n", "");
        assert_eq!(
            decode(&[without_done.as_bytes()]),
            decode(&[STREAM.as_bytes()])
        );
    }

    #[test]
    fn malformed_json_is_reported_once() {
        let items = decode(&[b"data: {\"choices\": [oops\n\ndata: [DONE]\n\n"]);
        assert!(
            matches!(&items[..], [Err(GroqError::Malformed(_))]),
            "{items:?}"
        );
    }

    #[test]
    fn usage_at_the_top_level_is_read_too() {
        // OpenAI's final chunk with `stream_options.include_usage`.
        let event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\ndata: [DONE]\n\n";
        assert_eq!(
            decode(&[event.as_bytes()]),
            [Ok(Delta::Usage(Usage {
                prompt_tokens: 3,
                completion_tokens: 2,
                total_tokens: 5
            }))]
        );
    }
}
