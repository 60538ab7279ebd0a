//! What the index knows about words beyond exact stems: a small hand-curated
//! table of concepts and aliases for rewording, and a typo-tolerant lookup of
//! the words it has seen.
//!
//! Both exist because the index has no embedding model: nothing can be
//! downloaded at run time and a serverless cold start must stay in the
//! milliseconds. Visitors ask a twin about a narrow, predictable set of
//! topics (study, work, pay, location, hobbies, contact...), so about a
//! hundred concept groups and under three hundred phrases cover most rewordings that stemming
//! does not: the words recruiters use for the same thing ("gig", "shop",
//! "notice period", "the freight company"), and the idioms they ask in
//! ("blew up in prod", "can't agree", "jump ship").

use std::collections::HashMap;
use std::sync::LazyLock;

use super::hash::FxBuildHasher;
use crate::chunk::Section;
use crate::text;

/// A set of words that answer the same question.
#[derive(Debug)]
pub(super) struct Group {
    /// Surface words; they are stemmed when the table is first used.
    pub words: &'static [&'static str],
    /// Aliases name the same thing ("k8s" and "kubernetes") and match at full
    /// credit; concepts are related words and match at the configured
    /// synonym credit.
    pub alias: bool,
    /// The profile section the concept leads to, if any. Every chunk of
    /// that section matches a word of the group: a chunk in the education
    /// section answers "where did you go to college?" whether or not it says
    /// "college".
    pub section: Option<Section>,
    /// Whether the group names its section (hobbies -> interests), so the
    /// section matches at full credit, rather than being one part of it
    /// (football -> interests), matching at the synonym credit.
    pub names_section: bool,
    /// For a hobby group, how many of its first words name the kind of
    /// pastime ("sport", "music") rather than one pastime of that kind
    /// ("tennis", "guitar"). Only those lead to the interests section: a
    /// profile that climbs answers "any sports?", not "do you play
    /// tennis?". The pastimes still tell whether a chunk speaks of the kind.
    pub kinds: usize,
    /// Whether a chunk can be *about* the concept (pay, visas, conflict),
    /// rather than the concept being an action many chunks mention (cut,
    /// improve). A chunk that uses the words of such a theme often carries
    /// its token and matches any of its words in full.
    pub theme: bool,
}

const fn concept(words: &'static [&'static str]) -> Group {
    Group {
        words,
        alias: false,
        section: None,
        names_section: false,
        kinds: 0,
        theme: false,
    }
}

const fn theme(words: &'static [&'static str]) -> Group {
    Group {
        words,
        alias: false,
        section: None,
        names_section: false,
        kinds: 0,
        theme: true,
    }
}

const fn topic(section: Section, words: &'static [&'static str]) -> Group {
    Group {
        words,
        alias: false,
        section: Some(section),
        names_section: true,
        kinds: 0,
        theme: false,
    }
}

/// A kind of pastime: its first `kinds` words name the kind, the rest are
/// pastimes of that kind.
const fn hobby(kinds: usize, words: &'static [&'static str]) -> Group {
    Group {
        words,
        alias: false,
        section: Some(Section::Interests),
        names_section: false,
        kinds,
        theme: false,
    }
}

const fn alias(words: &'static [&'static str]) -> Group {
    Group {
        words,
        alias: true,
        section: None,
        names_section: false,
        kinds: 0,
        theme: false,
    }
}

