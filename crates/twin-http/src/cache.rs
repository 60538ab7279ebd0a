//! The answer cache: the same question about the same profile version gets
//! the same answer, without another retrieval or LLM call.
//!
//! Only first questions are cached: a follow-up's answer depends on the
//! conversation before it. Degraded and broken-off answers are never
//! stored, so an LLM outage does not outlive itself in the cache. Bounded by
//! count and by age (`TWIN_CACHE_CAPACITY`, `TWIN_CACHE_TTL_SECS`).

use std::sync::Arc;

use twin_core::{AnswerMode, Hit};

use crate::settings::CacheSettings;

/// A finished answer, as it was streamed.
#[derive(Debug)]
pub(crate) struct CachedAnswer {
    pub hits: Vec<Hit>,
    pub text: String,
    pub mode: AnswerMode,
    pub covered: bool,
    pub cited: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct AnswerCache {
    answers: moka::sync::Cache<String, Arc<CachedAnswer>>,
    version: String,
}

impl AnswerCache {
    /// `None` when the settings turn the cache off.
    pub fn new(settings: &CacheSettings, profile_version: &str) -> Option<AnswerCache> {
        settings.enabled().then(|| AnswerCache {
            answers: moka::sync::Cache::builder()
                .max_capacity(settings.capacity)
                .time_to_live(settings.ttl)
                .build(),
            version: profile_version.to_owned(),
        })
    }

    /// The cache key of a question: the profile version and the question's
    /// words, lowercased, without punctuation or extra spaces.
    pub fn key(&self, question: &str) -> String {
        let mut key = String::with_capacity(self.version.len() + 1 + question.len());
        key.push_str(&self.version);
        key.push(':');
        for word in question
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .map(|w| w.trim_matches('\''))
            .filter(|w| !w.is_empty())
        {
            if !key.ends_with(':') {
                key.push(' ');
            }
            key.extend(word.chars().flat_map(char::to_lowercase));
        }
        key
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedAnswer>> {
        self.answers.get(key)
    }

    pub fn insert(&self, key: String, answer: CachedAnswer) {
        if answer.mode != AnswerMode::Degraded {
            self.answers.insert(key, Arc::new(answer));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn cache(capacity: u64, ttl: Duration) -> AnswerCache {
        AnswerCache::new(&CacheSettings { ttl, capacity }, "v1").unwrap()
    }

    fn answer(mode: AnswerMode) -> CachedAnswer {
        CachedAnswer {
            hits: Vec::new(),
            text: "I build payment systems [1].".into(),
            mode,
            covered: true,
            cited: vec![1],
        }
    }

    #[test]
    fn questions_that_differ_only_in_form_share_a_key() {
        let cache = cache(10, Duration::from_secs(60));
        let key = cache.key("What's your  experience with Rust?");
        assert_eq!(key, "v1:what's your experience with rust");
        assert_eq!(cache.key("what's your experience with RUST"), key);
        assert_ne!(cache.key("What's your experience with Go?"), key);
        let other = AnswerCache::new(
            &CacheSettings {
                ttl: Duration::from_secs(60),
                capacity: 10,
            },
            "v2",
        )
        .unwrap();
        assert_ne!(
            other.key("What's your experience with Rust?"),
            key,
            "a new profile version never sees old answers"
        );
    }

    #[test]
    fn degraded_answers_are_not_kept() {
        let cache = cache(10, Duration::from_secs(60));
        cache.insert("a".into(), answer(AnswerMode::Degraded));
        assert!(cache.get("a").is_none());
        cache.insert("b".into(), answer(AnswerMode::Generative));
        assert_eq!(cache.get("b").unwrap().cited, vec![1]);
    }

    #[test]
    fn answers_expire() {
        let cache = cache(10, Duration::from_millis(50));
        cache.insert("a".into(), answer(AnswerMode::Extractive));
        assert!(cache.get("a").is_some());
        std::thread::sleep(Duration::from_millis(80));
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = cache(5, Duration::from_secs(60));
        for i in 0..100 {
            cache.insert(format!("q{i}"), answer(AnswerMode::Extractive));
        }
        cache.answers.run_pending_tasks();
        assert!(
            cache.answers.entry_count() <= 5,
            "{}",
            cache.answers.entry_count()
        );
    }

    #[test]
    fn zero_turns_it_off() {
        let off = CacheSettings {
            ttl: Duration::ZERO,
            capacity: 10,
        };
        assert!(AnswerCache::new(&off, "v1").is_none());
    }
}
