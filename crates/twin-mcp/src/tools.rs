//! The three tools: `ask_twin`, `search_profile`, `get_profile_section`.
//!
//! Each tool has a JSON Schema for its input and, from 2025-06-18 on, for
//! its output. A result always carries one text block holding the
//! serialized output (server/tools, "Structured Content": a tool returning
//! structured content SHOULD also return it serialized in a text block), so
//! clients of 2025-03-26, which has no `structuredContent`, see the same
//! data.

use futures_util::StreamExt;
use serde::Serialize;
use serde_json::{Map, Value, json};
use twin_core::{
    AnswerMode, ChatModel, Hit, IndexError, Profile, Question, SearchQuery, Section, Twin,
    VectorIndex,
};

use crate::revision::Revision;

/// The longest question or query accepted, in characters (as `/api/chat`).
pub(crate) const MAX_TEXT_CHARS: usize = 2_000;
/// The most results `search_profile` returns.
pub(crate) const MAX_TOP_K: u64 = 10;
/// How many results `search_profile` returns by default.
pub(crate) const DEFAULT_TOP_K: u64 = 5;

/// A tool we offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tool {
    AskTwin,
    SearchProfile,
    GetProfileSection,
}

impl Tool {
    /// In the order `tools/list` returns them (deterministic, as 2026-07-28
    /// asks, so clients can cache the list).
    pub(crate) const ALL: [Tool; 3] = [Tool::AskTwin, Tool::SearchProfile, Tool::GetProfileSection];

    pub(crate) fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|tool| tool.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Tool::AskTwin => "ask_twin",
            Tool::SearchProfile => "search_profile",
            Tool::GetProfileSection => "get_profile_section",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Tool::AskTwin => "Ask the twin",
            Tool::SearchProfile => "Search the profile",
            Tool::GetProfileSection => "Get a profile section",
        }
    }

    fn description(self, profile: &Profile) -> String {
        let name = &profile.person.name;
        let first = profile.first_name();
        match self {
            Tool::AskTwin => format!(
                "Ask {name}'s digital twin a question about their work, skills, projects, \
                 education, goals or availability. The answer is in the first person and \
                 grounded only in {first}'s profile; [n] markers cite `citations[n-1]`. \
                 `covered: false` means the profile does not cover the question and the \
                 answer says so instead of guessing."
            ),
            Tool::SearchProfile => format!(
                "Search {name}'s profile and return the best-matching passages, best first, \
                 each with its section, title, relevance score (0 to 1) and text. Returns an \
                 empty list when nothing in the profile is relevant."
            ),
            Tool::GetProfileSection => format!(
                "Return one section of {name}'s profile as structured JSON, e.g. all roles \
                 with their achievements (`experience`) or the skills by category (`skills`)."
            ),
        }
    }

    fn input_schema(self) -> Value {
        match self {
            Tool::AskTwin => json!({
                "type": "object",
                "properties": {
                    "question": {
                        "type": "string",
                        "description": "The question, as a visitor would ask it.",
                        "minLength": 1,
                        "maxLength": MAX_TEXT_CHARS,
                    }
                },
                "required": ["question"],
                "additionalProperties": false,
            }),
            Tool::SearchProfile => json!({
                "type": "object",
                "properties": {
                    "query": {
                        "type": "string",
                        "description": "What to look for, in plain words.",
                        "minLength": 1,
                        "maxLength": MAX_TEXT_CHARS,
                    },
                    "top_k": {
                        "type": "integer",
                        "description": "How many passages to return at most.",
                        "minimum": 1,
                        "maximum": MAX_TOP_K,
                        "default": DEFAULT_TOP_K,
                    }
                },
                "required": ["query"],
                "additionalProperties": false,
            }),
            Tool::GetProfileSection => json!({
                "type": "object",
                "properties": {
                    "section": {
                        "type": "string",
                        "description": "Which part of the profile to return.",
                        "enum": section_names(),
                    }
                },
                "required": ["section"],
                "additionalProperties": false,
            }),
        }
    }

    fn output_schema(self) -> Value {
        let section = json!({ "type": "string", "enum": all_section_names() });
        match self {
            Tool::AskTwin => json!({
                "type": "object",
                "properties": {
                    "answer": { "type": "string", "description": "The answer, in the first person, with [n] citation markers." },
                    "citations": {
                        "type": "array",
                        "description": "The retrieved passages; [n] in the answer cites citations[n-1].",
                        "items": {
                            "type": "object",
                            "properties": {
                                "n": { "type": "integer", "minimum": 1 },
                                "id": { "type": "string" },
                                "title": { "type": "string" },
                                "section": section,
                                "score": { "type": "number" },
                            },
                            "required": ["n", "id", "title", "section", "score"],
                        },
                    },
                    "cited": {
                        "type": "array",
                        "description": "The citation numbers the answer uses.",
                        "items": { "type": "integer", "minimum": 1 },
                    },
                    "mode": { "type": "string", "enum": ["extractive", "generative", "degraded"] },
                    "covered": { "type": "boolean", "description": "False when the profile does not cover the question." },
                },
                "required": ["answer", "citations", "cited", "mode", "covered"],
            }),
            Tool::SearchProfile => json!({
                "type": "object",
                "properties": {
                    "query": { "type": "string" },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": { "type": "string" },
                                "section": section,
                                "title": { "type": "string" },
                                "score": { "type": "number" },
                                "text": { "type": "string" },
                            },
                            "required": ["id", "section", "title", "score", "text"],
                        },
                    },
                },
                "required": ["query", "results"],
            }),
            Tool::GetProfileSection => json!({
                "type": "object",
                "properties": {
                    "section": { "type": "string", "enum": section_names() },
                    "content": {
                        "type": ["object", "array"],
                        "description": "The section as it appears in the profile.",
                    },
                },
                "required": ["section", "content"],
            }),
        }
    }

    /// The tool's `tools/list` entry for `revision`.
    pub(crate) fn definition(self, revision: Revision, profile: &Profile) -> Value {
        let mut tool = Map::new();
        tool.insert("name".into(), self.name().into());
        if revision.has_structured_output() {
            tool.insert("title".into(), self.title().into());
        }
        tool.insert("description".into(), self.description(profile).into());
        tool.insert("inputSchema".into(), self.input_schema());
        if revision.has_structured_output() {
            tool.insert("outputSchema".into(), self.output_schema());
        }
        // Every tool only reads the profile: nothing changes, nothing
        // outside the twin is reached, and a repeat has no further effect.
        tool.insert(
            "annotations".into(),
            json!({
                "title": self.title(),
                "readOnlyHint": true,
                "destructiveHint": false,
                "idempotentHint": true,
                "openWorldHint": false,
            }),
        );
        Value::Object(tool)
    }
}

