//! The person behind the twin: the typed model of `data/digitaltwin.json`.
//!
//! [`Profile::from_json`] is the only way in. It parses with unknown fields
//! rejected (a misspelt key is a mistake, not an extension) and then validates
//! the whole document, reporting every problem with the JSON path it sits at,
//! so `twin validate` can print a list the owner fixes in one pass.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A validated profile. Construct it with [`Profile::from_json`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub person: Person,
    pub experience: Vec<Role>,
    pub skills: Vec<SkillCategory>,
    pub projects: Vec<Project>,
    pub education: Vec<Education>,
    #[serde(default)]
    pub certifications: Vec<Certification>,
    pub career_goals: CareerGoals,
    #[serde(default)]
    pub interests: Vec<String>,
    pub faqs: Vec<Faq>,
}

/// Who the person is and how to reach them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    /// One line, e.g. "Staff Backend Engineer".
    pub headline: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<String>,
    /// Two to five sentences, written in the first person.
    pub summary: String,
    pub location: Location,
    pub contact: Contact,
    /// Spoken languages, e.g. "English (native)".
    #[serde(default)]
    pub languages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub city: String,
    pub country: String,
    /// An IANA zone name such as `Europe/Lisbon`.
    pub timezone: String,
    /// How the person works from there, e.g. "Remote-first; happy to travel monthly".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_arrangement: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkedin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<String>,
}

/// One position held. Listed most recent first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub company: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `YYYY-MM`.
    pub start: String,
    /// `YYYY-MM`, or absent while the role is current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// What the role was, in the first person.
    pub summary: String,
    #[serde(default)]
    pub technologies: Vec<String>,
    pub achievements: Vec<Achievement>,
}