/// The concept and alias groups. Topic groups lead to a profile section, so
/// that a reworded question finds the right section even when none of its
/// words appear in the chunks.
#[rustfmt::skip]
pub(super) const GROUPS: &[Group] = &[
    topic(Section::Education, &[
        "education", "study", "studied", "studies", "studying", "university", "universities",
        "uni", "college", "degree", "degrees", "school", "graduate", "graduated", "graduation",
        "academic", "academia", "bachelor", "bachelors", "master", "masters", "msc", "bsc", "phd",
        "doctorate", "diploma", "major", "thesis", "dissertation", "institute", "student", "alma",
        "mater", "coursework", "course", "courses", "grade", "grades", "gpa", "qualification",
        "qualifications", "undergrad", "undergraduate", "postgrad", "postgraduate", "honours",
        "honors", "capstone",
    ]),
    topic(Section::Experience, &[
        "experience", "job", "jobs", "work", "worked", "employer", "employers", "employment",
        "employed", "company", "companies", "role", "roles", "position", "positions", "career",
        "professional", "occupation", "profession", "industry", "tenure", "gig", "shop", "firm",
        "outfit", "workplace", "stint", "stints", "title", "titles",
    ]),
    theme(&[
        "salary", "salaries", "pay", "paid", "compensation", "comp", "money", "range", "earn",
        "earning", "earnings", "income", "remuneration", "wage", "wages", "package", "equity",
        "bonus", "band", "ctc",
    ]),
    // Relocation is not here: the location chunk says where someone lives,
    // and whether they would move is an answer of its own (the theme below).
    topic(Section::Contact, &[
        "contact", "location", "remote", "remotely", "office", "onsite", "hybrid", "wfh", "commute",
        "based", "live", "living", "located", "city", "country", "timezone", "travel", "travelling",
        "traveling", "reside", "residence", "hometown",
    ]),
    topic(Section::Interests, &[
        "interests", "interest", "hobby", "hobbies", "fun", "passion", "passions", "weekend",
        "weekends", "enjoy", "leisure", "pastime", "pastimes", "outside", "play", "playing",
        "relax", "relaxing", "unwind", "recharge", "downtime",
    ]),
    topic(Section::Contact, &[
        "contact", "email", "mail", "address", "reach", "touch", "message", "linkedin", "website",
        "call", "connect", "schedule", "calendar", "appointment", "meeting", "book", "chat",
        "interview", "interviews", "slot", "slots",
    ]),
    concept(&["current", "currently", "presently", "nowadays", "today"]),
    concept(&["programming", "coding", "code", "languages", "language"]),
    theme(&[
        "talk", "talks", "conference", "conferences", "speaking", "speaker", "presentation",
        "presentations", "meetup", "meetups", "keynote", "presenting", "present", "audience",
        "crowd", "stage", "slides", "deck", "decks",
    ]),
    concept(&[
        "rewrite", "rewrote", "rewritten", "rebuild", "rebuilt", "reimplement", "replace",
        "replaced", "migrate", "migrated", "migration", "overhaul", "redesign", "redesigned",
        "revamp", "revamped", "rework", "reworked", "swap", "swapped", "swapping", "overhauled",
        "cutover", "cutovers", "switchover",
    ]),
    topic(Section::Skills, &[
        "skills", "skill", "skillset", "tech", "technology", "technologies", "stack", "tool",
        "tools", "proficient", "proficiency", "expertise", "strengths", "strength", "strongest",
        "toolbox", "competence", "competencies", "capabilities", "strong",
    ]),
    topic(Section::Project, &[
        "project", "projects", "side", "portfolio", "oss", "repository", "repositories", "repo",
        "repos", "built", "tinker", "tinkering", "hack", "hacking",
    ]),
    // Code shared with the world: open source, libraries, what one maintains.
    theme(&[
        "oss", "community", "github", "publish", "published", "publishing", "maintain",
        "maintained", "maintainer", "library", "libraries", "crate", "crates", "contribute",
        "contributed", "contributing", "contributions",
    ]),
    topic(Section::Goals, &[
        "goals", "goal", "next", "looking", "future", "aspiration", "aspirations", "ambition",
        "ambitions", "plan", "plans", "seeking", "target", "available", "availability", "start",
        "begin", "earliest", "soon", "asap", "notice", "hire", "hiring", "offer", "offers",
        "opportunity", "opportunities", "ideal", "dream", "aim", "aiming", "pursue", "pursuing",
    ]),

    topic(Section::Certifications, &[
        "certifications", "certification", "certificate", "certificates", "certified", "credential",
        "credentials", "accreditation", "cert", "certs",
    ]),
    topic(Section::Achievement, &[
        "achievement", "achievements", "accomplishment", "accomplishments", "accomplished", "proud",
        "proudest", "impact", "success", "successes", "highlight", "highlights", "win", "wins",
    ]),
    topic(Section::Contact, &[
        "contact", "speak", "spoken", "fluent", "fluently", "native", "languages", "bilingual",
        "multilingual", "polyglot", "tongue",
    ]),
    concept(&[
        "reduce", "reduced", "cut", "lower", "lowered", "decrease", "decreased", "halve", "halved",
        "shrink", "save", "saved", "savings", "dent", "shave", "shaved", "trim", "trimmed",
        "slash", "slashed", "slashing",
    ]),
    concept(&[
        "improve", "improved", "increase", "increased", "boost", "fast", "faster", "speed", "sped",
        "quicker", "accelerate", "accelerated", "optimise", "optimize", "optimised", "optimized",
    ]),
    // Levels of seniority: mentoring "junior engineers" is mentoring
    // engineers on their way to senior.
    concept(&[
        "junior", "juniors", "senior", "seniors", "seniority", "newcomer", "newcomers",
    ]),
    theme(&[
        "lead", "led", "leader", "leadership", "manage", "managed", "managing", "manager",
        "management", "boss", "supervise", "supervised", "supervisor", "mentor", "mentored",
        "mentoring", "coach", "coached", "coaching", "mentee", "mentees",
    ]),
    // The questions recruiters ask about working with someone.
    theme(&[
        "team", "teams", "squad", "squads", "colleague", "colleagues", "coworker", "coworkers",
        "teammate", "teammates", "peers", "group", "groups", "crew", "department", "departments",
        "org", "headcount",
    ]),
    // How big something is: "how big a group", "what size of company".
    concept(&[
        "size", "sized", "sizes", "big", "bigger", "biggest", "large", "larger", "small",
        "smaller", "headcount",
    ]),
    theme(&[
        "disagreement", "disagreements", "disagree", "conflict", "conflicts", "argument",
        "arguments", "argue", "dispute", "disputes", "debate", "debates", "pushback", "clash",
        "clashes", "friction", "disagreeing", "conflicting",
    ]),
    theme(&[
        "failure", "failures", "fail", "failed", "mistake", "mistakes", "regret", "regrets",
        "setback", "setbacks", "blunder", "blunders", "wrong", "mess", "messed", "screwup",
        "screwups", "fiasco", "botched", "misstep", "missteps", "worst",
    ]),
    concept(&[
        "learn", "learned", "learnt", "lesson", "lessons", "taught", "teach", "takeaway",
        "takeaways",
    ]),
    theme(&[
        "challenging", "challenge", "challenges", "hard", "hardest", "difficult", "difficulty",
        "toughest", "tough", "complex", "complicated", "tricky", "gnarly", "gnarliest", "hairy",
        "thorny", "trickiest",
    ]),
    theme(&[
        "style", "styles", "habit", "habits", "routine", "routines", "workflow", "methodology",
    ]),
    theme(&[
        "decision", "decisions", "decide", "decided", "choice", "choices", "choose", "chose",
        "tradeoff", "tradeoffs",
    ]),
    concept(&[
        "handle", "handled", "handling", "resolve", "resolved", "resolving", "settle", "tackle",
        "navigate", "deal",
    ]),
    // Where and how someone works, beyond the contact chunk: the FAQ on
    // remote work and relocation says "remote", "office" and "travel" too.
    theme(&[
        "remote", "remotely", "relocate", "relocation", "relocating", "move", "moving", "abroad",
        "overseas", "emigrate", "office", "onsite", "hybrid", "wfh", "commute", "travel", "fly",
        "flying", "visit", "visits",
    ]),
    // Being on call: "on call" is rewritten to "oncall" (see PHRASES).
    theme(&[
        "oncall", "rotation", "rotations", "pager", "paging", "pages", "pagerduty", "beeper",
        "rota", "rotas",
    ]),
    // Working hours across time zones: the remote-work answer says how many
    // hours of overlap it needs.
    theme(&["timezone", "timezones", "overlap", "overlapping"]),
    // What things cost and what was saved.
    theme(&[
        "cost", "costs", "costly", "cheap", "cheaper", "cheapest", "expensive", "spend",
        "spending", "budget", "budgets",
    ]),
    // Something happening more than once: double charges, double bookings.
    theme(&[
        "duplicate", "duplicates", "duplicated", "twice", "double", "doubled", "dedupe",
        "deduplicate", "deduplication", "idempotent", "idempotency",
    ]),
    concept(&["charge", "charged", "charges", "charging", "billed", "overcharged"]),
    // Breaking things on purpose to see what survives.
    theme(&[
        "fault", "faults", "inject", "injects", "injecting", "chaos", "resilience", "resilient",
        "break", "breaks", "breaking",
    ]),
    // Community work: meetups and the events around them.
    theme(&[
        "meetup", "meetups", "community", "communities", "gathering", "gatherings", "event",
        "events", "organise", "organize", "organiser", "organizer", "organising", "organizing",
    ]),
    // Kinds of company, as visitors name an employer without its name ("the
    // freight company", "the mobile carrier", "the fintech").
    concept(&[
        "logistics", "freight", "shipment", "shipments", "parcel", "parcels",
        "delivery", "deliveries", "courier", "couriers", "trucking", "haulage",
    ]),
    concept(&[
        "telecom", "telecoms", "telco", "telcos", "telecommunications", "carrier", "operator",
        "mobile", "cellular", "subscribers", "phone", "phones", "telephone",
    ]),
    concept(&["fintech", "payments", "payment", "finance", "financial"]),
    concept(&["startup", "startups", "scaleup", "scaleups"]),
    // Who someone is, in a line.
    // Who someone is, starting with their name.
    topic(Section::Summary, &[
        "summary", "overview", "bio", "biography", "pitch", "intro", "introduce", "introduction",
        "name",
    ]),
    concept(&[
        "ledger", "ledgers", "bookkeeping", "accounting", "debit", "debits", "credit", "credits",
    ]),
    concept(&["yacht", "yachts", "boat", "boats", "sailor", "sailors", "sailboat", "sailboats"]),
    concept(&[
        "booking", "bookings", "booked", "rent", "rented", "rental", "reservation",
        "reservations", "reserve", "reserved", "reserving",
    ]),
    concept(&["nightly", "overnight", "batch", "batches"]),
    // A night job that runs late runs into the morning.
    concept(&["morning", "mornings", "breakfast", "dawn", "sunrise"]),
    concept(&["internship", "intern", "placement", "traineeship"]),
    // Standing in for someone.
    concept(&["interim", "acting", "temporary", "temporarily"]),
    // Systems going down, and what follows: an outage is not a personal
    // failure (the failure theme would make every achievement that mentions
    // one "about" failing).
    concept(&[
        "downtime", "offline", "uptime", "outage", "outages", "incident", "incidents",
        "postmortem", "postmortems",
    ]),
    concept(&[
        "failover", "failovers", "replication", "replicated", "consensus", "fencing", "raft",
        "quorum",
    ]),
    concept(&["alert", "alerts", "alarm", "alarms", "noise", "noisy"]),
    // More than a system can take: "clients hammer it with retries".
    concept(&[
        "overload", "overloaded", "overloading", "overwhelmed", "swamped", "hammer", "hammered",
        "hammering", "flooded", "slammed",
    ]),
    // How much a project is used.
    concept(&["popular", "popularity", "traction", "adoption", "adopted"]),
    // Writing code rather than managing: "keep her hands on the keyboard".
    concept(&["contributor", "contributors", "individual"]),
    concept(&[
        "truck", "trucks", "route", "routes", "routing", "dispatch", "dispatchers", "lorry",
        "lorries", "vehicle", "vehicles", "van", "vans", "fleet", "fleets",
    ]),
    // How far the trucks drive.
    concept(&[
        "distance", "distances", "kilometre", "kilometres", "kilometer", "kilometers", "km",
        "mile", "miles", "mileage",
    ]),
    concept(&["throughput", "traffic", "volume", "load", "firehose"]),
    concept(&["tariff", "tariffs", "pricing", "price", "prices", "rate", "rates"]),
    concept(&["invoice", "invoices", "bill", "bills", "billing"]),
    // What a test catches.
    concept(&[
        "bug", "bugs", "defect", "defects", "problem", "problems", "glitch", "glitches", "error",
        "errors",
    ]),
    concept(&[
        "olap", "columnar", "analytics", "analytical", "warehouse", "warehousing", "clickhouse",
        "druid", "bigquery", "snowflake", "redshift",
    ]),
    concept(&["transit", "tram", "trams", "bus", "buses", "train", "trains", "metro", "arrivals"]),
    concept(&["hq", "headquarters", "office", "offices"]),
    concept(&["promote", "promoted", "promotion", "promotions"]),
    // A phone number is a fact of its own: a profile without one does not
    // answer "what's your mobile number?" with its email address, nor with
    // the job at a mobile operator.
    concept(&["phonenumber", "landline"]),
    // Nor a street address with the city someone is based in.
    concept(&["postaladdress", "postcode", "zipcode"]),
    concept(&["sacked", "dismissed", "layoff", "layoffs"]),
    concept(&["reply", "replies", "respond", "responds", "response"]),
    concept(&[
        "leave", "leaving", "left", "quit", "quitting", "resign", "resigned", "resignation",
    ]),
    concept(&["author", "authors", "writer", "writers", "novelist", "book", "books"]),
    theme(&[
        "freelance", "freelancing", "freelancer", "contract", "contracts", "contractor",
        "moonlight", "moonlighting", "moonlighted",
        "consulting", "consultant", "consultancy", "gig", "gigs", "hourly",
    ]),
    theme(&[
        "visa", "visas", "sponsor", "sponsorship", "sponsored", "permit", "citizen", "citizenship",
        "immigration", "immigrate", "paperwork",
        "passport", "nationality", "authorisation", "authorization", "eligible", "payroll",
    ]),
    theme(&[
        "database", "databases", "db", "dbs", "rdbms", "datastore", "datastores", "storage",
    ]),
    theme(&[
        "observability", "monitoring", "telemetry", "alerting", "dashboards",
    ]),
    theme(&[
        "docker", "container", "containers", "containerised", "containerized", "orchestration",
        "kubernetes",
    ]),
    // What people do outside work, so that "do you bake bread?" or "any
    // sports?" find the interests chunk (which says "sourdough" and
    // "bouldering"), at synonym credit. Hobby words lead to that section
    // only, never to the same words in other chunks, and only when a chunk
    // there uses a word of the same group: "bouldering" says nothing about
    // music. Only the words for a kind of pastime lead there: "do you play
    // tennis?" is not answered by bouldering and surfing.
    hobby(12, &[
        "cooking", "cook", "bake", "baking", "baker", "bread", "sourdough", "recipe", "recipes",
        "kitchen", "food", "chef",
    ]),
    hobby(4, &[
        "sport", "sports", "gym", "fitness",
        "climbing", "climb", "bouldering", "hiking", "hike", "marathon", "jogging", "cycling",
        "bike", "biking", "swimming", "surfing", "skiing", "yoga", "football", "soccer", "tennis",
    ]),
    hobby(4, &[
        "music", "musician", "concert", "concerts",
        "guitar", "piano", "drums", "singing", "band", "vinyl",
    ]),
    hobby(8, &[
        "reading", "read", "books", "book", "novel", "novels", "fiction", "literature",
        "reread", "rereading",
    ]),
    hobby(6, &["photography", "photo", "photos", "camera", "cameras", "film"]),
    hobby(4, &[
        "games", "game", "gaming", "boardgames",
        "chess", "videogames",
    ]),
    // One pastime in other words.
    concept(&["climbing", "climb", "climber", "bouldering", "boulder"]),
    concept(&["cycling", "cyclist", "bike", "biking", "bicycle", "ride", "rides", "riding"]),
    theme(&["cloud", "aws", "gcp", "azure"]),
    alias(&["kubernetes", "k8s"]),
    alias(&["rust", "rustacean", "rustaceans"]),
    concept(&["display", "displays", "screen", "screens"]),
    concept(&["burnout", "exhaustion", "overworked", "overwork"]),
    alias(&["go", "golang"]),
    alias(&["javascript", "js"]),
    alias(&["typescript", "ts"]),
    alias(&["postgresql", "postgres", "psql"]),
    alias(&["ai", "ml", "llm", "llms", "genai", "chatgpt", "gpt", "copilot"]),
    alias(&["cv", "resume", "résumé"]),
    // Text speak for content words: "how many yrs of exp?", "ppl you managed".
    alias(&["years", "yrs", "yr"]),
    alias(&["months", "mos", "mths"]),
    alias(&["weeks", "wks", "wk"]),
    alias(&["hours", "hrs"]),
    alias(&["experience", "exp", "yoe"]),
    alias(&["people", "ppl"]),
    alias(&["manager", "managers", "mgr", "mgrs"]),
    alias(&["management", "mgmt"]),
    alias(&["senior", "sr"]),
    alias(&["junior", "jr"]),
    alias(&["engineer", "engineers", "dev", "devs"]),
    alias(&["call", "cal"]),
    alias(&["infrastructure", "infra"]),
    alias(&["language", "languages", "lang", "langs"]),
];

