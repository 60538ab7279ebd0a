//! Test doubles for the twin's upstream services, served on loopback.
//!
//! [`FakeUpstash`] is a stateful, in-memory stand-in for the Upstash Vector
//! REST API: enough of it (namespaces, upsert, range, fetch, query, delete,
//! info) to run sync, backup and restore end to end and to count the write
//! requests they make. Wiremock covers exact request and response shapes
//! per endpoint; this fake covers behaviour across many requests.
//!
//! Its request and response bodies follow Upstash's documented API: every
//! response is `{"result": ...}` or `{"error": "...", "status": n}`.

// Handlers bail out early with a ready `Response`; boxing it would only add
// noise to a test double.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use serde_json::{Map, Value, json};

/// The bearer token the fake accepts.
pub const FAKE_TOKEN: &str = "fake-upstash-token";

/// One stored vector.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVector {
    pub id: String,
    pub vector: Option<Vec<f32>>,
    pub metadata: Option<Value>,
    pub data: Option<String>,
}

#[derive(Debug, Default)]
struct Store {
    namespaces: BTreeMap<String, BTreeMap<String, StoredVector>>,
    requests: HashMap<&'static str, usize>,
    /// Every request, in order, as `endpoint/namespace`.
    log: Vec<String>,
    writes: usize,
    /// Failures still to inject, first first.
    faults: Vec<Fault>,
}

#[derive(Debug)]
struct Fault {
    /// Only requests to this endpoint count; `None` means any.
    endpoint: Option<String>,
    /// Matching requests to let through before failing.
    skip: usize,
    status: u16,
}

/// A fake Upstash Vector index on `127.0.0.1`, stopped when dropped.
#[derive(Debug)]
pub struct FakeUpstash {
    url: String,
    store: Arc<Mutex<Store>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeUpstash {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeUpstash {
    /// Starts the fake on a free loopback port.
    pub async fn start() -> std::io::Result<FakeUpstash> {
        let store = Arc::new(Mutex::new(Store::default()));
        let app = router(store.clone());
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FakeUpstash { url, store, server })
    }

    /// The REST URL, as `UPSTASH_VECTOR_REST_URL` would hold it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Requests that changed (or tried to change) the index.
    pub fn write_requests(&self) -> usize {
        self.lock().writes
    }

    /// Requests to one endpoint, e.g. `"upsert-data"` or `"range"`.
    pub fn requests(&self, endpoint: &str) -> usize {
        self.lock().requests.get(endpoint).copied().unwrap_or(0)
    }

    /// Every request so far, in order, as `endpoint` or `endpoint/namespace`
    /// (e.g. `upsert-data/twin-3f2a9c04d1b7`).
    pub fn request_log(&self) -> Vec<String> {
        self.lock().log.clone()
    }

    /// Forgets the request counters and log, keeping the data.
    pub fn reset_counters(&self) {
        let mut store = self.lock();
        store.requests.clear();
        store.log.clear();
        store.writes = 0;
    }

    /// The ids in a namespace, sorted.
    pub fn ids(&self, namespace: &str) -> Vec<String> {
        self.lock()
            .namespaces
            .get(namespace)
            .map(|ns| ns.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// A stored vector.
    pub fn get(&self, namespace: &str, id: &str) -> Option<StoredVector> {
        self.lock().namespaces.get(namespace)?.get(id).cloned()
    }

    /// Every namespace that holds at least one vector, and the default one.
    pub fn namespaces(&self) -> Vec<String> {
        namespace_names(&self.lock())
    }

    /// Stores vectors directly, without counting a request.
    pub fn insert(&self, namespace: &str, vectors: impl IntoIterator<Item = StoredVector>) {
        let mut store = self.lock();
        let ns = store.namespaces.entry(namespace.to_owned()).or_default();
        for vector in vectors {
            ns.insert(vector.id.clone(), vector);
        }
    }

    /// Answers the next requests with these HTTP statuses (5xx, 429...),
    /// one per request, before behaving normally again.
    pub fn fail_next(&self, statuses: &[u16]) {
        self.lock()
            .faults
            .extend(statuses.iter().map(|&status| Fault {
                endpoint: None,
                skip: 0,
                status,
            }));
    }

    /// Lets `after` more requests to `endpoint` through, then answers the
    /// next one with `status`.
    pub fn fail_on(&self, endpoint: &str, after: usize, status: u16) {
        self.lock().faults.push(Fault {
            endpoint: Some(endpoint.to_owned()),
            skip: after,
            status,
        });
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }
}

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    // A panicking test thread must not hide the store from the others.
    store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

type Shared = Arc<Mutex<Store>>;

fn router(store: Shared) -> Router {
    Router::new()
        .route("/upsert", post(upsert_default))
        .route("/upsert/{ns}", post(upsert))
        .route("/upsert-data", post(upsert_data_default))
        .route("/upsert-data/{ns}", post(upsert_data))
        .route("/range", any(range_default))
        .route("/range/{ns}", any(range))
        .route("/fetch", any(fetch_default))
        .route("/fetch/{ns}", any(fetch))
        .route("/query-data", any(query_data_default))
        .route("/query-data/{ns}", any(query_data))
        .route("/delete", delete(delete_default))
        .route("/delete/{ns}", delete(delete_ns))
        .route("/reset", delete(reset_default))
        .route("/reset/{ns}", delete(reset_ns))
        .route("/delete-namespace/{ns}", delete(delete_namespace))
        .route("/list-namespaces", get(list_namespaces))
        .route("/info", get(info))
        // A thousand 1,024-dimension vectors are about 10 MB of JSON; axum's
        // default 2 MB limit is the fake's, not Upstash's.
        .layer(axum::extract::DefaultBodyLimit::max(64 << 20))
        .with_state(store)
}

/// Authentication, fault injection and counting, shared by every handler.
fn begin<'a>(
    store: &'a Shared,
    headers: &HeaderMap,
    endpoint: &'static str,
    namespace: &str,
    write: bool,
) -> Result<MutexGuard<'a, Store>, Response> {
    let mut guard = lock(store);
    *guard.requests.entry(endpoint).or_default() += 1;
    let entry = if namespace.is_empty() {
        endpoint.to_owned()
    } else {
        format!("{endpoint}/{namespace}")
    };
    guard.log.push(entry);
    if write {
        guard.writes += 1;
    }
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {FAKE_TOKEN}"));
    if !authorized {
        return Err(error(401, "Unauthorized: Invalid auth token"));
    }
    let matching = guard
        .faults
        .iter()
        .position(|f| f.endpoint.as_deref().is_none_or(|e| e == endpoint));
    if let Some(i) = matching {
        if guard.faults[i].skip > 0 {
            guard.faults[i].skip -= 1;
        } else {
            let fault = guard.faults.remove(i);
            return Err(error(fault.status, "injected fault"));
        }
    }
    Ok(guard)
}

fn error(status: u16, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, Json(json!({ "error": message, "status": status }))).into_response()
}

