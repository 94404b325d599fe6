//! `timdesk api NAME --field value ...`: every modelled endpoint by name, with one typed
//! flag per request field, built at run time from the core's endpoint models (so a new
//! model is a new subcommand, with nothing written here). The body is checked against the
//! model before sending, and the model's retry rule applies (`call_endpoint`).

use std::io::Write;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches, Subcommand};
use serde_json::{Map, Value};
use timdesk::Client;
use timdesk::api::MsgElement;
use timdesk::model::{ENDPOINTS, EndpointModel, FieldKind, FieldModel};

use crate::call_cmd::{Credentials, report};

/// One endpoint call read from the command line.
#[derive(Debug)]
pub(crate) struct ApiCall {
    endpoint: &'static EndpointModel,
    body: Result<Map<String, Value>, timdesk::Error>,
    credentials: Credentials,
}

/// `SessionId` → `session-id`: the field's snake_case name from the model, with dashes.
fn flag_name(field: &FieldModel) -> String {
    field.snake.replace('_', "-")
}

/// The flag of one request field; its help names the wire field, its type and meaning.
fn arg_for(field: &FieldModel) -> Arg {
    let id = flag_name(field);
    let help = format!(
        "{} ({}{}): {}",
        field.name,
        field.kind.name(),
        if field.required { ", required" } else { "" },
        field.doc
    );
    let arg = Arg::new(id.clone()).long(id).help(help);
    match field.kind {
        FieldKind::Flag => arg.action(ArgAction::SetTrue),
        FieldKind::Integer | FieldKind::Timestamp => arg
            .value_parser(clap::value_parser!(i64))
            .value_name("N")
            .required(field.required),
        FieldKind::StringList => arg.action(ArgAction::Append).value_name("VALUE"),
        FieldKind::String => arg.value_name("TEXT").required(field.required),
        FieldKind::Array => arg
            .value_name("JSON")
            .required_unless_present("text")
            .conflicts_with("text")
            .help(format!(
                "{} as a JSON array of elements (or use --text): {}",
                field.name, field.doc
            )),
    }
}

fn command_for(endpoint: &EndpointModel) -> Command {
    // The credentials first: their struct's doc would otherwise replace this about.
    let mut command = Credentials::augment_args(Command::new(endpoint.name))
        .about(endpoint.summary)
        .long_about(format!(
            "{}\n\nPOST /v4/{}, documented at {} (updated {}). The body is checked against \
             the model before sending; prints the JSON answer.",
            endpoint.summary, endpoint.path, endpoint.doc_url, endpoint.updated
        ));
    for field in endpoint.request {
        command = command.arg(arg_for(field));
    }
    if endpoint.request.iter().any(|f| f.kind == FieldKind::Array) {
        command = command.arg(
            Arg::new("text")
                .long("text")
                .value_name("TEXT")
                .help("The message body as one text element (TIMTextElem)"),
        );
    }
    command
}

/// The request body from the flags of `endpoint`.
fn body_from(
    endpoint: &EndpointModel,
    matches: &ArgMatches,
) -> Result<Map<String, Value>, timdesk::Error> {
    let mut body = Map::new();
    for field in endpoint.request {
        let id = flag_name(field);
        let value = match field.kind {
            FieldKind::Flag => matches.get_flag(&id).then_some(Value::from(1)),
            FieldKind::Integer | FieldKind::Timestamp => {
                matches.get_one::<i64>(&id).map(|n| Value::from(*n))
            }
            FieldKind::StringList => matches
                .get_many::<String>(&id)
                .map(|items| Value::from(items.cloned().collect::<Vec<_>>())),
            FieldKind::String => matches
                .get_one::<String>(&id)
                .map(|s| Value::from(s.clone())),
            FieldKind::Array => match (
                matches.get_one::<String>(&id),
                matches.get_one::<String>("text"),
            ) {
                (Some(json), _) => Some(serde_json::from_str(json).map_err(|e| {
                    timdesk::Error::invalid_argument(
                        &format!("--{id}"),
                        format!("is not JSON: {e}"),
                    )
                })?),
                (None, Some(text)) => {
                    Some(Value::Array(vec![MsgElement::text(text.clone()).to_json()]))
                }
                (None, None) => None,
            },
        };
        if let Some(value) = value {
            body.insert(field.name.to_owned(), value);
        }
    }
    Ok(body)
}

impl FromArgMatches for ApiCall {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let (name, sub) = matches
            .subcommand()
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::MissingSubcommand))?;
        let endpoint = timdesk::model::by_name(name)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))?;
        Ok(Self {
            endpoint,
            body: body_from(endpoint, sub),
            credentials: Credentials::from_arg_matches(sub)?,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Subcommand for ApiCall {
    fn augment_subcommands(mut command: Command) -> Command {
        for endpoint in ENDPOINTS {
            command = command.subcommand(command_for(endpoint));
        }
        command.subcommand_required(true)
    }

    fn augment_subcommands_for_update(command: Command) -> Command {
        Self::augment_subcommands(command)
    }

    fn has_subcommand(name: &str) -> bool {
        timdesk::model::by_name(name).is_some()
    }
}

pub(crate) fn run(call: ApiCall, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let answer = call.body.and_then(|body| {
        let client = Client::new(call.credentials.config()?)?;
        client.call_endpoint(call.endpoint.name, &Value::Object(body))
    });
    report(answer, out, err)
}

#[cfg(test)]
mod tests {
    use super::flag_name;
    use timdesk::model;

    #[test]
    fn wire_names_become_flags() {
        for (endpoint, wire, flag) in [
            (&model::GET_SESSION_STATE, "SessionId", "session-id"),
            (&model::END_QUEUING, "SessionID", "session-id"),
            (&model::CONTACT_USER, "IMAgentUserId", "im-agent-user-id"),
            (&model::RECENTCONTACT_DELETE, "From_Account", "from-account"),
            (&model::MODIFY_MSG, "MsgBody", "msg-body"),
        ] {
            assert_eq!(flag_name(endpoint.field(wire).unwrap()), flag, "{wire}");
        }
    }
}
