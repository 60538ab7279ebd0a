//! `twin check URL`: the synthetic probe. It does what a visitor and an
//! assistant would do, against a deployed twin, and fails loudly:
//!
//! 1. `GET /api/health?deep=1`: every configured dependency is up;
//! 2. `POST /api/chat` with a canary question: the answer is covered, cites
//!    the profile, and contains the expected fact;
//! 3. `POST /api/mcp` `tools/list`: the three tools are offered.
//!
//! Each step must also finish within the latency budget (default 2 s, the
//! operations target for a response).

use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use serde_json::{Value, json};
use twin_core::Profile;

/// What to probe and how strictly.
#[derive(Debug)]
pub struct Probe {
    pub url: String,
    pub question: String,
    pub expect: String,
    pub budget: Duration,
    pub mcp_token: Option<twin_core::Secret>,
    pub skip_mcp: bool,
}

impl Probe {
    /// The canary question for `profile`: what the twin does at its current
    /// (or latest) role, which must name the company.
    pub fn canary(profile: &Profile) -> Option<(String, String)> {
        let role = profile.current_role()?;
        Some((
            format!("What do you do at {}?", role.company),
            role.company.clone(),
        ))
    }
}

#[derive(Debug, Serialize)]
pub struct Step {
    pub name: &'static str,
    pub ok: bool,
    pub latency_ms: f64,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub url: String,
    pub ok: bool,
    pub budget_ms: u64,
    pub checks: Vec<Step>,
}

/// Runs every step; a step that fails does not stop the others.
pub async fn run(probe: &Probe) -> anyhow::Result<Report> {
    let base = probe.url.trim_end_matches('/').to_owned();
    let client = reqwest::Client::builder()
        .timeout(probe.budget.max(Duration::from_secs(1)) * 5)
        .user_agent(concat!("twin-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot build the HTTP client")?;
    let mut checks = vec![
        step("health", probe.budget, health(&client, &base)).await,
        step("chat", probe.budget, chat(&client, &base, probe)).await,
    ];
    if !probe.skip_mcp {
        checks.push(step("mcp", probe.budget, mcp(&client, &base, probe)).await);
    }
    Ok(Report {
        url: base,
        ok: checks.iter().all(|c| c.ok),
        budget_ms: u64::try_from(probe.budget.as_millis()).unwrap_or(u64::MAX),
        checks,
    })
}

async fn step(
    name: &'static str,
    budget: Duration,
    check: impl Future<Output = Result<String, String>>,
) -> Step {
    let started = Instant::now();
    let result = check.await;
    let took = started.elapsed();
    let latency_ms = (took.as_secs_f64() * 1e4).round() / 10.0;
    let (ok, detail) = match result {
        Ok(_) if took > budget => (
            false,
            format!(
                "took {latency_ms} ms, over the {} ms budget",
                budget.as_millis()
            ),
        ),
        Ok(detail) => (true, detail),
        Err(detail) => (false, detail),
    };
    Step {
        name,
        ok,
        latency_ms,
        detail,
    }
}

async fn get_json(response: reqwest::Response) -> Result<(u16, Value), String> {
    let status = response.status().as_u16();
    let body = response
        .json::<Value>()
        .await
        .map_err(|e| format!("HTTP {status} with a body that is not JSON: {e}"))?;
    Ok((status, body))
}

async fn health(client: &reqwest::Client, base: &str) -> Result<String, String> {
    let response = client
        .get(format!("{base}/api/health?deep=1"))
        .send()
        .await
        .map_err(|e| format!("no answer: {}", e.without_url()))?;
    let (status, body) = get_json(response).await?;
    if status != 200 {
        let degraded = body["degraded"].as_array().map_or_else(String::new, |d| {
            d.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        });
        return Err(format!(
            "HTTP {status}, status {}{}",
            body["status"],
            if degraded.is_empty() {
                String::new()
            } else {
                format!(", down: {degraded}")
            }
        ));
    }
    Ok(format!(
        "{} index, {} model, profile {}",
        body["index"]["kind"].as_str().unwrap_or("?"),
        body["model"].as_str().unwrap_or("?"),
        body["profile_version"].as_str().unwrap_or("?")
    ))
}

async fn chat(client: &reqwest::Client, base: &str, probe: &Probe) -> Result<String, String> {
    let response = client
        .post(format!("{base}/api/chat"))
        .header("accept", "application/json")
        .json(&json!({ "message": probe.question }))
        .send()
        .await
        .map_err(|e| format!("no answer: {}", e.without_url()))?;
    let (status, body) = get_json(response).await?;
    if status != 200 {
        return Err(format!(
            "HTTP {status}: {}",
            body["error"]["message"].as_str().unwrap_or("no message")
        ));
    }
    let answer = body["answer"].as_str().unwrap_or_default();
    if body["covered"] != true {
        return Err(format!("the twin did not cover {:?}", probe.question));
    }
    let citations = body["citations"].as_array().map_or(0, Vec::len);
    if citations == 0 {
        return Err("the answer cites nothing".into());
    }
    if !answer.to_lowercase().contains(&probe.expect.to_lowercase()) {
        return Err(format!("the answer does not mention {:?}", probe.expect));
    }
    Ok(format!(
        "{} answer with {citations} citation(s) mentions {:?}",
        body["mode"].as_str().unwrap_or("?"),
        probe.expect
    ))
}

async fn mcp(client: &reqwest::Client, base: &str, probe: &Probe) -> Result<String, String> {
    let mut request = client
        .post(format!("{base}{}", twin_mcp::PATH))
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }));
    if let Some(token) = &probe.mcp_token {
        request = request.bearer_auth(token.expose());
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("no answer: {}", e.without_url()))?;
    let (status, body) = get_json(response).await?;
    if status != 200 {
        return Err(format!("HTTP {status}: {}", body["error"]));
    }
    let tools: Vec<&str> = body["result"]["tools"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    for expected in ["ask_twin", "search_profile", "get_profile_section"] {
        if !tools.contains(&expected) {
            return Err(format!("tools/list lacks {expected} (got {tools:?})"));
        }
    }
    Ok(format!("tools/list: {}", tools.join(", ")))
}

/// The report as a terminal table.
pub fn render(report: &Report) -> String {
    let mut out = format!("twin check {}\n", report.url);
    for step in &report.checks {
        out.push_str(&format!(
            "  {} {:<7} {:>8.1} ms  {}\n",
            if step.ok { "ok  " } else { "FAIL" },
            step.name,
            step.latency_ms,
            step.detail
        ));
    }
    out.push_str(if report.ok {
        "all checks passed\n"
    } else {
        "the twin is NOT healthy\n"
    });
    out
}
