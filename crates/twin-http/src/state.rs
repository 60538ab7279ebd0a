//! What every request shares: the twin and the pre-rendered public profile.
//!
//! State is built once per process (once per cold start on Vercel) and
//! cloned cheaply into each request.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use serde::Serialize;
use twin_core::{
    Chunk, EmbeddedIndex, ExtractiveComposer, IndexConfig, Profile, ProfileError, Section, Twin,
    TwinConfig, chunk_profile,
};

use crate::settings::Settings;

/// The profile compiled into every binary. Functions always answer from it,
/// so a deployment's answers are tied to the commit it was built from and a
/// rollback in the Vercel dashboard rolls the profile back with the code.
pub const BUNDLED_PROFILE: &str = include_str!("../../../data/digitaltwin.json");

/// The concrete twin this edge runs.
pub type Engine = Twin<EmbeddedIndex, ExtractiveComposer>;

/// Why state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("the profile is invalid: {0}")]
    Profile(#[from] ProfileError),
}

/// Shared, cheaply cloned request state.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    twin: Engine,
    settings: Settings,
    public_profile: Bytes,
    started: Instant,
}

impl AppState {
    /// Builds the twin for `profile` with the embedded index and the
    /// extractive composer.
    pub fn new(profile: Profile, settings: Settings) -> AppState {
        let profile = Arc::new(profile);
        let chunks = chunk_profile(&profile);
        let sections = distinct_sections(&chunks);
        let index = EmbeddedIndex::new(chunks, IndexConfig::default());
        let composer = ExtractiveComposer::new(&profile);
        let config = TwinConfig {
            top_k: settings.top_k,
            history_turns: settings.history_turns,
        };
        let twin = Twin::new(profile, index, composer, config);
        let public_profile = public_profile(twin.profile(), twin.version().as_str(), sections);
        AppState {
            inner: Arc::new(Inner {
                twin,
                settings,
                public_profile,
                started: Instant::now(),
            }),
        }
    }

    /// Builds state from the profile compiled into the binary.
    pub fn bundled(settings: Settings) -> Result<AppState, StateError> {
        Ok(AppState::new(
            Profile::from_json(BUNDLED_PROFILE)?,
            settings,
        ))
    }

    pub fn twin(&self) -> &Engine {
        &self.inner.twin
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// `/api/profile`'s body, rendered once.
    pub(crate) fn public_profile(&self) -> Bytes {
        self.inner.public_profile.clone()
    }

    pub(crate) fn started(&self) -> Instant {
        self.inner.started
    }
}

/// What the page may show about the person: no more than the profile's own
/// public header plus starter questions.
#[derive(Serialize)]
struct PublicProfile<'a> {
    name: &'a str,
    headline: &'a str,
    pronouns: Option<&'a str>,
    location: String,
    summary: &'a str,
    contact: &'a twin_core::profile::Contact,
    suggested_questions: Vec<String>,
    sections: Vec<Section>,
    version: &'a str,
}

/// The sections present, in profile order.
fn distinct_sections(chunks: &[Chunk]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for chunk in chunks {
        if !sections.contains(&chunk.section) {
            sections.push(chunk.section);
        }
    }
    sections
}

fn public_profile(profile: &Profile, version: &str, sections: Vec<Section>) -> Bytes {
    let person = &profile.person;
    let body = PublicProfile {
        name: &person.name,
        headline: &person.headline,
        pronouns: person.pronouns.as_deref(),
        location: format!("{}, {}", person.location.city, person.location.country),
        summary: &person.summary,
        contact: &person.contact,
        suggested_questions: suggested_questions(profile),
        sections,
        version,
    };
    Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
}

/// Starter questions, drawn from the profile so each has an answer.
fn suggested_questions(profile: &Profile) -> Vec<String> {
    let mut questions = Vec::new();
    if let Some(role) = profile.current_role() {
        questions.push(format!("What do you do at {}?", role.company));
    }
    if let Some(project) = profile.projects.first() {
        questions.push(format!("Tell me about {}.", project.name));
    }
    questions.push("What are your strongest skills?".to_owned());
    questions.extend(profile.faqs.iter().take(3).map(|f| f.question.clone()));
    questions.truncate(6);
    questions
}
