//! The `twin` command. Its code lives in `crates/twin-cli`; this root binary
//! exists so `cargo run --release -- serve` works from the repository root.

fn main() -> std::process::ExitCode {
    twin_cli::main()
}
