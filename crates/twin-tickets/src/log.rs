//! [`gaps_from_log`]: the most asked uncovered questions, counted from the
//! twin's own request log rather than a tracker.
//!
//! With `TWIN_LOG_FORMAT=json` each request writes one line on target
//! `twin::request`; answers carry `covered`, and the question itself only
//! when `TWIN_LOG_QUESTIONS=1`. Lines are read as the twin writes them
//! (`tracing`'s JSON with the fields flattened), with the fields nested
//! under `fields`, or wrapped by a log export as a JSON string in
//! `message`. Anything else is skipped.

use std::collections::HashMap;
use std::io::BufRead;

use serde_json::{Map, Value};

use crate::gap::normalize;

/// Questions of log lines on target `twin::request` with `covered: false`
/// and a `question`, grouped by [`normalize`]d text, most asked first
/// (ties in alphabetical order), at most `limit`. Each group is shown in
/// its most frequent wording (the first seen, on a tie). Unreadable lines
/// are skipped; a read error ends the scan with what was counted so far.
pub fn gaps_from_log(reader: impl BufRead, limit: usize) -> Vec<(String, u32)> {
    struct Group {
        count: u32,
        first_seen: usize,
        wordings: HashMap<String, (u32, usize)>,
    }
    let mut groups: HashMap<String, Group> = HashMap::new();
    for (n, line) in reader.lines().map_while(Result::ok).enumerate() {
        let Some(question) = uncovered_question(&line) else {
            continue;
        };
        let key = normalize(&question);
        if key.is_empty() {
            continue;
        }
        let group = groups.entry(key).or_insert_with(|| Group {
            count: 0,
            first_seen: n,
            wordings: HashMap::new(),
        });
        group.count = group.count.saturating_add(1);
        let wording = group.wordings.entry(question).or_insert((0, n));
        wording.0 = wording.0.saturating_add(1);
    }
    let mut gaps: Vec<(String, u32, usize)> = groups
        .into_values()
        .map(|g| {
            let wording = g
                .wordings
                .into_iter()
                .max_by(|(_, (a, at_a)), (_, (b, at_b))| a.cmp(b).then(at_b.cmp(at_a)))
                .map(|(text, _)| text)
                .unwrap_or_default();
            (wording, g.count, g.first_seen)
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.cmp(&b.0))
            .then(a.2.cmp(&b.2))
    });
    gaps.into_iter()
        .take(limit)
        .map(|(question, count, _)| (question, count))
        .collect()
}

/// The question of a request-log line for an answer the profile did not
/// cover.
fn uncovered_question(line: &str) -> Option<String> {
    let start = line.find('{')?;
    let value: Value = serde_json::from_str(line[start..].trim_end()).ok()?;
    let object = value.as_object()?;
    if object.get("target").is_none()
        && let Some(inner) = object.get("message").and_then(Value::as_str)
    {
        // A log export that wrapped the twin's line in its own JSON.
        return uncovered_question(inner);
    }
    if object.get("target").and_then(Value::as_str) != Some("twin::request") {
        return None;
    }
    let fields = object
        .get("fields")
        .and_then(Value::as_object)
        .unwrap_or(object);
    let covered = field(fields, object, "covered")?;
    let uncovered = covered.as_bool() == Some(false) || covered.as_str() == Some("false");
    if !uncovered {
        return None;
    }
    let question = field(fields, object, "question")?.as_str()?.trim();
    (!question.is_empty()).then(|| question.to_owned())
}

fn field<'a>(
    fields: &'a Map<String, Value>,
    top: &'a Map<String, Value>,
    name: &str,
) -> Option<&'a Value> {
    fields.get(name).or_else(|| top.get(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uncovered_questions_of_request_lines_count() {
        let log = [
            r#"{"timestamp":"t","level":"INFO","message":"request","target":"twin::request","route":"/api/chat","covered":false,"question":"Do you speak German?"}"#,
            r#"{"level":"INFO","target":"twin::request","covered":true,"question":"Where do you work?"}"#,
            r#"{"level":"INFO","target":"twin::request","covered":false}"#,
            r#"{"level":"INFO","target":"twin::feedback","covered":false,"question":"Other target"}"#,
            r#"{"level":"INFO","target":"twin::request","fields":{"covered":false,"question":"do you speak german"}}"#,
            "not json at all",
            "",
            r#"2026-01-01T00:00:00Z stdout {"target":"twin::request","covered":"false","question":"What is your salary?"}"#,
            r#"{"message":"{\"target\":\"twin::request\",\"covered\":false,\"question\":\"Do you speak GERMAN\"}","source":"lambda"}"#,
            r#"{"target":"twin::request","covered":false,"question":"  "}"#,
        ]
        .join("\n");
        assert_eq!(
            gaps_from_log(log.as_bytes(), 10),
            vec![
                ("Do you speak German?".to_owned(), 3),
                ("What is your salary?".to_owned(), 1),
            ]
        );
    }

    #[test]
    fn the_most_frequent_wording_names_the_group_and_limit_applies() {
        let line =
            |q: &str| format!(r#"{{"target":"twin::request","covered":false,"question":"{q}"}}"#);
        let log = [
            line("are you married"),
            line("Are you married?"),
            line("Are you married?"),
            line("b question"),
            line("a question"),
        ]
        .join("\n");
        assert_eq!(
            gaps_from_log(log.as_bytes(), 2),
            vec![
                ("Are you married?".to_owned(), 3),
                ("a question".to_owned(), 1)
            ]
        );
        assert!(gaps_from_log(log.as_bytes(), 0).is_empty());
    }
}