/// Multi-word phrases that mean one concept, rewritten before a query is
/// analysed, since their words on their own would mislead ("free time" is
/// about hobbies, not about time zones).
/// In a phrase of [`PHRASES`], any of the words of [`OWNERS`]: "away from
/// *the* desk", "away from *her* desk".
pub(super) const ANY_OWNER: &str = "_";

/// The words [`ANY_OWNER`] stands for.
const OWNERS: &[&str] = &["a", "her", "his", "the", "your"];

/// Whether a word of a question is the word `pattern` of a phrase.
pub(super) fn phrase_word_matches(pattern: &str, word: &str) -> bool {
    if pattern == ANY_OWNER {
        OWNERS.contains(&word)
    } else {
        pattern == word
    }
}

pub(super) const PHRASES: &[(&[&str], &str)] = &[
    (&["free", "time"], "hobbies"),
    (&["spare", "time"], "hobbies"),
    (&["for", "fun"], "hobbies"),
    (&["outside", "of", "work"], "hobbies"),
    (&["outside", "work"], "hobbies"),
    (&["for", "a", "living"], "job"),
    (&["get", "in", "touch"], "contact"),
    (&["time", "zone"], "timezone"),
    (&["work", "from", "home"], "remote"),
    // Time away from work is about hobbies, not about the job.
    (&["not", "working"], "hobbies"),
    (&["not", "at", "work"], "hobbies"),
    (&["off", "work"], "hobbies"),
    (&["after", "work"], "hobbies"),
    (&["time", "off"], "hobbies"),
    (&["days", "off"], "hobbies"),
    (&["machine", "learning"], "ml"),
    (&["deep", "learning"], "ml"),
    (&["right", "to", "work"], "visa"),
    (&["artificial", "intelligence"], "ai"),
    // "What are you good at?" asks for strengths; "are you any good at
    // chess?" only frames its topic.
    (&["any", "good", "at"], "good"),
    (&["good", "at"], "strengths"),
    (&["board", "games"], "boardgames"),
    (&["board", "game"], "boardgames"),
    (&["pager", "duty"], "oncall"),
    (&["working", "hours"], "timezone"),
    (&["work", "hours"], "timezone"),
    (&["business", "hours"], "timezone"),
    (&["line", "up"], "overlap"),
    // Not agreeing is disagreeing ("can't" is read as "can" and "t").
    (&["can", "t", "agree"], "disagree"),
    (&["cant", "agree"], "disagree"),
    (&["don", "t", "agree"], "disagree"),
    (&["dont", "agree"], "disagree"),
    (&["not", "agree"], "disagree"),
    (&["couldn", "t", "agree"], "disagree"),
    // Things going wrong.
    (&["dropped", "the", "ball"], "failure"),
    (&["drop", "the", "ball"], "failure"),
    (&["dropping", "the", "ball"], "failure"),
    (&["fell", "short"], "failure"),
    (&["fall", "short"], "failure"),
    (&["fell", "flat"], "failure"),
    (&["butt", "heads"], "disagree"),
    (&["butting", "heads"], "disagree"),
    (&["butted", "heads"], "disagree"),
    (&["lock", "horns"], "disagree"),
    (&["turf", "war"], "disagree"),
    (&["turf", "wars"], "disagree"),
    (&["locked", "horns"], "disagree"),
    (&["eye", "to", "eye"], "disagree"),
    (&["keel", "over"], "overloaded"),
    (&["keeling", "over"], "overloaded"),
    (&["keeled", "over"], "overloaded"),
    (&["falls", "over"], "overloaded"),
    (&["falling", "over"], "overloaded"),
    (&["side", "hustle"], "freelance"),
    (&["side", "gig"], "freelance"),
    (&["side", "gigs"], "freelance"),
    (&["hands", "on", "the", "keyboard"], "contributor"),
    (&["hands", "on", "keyboard"], "contributor"),
    // "Which clouds have you had your hands on?": used.
    (&["hands", "on"], "used"),
    (&["angling", "for"], "looking"),
    (&["billing", "run"], "batch"),
    (&["batch", "run"], "batch"),
    (&["blew", "up"], "failure"),
    (&["blow", "up"], "failure"),
    (&["blows", "up"], "failure"),
    (&["blown", "up"], "failure"),
    (&["messed", "up"], "failure"),
    (&["mess", "up"], "failure"),
    (&["screwed", "up"], "failure"),
    (&["screw", "up"], "failure"),
    (&["went", "wrong"], "failure"),
    (&["gone", "wrong"], "failure"),
    (&["take", "away"], "lesson"),
    (&["elevator", "pitch"], "summary"),
    (&["mobile", "number"], "phonenumber"),
    (&["cell", "number"], "phonenumber"),
    (&["phone", "number"], "phonenumber"),
    (&["telephone", "number"], "phonenumber"),
    (&["home", "address"], "postaladdress"),
    (&["street", "address"], "postaladdress"),
    (&["postal", "address"], "postaladdress"),
    (&["mailing", "address"], "postaladdress"),
    (&["zip", "code"], "zipcode"),
    (&["post", "code"], "postcode"),
    (&["laid", "off"], "layoff"),
    // Being fired is being dismissed, not firing requests at a service.
    (&["been", "fired"], "dismissed"),
    (&["got", "fired"], "dismissed"),
    (&["get", "fired"], "dismissed"),
    (&["was", "fired"], "dismissed"),
    (&["were", "fired"], "dismissed"),
    (&["phone", "call"], "call"),
    (&["down", "the", "line"], "future"),
    (&["step", "up"], "lead"),
    (&["level", "up"], "mentor"),
    (&["growing", "people"], "mentor"),
    (&["climbed", "the", "ladder"], "promoted"),
    (&["climb", "the", "ladder"], "promoted"),
    (&["up", "the", "ladder"], "promoted"),
    (&["grow", "people"], "mentor"),
    (&["levelling", "up"], "mentor"),
    (&["leveling", "up"], "mentor"),
    (&["rip", "out"], "replace"),
    (&["ripped", "out"], "replace"),
    (&["ripping", "out"], "replace"),
    // A person who switches off unwinds; a system switched off is offline.
    (&["to", "switch", "off"], "unwind"),
    (&["you", "switch", "off"], "unwind"),
    (&["she", "switch", "off"], "unwind"),
    (&["switching", "off"], "offline"),
    (&["switch", "off"], "offline"),
    (&["switched", "off"], "offline"),
    (&["turning", "off"], "offline"),
    (&["on", "earth"], "actually"),
    (&["bring", "you", "on", "board"], "hire"),
    (&["bring", "her", "on", "board"], "hire"),
    (&["bring", "him", "on", "board"], "hire"),
    (&["butts", "in", "seats"], "office"),
    (&["notice", "period"], "notice"),
    (&["day", "to", "day"], "role"),
    (&["way", "you", "work"], "style"),
    (&["data", "store"], "datastore"),
    (&["data", "stores"], "datastore"),
    (&["on", "cal"], "oncall"),
    (&["goes", "dark"], "outage"),
    (&["go", "dark"], "outage"),
    (&["went", "dark"], "outage"),
    (&["goes", "down"], "outage"),
    (&["go", "down"], "outage"),
    (&["went", "down"], "outage"),
    (&["gone", "down"], "outage"),
    (&["going", "down"], "outage"),
    (&["disaster", "recovery"], "failover"),
    (&["under", "your", "belt"], "experience"),
    (&["leader", "election"], "consensus"),
    (&["split", "brain"], "fencing"),
    (&["public", "speaking"], "speaking"),
    (&["public", "transport"], "transit"),
    (&["final", "year", "project"], "thesis"),
    (&["kick", "off"], "start"),
    (&["on", "the", "market"], "looking"),
    (&["stock", "options"], "equity"),
    (&["pack", "up"], "relocate"),
    (&["packing", "up"], "relocate"),
    (&["packed", "up"], "relocate"),
    (&["work", "papers"], "visa"),
    (&["red", "tape"], "paperwork"),
    (&["people", "management"], "management"),
    (&["how", "do", "you", "like", "to", "work"], "style"),
    (&["shoots", "down"], "disagree"),
    (&["shoot", "down"], "disagree"),
    (&["shot", "down"], "disagree"),
    (&["out", "of", "hours"], "oncall"),
    (&["climb", "the", "ladder"], "promoted"),
    (&["climb", "the", "management", "ladder"], "manager"),
    (&["management", "ladder"], "manager"),
    // "How much did you manage to trim...": did, not management.
    (&["manage", "to"], "do"),
    (&["managed", "to"], "do"),
    (&["manages", "to"], "do"),
    (&["belly", "up"], "outage"),
    (&["back", "on", "their", "feet"], "failover"),
    (&["back", "on", "its", "feet"], "failover"),
    (&["angling", "to"], "want"),
    (&["at", "some", "point"], "then"),
    (&["deep", "in", "the", "tech"], "contributor"),
    (&["get", "hold", "of"], "contact"),
    (&["get", "back", "to"], "reply"),
    (&["bail", "on"], "leave"),
    (&["jump", "ship"], "leave"),
    (&["neural", "nets"], "ml"),
    (&["neural", "networks"], "ml"),
    (&["neural", "network"], "ml"),
    (&["took", "away"], "lesson"),
    (&["in", "the", "industry"], "experience"),
    (&["work", "permit"], "visa"),
    (&["push", "back"], "disagree"),
    (&["pushes", "back"], "disagree"),
    (&["pushed", "back"], "disagree"),
    (&["pushing", "back"], "disagree"),
    // A system that switches over to another region fails over.
    (&["switch", "over"], "failover"),
    (&["switches", "over"], "failover"),
    (&["switched", "over"], "failover"),
    (&["fail", "over"], "failover"),
    (&["fails", "over"], "failover"),
    // Away from the keyboard or the desk is outside work (`ANY_OWNER`
    // stands for "the", "a", "your", "her" or "his").
    (&["not", "glued", "to", "a", "keyboard"], "hobbies"),
    (&["not", "at", ANY_OWNER, "keyboard"], "hobbies"),
    (&["not", "at", ANY_OWNER, "laptop"], "hobbies"),
    (&["not", "at", ANY_OWNER, "desk"], "hobbies"),
    (&["not", "at", ANY_OWNER, "screen"], "hobbies"),
    (&["not", "at", ANY_OWNER, "computer"], "hobbies"),
    (&["away", "from", ANY_OWNER, "keyboard"], "hobbies"),
    (&["away", "from", ANY_OWNER, "laptop"], "hobbies"),
    (&["away", "from", ANY_OWNER, "desk"], "hobbies"),
    (&["away", "from", ANY_OWNER, "screen"], "hobbies"),
    (&["away", "from", ANY_OWNER, "computer"], "hobbies"),
    (&["walk", "away"], "leave"),
    (&["walked", "away"], "leave"),
    (&["walking", "away"], "leave"),
    (&["under", "her", "wing"], "mentor"),
    (&["under", "his", "wing"], "mentor"),
    (&["under", "your", "wing"], "mentor"),
    (&["under", "their", "wing"], "mentor"),
    (&["straight", "up"], "honestly"),
    (&["gunning", "for"], "looking"),
    // Code online is code on GitHub, not an online product.
    (&["code", "online"], "github"),
    // A screening call is a call; the screen by the door is a display.
    (&["screening", "call"], "call"),
    (&["summer", "stint"], "internship"),
    (&["summer", "job"], "internship"),
    (&["grad", "school"], "masters"),
    (&["step", "in"], "interim"),
    (&["stepped", "in"], "interim"),
    (&["stepping", "in"], "interim"),
    (&["stand", "in"], "interim"),
    (&["stood", "in"], "interim"),
    (&["burning", "out"], "burnout"),
    (&["burnt", "out"], "burnout"),
    (&["burned", "out"], "burnout"),
    (&["burn", "out"], "burnout"),
    (&["on", "call"], "oncall"),
    (&["holding", "the", "pager"], "oncall"),
    (&["hold", "the", "pager"], "oncall"),
    (&["carry", "the", "pager"], "oncall"),
    (&["carrying", "the", "pager"], "oncall"),
    // Framing that says nothing of the topic is read as a stop word.
    (&["end", "up"], "do"),
    (&["ends", "up"], "do"),
    (&["ended", "up"], "do"),
    (&["any", "chance"], "do"),
    (&["in", "front", "of"], "to"),
    (&["flat", "out"], "really"),
    // Joining.
    (&["come", "aboard"], "start"),
    (&["come", "on", "board"], "start"),
    (&["pack", "your", "bags"], "relocate"),
    (&["pack", "her", "bags"], "relocate"),
    (&["pack", "his", "bags"], "relocate"),
    (&["swap", "out"], "replace"),
    (&["swapped", "out"], "replace"),
    (&["swapping", "out"], "replace"),
    (&["books", "of", "record"], "ledger"),
    (&["book", "of", "record"], "ledger"),
    (&["maintenance", "window"], "downtime"),
    (&["maintenance", "windows"], "downtime"),
    (&["base", "pay"], "salary"),
    (&["base", "salary"], "salary"),
    (&["away", "from", "work"], "hobbies"),
    (&["less", "experienced"], "junior"),
    (&["more", "experienced"], "senior"),
    // Wanting to join a company is about the next role.
    // Starting at a company in the past is being employed there, not
    // availability.
    (&["did", "you", "start", "at"], "employed"),
    (&["did", "she", "start", "at"], "employed"),
    (&["want", "to", "join"], "next"),
    (&["like", "to", "join"], "next"),
    (&["hoping", "to", "join"], "next"),
    (&["looking", "to", "join"], "next"),
    // And landing somewhere ("hoping to land at a fintech").
    (&["to", "land"], "next"),
    // Setting up a call is scheduling one.
    (&["set", "up", "a", "call"], "schedule"),
    (&["set", "up", "a", "meeting"], "schedule"),
    (&["set", "up", "a", "chat"], "schedule"),
    // "For the rest of your career" says how long, not what about: the
    // rest of a week is not it.
    (&["rest", "of", "your", "career"], "forever"),
    (&["rest", "of", "your", "life"], "forever"),
    (&["rest", "of", "my", "career"], "forever"),
    (&["rest", "of", "my", "life"], "forever"),
    // People who report to someone are managed by them.
    (&["reporting", "to", "you"], "managed"),
    (&["report", "to", "you"], "managed"),
    (&["reporting", "to", "her"], "managed"),
    (&["report", "to", "her"], "managed"),
    (&["direct", "reports"], "managed"),
    // "What do you do at Acme?" asks for the role there.
    (&["do", "at"], "role"),
    // "Now" is a stop word, but "where do you work now?" asks for the
    // current role, which the chunk says it is ("I currently work as").
    (&["work", "now"], "currently"),
    (&["working", "now"], "currently"),
    (&["job", "now"], "currently"),
    (&["right", "now"], "currently"),
    (&["at", "the", "moment"], "currently"),
    (&["these", "days"], "currently"),
    (&["work", "today"], "currently"),
];

