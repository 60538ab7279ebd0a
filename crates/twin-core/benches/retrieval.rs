//! Benchmarks of the embedded index on synthetic corpora of 1k, 10k and 100k
//! chunks, and of building it.
//!
//! The corpus is generated deterministically: a vocabulary of real words
//! (common ones first) followed by pseudo-words made of syllables, drawn
//! with a Zipf distribution so that postings lists are as skewed as in real
//! text, plus stop words. Chunks have 40 to 80 words and a 3 to 6 word
//! title. Queries mix exact words, a typo, a reworded concept and stop words,
//! and each iteration runs the next query of the list.
//!
//! The sample profile (`data/digitaltwin.json`) is benchmarked too, with a
//! mix of visitor questions, since it is the corpus the index is built for.
//!
//! Run with `cargo bench -p twin-core --bench retrieval`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use twin_core::{Chunk, EmbeddedIndex, IndexConfig, Profile, Section, chunk_profile};

/// The sample profile, for figures on a real corpus (59 chunks).
const SAMPLE: &str = include_str!("../../../data/digitaltwin.json");

fn sample_chunks() -> Vec<Chunk> {
    let profile = Profile::from_json(SAMPLE).expect("the sample profile is valid");
    chunk_profile(&profile)
}

/// Real words, roughly most frequent first; they head the vocabulary.
const WORDS: &[&str] = &[
    "team",
    "service",
    "platform",
    "data",
    "system",
    "built",
    "design",
    "users",
    "latency",
    "pipeline",
    "rust",
    "kafka",
    "postgres",
    "kubernetes",
    "migration",
    "customers",
    "release",
    "testing",
    "reliability",
    "performance",
    "cost",
    "storage",
    "queue",
    "search",
    "api",
    "payments",
    "billing",
    "ingestion",
    "analytics",
    "dashboard",
    "monitoring",
    "alerts",
    "incident",
    "deployment",
    "cluster",
    "cache",
    "database",
    "schema",
    "index",
    "replica",
    "throughput",
    "backend",
    "frontend",
    "mobile",
    "security",
    "compliance",
    "audit",
    "tracing",
    "logging",
    "metrics",
    "observability",
    "scaling",
    "sharding",
    "consensus",
    "protocol",
    "network",
    "gateway",
    "proxy",
    "compiler",
    "parser",
    "runtime",
    "memory",
    "allocation",
    "concurrency",
    "async",
    "threads",
    "mentoring",
    "hiring",
    "roadmap",
    "architecture",
    "reviews",
    "documentation",
    "onboarding",
    "interviews",
    "planning",
    "estimates",
    "budget",
    "vendor",
    "contract",
    "partners",
    "logistics",
    "shipment",
    "tracking",
    "inventory",
    "warehouse",
    "checkout",
    "orders",
    "pricing",
    "recommendations",
    "experiments",
    "features",
    "flags",
    "rollout",
    "canary",
    "rollback",
    "backup",
    "recovery",
    "failover",
    "availability",
    "university",
    "degree",
    "thesis",
    "research",
    "paper",
    "conference",
    "talk",
    "workshop",
    "climbing",
    "photography",
    "sourdough",
    "cycling",
    "chess",
    "guitar",
    "travel",
    "reading",
    "salary",
    "remote",
    "office",
    "relocation",
    "contract",
    "freelance",
    "startup",
    "enterprise",
    "healthcare",
    "fintech",
    "retail",
    "education",
    "government",
    "energy",
    "telecom",
    "improved",
    "reduced",
    "increased",
    "launched",
    "migrated",
    "automated",
    "designed",
    "scaled",
    "optimised",
    "rewrote",
    "shipped",
    "owned",
    "led",
    "mentored",
    "hired",
];

