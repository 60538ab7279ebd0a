//! The question set: its JSON schema, parsing and validation.
//!
//! Parsing is strict (unknown fields are errors, so a misspelt `forbiden`
//! cannot silently turn a check off) and collects every problem, each naming
//! the item's position, its id and the field.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use twin_core::model::Turn;
use twin_core::{Chunk, Section};

/// The schema version this crate reads.
pub const SCHEMA_VERSION: u32 = 1;

/// What an item exercises. The report breaks every metric down by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Asked in the profile's own words.
    Direct,
    /// Reworded, without the profile's words.
    Paraphrase,
    /// Misspelt the way people type.
    Typo,
    /// Needs two or more chunks.
    MultiHop,
    /// Only makes sense with the conversation so far (`history`).
    FollowUp,
    /// The profile does not answer it; the twin must refuse.
    OutOfProfile,
    /// Tries to change the rules, play another role or leak secrets.
    Injection,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Direct,
        Kind::Paraphrase,
        Kind::Typo,
        Kind::MultiHop,
        Kind::FollowUp,
        Kind::OutOfProfile,
        Kind::Injection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::Paraphrase => "paraphrase",
            Kind::Typo => "typo",
            Kind::MultiHop => "multi_hop",
            Kind::FollowUp => "follow_up",
            Kind::OutOfProfile => "out_of_profile",
            Kind::Injection => "injection",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A chunk described by what it says rather than by its id, which changes
/// with any edit of the profile. Every given field must match; strings match
/// case-insensitively as substrings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Section>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_contains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_contains: Option<String>,
}

impl Target {
    /// Whether `chunk` is the chunk this target describes.
    pub fn matches(&self, chunk: &Chunk) -> bool {
        self.section.is_none_or(|s| s == chunk.section)
            && self
                .title_contains
                .as_deref()
                .is_none_or(|t| contains_folded(&chunk.title, t))
            && self
                .text_contains
                .as_deref()
                .is_none_or(|t| contains_folded(&chunk.text, t))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(section) = self.section {
            parts.push(section.to_string());
        }
        if let Some(title) = &self.title_contains {
            parts.push(format!("title ~ {title:?}"));
        }
        if let Some(text) = &self.text_contains {
            parts.push(format!("text ~ {text:?}"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// One chunk a question needs, as alternatives: any of them will do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Need {
    pub any_of: Vec<Target>,
}

impl Need {
    pub fn matches(&self, chunk: &Chunk) -> bool {
        self.any_of.iter().any(|t| t.matches(chunk))
    }
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alternatives: Vec<String> = self.any_of.iter().map(|t| format!("[{t}]")).collect();
        f.write_str(&alternatives.join(" or "))
    }
}

/// A fact the answer should state, as alternative spellings ("€140,000" or
/// "140k"); any one of them found in the answer, case-insensitively, counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Fact {
    pub any_of: Vec<String>,
}

impl Fact {
    /// Whether `answer` states the fact.
    pub fn found_in(&self, answer: &str) -> bool {
        self.any_of.iter().any(|f| contains_folded(answer, f))
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alternatives: Vec<String> = self.any_of.iter().map(|s| format!("{s:?}")).collect();
        f.write_str(&alternatives.join(" or "))
    }
}

/// One question with what a good answer looks like.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub kind: Kind,
    pub question: String,
    /// Earlier turns, oldest first, as a client would send them.
    pub history: Vec<Turn>,
    /// The chunks retrieval must find, all of them (one per need). Empty for
    /// questions that must be refused, and for injection attempts that may
    /// either be refused or answered from the profile.
    pub expect: Vec<Need>,
    /// Facts the answer must state.
    pub facts: Vec<Fact>,
    /// The answer must be a refusal (not covered).
    pub refuse: bool,
    /// Strings that must not appear in the answer, case-insensitively:
    /// invented facts, leaked prompts or secrets, obeyed injections.
    pub forbidden: Vec<String>,
    /// Free text: what the item tests.
    pub note: Option<String>,
}

impl Item {
    /// Whether the profile answers the item, so that a refusal is wrong.
    pub fn answerable(&self) -> bool {
        !self.expect.is_empty()
    }
}

/// A validated question set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionSet {
    pub version: u32,
    /// The profile the set was written for (informational).
    pub profile: Option<String>,
    pub description: Option<String>,
    pub items: Vec<Item>,
}