/// The sections `get_profile_section` accepts: those the profile itself is
/// cut into.
fn section_names() -> Vec<&'static str> {
    Section::ALL.into_iter().map(Section::as_str).collect()
}

/// Every section a search hit can come from, including documents.
fn all_section_names() -> Vec<&'static str> {
    Section::ALL
        .into_iter()
        .chain([Section::Document])
        .map(Section::as_str)
        .collect()
}

/// Arguments that do not fit a tool's input schema. The message names the
/// field, so a model can correct the call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub(crate) struct ArgumentError {
    field: String,
    problem: String,
}

impl ArgumentError {
    fn new(field: impl Into<String>, problem: impl Into<String>) -> ArgumentError {
        ArgumentError {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// Why a valid call failed while running. Messages are for the caller and
/// carry no internals; the details are logged.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ToolError {
    #[error("The twin's memory is unreachable right now; please try again shortly.")]
    IndexUnavailable(#[source] IndexError),
    #[error("The twin's memory could not run this search.")]
    IndexRejected(#[source] IndexError),
    #[error("The answer was cut off; please ask again.")]
    Interrupted,
}

impl From<IndexError> for ToolError {
    fn from(error: IndexError) -> ToolError {
        match error {
            IndexError::Transient(_) => ToolError::IndexUnavailable(error),
            IndexError::Permanent(_) => ToolError::IndexRejected(error),
        }
    }
}

/// A call with its arguments parsed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Call {
    Ask { question: String },
    Search { query: String, top_k: usize },
    Section { section: Section },
}

/// Parses a tool's arguments against its input schema.
pub(crate) fn parse(tool: Tool, arguments: &Map<String, Value>) -> Result<Call, ArgumentError> {
    let allowed: &[&str] = match tool {
        Tool::AskTwin => &["question"],
        Tool::SearchProfile => &["query", "top_k"],
        Tool::GetProfileSection => &["section"],
    };
    if let Some(unknown) = arguments
        .keys()
        .find(|key| !allowed.contains(&key.as_str()))
    {
        return Err(ArgumentError::new(
            unknown.as_str(),
            format!("unknown argument; expected {}", allowed.join(", ")),
        ));
    }
    match tool {
        Tool::AskTwin => Ok(Call::Ask {
            question: text(arguments, "question")?,
        }),
        Tool::SearchProfile => Ok(Call::Search {
            query: text(arguments, "query")?,
            top_k: top_k(arguments.get("top_k"))?,
        }),
        Tool::GetProfileSection => {
            let name = match arguments.get("section") {
                None => return Err(ArgumentError::new("section", "is required")),
                Some(value) => value
                    .as_str()
                    .ok_or_else(|| ArgumentError::new("section", "must be a string"))?,
            };
            let section = Section::ALL
                .into_iter()
                .find(|s| s.as_str() == name)
                .ok_or_else(|| {
                    ArgumentError::new(
                        "section",
                        format!("must be one of {}", section_names().join(", ")),
                    )
                })?;
            Ok(Call::Section { section })
        }
    }
}

/// A required, non-blank string of at most [`MAX_TEXT_CHARS`], trimmed.
fn text(arguments: &Map<String, Value>, field: &str) -> Result<String, ArgumentError> {
    let value = match arguments.get(field) {
        None => return Err(ArgumentError::new(field, "is required")),
        Some(Value::String(value)) => value.trim(),
        Some(_) => return Err(ArgumentError::new(field, "must be a string")),
    };
    if value.is_empty() {
        return Err(ArgumentError::new(field, "must not be empty"));
    }
    let chars = value.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(ArgumentError::new(
            field,
            format!("has {chars} characters; the limit is {MAX_TEXT_CHARS}"),
        ));
    }
    Ok(value.to_owned())
}

/// `top_k`: an integer in 1..=10, 5 when absent. JSON Schema counts `3.0`
/// as an integer, so we do too.
fn top_k(value: Option<&Value>) -> Result<usize, ArgumentError> {
    let problem = || ArgumentError::new("top_k", format!("must be between 1 and {MAX_TOP_K}"));
    let n = match value {
        None | Some(Value::Null) => return Ok(DEFAULT_TOP_K as usize),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(n), _) => n,
            (None, Some(f)) if f.fract() == 0.0 && (1.0..=MAX_TOP_K as f64).contains(&f) => {
                f as u64
            }
            (None, Some(f)) if f.fract() != 0.0 => {
                return Err(ArgumentError::new("top_k", "must be an integer"));
            }
            _ => return Err(problem()),
        },
        Some(_) => return Err(ArgumentError::new("top_k", "must be an integer")),
    };
    if !(1..=MAX_TOP_K).contains(&n) {
        return Err(problem());
    }
    usize::try_from(n).map_err(|_| problem())
}