/// What every handler returns: a rejection short-circuits with `?`.
type Reply = Result<Response, Response>;

fn ok(result: Value) -> Reply {
    Ok(Json(json!({ "result": result })).into_response())
}

fn fail(status: u16, message: &str) -> Reply {
    Err(error(status, message))
}

fn parse(body: &str) -> Result<Value, Response> {
    serde_json::from_str(body).map_err(|e| error(400, &format!("invalid request body: {e}")))
}

/// A single object or an array of them.
fn items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        other => vec![other],
    }
}

fn flag(request: &Value, name: &str) -> bool {
    request.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn render(vector: &StoredVector, request: &Value, score: Option<f32>) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(vector.id));
    if let Some(score) = score {
        out.insert("score".into(), json!(score));
    }
    if flag(request, "includeVectors")
        && let Some(values) = &vector.vector
    {
        out.insert("vector".into(), json!(values));
    }
    if flag(request, "includeMetadata")
        && let Some(metadata) = &vector.metadata
    {
        out.insert("metadata".into(), metadata.clone());
    }
    if flag(request, "includeData")
        && let Some(data) = &vector.data
    {
        out.insert("data".into(), json!(data));
    }
    Value::Object(out)
}

async fn upsert_default(s: State<Shared>, h: HeaderMap, body: String) -> Reply {
    upsert(s, Path(String::new()), h, body).await
}

