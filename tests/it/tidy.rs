//! Layout rules the compiler cannot check (after rust-analyzer's tidy.rs).

use std::collections::BTreeSet;

use crate::support::repo_root;

fn manifest(path: &str) -> toml::Table {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    text.parse().unwrap()
}

/// Vercel builds one `[[bin]]` per function: each `api/*.rs` needs one, and
/// each stays a thin entry point into the shared crates.
#[test]
fn every_function_has_a_bin_and_stays_thin() {
    let root = manifest("Cargo.toml");
    let bins: BTreeSet<String> = root["bin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap().to_owned())
        .collect();
    let mut functions = 0;
    for entry in std::fs::read_dir(repo_root().join("api")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        functions += 1;
        let name = path.file_name().unwrap().to_str().unwrap();
        let rel = format!("api/{name}");
        assert!(bins.contains(&rel), "{rel} has no [[bin]] in Cargo.toml");
        let source = std::fs::read_to_string(&path).unwrap();
        let lines = source.lines().count();
        assert!(lines <= 15, "{rel} has {lines} lines; keep functions <= 15");
        assert_eq!(
            source.matches("fn ").count(),
            1,
            "{rel} must only hold `main`; put logic in crates/"
        );
        assert!(
            source.contains("twin_vercel::run"),
            "{rel} must run the shared router"
        );
    }
    assert!(functions >= 3);
    for bin in &bins {
        assert!(
            repo_root().join(bin).is_file(),
            "[[bin]] path {bin} does not exist"
        );
    }
}

/// Internal crates: flat, folder name = package name, version 0.0.0,
/// unpublished, lints from the workspace.
#[test]
fn crates_follow_the_workspace_conventions() {
    for entry in std::fs::read_dir(repo_root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let folder = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let cargo = manifest(&format!("crates/{folder}/Cargo.toml"));
        let package = cargo["package"].as_table().unwrap();
        assert_eq!(package["name"].as_str(), Some(folder.as_str()));
        assert!(
            folder.starts_with("twin-"),
            "{folder}: keep the twin- prefix"
        );
        assert_eq!(package["version"].as_str(), Some("0.0.0"), "{folder}");
        assert_eq!(package["publish"].as_bool(), Some(false), "{folder}");
        assert_eq!(
            cargo["lints"]["workspace"].as_bool(),
            Some(true),
            "{folder} must use [lints] workspace = true"
        );
        let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap_or_default();
        assert!(
            lib.starts_with("//!"),
            "{folder}/src/lib.rs needs a //! crate doc"
        );
    }
}
