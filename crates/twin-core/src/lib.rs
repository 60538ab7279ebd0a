//! The twin's domain, free of IO: the profile, its chunks, retrieval, the
//! extractive composer, the LLM prompt, and [`Twin`], which ties them into an
//! answer.
//!
//! Network clients (Upstash, Groq) and the HTTP edge live in other crates and
//! plug in through the two seams defined here: [`VectorIndex`] and
//! [`ChatModel`].

pub mod chunk;
pub mod compose;
pub mod documents;
pub mod index;
pub mod model;
pub mod profile;
pub mod prompt;
pub mod retrieval;
mod secret;
pub mod sync;
pub mod text;
mod twin;

pub use chunk::{Chunk, ChunkId, Section, chunk_profile};
pub use compose::ExtractiveComposer;
pub use documents::{DocumentsError, read_documents, write_documents};
pub use index::{EmbeddedIndex, IndexConfig};
pub use model::{AnswerRequest, ChatModel, ModelError, Role, TokenStream, Turn};
pub use profile::{Profile, ProfileError, ProfileVersion};
pub use retrieval::{Hit, IndexError, SearchQuery, VectorIndex};
pub use secret::Secret;
pub use sync::{SyncPlan, namespace_for};
pub use twin::{Answer, AnswerMode, Question, Twin, TwinConfig, cited_in};
