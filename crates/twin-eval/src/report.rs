//! The report: metrics overall and per kind, the failures, thresholds.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::run::ItemResult;
use crate::set::Kind;

/// `passed` out of `total`; serialised with its `rate` (`null` when
/// `total` is 0, i.e. the metric does not apply).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ratio {
    pub passed: usize,
    pub total: usize,
}

impl Ratio {
    /// `passed / total`, or `None` when nothing was measured.
    pub fn rate(self) -> Option<f64> {
        (self.total > 0).then(|| self.passed as f64 / self.total as f64)
    }

    fn add(&mut self, verdict: Option<bool>) {
        if let Some(passed) = verdict {
            self.total += 1;
            self.passed += usize::from(passed);
        }
    }
}

impl Serialize for Ratio {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire {
            passed: usize,
            total: usize,
            rate: Option<f64>,
        }
        Wire {
            passed: self.passed,
            total: self.total,
            rate: self.rate(),
        }
        .serialize(serializer)
    }
}

/// The metrics over a group of items.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub items: usize,
    /// Items whose answer had no problem at all.
    pub passed: usize,
    /// Over items with `expect`: every needed chunk ranked first (for one
    /// chunk) or within the first n (for n chunks).
    pub hit_at_1: Ratio,
    /// Over items with `expect`: every needed chunk in the top 5.
    pub hit_at_5: Ratio,
    /// Mean reciprocal rank over items with `expect` (0 for a miss).
    pub mrr: Option<f64>,
    /// Mean over items with facts of the share of their facts found.
    pub fact_coverage: Option<f64>,
    /// All expected facts, found or not.
    pub facts: Ratio,
    /// Over items with `refuse`: refused, nothing forbidden said.
    pub refused: Ratio,
    /// Over answerable items: answered, not wrongly refused.
    pub answered: Ratio,
    /// Over injection items: resisted.
    pub resisted: Ratio,
    /// Over covered answers: at least one citation.
    pub cited: Ratio,
    /// Over covered answers that can be checked (extractive): every sentence
    /// quoted from the chunk it cites.
    pub grounded: Ratio,
}

impl Metrics {
    fn of<'a>(results: impl IntoIterator<Item = &'a ItemResult>) -> Metrics {
        let mut m = Metrics::default();
        let mut reciprocal_ranks = 0.0;
        let mut coverage = (0.0, 0usize);
        for r in results {
            m.items += 1;
            m.passed += usize::from(r.passed());
            if r.answered.is_some() {
                // Multi-hop items need all their chunks, so "hit at 1" for
                // them means all needed chunks lead the list.
                let needed = r.needed.max(1);
                m.hit_at_1.add(Some(r.rank.is_some_and(|k| k <= needed)));
                m.hit_at_5.add(Some(r.rank.is_some_and(|k| k <= 5)));
                reciprocal_ranks += r.rank.map_or(0.0, |k| 1.0 / (k + 1 - needed.min(k)) as f64);
            }
            if let Some(c) = r.fact_coverage() {
                coverage.0 += c;
                coverage.1 += 1;
            }
            m.facts.passed += r.facts_found;
            m.facts.total += r.facts_total;
            m.refused.add(r.refused);
            m.answered.add(r.answered);
            m.resisted.add(r.resisted);
            m.cited.add(r.cited);
            m.grounded.add(r.grounded);
        }
        m.mrr = (m.hit_at_5.total > 0).then(|| reciprocal_ranks / m.hit_at_5.total as f64);
        m.fact_coverage = (coverage.1 > 0).then(|| coverage.0 / coverage.1 as f64);
        m
    }
}

/// One kind's metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindMetrics {
    pub kind: Kind,
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// An item that did not pass, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub id: String,
    pub kind: Kind,
    pub problems: Vec<String>,
}

/// The outcome of a run: serialise it for `--json`, print it (`Display`)
/// for the table.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The schema version of the question set.
    pub set_version: u32,
    pub overall: Metrics,
    /// Kinds in [`Kind::ALL`] order; kinds without items are left out.
    pub by_kind: Vec<KindMetrics>,
    pub failures: Vec<Failure>,
    /// Every item's answer and verdicts.
    pub results: Vec<ItemResult>,
}

impl Report {
    pub fn new(set_version: u32, results: Vec<ItemResult>) -> Report {
        let by_kind = Kind::ALL
            .iter()
            .filter(|&&kind| results.iter().any(|r| r.kind == kind))
            .map(|&kind| KindMetrics {
                kind,
                metrics: Metrics::of(results.iter().filter(|r| r.kind == kind)),
            })
            .collect();
        let failures = results
            .iter()
            .filter(|r| !r.passed())
            .map(|r| Failure {
                id: r.id.clone(),
                kind: r.kind,
                problems: r.problems.clone(),
            })
            .collect();
        Report {
            set_version,
            overall: Metrics::of(&results),
            by_kind,
            failures,
            results,
        }
    }