/// Words that are content words but say little about which chunk answers a
/// question ("what do you *want*", "your *favourite*", "*used*"). They keep a
/// fraction of their weight in the coverage score, so that an unmatched one
/// cannot sink an otherwise matched question. Kept sorted (a test checks).
#[rustfmt::skip]
const WEAK_WORDS: &[&str] = &[
    "able", "accept", "actual", "actually", "approach", "approaches", "background", "bad",
    "ballpark", "basically", "bearable", "became", "become", "becoming", "best", "browsing",
    "came", "carry", "carrying", "come", "comfortable", "compare", "compared", "comparison",
    "consider", "considering", "cope", "coping", "curious", "dealbreaker", "decent", "deep",
    "deliberately", "difference", "differences", "everyday", "exactly", "example", "examples",
    "extra", "fav", "fave", "favorite", "favourite", "favs", "feel", "find", "fine", "forever", "gave",
    "generally", "get", "getting", "give", "given", "giving", "gonna", "good", "got", "gotta",
    "great", "happen", "happened", "happens", "happy", "help", "helped", "helps", "highest",
    "hold", "holds", "honest", "honestly", "hope", "hoped", "hopes", "hoping", "intentionally", "kind", "kinda",
    "kinds", "knowledge", "latest", "level", "long", "look", "lot", "made", "main", "make",
    "making", "many", "mind", "need", "new", "nice", "old", "older", "open", "particular",
    "personally", "piece", "pieces", "place", "places", "possible", "prefer", "preferred",
    "production", "proper", "provide", "provider", "providers", "purposely", "put", "quick", "quickly", "ran", "relate", "related",
    "relates", "relation", "relationship", "right", "roughly", "run", "running", "runs", "see",
    "seriously", "situation", "situations", "sort", "sorta", "specific", "stuff", "sure", "take",
    "tend", "thing", "things", "think", "truly", "type", "types", "typically", "use", "used",
    "uses", "using", "usually", "wanna", "want", "wanted", "wants", "way", "ways", "whole",
    "willing", "wonder", "wondering",
];