async fn upsert(
    State(store): State<Shared>,
    Path(ns): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Reply {
    let mut guard = begin(&store, &headers, "upsert", &ns, true)?;
    let request = parse(&body)?;
    let mut parsed = Vec::new();
    for item in items(request) {
        let Some(id) = item.get("id").and_then(id_string) else {
            return fail(400, "every vector needs an id");
        };
        let Some(values) = item.get("vector").and_then(Value::as_array) else {
            return fail(400, "every vector needs a vector");
        };
        let vector: Vec<f32> = values
            .iter()
            .filter_map(Value::as_f64)
            .map(|v| v as f32)
            .collect();
        if let Some(dimension) = dimension(&guard)
            && dimension != vector.len()
        {
            return fail(
                422,
                &format!(
                    "Invalid vector dimension: {}, expected: {dimension}",
                    vector.len()
                ),
            );
        }
        parsed.push(StoredVector {
            id,
            vector: Some(vector),
            metadata: item.get("metadata").cloned(),
            data: item.get("data").and_then(Value::as_str).map(str::to_owned),
        });
    }
    let ns = guard.namespaces.entry(ns).or_default();
    for vector in parsed {
        ns.insert(vector.id.clone(), vector);
    }
    ok(json!("Success"))
}

async fn upsert_data_default(s: State<Shared>, h: HeaderMap, body: String) -> Reply {
    upsert_data(s, Path(String::new()), h, body).await
}

async fn upsert_data(
    State(store): State<Shared>,
    Path(ns): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Reply {
    let mut guard = begin(&store, &headers, "upsert-data", &ns, true)?;
    let request = parse(&body)?;
    let mut parsed = Vec::new();
    for item in items(request) {
        let (Some(id), Some(data)) = (
            item.get("id").and_then(id_string),
            item.get("data").and_then(Value::as_str),
        ) else {
            return fail(400, "every record needs an id and data");
        };
        parsed.push(StoredVector {
            id,
            // The real service embeds `data`; the fake derives a small
            // deterministic vector so ranges with vectors have something.
            vector: Some(embed(data)),
            metadata: item.get("metadata").cloned(),
            data: Some(data.to_owned()),
        });
    }
    let ns = guard.namespaces.entry(ns).or_default();
    for vector in parsed {
        ns.insert(vector.id.clone(), vector);
    }
    ok(json!("Success"))
}

async fn range_default(s: State<Shared>, h: HeaderMap, body: String) -> Reply {
    range(s, Path(String::new()), h, body).await
}

async fn range(
    State(store): State<Shared>,
    Path(ns): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Reply {
    let guard = begin(&store, &headers, "range", &ns, false)?;
    let request = parse(&body)?;
    let Some(limit) = request.get("limit").and_then(Value::as_u64) else {
        return fail(400, "limit is required");
    };
    // The cursor is an offset into the id order, as a string; "" or "0"
    // starts from the beginning.
    let cursor = match request.get("cursor") {
        Some(Value::String(s)) if s.is_empty() => 0,
        Some(Value::String(s)) => match s.parse::<usize>() {
            Ok(n) => n,
            Err(_) => return fail(400, "invalid cursor"),
        },
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0) as usize,
        _ => return fail(400, "cursor is required"),
    };
    let prefix = request.get("prefix").and_then(Value::as_str).unwrap_or("");
    let all: Vec<&StoredVector> = guard
        .namespaces
        .get(&ns)
        .map(|n| n.values().filter(|v| v.id.starts_with(prefix)).collect())
        .unwrap_or_default();
    let end = (cursor + limit as usize).min(all.len());
    let page: Vec<Value> = all
        .get(cursor..end)
        .unwrap_or_default()
        .iter()
        .map(|v| render(v, &request, None))
        .collect();
    let next = if end < all.len() {
        end.to_string()
    } else {
        String::new()
    };
    ok(json!({ "nextCursor": next, "vectors": page }))
}

async fn fetch_default(s: State<Shared>, h: HeaderMap, body: String) -> Reply {
    fetch(s, Path(String::new()), h, body).await
}

async fn fetch(
    State(store): State<Shared>,
    Path(ns): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Reply {
    let guard = begin(&store, &headers, "fetch", &ns, false)?;
    let request = parse(&body)?;
    let namespace = guard.namespaces.get(&ns);
    let ids: Vec<String> = request
        .get("ids")
        .map(|ids| items(ids.clone()).iter().filter_map(id_string).collect())
        .unwrap_or_default();
    let found: Vec<Value> = ids
        .iter()
        .map(|id| {
            namespace
                .and_then(|n| n.get(id))
                .map_or(Value::Null, |v| render(v, &request, None))
        })
        .collect();
    ok(Value::Array(found))
}

async fn query_data_default(s: State<Shared>, h: HeaderMap, body: String) -> Reply {
    query_data(s, Path(String::new()), h, body).await
}

async fn query_data(
    State(store): State<Shared>,
    Path(ns): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Reply {
    let guard = begin(&store, &headers, "query-data", &ns, false)?;
    let request = parse(&body)?;
    let Some(text) = request.get("data").and_then(Value::as_str) else {
        return fail(400, "data is required");
    };
    let top_k = request.get("topK").and_then(Value::as_u64).unwrap_or(10) as usize;
    let query = words(text);
    let mut scored: Vec<(f32, &StoredVector)> = guard
        .namespaces
        .get(&ns)
        .map(|n| {
            n.values()
                .map(|v| (overlap(&query, v.data.as_deref().unwrap_or("")), v))
                .collect()
        })
        .unwrap_or_default();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let hits: Vec<Value> = scored
        .into_iter()
        .take(top_k)
        .map(|(score, v)| render(v, &request, Some(score)))
        .collect();
    ok(Value::Array(hits))
}

async fn delete_default(s: State<Shared>, h: HeaderMap, body: String) -> Reply {
    delete_ns(s, Path(String::new()), h, body).await
}

async fn delete_ns(
    State(store): State<Shared>,
    Path(ns): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Reply {
    let mut guard = begin(&store, &headers, "delete", &ns, true)?;
    let request = parse(&body)?;
    let Some(namespace) = guard.namespaces.get_mut(&ns) else {
        return ok(json!({ "deleted": 0 }));
    };
    let before = namespace.len();
    if let Some(prefix) = request.get("prefix").and_then(Value::as_str) {
        namespace.retain(|id, _| !id.starts_with(prefix));
    } else {
        let ids = match request {
            Value::Object(ref object) => object.get("ids").cloned().unwrap_or(Value::Null),
            other => other,
        };
        for id in items(ids).iter().filter_map(id_string) {
            namespace.remove(&id);
        }
    }
    ok(json!({ "deleted": before - namespace.len() }))
}

async fn reset_default(
    State(store): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Reply {
    let mut guard = begin(&store, &headers, "reset", "", true)?;
    if query.contains_key("all") {
        guard.namespaces.clear();
    } else {
        guard.namespaces.remove("");
    }
    ok(json!("Success"))
}

async fn reset_ns(
    State(store): State<Shared>,
    Path(ns): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let mut guard = begin(&store, &headers, "reset", &ns, true)?;
    guard.namespaces.remove(&ns);
    ok(json!("Success"))
}

async fn delete_namespace(
    State(store): State<Shared>,
    Path(ns): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let mut guard = begin(&store, &headers, "delete-namespace", &ns, true)?;
    if ns.is_empty() || guard.namespaces.remove(&ns).is_none() {
        return fail(404, &format!("Namespace {ns} does not exist"));
    }
    ok(json!("Success"))
}

async fn list_namespaces(State(store): State<Shared>, headers: HeaderMap) -> Reply {
    let guard = begin(&store, &headers, "list-namespaces", "", false)?;
    ok(json!(namespace_names(&guard)))
}

async fn info(State(store): State<Shared>, headers: HeaderMap) -> Reply {
    let guard = begin(&store, &headers, "info", "", false)?;
    let mut namespaces = Map::new();
    let mut total = 0;
    for name in namespace_names(&guard) {
        let count = guard.namespaces.get(&name).map_or(0, BTreeMap::len);
        total += count;
        namespaces.insert(
            name,
            json!({ "vectorCount": count, "pendingVectorCount": 0 }),
        );
    }
    let dimension = dimension(&guard).unwrap_or(EMBED_DIMENSION);
    ok(json!({
        "vectorCount": total,
        "pendingVectorCount": 0,
        "indexSize": total * (dimension * 4 + 64),
        "dimension": dimension,
        "similarityFunction": "COSINE",
        "indexType": "DENSE",
        "denseIndex": {
            "dimension": dimension,
            "similarityFunction": "COSINE",
            "embeddingModel": "BGE_SMALL_EN_V1_5"
        },
        "namespaces": namespaces
    }))
}

/// The default namespace always exists; others exist while they hold data.
fn namespace_names(store: &Store) -> Vec<String> {
    let mut names = vec![String::new()];
    names.extend(
        store
            .namespaces
            .iter()
            .filter(|(name, vectors)| !name.is_empty() && !vectors.is_empty())
            .map(|(name, _)| name.clone()),
    );
    names
}

/// The dimension of the first stored vector: the index's, once it has one.
fn dimension(store: &Store) -> Option<usize> {
    store
        .namespaces
        .values()
        .flat_map(BTreeMap::values)
        .find_map(|v| v.vector.as_ref().map(Vec::len))
}

fn id_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

const EMBED_DIMENSION: usize = 8;

/// A toy embedding: byte histogram folded into a few dimensions.
fn embed(text: &str) -> Vec<f32> {
    let mut vector = vec![0.0; EMBED_DIMENSION];
    for byte in text.bytes() {
        vector[usize::from(byte) % EMBED_DIMENSION] += 1.0;
    }
    let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt().max(1.0);
    vector.iter_mut().for_each(|v| *v /= norm);
    vector
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

/// The share of query words found in `data`: a stand-in for similarity,
/// in `0.0..=1.0` like Upstash's normalised scores.
fn overlap(query: &[String], data: &str) -> f32 {
    if query.is_empty() {
        return 0.0;
    }
    let data = words(data);
    let found = query.iter().filter(|w| data.contains(w)).count();
    found as f32 / query.len() as f32
}