/// One retrieved passage, numbered as the answer's `[n]` markers number it.
#[derive(Debug, Serialize)]
struct Citation<'a> {
    n: usize,
    id: &'a str,
    title: &'a str,
    section: Section,
    score: f64,
}

#[derive(Debug, Serialize)]
struct AskOutput<'a> {
    answer: &'a str,
    citations: Vec<Citation<'a>>,
    cited: &'a [usize],
    mode: AnswerMode,
    covered: bool,
}

#[derive(Debug, Serialize)]
struct SearchResult<'a> {
    id: &'a str,
    section: Section,
    title: &'a str,
    score: f64,
    text: &'a str,
}

#[derive(Debug, Serialize)]
struct SearchOutput<'a> {
    query: &'a str,
    results: Vec<SearchResult<'a>>,
}

/// A score rounded to three decimals, as `/api/chat` reports it.
fn score(hit: &Hit) -> f64 {
    f64::from((hit.score * 1000.0).round()) / 1000.0
}

/// Runs a parsed call and returns its structured output.
pub(crate) async fn run<I: VectorIndex, M: ChatModel>(
    twin: &Twin<I, M>,
    call: Call,
) -> Result<Value, ToolError> {
    match call {
        Call::Ask { question } => ask(twin, question).await,
        Call::Search { query, top_k } => {
            let hits = twin
                .index()
                .search(&SearchQuery {
                    text: query.clone(),
                    top_k,
                })
                .await?;
            let output = SearchOutput {
                query: &query,
                results: hits
                    .iter()
                    .map(|hit| SearchResult {
                        id: hit.chunk.id.as_str(),
                        section: hit.chunk.section,
                        title: &hit.chunk.title,
                        score: score(hit),
                        text: &hit.chunk.text,
                    })
                    .collect(),
            };
            Ok(to_value(&output))
        }
        Call::Section { section } => Ok(json!({
            "section": section.as_str(),
            "content": section_content(twin.profile(), section),
        })),
    }
}

async fn ask<I: VectorIndex, M: ChatModel>(
    twin: &Twin<I, M>,
    question: String,
) -> Result<Value, ToolError> {
    let answer = twin
        .answer(Question {
            message: question,
            history: Vec::new(),
        })
        .await?;
    if let Some(error) = &answer.model_error {
        tracing::warn!(%error, "model failed; answered extractively");
    }
    let mut tokens = answer.tokens;
    let mut text = String::new();
    while let Some(token) = tokens.next().await {
        match token {
            Ok(fragment) => text.push_str(&fragment),
            Err(error) => {
                tracing::warn!(%error, "answer broke off");
                return Err(ToolError::Interrupted);
            }
        }
    }
    let hits = answer.hits;
    let cited = answer
        .cited
        .unwrap_or_else(|| twin_core::cited_in(&text, hits.len()));
    tracing::info!(
        mode = answer.mode.as_str(),
        covered = answer.covered,
        hits = hits.len(),
        "answered"
    );
    let output = AskOutput {
        answer: &text,
        citations: hits
            .iter()
            .enumerate()
            .map(|(i, hit)| Citation {
                n: i + 1,
                id: hit.chunk.id.as_str(),
                title: &hit.chunk.title,
                section: hit.chunk.section,
                score: score(hit),
            })
            .collect(),
        cited: &cited,
        mode: answer.mode,
        covered: answer.covered,
    };
    Ok(to_value(&output))
}

