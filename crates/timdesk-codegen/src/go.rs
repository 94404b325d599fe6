//! `bindings/go/endpoints_generated.go`: per endpoint of the C surface (`ffi.rs`), an
//! options struct, an answer struct (decoded from the JSON the `_start` function queues)
//! and a `Client` method over cgo, taking a `context.Context` first, that waits on the
//! completion queue (the context's end cancels the call in the core).

use crate::ffi::{CKind, c_kind, generated, optional, options_struct, required};
use crate::format::gofmt;
use crate::model::Endpoint;
use crate::surface::{pascal, snake};

/// Go's spelling of a wire name: `SessionId` → `SessionID`, `IMAgentUserId` →
/// `IMAgentUserID`.
pub(crate) fn go_name(wire: &str) -> String {
    snake(wire)
        .split('_')
        .map(|part| match part {
            "id" | "im" | "url" | "json" => part.to_ascii_uppercase(),
            _ => pascal(part),
        })
        .collect()
}

/// A parameter name: `SessionId` → `sessionID`.
pub(crate) fn go_param(wire: &str) -> String {
    let name = go_name(wire);
    let upper = name.chars().take_while(char::is_ascii_uppercase).count();
    // Lower a leading initialism (all of it but the next word's capital), or one letter.
    let cut = match upper {
        n if n == name.len() => n,
        0 | 1 => 1,
        n => n - 1,
    };
    name[..cut].to_ascii_lowercase() + &name[cut..]
}

fn types(e: &Endpoint) -> Result<String, String> {
    let ty = pascal(&e.name);
    let mut out = String::new();
    if options_struct(e).is_some() {
        out += &format!(
            "// {ty}Options holds the optional fields of {ty}; zero ones are left out of the request.\ntype {ty}Options struct {{\n"
        );
        for f in optional(e) {
            let go_type = match c_kind(e, f)? {
                CKind::Text => "string",
                CKind::Integer => "*uint64",
                CKind::Flag => "bool",
                CKind::Body => "[]Element",
            };
            out += &format!("\t{} {go_type} // {}\n", go_name(&f.name), f.name);
        }
        out += "}\n\n";
    }
    if !e.response.is_empty() {
        out += &format!("// {ty}Answer is the answer of {ty}.\ntype {ty}Answer struct {{\n");
        for f in &e.response {
            let go_type = match c_kind(e, f)? {
                CKind::Text => "string",
                CKind::Integer => "uint64",
                CKind::Flag => "bool",
                CKind::Body => "[]map[string]any",
            };
            out += &format!("\t{} {go_type} `json:\"{}\"`\n", go_name(&f.name), f.name);
        }
        out += "}\n\n";
    }
    Ok(out)
}