/// Places: cities and countries a visitor names to say where *they* are
/// ("we're a London company", "our team sits in Warsaw", "would you move to
/// Amsterdam?"). A place the profile does not name frames such a question
/// as a weak word does; it is no sign that the question is off topic, and
/// no answer either: a question about nothing but a place ("have you been
/// to Tokyo?") has no topic. Places the profile names are its own words and
/// match as any word does. Kept sorted (a test checks).
#[rustfmt::skip]
pub(super) const PLACES: &[&str] = &[
    "africa", "america", "amsterdam", "apac", "argentina", "asia", "athens", "atlanta",
    "austin", "australia", "austria", "balkans", "bangalore", "bangkok", "barcelona", "basel",
    "beijing", "belgium", "belgrade", "bengaluru", "bern", "bilbao", "birmingham", "bogota",
    "bologna", "bordeaux", "boston", "bratislava", "brazil", "brighton", "brisbane", "bristol",
    "brno", "brussels", "bucharest", "budapest", "bulgaria", "cairo", "calgary", "canada",
    "chicago", "chile", "china", "cluj", "cologne", "colombia", "copenhagen", "cork", "croatia",
    "cyprus", "czechia", "dallas", "delhi", "denmark", "denver", "dresden", "dubai", "dublin",
    "dusseldorf", "edinburgh", "egypt", "eindhoven", "emea", "england", "estonia", "europe",
    "finland", "florence", "france", "frankfurt", "geneva", "genoa", "ghent", "glasgow",
    "gothenburg", "graz", "greece", "hanover", "helsinki", "holland", "houston", "hungary",
    "hyderabad", "iceland", "india", "indonesia", "ireland", "israel", "istanbul", "italy",
    "jakarta", "japan", "johannesburg", "karlsruhe", "katowice", "kenya", "kiev", "korea",
    "krakow", "kyiv", "lagos", "latam", "latvia", "leeds", "leipzig", "lille", "lima", "linz",
    "lithuania", "liverpool", "ljubljana", "lodz", "london", "luxembourg", "lyon", "madrid",
    "malaga", "malta", "manchester", "marseille", "melbourne", "mexico", "miami", "milan",
    "minsk", "montreal", "morocco", "moscow", "mumbai", "munich", "nairobi", "nantes", "naples",
    "netherlands", "newcastle", "nigeria", "nordics", "norway", "nuremberg", "oslo", "ottawa",
    "oxford", "pakistan", "paris", "philadelphia", "philippines", "pittsburgh", "porto",
    "poznan", "prague", "pune", "reykjavik", "riga", "romania", "rome", "rotterdam", "russia",
    "salzburg", "scandinavia", "scotland", "seattle", "seoul", "serbia", "seville", "shanghai",
    "shenzhen", "singapore", "slovakia", "slovenia", "sofia", "stockholm", "strasbourg",
    "stuttgart", "sweden", "switzerland", "sydney", "taiwan", "tallinn", "tbilisi", "thailand",
    "tokyo", "toronto", "toulouse", "turin", "uae", "ukraine", "usa", "utrecht", "valencia",
    "vancouver", "venice", "vienna", "vietnam", "vilnius", "wales", "warsaw", "wellington",
    "wroclaw", "york", "zagreb", "zurich",
];

