//! `POST /api/feedback`: a visitor's thumbs up or down on one answer.
//!
//! Body: `{ answer_id, rating: "up" | "down", comment?, question? }`. The
//! server keeps no answers, so the page sends the question the answer
//! replied to; it is used only to file a ticket (a down-vote with a
//! comment, when a tracker is configured) and logged only with
//! `TWIN_LOG_QUESTIONS=1`. Answered 202 once the vote is recorded (log line
//! and `twin_feedback_total`) and any ticket filed (waiting at most 5 s;
//! a tracker's failure is logged, never shown to the visitor).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// The longest comment or question accepted, in characters.
pub const MAX_FEEDBACK_CHARS: usize = 500;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    answer_id: String,
    rating: Rating,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    question: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Up,
    Down,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Up => "up",
            Rating::Down => "down",
        }
    }
}

/// A validated vote.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub answer_id: String,
    pub rating: Rating,
    pub comment: Option<String>,
    pub question: Option<String>,
}

pub async fn feedback(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<FeedbackRequest>,
) -> Result<Response, ApiError> {
    let feedback = validate(request)?;
    state.metrics().feedback(feedback.rating.as_str());
    let log_text = state.settings().log_questions;
    tracing::info!(
        target: "twin::feedback",
        answer_id = feedback.answer_id,
        rating = feedback.rating.as_str(),
        has_comment = feedback.comment.is_some(),
        comment = feedback.comment.as_deref().filter(|_| log_text),
        question = feedback.question.as_deref().filter(|_| log_text),
        "feedback"
    );
    state.file_feedback(&feedback).await;
    Ok((StatusCode::ACCEPTED, Json(json!({ "ok": true }))).into_response())
}

fn validate(request: FeedbackRequest) -> Result<Feedback, ApiError> {
    let id = request.answer_id.trim();
    let well_formed = id
        .strip_prefix("ans_")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if !well_formed {
        return Err(ApiError::bad_request(
            "invalid_answer_id",
            "`answer_id` must be the id the answer came with (ans_ and 32 hex digits)",
        ));
    }
    let text = |field: &'static str, value: Option<String>| -> Result<Option<String>, ApiError> {
        let Some(value) = value else { return Ok(None) };
        let value = value.trim();
        let chars = value.chars().count();
        if chars > MAX_FEEDBACK_CHARS {
            return Err(ApiError::bad_request(
                "feedback_too_long",
                format!("`{field}` has {chars} characters; the limit is {MAX_FEEDBACK_CHARS}"),
            ));
        }
        Ok((!value.is_empty()).then(|| value.to_owned()))
    };
    Ok(Feedback {
        answer_id: id.to_owned(),
        rating: request.rating,
        comment: text("comment", request.comment)?,
        question: text("question", request.question)?,
    })
}
