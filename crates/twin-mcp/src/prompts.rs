//! The one prompt, `interview_prep`: prepare for an interview for a role,
//! grounded in the twin's tools and profile.

use serde_json::{Map, Value, json};
use twin_core::Profile;

use crate::jsonrpc::RpcError;
use crate::revision::Revision;

pub(crate) const INTERVIEW_PREP: &str = "interview_prep";
/// The longest role name accepted, in characters.
const MAX_ROLE_CHARS: usize = 200;

/// The prompt, with the person's names filled in once.
#[derive(Debug, Clone)]
pub(crate) struct InterviewPrep {
    name: String,
    first_name: String,
}

impl InterviewPrep {
    pub(crate) fn new(profile: &Profile) -> InterviewPrep {
        InterviewPrep {
            name: profile.person.name.clone(),
            first_name: profile.first_name().to_owned(),
        }
    }

    fn description(&self) -> String {
        format!(
            "Prepare {}'s answers for an interview for a given role, grounded in the profile.",
            self.name
        )
    }

    /// The `prompts/list` result.
    pub(crate) fn list(&self, revision: Revision) -> Value {
        let mut prompt = json!({
            "name": INTERVIEW_PREP,
            "description": self.description(),
            "arguments": [{
                "name": "role",
                "description": "The role the interview is for, e.g. \"Staff Engineer, payments platform\".",
                "required": true,
            }],
        });
        if revision.has_structured_output()
            && let Some(object) = prompt.as_object_mut()
        {
            object.insert("title".into(), "Interview preparation".into());
        }
        json!({ "prompts": [prompt] })
    }

    /// The `prompts/get` result. Unknown prompts and missing or invalid
    /// arguments are -32602 (server/prompts, "Error Handling").
    pub(crate) fn get(&self, params: &Map<String, Value>) -> Result<Value, RpcError> {
        let name = params
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| RpcError::invalid_params("name: must be a string"))?;
        if name != INTERVIEW_PREP {
            return Err(RpcError::invalid_params(format!("Unknown prompt: {name}")));
        }
        let arguments = match params.get("arguments") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(arguments)) => arguments.clone(),
            Some(_) => return Err(RpcError::invalid_params("arguments: must be an object")),
        };
        if let Some(unknown) = arguments.keys().find(|key| *key != "role") {
            return Err(RpcError::invalid_params(format!(
                "{unknown}: unknown argument; expected role"
            )));
        }
        let role = match arguments.get("role") {
            None => return Err(RpcError::invalid_params("role: required argument missing")),
            Some(Value::String(role)) => role.trim(),
            Some(_) => return Err(RpcError::invalid_params("role: must be a string")),
        };
        if role.is_empty() {
            return Err(RpcError::invalid_params("role: must not be empty"));
        }
        if role.chars().count() > MAX_ROLE_CHARS {
            return Err(RpcError::invalid_params(format!(
                "role: must be at most {MAX_ROLE_CHARS} characters"
            )));
        }
        Ok(json!({
            "description": self.description(),
            "messages": [{
                "role": "user",
                "content": { "type": "text", "text": self.text(role) },
            }],
        }))
    }

    fn text(&self, role: &str) -> String {
        let InterviewPrep { name, first_name } = self;
        format!(
            "Help me prepare {name} for an interview for this role: {role}\n\n\
             Work only from {first_name}'s profile, through this server: call \
             `get_profile_section` for `experience`, `skills` and `goals`, use \
             `search_profile` to find evidence for each requirement of the role, and \
             `ask_twin` to hear how {first_name} puts things in their own words (the \
             `twin://profile` resource has everything at once).\n\n\
             Then:\n\
             1. List the ten questions an interviewer for this role is most likely to ask.\n\
             2. Draft an answer to each in {first_name}'s voice, in the first person, \
             using the STAR achievements where they fit, and name the profile sections \
             each answer rests on.\n\
             3. Point out what the role needs that the profile does not show, and how \
             {first_name} could address it honestly.\n\n\
             Do not invent facts, numbers or employers that the profile does not contain."
        )
    }
}
