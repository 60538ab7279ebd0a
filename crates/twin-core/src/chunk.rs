//! Cutting a profile into retrievable chunks.
//!
//! One chunk per meaningful unit: the summary, contact and location, each
//! role, each STAR achievement, each skill category, each project, each
//! education entry, the certifications, the career goals, the interests and
//! each FAQ. Every chunk's text reads well on its own and in the first person,
//! because the extractive composer quotes it verbatim.
//!
//! A chunk's id is a hash of its content, so the same content always gets the
//! same id and any edit gets a new one. That is what lets `twin sync` compute
//! a plan (upsert new ids, delete stale ones) without remembering anything.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::profile::{Profile, hex_prefix};

/// Which part of the profile a chunk comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Summary,
    Contact,
    Experience,
    Achievement,
    Skills,
    Project,
    Education,
    Certifications,
    Goals,
    Interests,
    Faq,
    /// A passage from a source beyond the profile (Markdown, PDF, a web
    /// page), declared in `twin.toml`; its `source` and `heading` metadata
    /// say where it came from.
    Document,
}

impl Section {
    /// The sections the profile itself is cut into ([`Section::Document`]
    /// comes from other sources).
    pub const ALL: [Section; 11] = [
        Section::Summary,
        Section::Contact,
        Section::Experience,
        Section::Achievement,
        Section::Skills,
        Section::Project,
        Section::Education,
        Section::Certifications,
        Section::Goals,
        Section::Interests,
        Section::Faq,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Summary => "summary",
            Section::Contact => "contact",
            Section::Experience => "experience",
            Section::Achievement => "achievement",
            Section::Skills => "skills",
            Section::Project => "project",
            Section::Education => "education",
            Section::Certifications => "certifications",
            Section::Goals => "goals",
            Section::Interests => "interests",
            Section::Faq => "faq",
            Section::Document => "document",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A chunk's content-derived id, e.g. `experience-3f2a9c04d1b7e6a8`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChunkId(String);

impl ChunkId {
    /// Wraps an id read back from an index. Ids are opaque outside this module.
    pub fn new(id: impl Into<String>) -> ChunkId {
        ChunkId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChunkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One retrievable unit of the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    pub id: ChunkId,
    pub section: Section,
    pub title: String,
    pub text: String,
    /// Facts about the chunk (company, dates, technologies, source...), for
    /// filters and citations. Ordered, so the id hash is deterministic.
    pub metadata: BTreeMap<String, String>,
}

impl Chunk {
    /// Builds a chunk and derives its id from everything in it.
    pub fn new(
        section: Section,
        title: impl Into<String>,
        text: impl Into<String>,
        metadata: BTreeMap<String, String>,
    ) -> Chunk {
        let title = title.into();
        let text = text.into();
        let mut hasher = Sha256::new();
        // Length-prefix every field so no two different chunks can hash the
        // same bytes by moving text from one field into the next.
        for part in [section.as_str(), title.as_str(), text.as_str()] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        for (key, value) in &metadata {
            for part in [key, value] {
                hasher.update((part.len() as u64).to_le_bytes());
                hasher.update(part.as_bytes());
            }
        }
        let id = ChunkId(format!(
            "{}-{}",
            section.as_str(),
            hex_prefix(&hasher.finalize(), 16)
        ));
        Chunk {
            id,
            section,
            title,
            text,
            metadata,
        }
    }
}

/// Cuts a profile into chunks, in profile order.
pub fn chunk_profile(profile: &Profile) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let person = &profile.person;
    let loc = &person.location;

    let mut text = format!(
        "I'm {}, {}. {}",
        person.name,
        person.headline,
        ensure_period(&person.summary)
    );
    if let Some(current) = profile.current_role() {
        text.push_str(&format!(
            " Right now I work as {} at {}.",
            current.title, current.company
        ));
    }
    chunks.push(Chunk::new(
        Section::Summary,
        format!("About {}", person.name),
        text,
        meta([("name", person.name.clone())]),
    ));

    let mut text = format!(
        "I'm based in {}, {} (time zone {}).",
        loc.city, loc.country, loc.timezone
    );
    if let Some(arrangement) = &loc.work_arrangement {
        text.push_str(&format!(" {}", ensure_period(arrangement)));
    }
    text.push_str(&format!(
        " The best way to reach me is email: {}.",
        person.contact.email
    ));
    let links: Vec<String> = [
        ("my website", &person.contact.website),
        ("LinkedIn", &person.contact.linkedin),
        ("GitHub", &person.contact.github),
    ]
    .into_iter()
    .filter_map(|(label, url)| url.as_ref().map(|u| format!("{label} ({u})")))
    .collect();
    if !links.is_empty() {
        text.push_str(&format!(" You can also find me on {}.", join_list(&links)));
    }
    if !person.languages.is_empty() {
        text.push_str(&format!(" I speak {}.", join_list(&person.languages)));
    }
    chunks.push(Chunk::new(
        Section::Contact,
        "Location and contact",
        text,
        meta([
            ("city", loc.city.clone()),
            ("country", loc.country.clone()),
            ("email", person.contact.email.clone()),
        ]),
    ));

    for role in &profile.experience {
        let start = month_name(&role.start);
        let mut position = format!("{} at {}", role.title, role.company);
        if let Some(location) = &role.location {
            position.push_str(&format!(" ({location})"));
        }
        let mut text = match &role.end {
            None => format!("I currently work as {position}, since {start}"),
            Some(end) => format!("From {start} to {} I worked as {position}", month_name(end)),
        };
        text.push_str(&format!(". {}", ensure_period(&role.summary)));
        if !role.technologies.is_empty() {
            // Each sentence names its subject, so that one quoted alone
            // still makes sense ("At Acme I used Rust", not "There I used").
            text.push_str(&format!(
                " At {} I used {}.",
                role.company,
                join_list(&role.technologies)
            ));
        }
        let achievements: Vec<String> = role.achievements.iter().map(|a| a.title.clone()).collect();
        text.push_str(&format!(
            " Highlights: {}.",
            join_list(&achievements).trim_end_matches('.')
        ));
        chunks.push(Chunk::new(
            Section::Experience,
            format!("{} at {}", role.title, role.company),
            text,
            meta([
                ("company", role.company.clone()),
                ("title", role.title.clone()),
                ("start", role.start.clone()),
                ("end", role.end.clone().unwrap_or_else(|| "present".into())),
                ("technologies", role.technologies.join(", ")),
            ]),
        ));

        for achievement in &role.achievements {
            let text = format!(
                "At {}, {} {} {} {}",
                role.company,
                lower_first(&ensure_period(&achievement.situation)),
                ensure_period(&achievement.task),
                ensure_period(&achievement.action),
                ensure_period(&achievement.result),
            );
            chunks.push(Chunk::new(
                Section::Achievement,
                format!("{} ({})", achievement.title, role.company),
                text,
                meta([
                    ("company", role.company.clone()),
                    ("role", role.title.clone()),
                    ("situation", achievement.situation.clone()),
                    ("task", achievement.task.clone()),
                    ("action", achievement.action.clone()),
                    ("result", achievement.result.clone()),
                ]),
            ));
        }
    }

    for category in &profile.skills {
        let skills: Vec<String> = category
            .skills
            .iter()
            .map(|skill| {
                let detail: Vec<String> = [
                    skill.level.map(|l| l.as_str().to_owned()),
                    skill.years.map(|y| plural(u32::from(y), "year")),
                ]
                .into_iter()
                .flatten()
                .collect();
                if detail.is_empty() {
                    skill.name.clone()
                } else {
                    format!("{} ({})", skill.name, detail.join(", "))
                }
            })
            .collect();
        chunks.push(Chunk::new(
            Section::Skills,
            format!("Skills: {}", category.category),
            format!("{} I work with: {}.", category.category, join_list(&skills)),
            meta([("category", category.category.clone())]),
        ));
    }

    for project in &profile.projects {
        let mut text = format!(
            "{} ({}): I was {}. {}",
            project.name,
            project.period,
            lower_first(&project.role),
            ensure_period(&project.summary)
        );
        for highlight in &project.highlights {
            text.push_str(&format!(" {}", ensure_period(highlight)));
        }
        if !project.technologies.is_empty() {
            text.push_str(&format!(
                " I built {} with {}.",
                project.name,
                join_list(&project.technologies)
            ));
        }
        let mut m = meta([
            ("name", project.name.clone()),
            ("period", project.period.clone()),
            ("technologies", project.technologies.join(", ")),
        ]);
        if let Some(url) = &project.url {
            m.insert("url".into(), url.clone());
        }
        chunks.push(Chunk::new(
            Section::Project,
            format!("Project: {}", project.name),
            text,
            m,
        ));
    }

    for edu in &profile.education {
        let mut text = format!(
            "I studied {} at {} from {} to {}, earning a {}.",
            edu.field,
            edu.institution,
            month_name(&edu.start),
            month_name(&edu.end),
            edu.degree
        );
        if let Some(details) = &edu.details {
            text.push_str(&format!(" {}", ensure_period(details)));
        }
        chunks.push(Chunk::new(
            Section::Education,
            format!("{} in {}, {}", edu.degree, edu.field, edu.institution),
            text,
            meta([
                ("institution", edu.institution.clone()),
                ("degree", edu.degree.clone()),
                ("field", edu.field.clone()),
            ]),
        ));
    }

    if !profile.certifications.is_empty() {
        let certs: Vec<String> = profile
            .certifications
            .iter()
            .map(|c| format!("{} from {} ({})", c.name, c.issuer, c.year))
            .collect();
        chunks.push(Chunk::new(
            Section::Certifications,
            "Certifications",
            format!("My certifications: {}.", join_list(&certs)),
            BTreeMap::new(),
        ));
    }

    let goals = &profile.career_goals;
    let mut text = ensure_period(&goals.summary);
    if !goals.target_roles.is_empty() {
        text.push_str(&format!(
            " Roles I'm looking for: {}.",
            join_list(&goals.target_roles)
        ));
    }
    text.push_str(&format!(
        " Availability: {}",
        ensure_period(&goals.availability)
    ));
    chunks.push(Chunk::new(
        Section::Goals,
        "Career goals and availability",
        text,
        BTreeMap::new(),
    ));

    if !profile.interests.is_empty() {
        chunks.push(Chunk::new(
            Section::Interests,
            "Interests outside work",
            format!(
                "Outside work I'm into {}.",
                join_list(&profile.interests).trim_end_matches('.')
            ),
            BTreeMap::new(),
        ));
    }

    for faq in &profile.faqs {
        chunks.push(Chunk::new(
            Section::Faq,
            faq.question.clone(),
            ensure_period(&faq.answer),
            meta([("question", faq.question.clone())]),
        ));
    }

    chunks
}

/// `2021-03` -> `March 2021`. Input is validated, so anything else is echoed.
fn month_name(yyyy_mm: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parsed = yyyy_mm
        .split_once('-')
        .and_then(|(y, m)| Some((y, MONTHS.get(m.parse::<usize>().ok()?.checked_sub(1)?)?)));
    match parsed {
        Some((year, month)) => format!("{month} {year}"),
        None => yyyy_mm.to_owned(),
    }
}

fn meta<const N: usize>(pairs: [(&str, String); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// "a", "a and b", "a, b and c".
fn join_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn ensure_period(sentence: &str) -> String {
    let trimmed = sentence.trim();
    if trimmed.ends_with(['.', '!', '?']) {
        trimmed.to_owned()
    } else {
        format!("{trimmed}.")
    }
}

/// Lower-cases the first letter unless the first word looks like a name or
/// an acronym ("Rust", "AWS"): a capital in its second letter or a word that
/// is capitalised mid-sentence anyway cannot be told apart cheaply, so only
/// common sentence openers are lowered.
fn lower_first(s: &str) -> String {
    const OPENERS: [&str; 14] = [
        "A",
        "An",
        "The",
        "Our",
        "My",
        "We",
        "When",
        "In",
        "After",
        "During",
        "Creator",
        "Lead",
        "Maintainer",
        "Author",
    ];
    let first_word = s.split_whitespace().next().unwrap_or("");
    if OPENERS.contains(&first_word) {
        let mut chars = s.chars();
        match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => String::new(),
        }
    } else {
        s.to_owned()
    }
}

fn plural(n: u32, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}
