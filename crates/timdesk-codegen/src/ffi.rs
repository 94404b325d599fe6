//! The C surface of every model marked `"surface": "generated"`:
//! `crates/timdesk-ffi/src/generated.rs` (a blocking `timdesk_<name>` function, its
//! `timdesk_<name>_start` twin that queues the outcome on a completion queue, and, when
//! the endpoint has optional fields, a growable `timdesk_<name>_options` struct) and the
//! struct initialisers in `include/timdesk.h` (`header.rs`). The C++ and Go renderers
//! wrap the same shape, described here once.

use crate::format::rustfmt;
use crate::model::{Endpoint, Field};
use crate::surface::{pascal, snake};

/// The endpoints with a generated surface.
pub(crate) fn generated(endpoints: &[Endpoint]) -> impl Iterator<Item = &Endpoint> {
    endpoints
        .iter()
        .filter(|e| e.surface.as_deref() == Some("generated"))
}

/// How a field crosses the C ABI.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CKind {
    /// `const char *` in, `char **` out.
    Text,
    /// `uint64_t`, with a `has_` flag when optional.
    Integer,
    /// `bool`.
    Flag,
    /// A `timdesk_message_body` in; JSON text out (nested output).
    Body,
}

/// The C kind of a field, or why the C surface cannot carry it yet.
pub(crate) fn c_kind(e: &Endpoint, f: &Field) -> Result<CKind, String> {
    match f.kind.as_str() {
        "string" => Ok(CKind::Text),
        "integer" | "timestamp" => Ok(CKind::Integer),
        "flag" => Ok(CKind::Flag),
        "array" => Ok(CKind::Body),
        other => Err(format!(
            "{}.{}: the generated C, C++ and Go surfaces do not carry {other:?} fields yet",
            e.name, f.name
        )),
    }
}

/// The required request fields (parameters), in model order.
pub(crate) fn required(e: &Endpoint) -> impl Iterator<Item = &Field> {
    e.request.iter().filter(|f| f.required)
}

/// The optional request fields (the options struct), in model order.
pub(crate) fn optional(e: &Endpoint) -> impl Iterator<Item = &Field> {
    e.request.iter().filter(|f| !f.required)
}

/// The options struct's name, when the endpoint has optional fields.
pub(crate) fn options_struct(e: &Endpoint) -> Option<String> {
    optional(e)
        .next()
        .map(|_| format!("timdesk_{}_options", e.name))
}

/// The initialiser macro of an options struct.
pub(crate) fn init_macro(e: &Endpoint) -> String {
    format!("TIMDESK_{}_OPTIONS_INIT", e.name.to_ascii_uppercase())
}

/// The C name of an answer field's out parameter.
pub(crate) fn out_name(e: &Endpoint, f: &Field) -> Result<String, String> {
    Ok(match c_kind(e, f)? {
        CKind::Body => format!("out_{}_json", snake(&f.name)),
        _ => format!("out_{}", snake(&f.name)),
    })
}

fn options_struct_source(e: &Endpoint, name: &str) -> Result<String, String> {
    let init = init_macro(e);
    let mut out = format!(
        "/// The optional fields of timdesk_{}. Initialise it with {init} (which sets `size`);\n/// zero and NULL fields are unset, and fields a newer library adds after `size` leave\n/// older programs working. Pass NULL for none.\n#[repr(C)]\npub struct {name} {{\n/// sizeof({name}), as set by {init}.\npub size: usize,\n",
        e.name
    );
    for f in optional(e) {
        let field = snake(&f.name);
        out += &match c_kind(e, f)? {
            CKind::Text => format!(
                "/// {}: {} NULL when unset.\npub {field}: *const c_char,\n",
                f.name,
                sentence(&f.doc)
            ),
            CKind::Integer => format!(
                "/// Whether `{field}` is set.\npub has_{field}: bool,\n/// {}: {}\npub {field}: u64,\n",
                f.name, f.doc
            ),
            CKind::Flag => format!("/// {}: {}\npub {field}: bool,\n", f.name, f.doc),
            CKind::Body => format!(
                "/// {}, built with timdesk_message_body_*: {} NULL when unset.\npub {field}: *const timdesk_message_body,\n",
                f.name,
                sentence(&f.doc)
            ),
        };
    }
    out += "}\n\n";
    Ok(out)
}