fn method(e: &Endpoint) -> Result<String, String> {
    let ty = pascal(&e.name);
    let answer = format!("{ty}Answer");
    // What a failure before the call returns.
    let fail = if e.response.is_empty() {
        "return err".to_owned()
    } else {
        format!("return {answer}{{}}, err")
    };
    let mut params = vec!["ctx context.Context".to_owned()];
    let mut args = vec!["ptr".to_owned()];
    let mut body = String::from("\tvar cs cstrings\n\tdefer cs.free()\n");
    for f in required(e) {
        let name = go_param(&f.name);
        match c_kind(e, f)? {
            CKind::Text => {
                params.push(format!("{name} string"));
                args.push(format!("cs.of({:?}, {name})", f.name));
            }
            CKind::Integer => {
                params.push(format!("{name} uint64"));
                args.push(format!("C.uint64_t({name})"));
            }
            CKind::Flag => {
                params.push(format!("{name} bool"));
                args.push(format!("C.bool({name})"));
            }
            CKind::Body => {
                params.push(format!("{name} []Element"));
                body += &format!(
                    "\t{name}C, err := buildBody({name}, &cs)\n\tif err != nil {{\n\t\t{fail}\n\t}}\n\tdefer C.timdesk_message_body_free({name}C)\n"
                );
                args.push(format!("{name}C"));
            }
        }
    }
    if let Some(name) = options_struct(e) {
        params.push(format!("opts {ty}Options"));
        body += &format!("\toptions := C.{name}{{size: C.size_t(unsafe.Sizeof(C.{name}{{}}))}}\n");
        for f in optional(e) {
            let (field, go) = (snake(&f.name), go_name(&f.name));
            body += &match c_kind(e, f)? {
                CKind::Text => format!(
                    "\tif opts.{go} != \"\" {{\n\t\toptions.{field} = cs.of({:?}, opts.{go})\n\t}}\n",
                    f.name
                ),
                CKind::Integer => format!(
                    "\tif opts.{go} != nil {{\n\t\toptions.has_{field} = true\n\t\toptions.{field} = C.uint64_t(*opts.{go})\n\t}}\n"
                ),
                CKind::Flag => format!("\toptions.{field} = C.bool(opts.{go})\n"),
                CKind::Body => format!(
                    "\tif opts.{go} != nil {{\n\t\tbody, err := buildBody(opts.{go}, &cs)\n\t\tif err != nil {{\n\t\t\t{fail}\n\t\t}}\n\t\tdefer C.timdesk_message_body_free(body)\n\t\toptions.{field} = body\n\t}}\n"
                ),
            };
        }
        args.push("&options".to_owned());
    }
    args.extend(["queue", "tag", "cerr"].map(str::to_owned));
    let start = format!(
        "func(ptr *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {{\n\t\treturn C.timdesk_{}_start({})\n\t}}",
        e.name,
        args[..].join(", ")
    );
    let doc = format!(
        "// {ty} calls {}: {}\n// The call waits on the completion queue (no OS thread waits meanwhile); ctx ending cancels it.",
        e.path, e.summary
    );
    Ok(if e.response.is_empty() {
        format!(
            "{doc}\nfunc (c *Client) {ty}({}) error {{\n{body}\treturn c.started(ctx, &cs, nil, {start})\n}}\n\n",
            params.join(", ")
        )
    } else {
        format!(
            "{doc}\nfunc (c *Client) {ty}({}) ({answer}, error) {{\n{body}\tvar out {answer}\n\tif err := c.started(ctx, &cs, &out, {start}); err != nil {{\n\t\t{fail}\n\t}}\n\treturn out, nil\n}}\n\n",
            params.join(", ")
        )
    })
}

/// `bindings/go/endpoints_generated.go`.
pub fn render(endpoints: &[Endpoint]) -> Result<String, String> {
    let mut code = String::new();
    for e in generated(endpoints) {
        code += &types(e)?;
        code += &method(e)?;
    }
    let imports: Vec<&str> = [
        ("\"context\"", "context."),
        ("\"encoding/json\"", "json."),
        ("\"unsafe\"", "unsafe."),
    ]
    .into_iter()
    .filter(|(_, used)| code.contains(used))
    .map(|(import, _)| import)
    .collect();
    let out = format!(
        "// Code generated by `cargo run -p timdesk-codegen` from models/*.json. DO NOT EDIT.\n\n\
         package timdesk\n\n/*\n#include <timdesk.h>\n*/\nimport \"C\"\n\nimport (\n{})\n\n{code}",
        imports
            .iter()
            .map(|i| format!("\t{i}\n"))
            .collect::<String>()
    );
    gofmt(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_go_names() {
        assert_eq!(go_name("SessionId"), "SessionID");
        assert_eq!(go_name("SessionID"), "SessionID");
        assert_eq!(go_name("IMAgentUserId"), "IMAgentUserID");
        assert_eq!(go_name("MsgKey"), "MsgKey");
        assert_eq!(go_param("SessionId"), "sessionID");
        assert_eq!(go_param("IMAgentUserId"), "imAgentUserID");
        assert_eq!(go_param("Chunk"), "chunk");
        assert_eq!(go_param("MsgBody"), "msgBody");
    }
}
