//! A Server-Sent Events parser that accepts bytes in chunks of any size.
//!
//! It follows the WHATWG event-stream rules that matter for chat streams:
//! lines end with `\n`, `\r\n` or `\r` (even split across chunks); lines
//! starting with `:` are comments (keep-alives); `data:` lines accumulate,
//! joined by `\n`; a blank line dispatches the event; other fields (`event`,
//! `id`, `retry`) are ignored, since chat completions use only `data`.

/// Incremental parser: feed bytes, take finished events' data.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    /// Bytes of the current, unfinished line.
    line: Vec<u8>,
    /// The previous chunk ended with `\r`: a `\n` starting the next chunk
    /// belongs to that line ending.
    after_cr: bool,
    /// `data` lines of the event being read.
    data: Option<String>,
}

impl SseParser {
    pub(crate) fn new() -> SseParser {
        SseParser::default()
    }

    /// Parses `bytes` and returns the data of every event they complete, in
    /// order.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut events = Vec::new();
        for &byte in bytes {
            if self.after_cr {
                self.after_cr = false;
                if byte == b'\n' {
                    continue;
                }
            }
            match byte {
                b'\n' => self.end_line(&mut events),
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(&mut events);
                }
                _ => self.line.push(byte),
            }
        }
        events
    }

    /// Data of an event left without its blank line when the stream ended.
    pub(crate) fn finish(&mut self) -> Option<String> {
        let mut events = Vec::new();
        if !self.line.is_empty() {
            self.end_line(&mut events);
        }
        self.end_line(&mut events);
        events.pop()
    }

    fn end_line(&mut self, events: &mut Vec<String>) {
        let line = std::mem::take(&mut self.line);
        if line.is_empty() {
            if let Some(data) = self.data.take() {
                events.push(data);
            }
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let line = String::from_utf8_lossy(&line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        if field == "data" {
            match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = ": keep-alive\n\
data: {\"a\":1}\n\n\
event: message\r\n\
data: first\r\n\
data: second\r\n\r\n\
data: [DONE]\n\n";

    fn parse_all(chunks: &[&[u8]]) -> Vec<String> {
        let mut parser = SseParser::new();
        let mut events: Vec<String> = chunks.iter().flat_map(|c| parser.feed(c)).collect();
        events.extend(parser.finish());
        events
    }

    #[test]
    fn whole_stream() {
        assert_eq!(
            parse_all(&[STREAM.as_bytes()]),
            vec!["{\"a\":1}", "first\nsecond", "[DONE]"]
        );
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let bytes = STREAM.as_bytes();
        let expected = parse_all(&[bytes]);
        for cut in 0..=bytes.len() {
            assert_eq!(
                parse_all(&[&bytes[..cut], &bytes[cut..]]),
                expected,
                "cut {cut}"
            );
        }
        // And byte by byte.
        let single: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(parse_all(&single), expected);
    }

    #[test]
    fn bare_carriage_returns_end_lines() {
        assert_eq!(parse_all(&[b"data: x\r\rdata: y\r\r"]), vec!["x", "y"]);
        // A `\r` at the end of one chunk and `\n` at the start of the next
        // are one line ending, not two.
        assert_eq!(
            parse_all(&[b"data: x\r", b"\ndata: y\r\n\r\n"]),
            vec!["x\ny"]
        );
    }

    #[test]
    fn an_unterminated_last_event_is_still_seen() {
        assert_eq!(parse_all(&[b"data: tail"]), vec!["tail"]);
        assert_eq!(parse_all(&[b": only a comment\n"]), Vec::<String>::new());
    }

    #[test]
    fn multibyte_characters_split_across_chunks() {
        let bytes = "data: café ✓\n\n".as_bytes();
        for cut in 0..=bytes.len() {
            assert_eq!(parse_all(&[&bytes[..cut], &bytes[cut..]]), vec!["café ✓"]);
        }
    }
}
