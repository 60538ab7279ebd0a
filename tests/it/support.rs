//! Running the `twin` binary in tests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A `twin` command run from the repository root with a clean environment
/// for the variables the twin reads.
pub fn twin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_twin"));
    cmd.current_dir(repo_root());
    for (key, _) in std::env::vars() {
        if key.starts_with("TWIN_") || key.starts_with("UPSTASH_") || key.starts_with("GROQ_") {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("PORT");
    cmd
}

pub fn run(args: &[&str]) -> Output {
    twin().args(args).output().expect("twin runs")
}

/// A scratch file that is removed when dropped.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(name: &str, contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("twin-test-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `twin serve --port 0`, killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    pub fn start_with(vars: &[(&str, &str)]) -> Server {
        let mut child = twin()
            .args(["serve", "--port", "0"])
            .envs(vars.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("twin serve starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let _ = tx.send(line[at..].split_whitespace().next().unwrap().to_owned());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("twin serve prints its URL");
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
