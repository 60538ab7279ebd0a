//! `twin-lambda`: the twin on AWS Lambda. Build and deploy it with
//! cargo-lambda (see `docs/LAMBDA.md`); the work is in the library.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match twin_lambda::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("twin-lambda: {error}");
            ExitCode::FAILURE
        }
    }
}