/// True for a place of [`PLACES`] (lower-case input).
pub(super) fn is_place(lower: &str) -> bool {
    PLACES.binary_search(&lower).is_ok()
}

/// The groups of questions about where someone works: moving and remote
/// work, time zones, and the right to work in a country.
static WHERE_GROUPS: LazyLock<Vec<u16>> = LazyLock::new(|| {
    ["relocate", "timezone", "visa"]
        .iter()
        .flat_map(|word| {
            GROUPS_BY_STEM
                .get(&text::stem(word))
                .cloned()
                .unwrap_or_default()
        })
        .collect()
});

/// True for the stem of a word that asks where someone works ("move",
/// "relocate", "visa", "timezone").
pub(super) fn is_where_stem(stem: &str) -> bool {
    GROUPS_BY_STEM
        .get(stem)
        .is_some_and(|groups| groups.iter().any(|g| WHERE_GROUPS.contains(g)))
}

/// The stems of [`WEAK_WORDS`], sorted.
static WEAK_STEMS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut stems: Vec<String> = WEAK_WORDS.iter().map(|w| text::stem(w)).collect();
    stems.sort_unstable();
    stems.dedup();
    stems
});

/// True for the stem of a word in [`WEAK_WORDS`]. Stems, so that a
/// misspelt weak word corrected to its stem is weak too.
pub(super) fn is_weak_stem(stem: &str) -> bool {
    WEAK_STEMS
        .binary_search_by(|s| s.as_str().cmp(stem))
        .is_ok()
}