/// The part of the profile a section is cut from, as JSON.
fn section_content(profile: &Profile, section: Section) -> Value {
    let person = &profile.person;
    match section {
        Section::Summary => json!({
            "name": person.name,
            "headline": person.headline,
            "pronouns": person.pronouns,
            "summary": person.summary,
        }),
        Section::Contact => json!({
            "location": person.location,
            "contact": person.contact,
            "languages": person.languages,
        }),
        Section::Experience => to_value(&profile.experience),
        Section::Achievement => Value::Array(
            profile
                .experience
                .iter()
                .flat_map(|role| {
                    role.achievements.iter().map(move |achievement| {
                        json!({
                            "company": role.company,
                            "role": role.title,
                            "title": achievement.title,
                            "situation": achievement.situation,
                            "task": achievement.task,
                            "action": achievement.action,
                            "result": achievement.result,
                        })
                    })
                })
                .collect(),
        ),
        Section::Skills => to_value(&profile.skills),
        Section::Project => to_value(&profile.projects),
        Section::Education => to_value(&profile.education),
        Section::Certifications => to_value(&profile.certifications),
        Section::Goals => to_value(&profile.career_goals),
        Section::Interests => to_value(&profile.interests),
        Section::Faq => to_value(&profile.faqs),
        // Documents come from sources beyond the profile and are not a
        // section of it; `parse` never lets this through.
        Section::Document => Value::Array(Vec::new()),
    }
}

/// Serializes plain data. The types serialized here have string keys and
/// no fallible `Serialize` impls, so this cannot fail; `Null` keeps it total.
fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A `tools/call` result: the output as text and, where the revision has
/// it, as `structuredContent`.
pub(crate) fn result(output: &Value, revision: Revision) -> Value {
    let mut result = json!({
        "content": [{ "type": "text", "text": output.to_string() }],
        "isError": false,
    });
    if revision.has_structured_output()
        && let Some(object) = result.as_object_mut()
    {
        object.insert("structuredContent".into(), output.clone());
    }
    result
}

/// A `tools/call` result reporting a tool execution error.
pub(crate) fn error_result(message: &str) -> Value {
    json!({
        "content": [{ "type": "text", "text": message }],
        "isError": true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    fn check(tool: Tool, arguments: Value, expect: &str) {
        let got = match parse(tool, &args(arguments)) {
            Ok(call) => format!("{call:?}"),
            Err(error) => error.to_string(),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn parses_arguments_and_names_the_bad_field() {
        check(
            Tool::AskTwin,
            json!({"question": "  What do you do?  "}),
            "Ask { question: \"What do you do?\" }",
        );
        check(Tool::AskTwin, json!({}), "question: is required");
        check(
            Tool::AskTwin,
            json!({"question": " "}),
            "question: must not be empty",
        );
        check(
            Tool::AskTwin,
            json!({"question": 3}),
            "question: must be a string",
        );
        check(
            Tool::AskTwin,
            json!({"question": "x", "history": []}),
            "history: unknown argument; expected question",
        );
        check(
            Tool::SearchProfile,
            json!({"query": "rust"}),
            "Search { query: \"rust\", top_k: 5 }",
        );
        check(
            Tool::SearchProfile,
            json!({"query": "rust", "top_k": 3.0}),
            "Search { query: \"rust\", top_k: 3 }",
        );
        for bad in [json!(0), json!(11), json!(-1), json!(1e30)] {
            check(
                Tool::SearchProfile,
                json!({"query": "rust", "top_k": bad}),
                "top_k: must be between 1 and 10",
            );
        }
        check(
            Tool::SearchProfile,
            json!({"query": "rust", "top_k": 2.5}),
            "top_k: must be an integer",
        );
        check(
            Tool::SearchProfile,
            json!({"query": "rust", "top_k": "3"}),
            "top_k: must be an integer",
        );
        check(
            Tool::GetProfileSection,
            json!({"section": "skills"}),
            "Section { section: Skills }",
        );
        check(
            Tool::GetProfileSection,
            json!({"section": "document"}),
            "section: must be one of summary, contact, experience, achievement, skills, \
             project, education, certifications, goals, interests, faq",
        );
    }
}