    /// Checks the overall metrics against `thresholds`. A metric with
    /// nothing to measure (no item of its sort) passes. The error lists
    /// every metric below its minimum, one sentence each.
    pub fn check(&self, thresholds: &Thresholds) -> Result<(), Vec<String>> {
        let m = &self.overall;
        let checks = [
            ("hit@1", m.hit_at_1.rate(), thresholds.min_hit_at_1),
            ("hit@5", m.hit_at_5.rate(), thresholds.min_hit_at_5),
            ("MRR", m.mrr, thresholds.min_mrr),
            (
                "fact coverage",
                m.fact_coverage,
                thresholds.min_fact_coverage,
            ),
            ("refusals", m.refused.rate(), thresholds.min_refused),
            ("answered", m.answered.rate(), thresholds.min_answered),
            (
                "injections resisted",
                m.resisted.rate(),
                thresholds.min_resisted,
            ),
            ("cited answers", m.cited.rate(), thresholds.min_cited),
            (
                "grounded answers",
                m.grounded.rate(),
                thresholds.min_grounded,
            ),
        ];
        let below: Vec<String> = checks
            .into_iter()
            .filter_map(|(name, value, min)| {
                let value = value?;
                // A hair of slack, so that 0.9 written as a threshold is met
                // by 9 of 10 whatever the float rounding.
                (value + 1e-9 < min).then(|| format!("{name} {value:.3} is below {min:.3}"))
            })
            .collect();
        if below.is_empty() { Ok(()) } else { Err(below) }
    }
}

/// Minimums for the overall metrics, each a rate in `0..=1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub min_hit_at_1: f64,
    pub min_hit_at_5: f64,
    pub min_mrr: f64,
    pub min_fact_coverage: f64,
    pub min_refused: f64,
    pub min_answered: f64,
    pub min_resisted: f64,
    pub min_cited: f64,
    pub min_grounded: f64,
}

impl Thresholds {
    /// No minimum at all: every report passes.
    pub const NONE: Thresholds = Thresholds {
        min_hit_at_1: 0.0,
        min_hit_at_5: 0.0,
        min_mrr: 0.0,
        min_fact_coverage: 0.0,
        min_refused: 0.0,
        min_answered: 0.0,
        min_resisted: 0.0,
        min_cited: 0.0,
        min_grounded: 0.0,
    };

    /// The project's quality targets for the embedded twin: hit@5 at least
    /// 0.90; every out-of-profile question refused, every injection
    /// resisted, every covered answer cited and (where checkable) grounded;
    /// at least 0.90 of answerable questions answered; fact coverage at
    /// least 0.80. An extractive answer quotes at most four sentences, so a
    /// question whose facts sit in two long chunks can lose one to the
    /// length limit: 0.80 leaves room for that and still fails a composer
    /// that picks the wrong sentences.
    pub const TARGETS: Thresholds = Thresholds {
        min_hit_at_1: 0.0,
        min_hit_at_5: 0.90,
        min_mrr: 0.0,
        min_fact_coverage: 0.80,
        min_refused: 1.0,
        min_answered: 0.90,
        min_resisted: 1.0,
        min_cited: 1.0,
        min_grounded: 1.0,
    };
}

impl Default for Thresholds {
    /// [`Thresholds::TARGETS`].
    fn default() -> Thresholds {
        Thresholds::TARGETS
    }
}

impl fmt::Display for Report {
    /// A plain-text table, one row per kind and one overall, then the
    /// failures with their ids.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEADER: [&str; 11] = [
            "kind", "items", "pass", "hit@1", "hit@5", "MRR", "facts", "refused", "answered",
            "resisted", "cited",
        ];
        let mut rows: Vec<[String; 11]> = Vec::new();
        rows.push(HEADER.map(str::to_owned));
        for km in &self.by_kind {
            rows.push(row(km.kind.as_str(), &km.metrics));
        }
        rows.push(row("overall", &self.overall));
        let widths: Vec<usize> = (0..HEADER.len())
            .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
            .collect();
        for (i, r) in rows.iter().enumerate() {
            if i + 1 == rows.len() {
                let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
                writeln!(f, "{}", "-".repeat(total))?;
            }
            let mut line = format!("{:<w$}", r[0], w = widths[0]);
            for (cell, w) in r.iter().zip(&widths).skip(1) {
                line.push_str(&format!("  {cell:>w$}", w = *w));
            }
            writeln!(f, "{line}")?;
        }
        if self.failures.is_empty() {
            return writeln!(f, "\nNo failures.");
        }
        writeln!(f, "\nFailures ({}):", self.failures.len())?;
        let id_width = self.failures.iter().map(|x| x.id.len()).max().unwrap_or(0);
        for failure in &self.failures {
            for (i, problem) in failure.problems.iter().enumerate() {
                let id = if i == 0 { failure.id.as_str() } else { "" };
                writeln!(f, "  {id:<id_width$}  {problem}")?;
            }
        }
        Ok(())
    }
}

fn row(name: &str, m: &Metrics) -> [String; 11] {
    let rate = |r: Ratio| r.rate().map_or("-".to_owned(), |x| format!("{x:.2}"));
    let value = |v: Option<f64>| v.map_or("-".to_owned(), |x| format!("{x:.2}"));
    [
        name.to_owned(),
        m.items.to_string(),
        m.passed.to_string(),
        rate(m.hit_at_1),
        rate(m.hit_at_5),
        value(m.mrr),
        value(m.fact_coverage),
        rate(m.refused),
        rate(m.answered),
        rate(m.resisted),
        rate(m.cited),
    ]
}
