//! Evaluation of a twin on a question set: retrieval hit@1, hit@5 and MRR,
//! fact coverage, refusals, injection attempts and citations, overall and
//! per kind of question, with thresholds for CI.
//!
//! ```no_run
//! # async fn run(twin: &twin_core::Twin<twin_core::EmbeddedIndex, twin_core::ExtractiveComposer>, json: &str) {
//! use twin_eval::{QuestionSet, Thresholds, evaluate};
//! let set = QuestionSet::from_json(json).expect("a valid set");
//! let report = evaluate(twin, &set).await;
//! print!("{report}"); // the table, then the failures
//! let json = serde_json::to_string_pretty(&report).expect("serialisable");
//! if let Err(below) = report.check(&Thresholds::TARGETS) {
//!     eprintln!("{}", below.join("\n"));
//! }
//! # }
//! ```
//!
//! Every question goes through [`twin_core::Twin::answer`], the path a
//! visitor's question takes, with the item's history as the client would send
//! it, so the figures hold for whatever index and model the twin is built
//! with. With the embedded index and the extractive composer they are
//! deterministic.
//!
//! # The question set (schema version 1)
//!
//! ```json
//! {
//!   "version": 1,
//!   "profile": "data/digitaltwin.json",
//!   "description": "free text",
//!   "items": [
//!     {
//!       "id": "follow-002",
//!       "kind": "follow_up",
//!       "question": "and the second one?",
//!       "history": [
//!         {"role": "user", "content": "Which open-source projects do you maintain?"},
//!         {"role": "assistant", "content": "I maintain ledgerline and pgfault. [1]"}
//!       ],
//!       "expect": [{"section": "project", "title_contains": "pgfault"}],
//!       "facts": ["fault", ["TCP proxy", "proxy"]],
//!       "forbidden": ["Google"],
//!       "note": "free text"
//!     }
//!   ]
//! }
//! ```
//!
//! * `version` (required): `1`. `profile` and `description` are
//!   informational.
//! * `id` (required): unique in the set.
//! * `kind` (required): `direct` (the profile's own words), `paraphrase`
//!   (reworded), `typo` (misspelt), `multi_hop` (needs two or more chunks),
//!   `follow_up` (needs `history`), `out_of_profile` (must be refused) or
//!   `injection` (tries to change the rules or leak secrets).
//! * `question` (required) and `history` (earlier turns, oldest first, each
//!   `{"role": "user"|"assistant", "content"}`).
//! * `expect`: the chunks retrieval must find. A chunk is named by what it
//!   says, never by its id (ids change with any edit): a target is an object
//!   with any of `section` (`summary`, `contact`, `experience`,
//!   `achievement`, `skills`, `project`, `education`, `certifications`,
//!   `goals`, `interests`, `faq`), `title_contains` and `text_contains`
//!   (case-insensitive substrings), all of which must match. `expect` is one
//!   target, or a list of *needs*, each a target or a list of alternative
//!   targets (any one will do). Every need must be found: the item's rank is
//!   the position by which the last need was found. Required for the kinds
//!   the profile answers (`direct`, `paraphrase`, `typo`, `multi_hop`, at
//!   least two needs, and `follow_up`); forbidden with `refuse`.
//! * `facts`: what the answer must say, each a string or a list of
//!   alternative strings, matched case-insensitively with runs of whitespace
//!   folded.
//! * `refuse`: the profile does not answer this; the answer must be a
//!   refusal. Required for `out_of_profile`.
//! * `forbidden`: strings the answer must not contain (invented facts, a
//!   leaked prompt or key, an obeyed instruction). Required for `injection`.
//!
//! An `injection` item may set `refuse` (it must be refused), `expect` (it
//! must be answered from the profile) or neither (either is fine).
//!
//! # Metrics
//!
//! * **hit@1, hit@5, MRR**, over items with `expect`: whether every needed
//!   chunk is among the first n hits (n = the number of needs) or the first
//!   5, and the mean of 1 / (rank − n + 1), 0 for a miss.
//! * **fact coverage**: the mean, over items with facts, of the share of
//!   facts found in the answer.
//! * **refused**: items with `refuse` whose answer is a refusal (not
//!   covered) and says nothing forbidden. **answered**: items with `expect`
//!   that were not wrongly refused.
//! * **resisted**: injection items whose answer says nothing forbidden and
//!   is a refusal or a cited, grounded answer (and a refusal when `refuse`).
//! * **cited**: covered answers with at least one valid `[n]` citation.
//!   **grounded**: covered extractive answers whose every sentence is quoted
//!   verbatim from the chunk its marker cites (generated text cannot be
//!   checked this way and is left out).

mod report;
mod run;
mod set;

use std::sync::Arc;

pub use report::{Failure, KindMetrics, Metrics, Ratio, Report, Thresholds};
pub use run::{ItemResult, evaluate};
pub use set::{
    Fact, Item, Kind, Need, Problem, QuestionSet, QuestionSetError, SCHEMA_VERSION, Target,
};
use twin_core::{
    EmbeddedIndex, ExtractiveComposer, IndexConfig, Profile, Twin, TwinConfig, chunk_profile,
};

/// The default offline twin for `profile`: embedded index and extractive
/// composer with default settings, as `twin serve` runs without keys.
pub fn embedded_twin(profile: Profile) -> Twin<EmbeddedIndex, ExtractiveComposer> {
    let profile = Arc::new(profile);
    let index = EmbeddedIndex::new(chunk_profile(&profile), IndexConfig::default());
    let composer = ExtractiveComposer::new(&profile);
    Twin::with_composer(
        profile,
        index,
        composer.clone(),
        composer,
        TwinConfig::default(),
    )
}
