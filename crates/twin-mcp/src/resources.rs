//! The one resource, `twin://profile`: the whole profile as JSON.
//!
//! Nothing in [`twin_core::Profile`] is private: every field is there to be
//! answered from, and the chat already quotes any of it (the salary FAQ and
//! the contact email included). So the resource is the profile as
//! `serde_json` writes it, rendered once. `/api/profile` shows less only
//! because the page needs no more.

use serde_json::{Value, json};
use twin_core::Profile;

use crate::jsonrpc::RpcError;
use crate::revision::Revision;

/// The profile resource's URI.
pub(crate) const PROFILE_URI: &str = "twin://profile";
const MIME_TYPE: &str = "application/json";

/// The rendered resource.
#[derive(Debug, Clone)]
pub(crate) struct ProfileResource {
    title: String,
    description: String,
    text: String,
}

impl ProfileResource {
    pub(crate) fn new(profile: &Profile) -> ProfileResource {
        ProfileResource {
            title: format!("{}'s profile", profile.person.name),
            description: format!(
                "Everything the twin knows about {}: experience with STAR achievements, \
                 skills, projects, education, certifications, goals, interests and FAQs.",
                profile.person.name
            ),
            text: serde_json::to_string(profile).unwrap_or_default(),
        }
    }

    /// The `resources/list` result.
    pub(crate) fn list(&self, revision: Revision) -> Value {
        let mut resource = json!({
            "uri": PROFILE_URI,
            "name": "profile",
            "description": self.description,
            "mimeType": MIME_TYPE,
        });
        if revision.has_structured_output()
            && let Some(object) = resource.as_object_mut()
        {
            object.insert("title".into(), self.title.clone().into());
        }
        json!({ "resources": [resource] })
    }

    /// The `resources/read` result for `uri`; an unknown URI is "Resource
    /// not found" with the code of `revision`.
    pub(crate) fn read(&self, uri: &str, revision: Revision) -> Result<Value, RpcError> {
        if uri != PROFILE_URI {
            return Err(
                RpcError::new(revision.resource_not_found_code(), "Resource not found")
                    .with_data(json!({ "uri": uri })),
            );
        }
        Ok(json!({
            "contents": [{ "uri": PROFILE_URI, "mimeType": MIME_TYPE, "text": self.text }]
        }))
    }
}
