//! `bindings/cpp/include/timdesk_endpoints.hpp`, which `timdesk.hpp` includes: per
//! endpoint of the C surface (`ffi.rs`), an options struct, an answer struct and a method
//! of `Endpoints`, the base of `Client`.

use crate::ffi::{CKind, c_kind, generated, optional, options_struct, out_name, required};
use crate::model::Endpoint;
use crate::surface::{pascal, snake};

/// The C++ type of a request field given as an option.
fn option_type(kind: CKind) -> &'static str {
    match kind {
        CKind::Text => "std::optional<std::string>",
        CKind::Integer => "std::optional<uint64_t>",
        CKind::Flag => "bool",
        CKind::Body => "std::optional<MessageBody>",
    }
}

fn types(e: &Endpoint) -> Result<String, String> {
    let ty = pascal(&e.name);
    let mut out = String::new();
    if options_struct(e).is_some() {
        out += &format!(
            "/// The optional fields of {} (unset ones are left out of the request).\nstruct {ty}Options {{\n",
            e.name
        );
        for f in optional(e) {
            let init = if c_kind(e, f)? == CKind::Flag {
                " = false"
            } else {
                ""
            };
            out += &format!(
                "    {} {}{init}; ///< {}\n",
                option_type(c_kind(e, f)?),
                snake(&f.name),
                f.name
            );
        }
        out += "};\n\n";
    }
    if !e.response.is_empty() {
        out += &format!("/// The answer of {}.\nstruct {ty}Answer {{\n", e.name);
        for f in &e.response {
            let field = snake(&f.name);
            out += &match c_kind(e, f)? {
                CKind::Text => format!("    std::string {field}; ///< {}\n", f.name),
                CKind::Integer => format!("    uint64_t {field} = 0; ///< {}\n", f.name),
                CKind::Flag => format!("    bool {field} = false; ///< {}\n", f.name),
                CKind::Body => format!(
                    "    std::string {field}_json; ///< {}, a JSON array\n",
                    f.name
                ),
            };
        }
        out += "};\n\n";
    }
    Ok(out)
}

fn method(e: &Endpoint) -> Result<String, String> {
    let ty = pascal(&e.name);
    let mut params = Vec::new();
    let mut args = vec!["handle()".to_owned()];
    for f in required(e) {
        let name = snake(&f.name);
        match c_kind(e, f)? {
            CKind::Text => {
                params.push(format!("const std::string &{name}"));
                args.push(format!("detail::c_str({:?}, {name})", f.name));
            }
            CKind::Integer => {
                params.push(format!("uint64_t {name}"));
                args.push(name);
            }
            CKind::Flag => {
                params.push(format!("bool {name}"));
                args.push(name);
            }
            CKind::Body => {
                params.push(format!("const MessageBody &{name}"));
                args.push(format!("{name}.get()"));
            }
        }
    }
    let mut body = String::new();
    if let Some(name) = options_struct(e) {
        params.push(format!("const {ty}Options &o = {{}}"));
        body += &format!("        {name} options{{}};\n        options.size = sizeof options;\n");
        for f in optional(e) {
            let field = snake(&f.name);
            body += &match c_kind(e, f)? {
                CKind::Text => format!(
                    "        options.{field} = detail::or_null({:?}, o.{field});\n",
                    f.name
                ),
                CKind::Integer => format!(
                    "        if (o.{field}) {{\n            options.has_{field} = true;\n            options.{field} = *o.{field};\n        }}\n"
                ),
                CKind::Flag => format!("        options.{field} = o.{field};\n"),
                CKind::Body => {
                    format!("        options.{field} = o.{field} ? o.{field}->get() : nullptr;\n")
                }
            };
        }
        args.push("&options".to_owned());
    }
    let returns = if e.response.is_empty() {
        "void".to_owned()
    } else {
        format!("{ty}Answer")
    };
    let mut read = String::new();
    for f in &e.response {
        let out = out_name(e, f)?;
        let field = snake(&f.name);
        let (decl, take) = match c_kind(e, f)? {
            CKind::Text => ("char *", format!("answer.{field} = detail::take({out});")),
            CKind::Body => (
                "char *",
                format!("answer.{field}_json = detail::take({out});"),
            ),
            CKind::Integer => ("uint64_t ", format!("answer.{field} = {out};")),
            CKind::Flag => ("bool ", format!("answer.{field} = {out};")),
        };
        let zero = match c_kind(e, f)? {
            CKind::Text | CKind::Body => "nullptr",
            CKind::Integer => "0",
            CKind::Flag => "false",
        };
        body += &format!("        {decl}{out} = {zero};\n");
        read += &format!("        {take}\n");
        args.push(format!("&{out}"));
    }
    args.push("err".to_owned());
    body += &format!(
        "        detail::call([&](timdesk_error **err) {{ return timdesk_{}({}); }});\n",
        e.name,
        args.join(", ")
    );
    if !e.response.is_empty() {
        body += &format!("        {ty}Answer answer;\n{read}        return answer;\n");
    }
    Ok(format!(
        "    /// {}\n    /// `POST /v4/{}`.\n    {returns} {}({}) const {{\n{body}    }}\n\n",
        e.summary,
        e.path,
        e.name,
        params.join(", ")
    ))
}

/// `bindings/cpp/include/timdesk_endpoints.hpp`: the option and answer structs, and the
/// `Endpoints` base of `Client` with a method per endpoint.
pub fn render(endpoints: &[Endpoint]) -> Result<String, String> {
    let mut types_text = String::new();
    let mut methods = String::new();
    for e in generated(endpoints) {
        types_text += &types(e)?;
        methods += &method(e)?;
    }
    Ok(format!(
        "// Generated by `cargo run -p timdesk-codegen` from the models in models/*.json that say\n\
         // \"surface\": \"generated\": do not edit.\n\
         // The C++ surface of those endpoints, included by timdesk.hpp (include that, not this).\n\
         #ifndef TIMDESK_ENDPOINTS_HPP\n#define TIMDESK_ENDPOINTS_HPP\n\n\
         namespace timdesk {{\n\n\
         {types_text}\
         /// The generated endpoints' methods: a base of Client, which gives the handle.\n\
         template <class Derived>\nclass Endpoints {{\npublic:\n\
         {methods}\
         private:\n    timdesk_client *handle() const noexcept {{ return static_cast<const Derived *>(this)->get(); }}\n}};\n\n\
         }} // namespace timdesk\n\n#endif\n"
    ))
}