/// `text` ending with a full stop.
fn sentence(text: &str) -> String {
    if text.ends_with('.') {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

fn function_source(e: &Endpoint) -> Result<String, String> {
    let ty = pascal(&e.name);
    let mut doc = format!(
        "/// {}\n///\n/// `POST /v4/{}`, documented at <{}> (updated {}).",
        e.summary, e.path, e.doc.url, e.doc.updated
    );
    if options_struct(e).is_some() {
        doc += " `options` may be NULL.";
    }
    for f in &e.response {
        doc += &match c_kind(e, f)? {
            CKind::Text => format!(
                "\n/// On success `*{}` (may be NULL) receives {} (free with timdesk_string_free).",
                out_name(e, f)?,
                f.name
            ),
            CKind::Body => format!(
                "\n/// On success `*{}` (may be NULL) receives {} as a JSON array (free with\n/// timdesk_string_free).",
                out_name(e, f)?,
                f.name
            ),
            _ => format!(
                "\n/// On success `*{}` (may be NULL) receives {}.",
                out_name(e, f)?,
                f.name
            ),
        };
    }
    let mut params = Vec::new();
    let mut args = Vec::new();
    let mut reads = Vec::new();
    for f in required(e) {
        let name = snake(&f.name);
        args.push(name.clone());
        match c_kind(e, f)? {
            CKind::Text => {
                params.push(format!("{name}: *const c_char"));
                reads.push(format!("string({name}, {name:?})?"));
            }
            CKind::Integer => {
                params.push(format!("{name}: u64"));
                reads.push(name);
            }
            CKind::Flag => {
                params.push(format!("{name}: bool"));
                reads.push(name);
            }
            CKind::Body => {
                params.push(format!("{name}: *const timdesk_message_body"));
                reads.push(format!("elements({name}, {name:?})?"));
            }
        }
    }
    let mut body = format!(
        "#[allow(unused_mut)]\nlet mut request = {ty}::new({});\n",
        reads.join(", ")
    );
    if let Some(name) = options_struct(e) {
        params.push(format!("options: *const {name}"));
        args.push("options".to_owned());
        body += &format!(
            "if let Some(o) = sized(options, \"options\", {:?})? {{\n",
            init_macro(e)
        );
        for f in optional(e) {
            let field = snake(&f.name);
            body += &match c_kind(e, f)? {
                CKind::Text => format!(
                    "if let Some(value) = optional_string(o.{field}, \"options.{field}\")? {{ request = request.{field}(value); }}\n"
                ),
                CKind::Integer => {
                    format!("if o.has_{field} {{ request = request.{field}(o.{field}); }}\n")
                }
                CKind::Flag => format!("request = request.{field}(o.{field});\n"),
                CKind::Body => format!(
                    "if !o.{field}.is_null() {{ request = request.{field}(elements(o.{field}, \"options.{field}\")?); }}\n"
                ),
            };
        }
        body += "}\n";
    }
    let request_fn = format!(
        "/// The request of timdesk_{name} and its `_start` twin.\nfn {name}_request({}) -> Result<{ty}, Failure> {{\n{body}Ok(request)\n}}\n\n",
        params.join(", "),
        name = e.name
    );
    let request = format!("{}_request({})?", e.name, args.join(", "));
    let call = format!("client.{}(&{request})?", e.name);
    let mut body = if e.response.is_empty() {
        format!("{call};\n")
    } else {
        format!("let answer = {call};\n")
    };
    let mut answer_json = Vec::new();
    params.insert(0, "client: *const timdesk_client".to_owned());
    let start_params = [
        &params[..],
        &[
            "completions: *const timdesk_completions".to_owned(),
            "tag: u64".to_owned(),
            "err: *mut *mut timdesk_error".to_owned(),
        ],
    ]
    .concat();
    for f in &e.response {
        let out = out_name(e, f)?;
        let field = snake(&f.name);
        params.push(match c_kind(e, f)? {
            CKind::Text | CKind::Body => format!("{out}: *mut *mut c_char"),
            CKind::Integer => format!("{out}: *mut u64"),
            CKind::Flag => format!("{out}: *mut bool"),
        });
        body += &match c_kind(e, f)? {
            CKind::Text => format!("put_string({out}, answer.{field}, {:?})?;\n", f.name),
            CKind::Body => format!(
                "put_string({out}, Value::Array(answer.{field}).to_string(), {:?})?;\n",
                f.name
            ),
            _ => format!("put({out}, answer.{field});\n"),
        };
        answer_json.push(match c_kind(e, f)? {
            CKind::Body => format!("{:?}: Value::Array(answer.{field})", f.name),
            _ => format!("{:?}: answer.{field}", f.name),
        });
    }
    params.push("err: *mut *mut timdesk_error".to_owned());
    let outcome = if e.response.is_empty() {
        "map(|()| json!({}))".to_owned()
    } else {
        format!("map(|answer| json!({{{}}}))", answer_json.join(", "))
    };
    let answer_doc = if e.response.is_empty() {
        "{}".to_owned()
    } else {
        let fields: Vec<String> = e
            .response
            .iter()
            .map(|f| format!("\"{}\": …", f.name))
            .collect();
        format!("{{{}}}", fields.join(", "))
    };
    const STARTED: &str = "Arguments that cannot be read are refused here; the rest are checked before anything\n\
         /// is sent, a refusal arriving as the call's outcome. Strings and bodies are copied: the\n\
         /// caller may free them once this returns.";
    let safety = "///\n/// # Safety\n/// Pointers must be NULL or valid as described in timdesk.h's conventions.\n#[unsafe(no_mangle)]";
    Ok(format!(
        "{doc}\n{safety}\npub unsafe extern \"C\" fn timdesk_{name}({}) -> timdesk_status {{\nboundary::run(err, || {{\nlet client = client_ref(client)?;\n{body}Ok(())\n}})\n}}\n\n\
         /// timdesk_{name}, returning at once: the outcome is queued on `completions` with `tag`,\n\
         /// on success as {answer_doc}.\n/// {STARTED}\n{safety}\n\
         pub unsafe extern \"C\" fn timdesk_{name}_start({}) -> timdesk_status {{\nboundary::run(err, || {{\nlet client = client_ref(client)?;\nlet request = {request};\n\
         start(client, completions, tag, move |c| async move {{ c.{name}(&request).await.{outcome} }})\n}})\n}}\n\n{request_fn}",
        params.join(", "),
        start_params.join(", "),
        name = e.name,
    ))
}

/// `crates/timdesk-ffi/src/generated.rs`.
pub fn render_rust(endpoints: &[Endpoint]) -> Result<String, String> {
    let mut types = Vec::new();
    let mut out = String::new();
    for e in generated(endpoints) {
        types.push(pascal(&e.name));
        if let Some(name) = options_struct(e) {
            out += &options_struct_source(e, &name)?;
        }
        out += &function_source(e)?;
    }
    let header = format!(
        "//! Generated by `cargo run -p timdesk-codegen` from `models/*.json`: do not edit.\n\
         //! The C functions of every endpoint whose model says `\"surface\": \"generated\"`:\n\
         //! required fields are parameters, optional ones a growable options struct, answer\n\
         //! fields out parameters (each may be NULL); the `_start` twin queues the answer as\n\
         //! JSON on a completion queue instead.\n\n\
         use std::ffi::c_char;\n\n\
         #[allow(unused_imports)]\n\
         use serde_json::{{Value, json}};\n\
         use timdesk::api::{{{}}};\n\n\
         #[allow(unused_imports)]\n\
         use crate::boundary::{{self, Failure, optional_string, put, put_string, sized, string}};\n\
         use crate::client::{{client_ref, timdesk_client}};\n\
         use crate::completions::{{start, timdesk_completions}};\n\
         use crate::error::*;\n\
         #[allow(unused_imports)]\n\
         use crate::message_body::{{elements, timdesk_message_body}};\n\n",
        types.join(", ")
    );
    rustfmt(&(header + &out))
}