/// One thing wrong with a question set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The item's id, when the item has a readable one.
    pub item: Option<String>,
    /// Where, e.g. `items[3].expect[0].section`; `.` for the document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            Some(id) => write!(f, "{} (item {id:?}): {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Why a question set was rejected: every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid question set: {}", render(.problems))]
pub struct QuestionSetError {
    pub problems: Vec<Problem>,
}

fn render(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("; ")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    version: u32,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    description: Option<String>,
    items: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    kind: Kind,
    question: String,
    #[serde(default)]
    history: Vec<Turn>,
    #[serde(default)]
    expect: Option<Value>,
    #[serde(default)]
    facts: Vec<Value>,
    #[serde(default)]
    refuse: bool,
    #[serde(default)]
    forbidden: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

impl QuestionSet {
    /// Parses and validates a question set, reporting every problem found.
    pub fn from_json(text: &str) -> Result<QuestionSet, QuestionSetError> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let raw: RawSet = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let path = err.path().to_string();
            QuestionSetError {
                problems: vec![Problem {
                    item: None,
                    path,
                    message: err.inner().to_string(),
                }],
            }
        })?;
        let mut problems = Vec::new();
        if raw.version != SCHEMA_VERSION {
            problems.push(Problem {
                item: None,
                path: "version".into(),
                message: format!(
                    "unsupported schema version {} (this build reads version {SCHEMA_VERSION})",
                    raw.version
                ),
            });
        }
        if raw.items.is_empty() {
            problems.push(Problem {
                item: None,
                path: "items".into(),
                message: "must list at least one item".into(),
            });
        }
        let mut items = Vec::with_capacity(raw.items.len());
        let mut ids = HashSet::new();
        for (i, value) in raw.items.into_iter().enumerate() {
            let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
            let mut report = |path: &str, message: String| {
                problems.push(Problem {
                    item: id.clone(),
                    path: if path.is_empty() || path == "." {
                        format!("items[{i}]")
                    } else {
                        format!("items[{i}].{path}")
                    },
                    message,
                });
            };
            let raw: RawItem = match serde_path_to_error::deserialize(value) {
                Ok(raw) => raw,
                Err(err) => {
                    report(&err.path().to_string(), err.inner().to_string());
                    continue;
                }
            };
            let Some(item) = validate(raw, &mut report) else {
                continue;
            };
            if !ids.insert(item.id.clone()) {
                report("id", format!("duplicate id {:?}", item.id));
            }
            items.push(item);
        }
        if !problems.is_empty() {
            return Err(QuestionSetError { problems });
        }
        Ok(QuestionSet {
            version: raw.version,
            profile: raw.profile,
            description: raw.description,
            items,
        })
    }

    /// Checks that every target names at least one of `chunks` (the chunks
    /// of the profile the set is run against), so that a misspelt title
    /// cannot turn an item into a certain failure.
    pub fn check_targets(&self, chunks: &[Chunk]) -> Result<(), QuestionSetError> {
        let mut problems = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            for (n, need) in item.expect.iter().enumerate() {
                for (a, target) in need.any_of.iter().enumerate() {
                    if !chunks.iter().any(|c| target.matches(c)) {
                        problems.push(Problem {
                            item: Some(item.id.clone()),
                            path: format!("items[{i}].expect[{n}][{a}]"),
                            message: format!("no chunk of the profile matches {target}"),
                        });
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(QuestionSetError { problems })
        }
    }

    /// How many items of each kind the set has, in [`Kind::ALL`] order.
    pub fn kinds(&self) -> Vec<(Kind, usize)> {
        Kind::ALL
            .iter()
            .map(|&kind| (kind, self.items.iter().filter(|i| i.kind == kind).count()))
            .collect()
    }
}

/// The kinds whose questions the profile answers: they must name the chunks
/// that answer them.
const ANSWERABLE: [Kind; 5] = [
    Kind::Direct,
    Kind::Paraphrase,
    Kind::Typo,
    Kind::MultiHop,
    Kind::FollowUp,
];

/// Checks one parsed item, reporting each problem with its field; `None`
/// when there was any.
fn validate(raw: RawItem, report: &mut dyn FnMut(&str, String)) -> Option<Item> {
    let mut ok = true;
    let mut fail = |path: &str, message: String| {
        ok = false;
        report(path, message);
    };
    if raw.id.trim().is_empty() {
        fail("id", "must not be empty".into());
    }
    if raw.question.trim().is_empty() {
        fail("question", "must not be empty".into());
    }
    for (t, turn) in raw.history.iter().enumerate() {
        if turn.content.trim().is_empty() {
            fail(&format!("history[{t}].content"), "must not be empty".into());
        }
    }
    // Checks on the number of needs count what was written, so that one bad
    // target is reported once rather than as a missing `expect` too.
    let needs_given = match &raw.expect {
        None => 0,
        Some(Value::Array(needs)) => needs.len(),
        Some(_) => 1,
    };
    let expect = match raw.expect {
        None => Vec::new(),
        Some(value) => parse_expect(value, &mut fail),
    };
    let mut facts = Vec::new();
    for (f, value) in raw.facts.into_iter().enumerate() {
        let path = format!("facts[{f}]");
        let any_of = match value {
            Value::String(s) => vec![s],
            Value::Array(values) if !values.is_empty() && values.iter().all(Value::is_string) => {
                values
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            }
            _ => {
                fail(
                    &path,
                    "must be a string or a non-empty list of alternative strings".into(),
                );
                continue;
            }
        };
        if any_of.iter().any(|s| s.trim().is_empty()) {
            fail(&path, "must not be empty".into());
        }
        facts.push(Fact { any_of });
    }
    for (f, forbidden) in raw.forbidden.iter().enumerate() {
        if forbidden.trim().is_empty() {
            fail(&format!("forbidden[{f}]"), "must not be empty".into());
        }
    }

    if raw.refuse && needs_given > 0 {
        fail(
            "expect",
            "an item that must be refused cannot expect chunks".into(),
        );
    }
    if !facts.is_empty() && needs_given == 0 {
        fail(
            "facts",
            "an item with facts must also expect the chunks they come from".into(),
        );
    }
    if raw.kind == Kind::OutOfProfile && !raw.refuse {
        fail(
            "refuse",
            "an out_of_profile item must set \"refuse\": true".into(),
        );
    }
    if ANSWERABLE.contains(&raw.kind) && needs_given == 0 {
        fail(
            "expect",
            format!("a {} item must name the chunks that answer it", raw.kind),
        );
    }
    if raw.kind == Kind::MultiHop && needs_given == 1 {
        fail(
            "expect",
            "a multi_hop item needs at least two chunks".into(),
        );
    }
    if raw.kind == Kind::FollowUp && raw.history.is_empty() {
        fail(
            "history",
            "a follow_up item needs the conversation so far".into(),
        );
    }
    if raw.kind == Kind::Injection && raw.forbidden.is_empty() {
        fail(
            "forbidden",
            "an injection item must list what the answer must not say".into(),
        );
    }
    ok.then_some(Item {
        id: raw.id,
        kind: raw.kind,
        question: raw.question,
        history: raw.history,
        expect,
        facts,
        refuse: raw.refuse,
        forbidden: raw.forbidden,
        note: raw.note,
    })
}

/// `expect` is one target, or a list of needs, each a target or a list of
/// alternative targets.
fn parse_expect(value: Value, fail: &mut dyn FnMut(&str, String)) -> Vec<Need> {
    let needs = match value {
        Value::Object(_) => vec![value],
        Value::Array(needs) if !needs.is_empty() => needs,
        _ => {
            fail(
                "expect",
                "must be a target object or a non-empty list of targets".into(),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(needs.len());
    for (n, need) in needs.into_iter().enumerate() {
        let (alternatives, nested) = match need {
            Value::Array(alternatives) if !alternatives.is_empty() => (alternatives, true),
            Value::Array(_) => {
                fail(
                    &format!("expect[{n}]"),
                    "a list of alternatives must not be empty".into(),
                );
                continue;
            }
            other => (vec![other], false),
        };
        let mut any_of = Vec::with_capacity(alternatives.len());
        for (a, alternative) in alternatives.into_iter().enumerate() {
            let path = if nested {
                format!("expect[{n}][{a}]")
            } else {
                format!("expect[{n}]")
            };
            match parse_target(alternative) {
                Ok(target) => any_of.push(target),
                Err(message) => fail(&path, message),
            }
        }
        if !any_of.is_empty() {
            out.push(Need { any_of });
        }
    }
    out
}

fn parse_target(value: Value) -> Result<Target, String> {
    if !value.is_object() {
        return Err("must be a target object with section, title_contains or text_contains".into());
    }
    let target: Target = serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        if path == "." {
            err.inner().to_string()
        } else {
            format!("{path}: {}", err.inner())
        }
    })?;
    if target.section.is_none() && target.title_contains.is_none() && target.text_contains.is_none()
    {
        return Err("must set at least one of section, title_contains and text_contains".into());
    }
    for s in [&target.title_contains, &target.text_contains]
        .into_iter()
        .flatten()
    {
        if s.trim().is_empty() {
            return Err("title_contains and text_contains must not be empty".into());
        }
    }
    Ok(target)
}

/// Case-insensitive substring search, with runs of whitespace treated as one
/// space, so that a fact written on one line matches an answer that wraps.
pub(crate) fn contains_folded(haystack: &str, needle: &str) -> bool {
    fold(haystack).contains(&fold(needle))
}

fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for ch in text.trim().chars() {
        if ch.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(ch.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn problems(items: &str) -> Vec<String> {
        let doc = format!(r#"{{"version": 1, "items": [{items}]}}"#);
        match QuestionSet::from_json(&doc) {
            Ok(_) => Vec::new(),
            Err(err) => err.problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_valid_item_parses_with_every_form_of_expect_and_facts() {
        let doc = r#"{"version": 1, "profile": "p.json", "items": [
            {"id": "a", "kind": "direct", "question": "q",
             "expect": {"section": "faq", "title_contains": "salary"},
             "facts": ["x", ["y", "z"]]},
            {"id": "b", "kind": "multi_hop", "question": "q",
             "expect": [{"section": "goals"}, [{"text_contains": "t"}, {"title_contains": "u"}]]},
            {"id": "c", "kind": "follow_up", "question": "and?",
             "history": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello [1]"}],
             "expect": [{"section": "contact"}]},
            {"id": "d", "kind": "out_of_profile", "question": "q", "refuse": true, "forbidden": ["f"]},
            {"id": "e", "kind": "injection", "question": "q", "forbidden": ["f"]}
        ]}"#;
        let set = QuestionSet::from_json(doc).expect("valid");
        assert_eq!(set.items.len(), 5);
        assert_eq!(set.items[0].expect[0].any_of[0].section, Some(Section::Faq));
        assert_eq!(set.items[0].facts[1].any_of, ["y", "z"]);
        assert_eq!(set.items[1].expect.len(), 2);
        assert_eq!(set.items[1].expect[1].any_of.len(), 2);
        assert_eq!(set.items[2].history.len(), 2);
        assert!(set.items[3].refuse && !set.items[3].answerable());
        assert_eq!(set.kinds()[0], (Kind::Direct, 1));
    }

    #[test]
    fn problems_name_the_item_and_the_field() {
        let check = |items: &str, expect: &[&str]| {
            assert_eq!(problems(items), expect, "{items}");
        };
        check(
            r#"{"id": "a", "kind": "direct", "question": "q", "expect": {"section": "faqs"}}"#,
            &[
                r#"items[0].expect[0] (item "a"): section: unknown variant `faqs`, expected one of `summary`, `contact`, `experience`, `achievement`, `skills`, `project`, `education`, `certifications`, `goals`, `interests`, `faq`, `document`"#,
            ],
        );
        // serde_path_to_error puts an unknown field into the path or not,
        // depending on its version; either way the item and field are named.
        let check_unknown = |items: &str, prefix: &str, fragment: &str| {
            let got = problems(items);
            assert_eq!(got.len(), 1, "{got:?}");
            assert!(
                got[0].starts_with(prefix) && got[0].contains(fragment),
                "{got:?}"
            );
        };
        check_unknown(
            r#"{"id": "a", "kind": "direct", "question": "q", "expect": {"title": "x"}}"#,
            "items[0].expect[0] (item \"a\"): ",
            "unknown field `title`, expected one of `section`, `title_contains`, `text_contains`",
        );
        check_unknown(
            r#"{"id": "a", "kind": "direct", "question": "q", "expect": {"section": "faq"}, "forbiden": ["x"]}"#,
            "items[0]",
            "(item \"a\"): unknown field `forbiden`, expected one of `id`, `kind`",
        );
        check(
            r#"{"id": "a", "kind": "direct", "question": " "}"#,
            &[
                r#"items[0].question (item "a"): must not be empty"#,
                r#"items[0].expect (item "a"): a direct item must name the chunks that answer it"#,
            ],
        );
        check(
            r#"{"id": "a", "kind": "out_of_profile", "question": "q", "expect": {"section": "faq"}, "facts": [3]}"#,
            &[
                r#"items[0].facts[0] (item "a"): must be a string or a non-empty list of alternative strings"#,
                r#"items[0].refuse (item "a"): an out_of_profile item must set "refuse": true"#,
            ],
        );
        check(
            r#"{"id": "a", "kind": "multi_hop", "question": "q", "expect": [[]]}"#,
            &[
                r#"items[0].expect[0] (item "a"): a list of alternatives must not be empty"#,
                r#"items[0].expect (item "a"): a multi_hop item needs at least two chunks"#,
            ],
        );
        check(
            r#"{"id": "a", "kind": "follow_up", "question": "q", "expect": [{}], "refuse": true}"#,
            &[
                r#"items[0].expect[0] (item "a"): must set at least one of section, title_contains and text_contains"#,
                r#"items[0].expect (item "a"): an item that must be refused cannot expect chunks"#,
                r#"items[0].history (item "a"): a follow_up item needs the conversation so far"#,
            ],
        );
        check(
            r#"{"id": "a", "kind": "injection", "question": "q", "refuse": true}"#,
            &[
                r#"items[0].forbidden (item "a"): an injection item must list what the answer must not say"#,
            ],
        );
        check(
            r#"{"id": "a", "kind": "direct", "question": "q", "expect": {"section": "faq"}},
               {"id": "a", "kind": "direct", "question": "q", "expect": {"section": "faq"}},
               {"kind": "typo", "question": "q"}"#,
            &[
                r#"items[1].id (item "a"): duplicate id "a""#,
                "items[2]: missing field `id`",
            ],
        );
    }

    #[test]
    fn document_problems_have_document_paths() {
        let err = QuestionSet::from_json(r#"{"version": 2, "items": []}"#).unwrap_err();
        let lines: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "version: unsupported schema version 2 (this build reads version 1)",
                "items: must list at least one item",
            ]
        );
        let err = QuestionSet::from_json("{ nope").unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert!(
            err.to_string().starts_with("invalid question set: "),
            "{err}"
        );
    }

    #[test]
    fn targets_must_name_a_chunk() {
        let doc = r#"{"version": 1, "items": [
            {"id": "a", "kind": "multi_hop", "question": "q",
             "expect": [{"section": "faq", "title_contains": "SALARY"}, [{"title_contains": "nope"}, {"text_contains": "140K"}]]},
            {"id": "b", "kind": "direct", "question": "q", "expect": {"section": "goals"}}
        ]}"#;
        let set = QuestionSet::from_json(doc).expect("valid");
        let chunks = [Chunk::new(
            Section::Faq,
            "What are your salary expectations?",
            "About 140k.",
            BTreeMap::new(),
        )];
        let err = set.check_targets(&chunks).unwrap_err();
        let lines: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                r#"items[0].expect[1][0] (item "a"): no chunk of the profile matches title ~ "nope""#,
                r#"items[1].expect[0][0] (item "b"): no chunk of the profile matches goals"#,
            ]
        );
    }

    #[test]
    fn matching_folds_case_and_whitespace() {
        assert!(contains_folded(
            "Four  weeks'\nNotice",
            "four weeks' notice"
        ));
        assert!(contains_folded("€140,000", "€140,000"));
        assert!(!contains_folded("140", "€140"));
    }
}