/// The stems of each group's words, in [`GROUPS`] order. Stemmed once per
/// process rather than per index build.
pub(super) static GROUP_STEMS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    GROUPS
        .iter()
        .map(|group| {
            let mut stems: Vec<String> = group.words.iter().map(|w| text::stem(w)).collect();
            stems.sort_unstable();
            stems.dedup();
            stems
        })
        .collect()
});

/// The stems of each hobby group's words for its kind of pastime (see
/// [`Group::kinds`]), in [`GROUPS`] order; empty for other groups.
pub(super) static KIND_STEMS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    GROUPS
        .iter()
        .map(|group| {
            group.words[..group.kinds]
                .iter()
                .map(|w| text::stem(w))
                .collect()
        })
        .collect()
});

/// Stems of the group words, each with the groups it belongs to.
pub(super) static GROUPS_BY_STEM: LazyLock<HashMap<String, Vec<u16>, FxBuildHasher>> =
    LazyLock::new(|| {
        let mut map: HashMap<String, Vec<u16>, FxBuildHasher> = HashMap::default();
        for (g, stems) in GROUP_STEMS.iter().enumerate() {
            for stem in stems {
                map.entry(stem.clone()).or_default().push(g as u16);
            }
        }
        map
    });

/// What a word in the fuzzy lexicon stands for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Meaning {
    /// A stem: one the corpus contains or one of the concept table.
    Stem(Box<str>),
    /// A stop word: a misspelt one ("wher", "yuo") is dropped like the word.
    Stop,
}

/// Words the index can correct a typo to: every word of the corpus, every
/// word of the concept table and every stop word. Bucketed by first letter
/// and length, because almost every typo keeps the first letter and changes
/// the length by at most the number of edits allowed.
#[derive(Debug, Default)]
pub(super) struct Lexicon {
    words: Vec<(Box<[char]>, Meaning)>,
    buckets: HashMap<(char, usize), Vec<u32>, FxBuildHasher>,
}

/// Words longer than this are never corrected (they are URLs, hashes...).
const MAX_FUZZY_CHARS: usize = 32;

impl Lexicon {
    pub fn add(&mut self, word: &str, meaning: Meaning) {
        let chars: Box<[char]> = word.chars().collect();
        let Some(&first) = chars.first() else { return };
        if chars.len() > MAX_FUZZY_CHARS {
            return;
        }
        let id = self.words.len() as u32;
        self.buckets
            .entry((first, chars.len()))
            .or_default()
            .push(id);
        self.words.push((chars, meaning));
    }

    /// The closest known words to a misspelt `word`, with the number of
    /// edits, or nothing when no word is close enough.
    ///
    /// The budget grows with the length of the word, because short words
    /// are close to too many others to be corrected safely:
    /// - 3 and 4 letters, only swapping two adjacent letters ("yuo", "rsut"),
    ///   and for 4 letters any single edit that gives a stop word ("wher");
    /// - 5 letters, a swap, one missing letter ("skils") or one doubled
    ///   letter ("oppen"), because most words one substitution or one other
    ///   deletion away from a five-letter word are other real words ("bread"
    ///   and "break", "movie" and "move");
    /// - 6 to 9 letters, one insertion, deletion, substitution or swap;
    /// - 10 letters and more, two (nine-letter words get one: "president"
    ///   is two edits from "present").
    ///
    /// The first letter must be right unless it was swapped with the second.
    pub fn correct(&self, word: &str) -> Vec<(&Meaning, u32)> {
        let chars: Vec<char> = word.chars().collect();
        let len = chars.len();
        if !(3..=MAX_FUZZY_CHARS).contains(&len) {
            return Vec::new();
        }
        let budget = match len {
            ..=9 => 1,
            _ => 2,
        };
        // Each candidate with its distance, and whether it is a slip.
        let mut best: Vec<(&Meaning, u32, bool)> = Vec::new();
        let mut best_distance = budget + 1;
        let mut scratch = Vec::new();
        let mut firsts = vec![chars[0]];
        if chars[1] != chars[0] {
            firsts.push(chars[1]);
        }
        for (f, &first) in firsts.iter().enumerate() {
            for other_len in len.saturating_sub(budget as usize)..=len + budget as usize {
                let Some(ids) = self.buckets.get(&(first, other_len)) else {
                    continue;
                };
                for &id in ids {
                    let (other, meaning) = &self.words[id as usize];
                    // Through the second letter's bucket only a swap of the
                    // first two letters is a plausible typo.
                    if f == 1 && !(other.len() > 1 && other[1] == chars[0]) {
                        continue;
                    }
                    let Some(distance) = osa_distance(&chars, other, budget, &mut scratch) else {
                        continue;
                    };
                    if distance == 0 {
                        continue;
                    }
                    // A missing letter ("bilt", "wat") is the most common
                    // typo of a short word; below four letters it is only
                    // trusted to give a stop word ("car" is one letter from
                    // "card").
                    let missing_letter = other.len() == len + 1;
                    let allowed = match len {
                        3 => {
                            *meaning == Meaning::Stop && missing_letter
                                || is_transposition(&chars, other)
                        }
                        // An extra letter or a changed one turns a stop word
                        // into a real word too often ("she" and "shoe"): only
                        // a missing letter or a swap is trusted.
                        ..=4 => missing_letter || is_transposition(&chars, other),
                        5 => {
                            other.len() == 6
                                || is_transposition(&chars, other)
                                || is_doubled_letter(&chars, other)
                        }
                        _ => true,
                    };
                    if !allowed || distance > best_distance {
                        continue;
                    }
                    if distance < best_distance {
                        best.clear();
                        best_distance = distance;
                    }
                    if !best.iter().any(|(m, _, _)| *m == meaning) {
                        best.push((meaning, distance, is_slip(&chars, other)));
                    }
                }
            }
        }
        // Between words as near, a slip of the fingers (a letter left out,
        // two swapped or one doubled) is the likelier typo than a letter
        // changed: "contrct" is "contract", not "contact".
        if best.iter().any(|&(_, _, slip)| slip) {
            best.retain(|&(_, _, slip)| slip);
        }
        best.into_iter().map(|(m, d, _)| (m, d)).collect()
    }
}