/// Stop words sprinkled into the text, as in real prose.
const STOP: &[&str] = &[
    "the", "and", "i", "to", "of", "a", "in", "for", "with", "on", "my", "we", "it", "at", "by",
    "from", "that", "this", "was", "our",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "tas", "vel", "dor", "pi", "su", "qua", "ber", "lin", "mon", "tek",
    "ra", "zo", "fi", "gan", "hel", "jun", "nor", "pex", "sil", "tu", "wam", "yor", "bri", "cal",
];

/// SplitMix64: tiny, fast and good enough to make a repeatable corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The vocabulary and a Zipf sampler over it.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(size: usize) -> Vocabulary {
        let mut words: Vec<String> = WORDS.iter().map(|w| (*w).to_owned()).collect();
        'outer: for a in SYLLABLES {
            for b in SYLLABLES {
                for c in ["", "s", "ing", "ed", "er", "tion"] {
                    if words.len() >= size {
                        break 'outer;
                    }
                    words.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 2.0);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c < target);
        &self.words[i.min(self.words.len() - 1)]
    }
}

fn corpus(n: usize) -> Vec<Chunk> {
    let vocabulary = Vocabulary::new(4_000);
    let mut rng = Rng(0x5eed ^ n as u64);
    (0..n)
        .map(|i| {
            let title_len = 3 + rng.below(4);
            let title: Vec<&str> = (0..title_len).map(|_| vocabulary.draw(&mut rng)).collect();
            let text_len = 40 + rng.below(41);
            let mut text = String::new();
            for w in 0..text_len {
                let word = if rng.below(3) == 0 {
                    STOP[rng.below(STOP.len())]
                } else {
                    vocabulary.draw(&mut rng)
                };
                text.push_str(word);
                text.push_str(if w % 12 == 11 { ". " } else { " " });
            }
            let section = Section::ALL[i % Section::ALL.len()];
            Chunk::new(section, title.join(" "), text, BTreeMap::new())
        })
        .collect()
}

/// Queries a visitor might send: exact words, a typo, a concept and stop
/// words.
const QUERIES: &[&str] = &[
    "How did you reduce kafka ingestion latency?",
    "Tell me about the payments platform migration",
    "What is your experience with kubernets and postgres?",
    "Where did you go to college?",
    "What did you do at the logistics startup?",
    "kamiren velpi dashboard",
    "What's the capital of Australia?",
    "Tell me about yourself",
];

/// Visitor questions for the sample profile, answered and not.
const SAMPLE_QUERIES: &[&str] = &[
    "What do you do at Fernwave Payments?",
    "Where did you go to college?",
    "What's your expereince with kubernets?",
    "How much do you want to earn?",
    "Tell me about yourself",
    "What is the capital of Australia?",
    "Do you play chess?",
    "Have you given any conference talks?",
];

fn search(c: &mut Criterion) {
    let mut group = c.benchmark_group("search");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let sample = EmbeddedIndex::new(sample_chunks(), IndexConfig::default());
    let mut next = 0;
    group.bench_function("sample-profile", |b| {
        b.iter(|| {
            let query = SAMPLE_QUERIES[next % SAMPLE_QUERIES.len()];
            next += 1;
            black_box(sample.search(black_box(query), 5))
        });
    });
    for n in [1_000, 10_000, 100_000] {
        let index = EmbeddedIndex::new(corpus(n), IndexConfig::default());
        let mut next = 0;
        group.bench_with_input(BenchmarkId::from_parameter(n), &index, |b, index| {
            b.iter(|| {
                let query = QUERIES[next % QUERIES.len()];
                next += 1;
                black_box(index.search(black_box(query), 5))
            });
        });
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("new");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let sample = sample_chunks();
    group.bench_function("sample-profile", |b| {
        b.iter_batched(
            || sample.clone(),
            |chunks| EmbeddedIndex::new(chunks, IndexConfig::default()),
            BatchSize::LargeInput,
        );
    });
    for n in [100, 1_000] {
        let chunks = corpus(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &chunks, |b, chunks| {
            b.iter_batched(
                || chunks.clone(),
                |chunks| EmbeddedIndex::new(chunks, IndexConfig::default()),
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, search, build);
criterion_main!(benches);
