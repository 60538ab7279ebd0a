//! The stdio transport: newline-delimited JSON-RPC on a byte stream.
//!
//! One message per line in, one per line out (basic/transports/stdio).
//! Nothing but MCP messages is ever written to the output: this module does
//! not print, and logs go wherever the caller's `tracing` subscriber sends
//! them, which for `twin mcp` must be stderr.
//!
//! Requests run concurrently, so a slow answer does not hold up a `ping`;
//! `notifications/cancelled` aborts the named request and nothing is sent
//! for it afterwards. `initialize` is answered before the next line is
//! read, because the revision it negotiates applies to every later message
//! on this connection (a handshake is scoped to the stdio process).

use std::collections::HashMap;
use std::io;

use futures_util::future::{AbortHandle, Abortable, Aborted};
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use twin_core::{ChatModel, VectorIndex};

use crate::jsonrpc::{self, Id, RpcError};
use crate::revision::Revision;
use crate::server::Mcp;

/// Serves MCP on `reader`/`writer` (normally stdin/stdout) until the input
/// ends, then finishes the requests still running and returns.
///
/// Lines longer than [`crate::McpConfig::max_body_bytes`] are skipped with
/// an error response. An error writing the output ends the loop.
pub async fn serve_stdio<I, M, R, W>(mcp: &Mcp<I, M>, reader: R, writer: W) -> io::Result<()>
where
    I: VectorIndex,
    M: ChatModel,
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut lines = Lines::new(reader, mcp.config().max_body_bytes);
    let mut out = Output(writer);
    let mut running = FuturesUnordered::new();
    let mut cancels: HashMap<Id, AbortHandle> = HashMap::new();
    let mut negotiated: Option<Revision> = None;
    let mut input_open = true;
    tracing::debug!("serving MCP on stdio");
    loop {
        let event = tokio::select! {
            line = lines.next(), if input_open => Event::Line(line?),
            Some(done) = running.next() => Event::Done(done),
            else => break,
        };
        let line = match event {
            Event::Done((id, outcome)) => {
                if let Some(id) = &id {
                    cancels.remove(id);
                }
                if let Ok(Some(response)) = outcome {
                    out.send(&response).await?;
                }
                continue;
            }
            Event::Line(None) => {
                input_open = false;
                continue;
            }
            Event::Line(Some(Line::TooLong)) => {
                let error = RpcError::invalid_request(format!(
                    "a message longer than {} bytes",
                    mcp.config().max_body_bytes
                ));
                out.send(&jsonrpc::failure(None, &error)).await?;
                continue;
            }
            Event::Line(Some(Line::Text(line))) => line,
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let message: Value = match serde_json::from_slice(&line) {
            Ok(message) => message,
            Err(error) => {
                let error = RpcError::parse_error(error);
                out.send(&jsonrpc::failure(None, &error)).await?;
                continue;
            }
        };
        if let Some(id) = cancelled(&message) {
            if let Some(handle) = cancels.remove(&id) {
                tracing::debug!(?id, "request cancelled");
                handle.abort();
            }
            continue;
        }
        if message.get("method").and_then(Value::as_str) == Some("initialize") {
            if let Some(response) = mcp.handle(message, negotiated).await {
                if let Some(revision) = response
                    .pointer("/result/protocolVersion")
                    .and_then(Value::as_str)
                    .and_then(Revision::parse)
                {
                    negotiated = Some(revision);
                }
                out.send(&response).await?;
            }
            continue;
        }
        let id = message.get("id").and_then(Id::from_value);
        let (handle, registration) = AbortHandle::new_pair();
        if let Some(id) = &id {
            cancels.insert(id.clone(), handle);
        }
        let work = Abortable::new(mcp.handle(message, negotiated), registration);
        running.push(async move { (id, work.await) });
    }
    tracing::debug!("stdio input closed");
    Ok(())
}

/// What woke the loop.
enum Event {
    Line(Option<Line>),
    Done((Option<Id>, Result<Option<Value>, Aborted>)),
}

/// The request id a `notifications/cancelled` names.
fn cancelled(message: &Value) -> Option<Id> {
    if message.get("method").and_then(Value::as_str) != Some("notifications/cancelled")
        || message.get("id").is_some()
    {
        return None;
    }
    message
        .pointer("/params/requestId")
        .and_then(Id::from_value)
}

/// The writing half: one message per line, flushed at once.
struct Output<W>(W);

impl<W: AsyncWrite + Unpin> Output<W> {
    async fn send(&mut self, message: &Value) -> io::Result<()> {
        // serde_json escapes control characters inside strings, so the
        // serialized message never contains a raw newline.
        let mut line = message.to_string().into_bytes();
        line.push(b'\n');
        self.0.write_all(&line).await?;
        self.0.flush().await
    }
}

/// One line of input.
#[derive(Debug, PartialEq)]
enum Line {
    Text(Vec<u8>),
    /// A line over the limit, already skipped.
    TooLong,
}

/// Splits the input into lines of bounded length without ever holding more
/// than the limit in memory.
struct Lines<R> {
    reader: R,
    limit: usize,
    line: Vec<u8>,
    too_long: bool,
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    fn new(reader: R, limit: usize) -> Lines<R> {
        Lines {
            reader,
            limit,
            line: Vec::new(),
            too_long: false,
        }
    }

    /// The next line, `None` at the end of the input. Cancel-safe: a
    /// partial line stays in `self` until its newline arrives.
    async fn next(&mut self) -> io::Result<Option<Line>> {
        loop {
            let buffer = self.reader.fill_buf().await?;
            if buffer.is_empty() {
                // The input ended; a last line without a newline still counts.
                if self.too_long {
                    self.too_long = false;
                    return Ok(Some(Line::TooLong));
                }
                if self.line.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(Line::Text(std::mem::take(&mut self.line))));
            }
            let (chunk, used, complete) = match buffer.iter().position(|b| *b == b'\n') {
                Some(end) => (&buffer[..end], end + 1, true),
                None => (buffer, buffer.len(), false),
            };
            if !self.too_long {
                if self.line.len() + chunk.len() > self.limit {
                    self.too_long = true;
                    self.line = Vec::new();
                } else {
                    self.line.extend_from_slice(chunk);
                }
            }
            self.reader.consume(used);
            if complete {
                if std::mem::take(&mut self.too_long) {
                    return Ok(Some(Line::TooLong));
                }
                return Ok(Some(Line::Text(std::mem::take(&mut self.line))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn split(input: &[u8], limit: usize) -> Vec<Line> {
        let mut lines = Lines::new(input, limit);
        let mut out = Vec::new();
        while let Ok(Some(line)) = lines.next().await {
            out.push(line);
        }
        out
    }

    #[tokio::test]
    async fn splits_lines_and_skips_long_ones() {
        assert_eq!(
            split(b"ab\n\ncd", 10).await,
            vec![
                Line::Text(b"ab".to_vec()),
                Line::Text(Vec::new()),
                Line::Text(b"cd".to_vec())
            ]
        );
        assert_eq!(
            split(b"0123456789abc\nok\n0123456789abc", 10).await,
            vec![Line::TooLong, Line::Text(b"ok".to_vec()), Line::TooLong]
        );
    }
}