/// True when the typo `a` is `b` with a letter left out, two adjacent
/// letters swapped or one letter typed twice.
fn is_slip(a: &[char], b: &[char]) -> bool {
    let missing =
        b.len() == a.len() + 1 && (0..b.len()).any(|i| b[..i] == a[..i] && b[i + 1..] == a[i..]);
    missing || is_transposition(a, b) || is_doubled_letter(a, b)
}

/// True when `b` is `a` with two adjacent letters swapped.
fn is_transposition(a: &[char], b: &[char]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(diffs.as_slice(), [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i])
}

/// True when `a` is `b` with one letter typed twice ("oppen", "open").
fn is_doubled_letter(a: &[char], b: &[char]) -> bool {
    a.len() == b.len() + 1
        && (1..a.len()).any(|i| a[i] == a[i - 1] && a[..i] == b[..i] && a[i + 1..] == b[i..])
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent swaps), or
/// `None` once it is certain to exceed `max`.
pub(crate) fn osa_distance(a: &[char], b: &[char], max: u32, rows: &mut Vec<u32>) -> Option<u32> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max as usize {
        return None;
    }
    let width = m + 1;
    rows.clear();
    rows.resize(3 * width, 0);
    // Three rolling rows: two back (for swaps), previous and current.
    let (mut back, mut prev, mut cur) = (0, width, 2 * width);
    for j in 0..=m {
        rows[prev + j] = j as u32;
    }
    for i in 1..=n {
        rows[cur] = i as u32;
        let mut row_min = rows[cur];
        for j in 1..=m {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1)
                .min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[back + j - 2] + 1);
            }
            rows[cur + j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        (back, prev, cur) = (prev, cur, back);
    }
    let d = rows[prev + m];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(words: &[&str]) -> Lexicon {
        let mut lexicon = Lexicon::default();
        for word in words {
            let meaning = if text::is_stop_word(word) {
                Meaning::Stop
            } else {
                Meaning::Stem(text::stem(word).into())
            };
            lexicon.add(word, meaning);
        }
        lexicon
    }

    #[test]
    fn osa_counts_swaps_as_one_edit() {
        let check = |a: &str, b: &str, expect: Option<u32>| {
            let a: Vec<char> = a.chars().collect();
            let b: Vec<char> = b.chars().collect();
            assert_eq!(
                osa_distance(&a, &b, 2, &mut Vec::new()),
                expect,
                "{a:?} {b:?}"
            );
        };
        check("experience", "expereince", Some(1));
        check("kubernetes", "kubernets", Some(1));
        check("rust", "rust", Some(0));
        check("study", "studdy", Some(1));
        check("salary", "slaary", Some(1));
        check("abc", "xyz", None);
        check("a", "abcd", None);
    }

    #[test]
    fn corrections_respect_the_budget() {
        let lex = lexicon(&[
            "experience",
            "kubernetes",
            "study",
            "make",
            "cake",
            "break",
            "rust",
            "where",
            "you",
            "what",
            "salary",
            "built",
            "she",
            "card",
            "contract",
            "contact",
        ]);
        let check = |word: &str, expect: &[&str]| {
            let got: Vec<String> = lex
                .correct(word)
                .into_iter()
                .map(|(m, d)| match m {
                    Meaning::Stem(s) => format!("{s}/{d}"),
                    Meaning::Stop => format!("stop/{d}"),
                })
                .collect();
            assert_eq!(got, expect, "correct({word:?})");
        };
        check("expereince", &["experi/1"]);
        check("kubernets", &["kubernet/1"]);
        check("kuberntes", &["kubernet/1"]);
        check("studdy", &["studi/1"]);
        check("slaary", &["salari/1"]);
        check("rsut", &["rust/1"]);
        // A letter left out beats a letter changed, at the same distance.
        check("contrct", &["contract/1"]);
        check("comtact", &["contact/1"]);
        check("yuo", &["stop/1"]);
        check("wher", &["stop/1"]);
        check("waht", &["stop/1"]);
        // Short words are only corrected by a swap or a missing letter:
        // "bake" is not "make", "shoe" is not "she", but "bilt" is "built".
        check("bake", &[]);
        check("shoe", &[]);
        check("bilt", &["built/1"]);
        // Below four letters a missing letter only gives a stop word: "wat"
        // is "what", "car" is not "card".
        check("wat", &["stop/1"]);
        check("car", &[]);
        // Nor is a five-letter word corrected by a substitution or a
        // deletion, but a missing letter is fine.
        check("bread", &[]);
        check("studi", &[]);
        check("rusts", &[]);
        check("salry", &["salari/1"]);
        check("maake", &["make/1"]);
        check("braek", &["break/1"]);
        // The first letter must be right.
        check("xperience", &[]);
        check("ab", &[]);
        check("", &[]);
    }

    #[test]
    fn a_hobby_names_its_kind_first() {
        for group in GROUPS
            .iter()
            .filter(|g| g.section == Some(Section::Interests))
        {
            if !group.names_section {
                assert!(
                    (1..=group.words.len()).contains(&group.kinds),
                    "{:?}",
                    group.words
                );
            }
        }
        for group in GROUPS
            .iter()
            .filter(|g| g.section != Some(Section::Interests))
        {
            assert_eq!(group.kinds, 0, "{:?}", group.words);
        }
    }

    #[test]
    fn weak_words_are_sorted() {
        let mut sorted = WEAK_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(WEAK_WORDS, sorted.as_slice());
    }

    #[test]
    fn places_are_sorted() {
        let mut sorted = PLACES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(PLACES, sorted.as_slice());
    }

    #[test]
    fn every_group_word_has_a_stem() {
        for group in GROUPS {
            for word in group.words {
                assert!(GROUPS_BY_STEM.contains_key(&text::stem(word)), "{word}");
            }
        }
        for (phrase, replacement) in PHRASES {
            assert!(phrase.len() >= 2);
            // A phrase leads to a concept, or to a weak word or a stop word
            // when it only frames the question ("are you any good at...",
            // "any chance").
            let stem = text::stem(replacement);
            assert!(
                GROUPS_BY_STEM.contains_key(&stem)
                    || is_weak_stem(&stem)
                    || text::is_stop_word(replacement),
                "{replacement}"
            );
        }
    }
}
