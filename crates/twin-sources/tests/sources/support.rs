//! Test helpers: a scratch folder, a small website on loopback, a PDF writer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use twin_sources::{Url, WebSource};

/// A folder under the system temp dir, removed on drop.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "twin-sources-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch { path }
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// One canned response.
#[derive(Clone)]
struct Reply {
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

/// A request the site received.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Path and query.
    pub target: String,
    pub at: Instant,
    pub user_agent: String,
}

#[derive(Default)]
struct SiteState {
    replies: Mutex<HashMap<String, Reply>>,
    hits: Mutex<Vec<Hit>>,
}

/// A website on 127.0.0.1 serving canned responses, 404 for anything else,
/// and recording every request.
#[derive(Clone)]
pub struct Site {
    state: Arc<SiteState>,
    pub base: Url,
}

impl Site {
    pub async fn start() -> Site {
        let state = Arc::new(SiteState::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().fallback(serve).with_state(Arc::clone(&state));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Site {
            state,
            base: Url::parse(&format!("http://{addr}/")).unwrap(),
        }
    }

    fn reply(&self, target: &str, reply: Reply) -> &Site {
        self.state
            .replies
            .lock()
            .unwrap()
            .insert(target.to_owned(), reply);
        self
    }

    /// Serves `html` as `text/html` at `target` (path and query).
    pub fn html(&self, target: &str, html: impl Into<String>) -> &Site {
        self.reply(
            target,
            Reply {
                status: StatusCode::OK,
                content_type: "text/html; charset=utf-8",
                body: html.into().into_bytes(),
                location: None,
            },
        )
    }

    /// Serves `body` with the given status and content type.
    pub fn raw(
        &self,
        target: &str,
        status: u16,
        content_type: &'static str,
        body: impl Into<Vec<u8>>,
    ) -> &Site {
        self.reply(
            target,
            Reply {
                status: StatusCode::from_u16(status).unwrap(),
                content_type,
                body: body.into(),
                location: None,
            },
        )
    }

    pub fn robots(&self, body: &str) -> &Site {
        self.raw("/robots.txt", 200, "text/plain", body)
    }

    pub fn redirect(&self, target: &str, location: &str) -> &Site {
        self.reply(
            target,
            Reply {
                status: StatusCode::FOUND,
                content_type: "text/plain",
                body: Vec::new(),
                location: Some(location.to_owned()),
            },
        )
    }

    pub fn url(&self, target: &str) -> Url {
        self.base.join(target).unwrap()
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().unwrap().clone()
    }

    /// The requested targets, robots.txt excluded, in order.
    pub fn page_hits(&self) -> Vec<String> {
        self.hits()
            .into_iter()
            .map(|h| h.target)
            .filter(|t| t != "/robots.txt")
            .collect()
    }

    /// A web source for this site with no delay.
    pub fn source(&self, start: &str, max_depth: u32, max_pages: u32) -> WebSource {
        WebSource {
            url: self.url(start),
            max_depth,
            max_pages,
            delay: Duration::ZERO,
            snapshot: PathBuf::from("sources/site.jsonl"),
        }
    }
}

async fn serve(State(state): State<Arc<SiteState>>, request: Request) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    state.hits.lock().unwrap().push(Hit {
        target: target.clone(),
        at: Instant::now(),
        user_agent,
    });
    let reply = state.replies.lock().unwrap().get(&target).cloned();
    let Some(reply) = reply else {
        let mut response = Response::new(Body::from("not found"));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    };
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    if let Some(location) = reply.location {
        response
            .headers_mut()
            .insert(header::LOCATION, HeaderValue::from_str(&location).unwrap());
    }
    response
}

/// A page with a title, a body paragraph and links.
pub fn page(title: &str, text: &str, links: &[&str]) -> String {
    let links: String = links
        .iter()
        .map(|href| format!("<li><a href=\"{href}\">{href}</a></li>"))
        .collect();
    format!(
        "<!doctype html><html><head><title>{title}</title></head>\
         <body><main><h1>{title}</h1><p>{text}</p><ul>{links}</ul></main></body></html>"
    )
}

/// Writes a PDF whose pages hold the given paragraphs, each a list of lines,
/// in 12 pt Helvetica: lines 14 pt apart, paragraphs 30 pt apart.
pub fn write_pdf(path: &Path, pages: &[&[&[&str]]]) {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};

    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids: Vec<Object> = Vec::new();
    for paragraphs in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![72.into(), 760.into()]),
        ];
        for (p, lines) in paragraphs.iter().enumerate() {
            if p > 0 {
                operations.push(Operation::new("Td", vec![0.into(), (-30).into()]));
            }
            for (l, line) in lines.iter().enumerate() {
                if l > 0 {
                    operations.push(Operation::new("Td", vec![0.into(), (-14).into()]));
                }
                operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            }
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    std::fs::write(path, bytes).unwrap();
}