/// A STAR story: each part is one or more first-person sentences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Achievement {
    /// A short name, e.g. "Cut checkout latency by 60%".
    pub title: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillCategory {
    /// e.g. "Languages", "Infrastructure".
    pub category: String,
    pub skills: Vec<Skill>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<SkillLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SkillLevel {
    Beginner,
    Intermediate,
    Advanced,
    Expert,
}

impl SkillLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            SkillLevel::Beginner => "beginner",
            SkillLevel::Intermediate => "intermediate",
            SkillLevel::Advanced => "advanced",
            SkillLevel::Expert => "expert",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    /// The person's part in it, e.g. "Creator and maintainer".
    pub role: String,
    /// Free text such as "2023" or "2021–2022".
    pub period: String,
    /// What it is and why it matters, in the first person.
    pub summary: String,
    #[serde(default)]
    pub highlights: Vec<String>,
    #[serde(default)]
    pub technologies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Education {
    pub institution: String,
    pub degree: String,
    pub field: String,
    /// `YYYY-MM`.
    pub start: String,
    /// `YYYY-MM`.
    pub end: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub name: String,
    pub issuer: String,
    pub year: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareerGoals {
    /// Where the person wants to go next, in the first person.
    pub summary: String,
    #[serde(default)]
    pub target_roles: Vec<String>,
    /// e.g. "Open to new roles from March 2027, four weeks' notice".
    pub availability: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub question: String,
    /// The answer, in the first person.
    pub answer: String,
}

/// A short content hash of a validated profile.
///
/// It names the profile version everywhere: in `/api/health`, in answer
/// caches, and in the vector-index namespace a deployment reads from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProfileVersion(String);

impl ProfileVersion {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a profile was rejected: every problem found, each at its JSON path.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", render_problems(.problems))]
pub struct ProfileError {
    pub problems: Vec<Problem>,
}

/// One thing wrong with a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, e.g. `experience[2].achievements[0].result`; `.` for the document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn render_problems(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("; ")
}

impl Profile {
    /// Parses and validates a profile document.
    pub fn from_json(text: &str) -> Result<Profile, ProfileError> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let profile: Profile = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let path = err.path().to_string();
            let message = err.inner().to_string();
            ProfileError {
                problems: vec![Problem {
                    path,
                    message: strip_serde_position(&message),
                }],
            }
        })?;
        let problems = profile.problems();
        if problems.is_empty() {
            Ok(profile)
        } else {
            Err(ProfileError { problems })
        }
    }

    /// The content hash of the profile, stable across formatting and key order.
    pub fn version(&self) -> ProfileVersion {
        // Serializing the typed model gives a canonical form: field order is
        // fixed by the struct definitions, whitespace by serde_json.
        let canonical = serde_json::to_vec(self).unwrap_or_default();
        let digest = Sha256::digest(&canonical);
        ProfileVersion(hex_prefix(&digest, 12))
    }

    /// The person's first name, for greetings.
    pub fn first_name(&self) -> &str {
        self.person
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&self.person.name)
    }

    /// The words of the person's name a visitor might call them by,
    /// lower-case: "Nadia Kowalski" gives "nadia" and "kowalski". Words of
    /// one or two letters ("Li", an initial) are left out: they are too often
    /// other words.
    pub fn name_words(&self) -> Vec<String> {
        self.person
            .name
            .split(|c: char| !c.is_alphabetic())
            .filter(|word| word.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect()
    }

    /// The role the person holds now, if any.
    pub fn current_role(&self) -> Option<&Role> {
        self.experience.iter().find(|role| role.end.is_none())
    }

    fn problems(&self) -> Vec<Problem> {
        let mut v = Validator::default();
        let p = &self.person;
        v.text("person.name", &p.name, 120);
        v.text("person.headline", &p.headline, 200);
        v.text("person.summary", &p.summary, 4_000);
        v.text("person.location.city", &p.location.city, 120);
        v.text("person.location.country", &p.location.country, 120);
        v.timezone("person.location.timezone", &p.location.timezone);
        v.email("person.contact.email", &p.contact.email);
        v.url_opt("person.contact.website", p.contact.website.as_deref());
        v.url_opt("person.contact.linkedin", p.contact.linkedin.as_deref());
        v.url_opt("person.contact.github", p.contact.github.as_deref());

        v.non_empty_list("experience", self.experience.len());
        let mut current = 0;
        for (i, role) in self.experience.iter().enumerate() {
            let at = format!("experience[{i}]");
            v.text(&format!("{at}.company"), &role.company, 200);
            v.text(&format!("{at}.title"), &role.title, 200);
            v.text(&format!("{at}.summary"), &role.summary, 4_000);
            let start = v.month(&format!("{at}.start"), &role.start);
            match &role.end {
                None => current += 1,
                Some(end) => {
                    let end_month = v.month(&format!("{at}.end"), end);
                    if let (Some(s), Some(e)) = (start, end_month)
                        && e < s
                    {
                        v.problem(&format!("{at}.end"), "is before the start of the role");
                    }
                }
            }
            v.non_empty_list(&format!("{at}.achievements"), role.achievements.len());
            for (j, a) in role.achievements.iter().enumerate() {
                let at = format!("{at}.achievements[{j}]");
                v.text(&format!("{at}.title"), &a.title, 200);
                v.text(&format!("{at}.situation"), &a.situation, 2_000);
                v.text(&format!("{at}.task"), &a.task, 2_000);
                v.text(&format!("{at}.action"), &a.action, 2_000);
                v.text(&format!("{at}.result"), &a.result, 2_000);
            }
            v.items(&format!("{at}.technologies"), &role.technologies);
        }
        if current > 1 {
            v.problem(
                "experience",
                "more than one role has no `end`; only the current role may leave it out",
            );
        }

        v.non_empty_list("skills", self.skills.len());
        for (i, category) in self.skills.iter().enumerate() {
            let at = format!("skills[{i}]");
            v.text(&format!("{at}.category"), &category.category, 120);
            v.non_empty_list(&format!("{at}.skills"), category.skills.len());
            for (j, skill) in category.skills.iter().enumerate() {
                v.text(&format!("{at}.skills[{j}].name"), &skill.name, 120);
                if skill.years.is_some_and(|y| y > 60) {
                    v.problem(&format!("{at}.skills[{j}].years"), "must be at most 60");
                }
            }
        }

        v.non_empty_list("projects", self.projects.len());
        for (i, project) in self.projects.iter().enumerate() {
            let at = format!("projects[{i}]");
            v.text(&format!("{at}.name"), &project.name, 200);
            v.text(&format!("{at}.role"), &project.role, 200);
            v.text(&format!("{at}.period"), &project.period, 60);
            v.text(&format!("{at}.summary"), &project.summary, 4_000);
            v.items(&format!("{at}.highlights"), &project.highlights);
            v.items(&format!("{at}.technologies"), &project.technologies);
            v.url_opt(&format!("{at}.url"), project.url.as_deref());
        }

        for (i, edu) in self.education.iter().enumerate() {
            let at = format!("education[{i}]");
            v.text(&format!("{at}.institution"), &edu.institution, 200);
            v.text(&format!("{at}.degree"), &edu.degree, 200);
            v.text(&format!("{at}.field"), &edu.field, 200);
            let start = v.month(&format!("{at}.start"), &edu.start);
            let end = v.month(&format!("{at}.end"), &edu.end);
            if let (Some(s), Some(e)) = (start, end)
                && e < s
            {
                v.problem(&format!("{at}.end"), "is before the start");
            }
        }

        for (i, cert) in self.certifications.iter().enumerate() {
            let at = format!("certifications[{i}]");
            v.text(&format!("{at}.name"), &cert.name, 200);
            v.text(&format!("{at}.issuer"), &cert.issuer, 200);
            if !(1950..=2100).contains(&cert.year) {
                v.problem(
                    &format!("{at}.year"),
                    "must be a year between 1950 and 2100",
                );
            }
        }

        v.text("career_goals.summary", &self.career_goals.summary, 4_000);
        v.text(
            "career_goals.availability",
            &self.career_goals.availability,
            1_000,
        );
        v.items("career_goals.target_roles", &self.career_goals.target_roles);
        v.items("interests", &self.interests);

        v.non_empty_list("faqs", self.faqs.len());
        for (i, faq) in self.faqs.iter().enumerate() {
            v.text(&format!("faqs[{i}].question"), &faq.question, 500);
            v.text(&format!("faqs[{i}].answer"), &faq.answer, 4_000);
        }
        v.problems
    }
}

