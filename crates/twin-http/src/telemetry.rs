//! Log set-up shared by `twin serve` and the functions.

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::settings::LogFormat;

/// Installs the global subscriber. The filter comes from `TWIN_LOG`, a
/// comma-separated list of `level` and `target=level` directives (the plain
/// part of `RUST_LOG` syntax, e.g. `twin_http=debug,info`), defaulting to
/// `info`; a value that does not parse is reported once and ignored. Calling
/// it twice is harmless.
///
/// `Targets` rather than `EnvFilter`: the span and regex directives of the
/// latter pull in the `regex` engine, about 300 kB of every function binary,
/// for filters nobody sets on a twin.
pub fn init(format: LogFormat) {
    let (filter, invalid) = match std::env::var("TWIN_LOG") {
        Ok(value) => match value.parse::<Targets>() {
            Ok(filter) => (filter, None),
            Err(error) => (default_filter(), Some((value, error))),
        },
        Err(_) => (default_filter(), None),
    };
    let builder = tracing_subscriber::fmt().with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .finish()
            .with(filter)
            .try_init(),
        LogFormat::Pretty => builder.compact().finish().with(filter).try_init(),
    };
    if let (Ok(()), Some((value, error))) = (installed, invalid) {
        tracing::warn!(value, %error, "TWIN_LOG is not a valid filter; logging at info");
    }
}

fn default_filter() -> Targets {
    Targets::new().with_default(LevelFilter::INFO)
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::*;

    #[test]
    fn the_documented_filters_parse_and_others_do_not() {
        let filter: Targets = "twin_http=debug,info".parse().unwrap();
        assert!(filter.would_enable("twin_http::routes", &Level::DEBUG));
        assert!(!filter.would_enable("hyper", &Level::DEBUG));
        assert!(filter.would_enable("hyper", &Level::INFO));
        let quiet: Targets = "warn".parse().unwrap();
        assert!(!quiet.would_enable("twin::request", &Level::INFO));
        assert!("twin_http=loud".parse::<Targets>().is_err());
        assert!(default_filter().would_enable("twin::request", &Level::INFO));
        assert!(!default_filter().would_enable("twin::request", &Level::DEBUG));
    }
}