/// Collects problems; each check names the path it is about.
#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn text(&mut self, path: &str, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.problem(path, "must not be empty");
        } else if value.chars().count() > max_chars {
            self.problem(path, format!("is longer than {max_chars} characters"));
        }
    }

    fn items(&mut self, path: &str, items: &[String]) {
        for (i, item) in items.iter().enumerate() {
            self.text(&format!("{path}[{i}]"), item, 500);
        }
    }

    fn non_empty_list(&mut self, path: &str, len: usize) {
        if len == 0 {
            self.problem(path, "must list at least one entry");
        }
    }

    /// Checks `YYYY-MM` and returns it as a comparable number of months.
    fn month(&mut self, path: &str, value: &str) -> Option<u32> {
        let parsed = value.split_once('-').and_then(|(y, m)| {
            let ok = y.len() == 4 && m.len() == 2;
            let year: u32 = y.parse().ok().filter(|_| ok)?;
            let month: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            Some(year * 12 + month - 1)
        });
        if parsed.is_none() {
            self.problem(
                path,
                format!("must be a month written YYYY-MM (e.g. 2021-03), got {value:?}"),
            );
        }
        parsed
    }

    fn email(&mut self, path: &str, value: &str) {
        let valid = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.contains(char::is_whitespace)
        });
        if !valid {
            self.problem(path, format!("must be an email address, got {value:?}"));
        }
    }

    fn url_opt(&mut self, path: &str, value: Option<&str>) {
        if let Some(value) = value {
            let rest = value
                .strip_prefix("https://")
                .or_else(|| value.strip_prefix("http://"));
            let valid = rest.is_some_and(|r| {
                let host = r.split('/').next().unwrap_or("");
                host.contains('.') && !r.contains(char::is_whitespace)
            });
            if !valid {
                self.problem(path, format!("must be an http(s) URL, got {value:?}"));
            }
        }
    }

    fn timezone(&mut self, path: &str, value: &str) {
        let valid = value == "UTC"
            || (value.contains('/')
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c)));
        if !valid {
            self.problem(
                path,
                format!("must be an IANA time zone such as Europe/Lisbon, got {value:?}"),
            );
        }
    }
}

/// serde_json appends "at line L column C"; the path already says where.
fn strip_serde_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The first `chars` hex digits of a digest.
pub(crate) fn hex_prefix(bytes: &[u8], chars: usize) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(chars);
    for byte in bytes {
        if out.len() >= chars {
            break;
        }
        let _ = write!(out, "{byte:02x}");
    }
    out.truncate(chars);
    out
}
