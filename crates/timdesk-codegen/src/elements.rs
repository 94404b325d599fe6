//! The message elements (TIMMsgElement), declared once in `models/library/elements.json`,
//! and the files made from them: the core's element types, their JSON and the table the
//! client and the emulator check elements against (`crates/timdesk/src/api/elements.rs`),
//! Python's element classes (`crates/timdesk-py/src/elements_generated.rs`) and their
//! stubs (`python/timdesk/_native_elements.pyi`), the C builders, C++'s `ElementBuilders` and
//! Go's element constructors (`bindings/go/elements_generated.go`).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::errors::comment;
use crate::format::{gofmt, rustfmt};
use crate::go::{go_name, go_param};
use crate::python::def_stub;
use crate::surface::snake;

/// Where the declaration lives, relative to the repository root.
pub(crate) const SOURCE: &str = "models/library/elements.json";

/// The declaration's text, compiled in: editing it rebuilds the generator.
const TEXT: &str = include_str!("../../../models/library/elements.json");

/// The declaration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// The page read (`url`, `updated`) and what it could not tell (`gap`).
    pub doc: Map<String, Value>,
    /// Structures nested in an element's content (an image's ImageInfoArray entries).
    pub structs: Vec<Shape>,
    /// The elements, each a MsgType.
    pub elements: Vec<Shape>,
    /// The desk's custom-message forms: a TIMCustomElem whose Data is JSON with `data`'s
    /// keys and the fields under `content`.
    pub cards: Vec<Shape>,
}

/// An element, a nested structure or a card: a named list of fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// The class name in every binding (`Text`), and the core's variant or struct.
    pub name: String,
    /// The element's MsgType (elements only).
    #[serde(default)]
    pub msg_type: Option<String>,
    /// What it is.
    pub doc: String,
    /// Its fields, in constructor order.
    pub fields: Vec<ContentField>,
    /// Content keys with a fixed value, sent with every element (`Download_Flag`).
    #[serde(default)]
    pub constants: Map<String, Value>,
    /// A card's fixed Data keys.
    #[serde(default)]
    pub data: Map<String, Value>,
}

/// One field of an element's MsgContent (or of a nested structure or card).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentField {
    /// The binding name, snake_case (`file_size`).
    pub name: String,
    /// The wire name, exactly (`FileSize`).
    pub wire: String,
    /// `string`, `integer`, `number`, `json_text` (a string; Python also takes a dict or
    /// list and serializes it) or `list<Struct>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the server needs it (default true).
    #[serde(default = "yes")]
    pub required: bool,
    /// `empty`: Python's constructor defaults the list to empty.
    #[serde(default)]
    pub python_default: Option<String>,
    /// What it holds.
    pub doc: String,
}

fn yes() -> bool {
    true
}

impl ContentField {
    /// The nested structure of a `list<Struct>` field.
    fn list_of(&self) -> Option<&str> {
        self.kind.strip_prefix("list<")?.strip_suffix('>')
    }

    /// Its Rust type in the core and in the pyclasses (the same names).
    fn rust_type(&self) -> String {
        let base = match self.kind.as_str() {
            "string" | "json_text" => "String".to_owned(),
            "integer" => "i64".to_owned(),
            "number" => "f64".to_owned(),
            _ => format!("Vec<{}>", self.list_of().unwrap_or_default()),
        };
        if self.required {
            base
        } else {
            format!("Option<{base}>")
        }
    }

    /// Whether the Rust value is `Copy` (read without `.clone()`).
    fn is_copy(&self) -> bool {
        matches!(self.kind.as_str(), "integer" | "number")
    }

    /// Its `ContentType` in the core's table.
    fn content_type(&self) -> &'static str {
        match self.kind.as_str() {
            "string" | "json_text" => "String",
            "integer" => "Integer",
            "number" => "Number",
            _ => "Array",
        }
    }

    /// Its stub type: as a property, and as a constructor parameter.
    fn stub_types(&self) -> (String, String) {
        let (property, param) = match self.kind.as_str() {
            "string" => ("str".to_owned(), "str".to_owned()),
            "json_text" => (
                "str".to_owned(),
                "Union[str, Dict[str, Any], Sequence[Any]]".to_owned(),
            ),
            "integer" => ("int".to_owned(), "int".to_owned()),
            "number" => ("float".to_owned(), "float".to_owned()),
            _ => {
                let of = self.list_of().unwrap_or_default();
                (format!("List[{of}]"), format!("Sequence[{of}]"))
            }
        };
        if self.required {
            (property, param)
        } else {
            (
                format!("Optional[{property}]"),
                format!("Optional[{param}]"),
            )
        }
    }
}

/// The declaration, checked for what JSON cannot say.
pub fn declared() -> Result<Declaration, String> {
    parse(TEXT)
}

/// `text` as a declaration: known field types, nested structures declared, names unique.
fn parse(text: &str) -> Result<Declaration, String> {
    let d: Declaration = serde_json::from_str(text).map_err(|e| format!("{SOURCE}: {e}"))?;
    let mut names = std::collections::BTreeSet::new();
    for shape in d.structs.iter().chain(&d.elements).chain(&d.cards) {
        if !names.insert(shape.name.as_str()) {
            return Err(format!("{SOURCE}: {} is declared twice", shape.name));
        }
    }
    for shape in d.structs.iter().chain(&d.elements).chain(&d.cards) {
        if d.elements.iter().any(|e| e.name == shape.name) && shape.msg_type.is_none() {
            return Err(format!("{SOURCE}: element {} has no msg_type", shape.name));
        }
        for f in &shape.fields {
            let known = match f.list_of() {
                Some(of) => d.structs.iter().any(|s| s.name == of),
                None => matches!(
                    f.kind.as_str(),
                    "string" | "integer" | "number" | "json_text"
                ),
            };
            if !known {
                return Err(format!(
                    "{SOURCE}: {}.{} has the unknown type {:?}",
                    shape.name, f.name, f.kind
                ));
            }
        }
    }
    Ok(d)
}

/// The header line of a generated file, after the language's comment marker.
fn generated_from() -> String {
    format!("Generated by `cargo run -p timdesk-codegen` from `{SOURCE}`: do not edit.")
}

/// The fields of a struct or struct variant, with their docs.
fn rust_fields(shape: &Shape, visibility: &str) -> String {
    shape
        .fields
        .iter()
        .map(|f| {
            format!(
                "{}    {visibility}{}: {},\n",
                comment(&f.doc, "    /// "),
                f.name,
                f.rust_type()
            )
        })
        .collect()
}

/// A value's Rust expression inside `json!` (a declared constant).
fn literal(value: &Value) -> String {
    value.to_string()
}

/// `crates/timdesk/src/api/elements.rs`: the core's element types, their JSON and the
/// table of every element's content fields.
pub(crate) fn render_rust(d: &Declaration) -> Result<String, String> {
    let mut out = format!("//! {}\n//!\n", generated_from());
    out += "//! The message elements (TIMMsgElement): the parts of a MsgBody, their JSON, and\n";
    out += "//! the table the client and the emulator check an element's content against.\n//!\n";
    let page = |key: &str| d.doc.get(key).and_then(Value::as_str).unwrap_or_default();
    out += &comment(
        &format!(
            "Read from <{}> (updated {}). {}",
            page("url"),
            page("updated"),
            page("gap")
        ),
        "//! ",
    );
    out += "\nuse serde_json::{Map, Value, json};\n\n";
    out += "/// One element of a message body, serialized as `{\"MsgType\": …, \"MsgContent\": {…}}`.\n";
    out += "#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\npub enum MsgElement {\n";
    for e in &d.elements {
        let msg_type = e.msg_type.as_deref().unwrap_or_default();
        out += &comment(&format!("{msg_type}: {}", e.doc), "    /// ");
        out += &format!("    {} {{\n{}    }},\n", e.name, rust_fields(e, ""));
    }
    out +=
        "    /// Any element as raw JSON (`{\"MsgType\": …, \"MsgContent\": …}`), for types this\n";
    out += "    /// library does not declare, or content given as JSON.\n    Raw(Value),\n}\n\n";
    for s in d.structs.iter().chain(&d.cards) {
        let eq = if s.fields.iter().any(|f| f.kind == "number") {
            ""
        } else {
            ", Eq"
        };
        out += &comment(&s.doc, "/// ");
        out += &format!(
            "#[derive(Debug, Clone, PartialEq{eq})]\npub struct {} {{\n{}}}\n\n",
            s.name,
            rust_fields(s, "pub ")
        );
    }
    out += "/// The JSON type of a content field, as the declaration states it.\n";
    out += "#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum ContentType {\n";
    out += "    /// A JSON string.\n    String,\n    /// A JSON integer.\n    Integer,\n";
    out += "    /// Any JSON number.\n    Number,\n    /// A JSON array.\n    Array,\n}\n\n";
    out += "/// One field of an element's MsgContent.\n";
    out += "#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub struct ContentField {\n";
    out += "    /// The wire name, exactly.\n    pub wire: &'static str,\n";
    out += "    /// Its JSON type.\n    pub kind: ContentType,\n";
    out += "    /// Whether the server needs it.\n    pub required: bool,\n}\n\n";
    out += "/// A declared element: its name in every binding, its MsgType and its MsgContent.\n";
    out += "#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub struct ElementType {\n";
    out += "    /// The class name in every binding (`Text`).\n    pub name: &'static str,\n";
    out += "    /// The MsgType (`TIMTextElem`).\n    pub msg_type: &'static str,\n";
    out += "    /// The MsgContent fields the declaration names.\n";
    out += "    pub fields: &'static [ContentField],\n}\n\n";
    out += "/// Every declared element, in the declaration's order.\npub const ELEMENTS: &[ElementType] = &[\n";
    for e in &d.elements {
        out += &format!(
            "    ElementType {{ name: {:?}, msg_type: {:?}, fields: &[\n",
            e.name,
            e.msg_type.as_deref().unwrap_or_default()
        );
        for f in &e.fields {
            out += &format!(
                "        ContentField {{ wire: {:?}, kind: ContentType::{}, required: {} }},\n",
                f.wire,
                f.content_type(),
                f.required
            );
        }
        out += "    ] },\n";
    }
    out += "];\n\n";
    out += "impl MsgElement {\n    /// The element's JSON form.\n    pub fn to_json(&self) -> Value {\n";
    out += "        let (msg_type, content) = match self {\n";
    for e in &d.elements {
        let names: Vec<&str> = e.fields.iter().map(|f| f.name.as_str()).collect();
        out += &format!(
            "            Self::{} {{ {} }} => {{\n",
            e.name,
            names.join(", ")
        );
        out += "                let mut content = Map::new();\n";
        for f in &e.fields {
            let value = match f.list_of() {
                Some(of) => format!("json!(v.iter().map({of}::to_json).collect::<Vec<_>>())"),
                None => "json!(v)".to_owned(),
            };
            let insert = format!("content.insert({:?}.to_owned(), {value});", f.wire);
            out += &if f.required {
                format!(
                    "                let v = {};\n                {insert}\n",
                    f.name
                )
            } else {
                format!(
                    "                if let Some(v) = {} {{ {insert} }}\n",
                    f.name
                )
            };
        }
        for (key, value) in &e.constants {
            out += &format!(
                "                content.insert({key:?}.to_owned(), json!({}));\n",
                literal(value)
            );
        }
        out += &format!(
            "                ({:?}, content)\n            }}\n",
            e.msg_type.as_deref().unwrap_or_default()
        );
    }
    out += "            Self::Raw(value) => return value.clone(),\n        };\n";
    out += "        json!({\"MsgType\": msg_type, \"MsgContent\": content})\n    }\n}\n";
    for s in &d.structs {
        let pairs: Vec<String> = s
            .fields
            .iter()
            .map(|f| format!("{:?}: self.{}", f.wire, f.name))
            .collect();
        out += &format!(
            "\nimpl {} {{\n    /// Its JSON form.\n    pub fn to_json(&self) -> Value {{\n        json!({{{}}})\n    }}\n}}\n",
            s.name,
            pairs.join(", ")
        );
    }
    for c in &d.cards {
        let content: Vec<String> = c
            .fields
            .iter()
            .map(|f| format!("{:?}: self.{}", f.wire, f.name))
            .collect();
        let fixed: Vec<String> = c
            .data
            .iter()
            .map(|(k, v)| format!("{k:?}: {}", literal(v)))
            .collect();
        out += &format!(
            "\nimpl {} {{\n    /// The JSON its TIMCustomElem carries (serialized) in Data.\n    pub fn data(&self) -> Value {{\n        json!({{{}, \"content\": {{{}}}}})\n    }}\n}}\n",
            c.name,
            fixed.join(", "),
            content.join(", ")
        );
    }
    rustfmt(&out)
}

/// One pyclass of the Python module: an element, a nested structure or a card.
fn py_class(shape: &Shape, role: Role) -> String {
    let title = match &shape.msg_type {
        Some(t) => format!("{t}: {}", shape.doc),
        None => shape.doc.clone(),
    };
    let mut out = comment(&title, "/// ");
    out += "#[pyclass(frozen, eq, get_all, module = \"timdesk._native\")]\n#[derive(Clone, PartialEq)]\n";
    out += &format!(
        "pub struct {} {{\n{}}}\n\n",
        shape.name,
        rust_fields(shape, "pub ")
    );
    let signature: Vec<String> = shape
        .fields
        .iter()
        .map(|f| match (&f.python_default, f.required) {
            (Some(_), _) => format!("{}=Vec::new()", f.name),
            (None, false) => format!("{}=None", f.name),
            (None, true) => f.name.clone(),
        })
        .collect();
    let params: Vec<String> = shape
        .fields
        .iter()
        .map(|f| match f.kind.as_str() {
            "json_text" => format!("{}: &Bound<'_, PyAny>", f.name),
            _ => format!("{}: {}", f.name, f.rust_type()),
        })
        .collect();
    let inits: Vec<String> = shape
        .fields
        .iter()
        .map(|f| match f.kind.as_str() {
            "json_text" => format!("{}: json_text({}, {:?})?", f.name, f.name, f.name),
            _ => f.name.clone(),
        })
        .collect();
    out += &format!("#[pymethods]\nimpl {} {{\n    #[new]\n", shape.name);
    out += &format!("    #[pyo3(signature = ({}))]\n", signature.join(", "));
    if params.len() > 7 {
        out += "    #[allow(clippy::too_many_arguments)]\n";
    }
    out += &format!(
        "    fn new({}) -> PyResult<Self> {{\n        Ok(Self {{ {} }})\n    }}\n\n",
        params.join(", "),
        inits.join(", ")
    );
    if role != Role::Struct {
        out += "    /// The element as the server receives it: {\"MsgType\": ..., \"MsgContent\": {...}}.\n";
        out += "    fn to_json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {\n";
        out += "        to_py(py, &self.core().to_json())\n    }\n\n";
    }
    out += &format!(
        "    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {{\n        repr({:?}, self.fields(py)?, py)\n    }}\n\n",
        shape.name
    );
    out +=
        "    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {\n";
    out += "        newargs(py, self.fields(py)?)\n    }\n}\n\n";
    let values: Vec<String> = shape
        .fields
        .iter()
        .map(|f| match f.list_of() {
            Some(of) => format!(
                "{}: self.{}.iter().map({of}::core).collect()",
                f.name, f.name
            ),
            None if f.is_copy() => format!("{}: self.{}", f.name, f.name),
            None => format!("{}: self.{}.clone()", f.name, f.name),
        })
        .collect();
    let (returns, build) = match role {
        Role::Element => (
            "MsgElement".to_owned(),
            format!("MsgElement::{} {{ {} }}", shape.name, values.join(", ")),
        ),
        Role::Struct => (
            format!("api::{}", shape.name),
            format!("api::{} {{ {} }}", shape.name, values.join(", ")),
        ),
        Role::Card => (
            "MsgElement".to_owned(),
            format!(
                "MsgElement::card(&api::{} {{ {} }})",
                shape.name,
                values.join(", ")
            ),
        ),
    };
    let reads: Vec<String> = shape
        .fields
        .iter()
        .map(|f| match f.list_of() {
            Some(_) => format!(
                "({:?}, PyTuple::new(py, self.{}.clone())?.into_any().unbind())",
                f.name, f.name
            ),
            None if f.is_copy() => format!("({:?}, obj(py, self.{})?)", f.name, f.name),
            None => format!("({:?}, obj(py, &self.{})?)", f.name, f.name),
        })
        .collect();
    out += &format!("impl {} {{\n    /// The core's value.\n", shape.name);
    out += &format!("    pub(crate) fn core(&self) -> {returns} {{\n        {build}\n    }}\n\n");
    out += "    /// Its fields by constructor keyword, for repr and pickling.\n";
    out += "    fn fields(&self, py: Python<'_>) -> PyResult<Vec<(&'static str, Py<PyAny>)>> {\n";
    out += &format!("        Ok(vec![{}])\n    }}\n}}\n\n", reads.join(", "));
    out
}

/// What a pyclass stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Element,
    Struct,
    Card,
}

/// Every shape with its role, in the order Python declares the classes.
fn shapes(d: &Declaration) -> Vec<(&Shape, Role)> {
    let structs = d.structs.iter().map(|s| (s, Role::Struct));
    let elements = d.elements.iter().map(|s| (s, Role::Element));
    let cards = d.cards.iter().map(|s| (s, Role::Card));
    structs.chain(elements).chain(cards).collect()
}

/// `crates/timdesk-py/src/elements_generated.rs`: the element classes (`timdesk.Text`, ...),
/// frozen, compared by value, picklable, each converting to the core's element.
pub(crate) fn render_py(d: &Declaration) -> Result<String, String> {
    let mut out = format!("//! {}\n//!\n", generated_from());
    out +=
        "//! The message element classes (`timdesk.Text`, `timdesk.Card`, ...): frozen, compared\n";
    out += "//! by value, picklable; `send_msg` reads them without calling back into Python.\n\n";
    out += "use pyo3::prelude::*;\nuse pyo3::types::PyTuple;\nuse timdesk::api::{self, MsgElement};\n\n";
    out += "use crate::convert::to_py;\nuse crate::elements::{json_text, newargs, obj, repr};\n\n";
    let all = shapes(d);
    for (shape, role) in &all {
        out += &py_class(shape, *role);
    }
    out +=
        "/// The core's element for an instance of one of the element classes, if `item` is one.\n";
    out += "pub(crate) fn declared(item: &Bound<'_, PyAny>) -> Option<MsgElement> {\n";
    for (shape, role) in &all {
        if *role != Role::Struct {
            out += &format!(
                "    if let Ok(e) = item.cast::<{}>() {{ return Some(e.get().core()); }}\n",
                shape.name
            );
        }
    }
    out += "    None\n}\n\n/// Adds the classes to the module.\n";
    out += "pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {\n";
    for (shape, _) in &all {
        out += &format!("    m.add_class::<{}>()?;\n", shape.name);
    }
    out += "    Ok(())\n}\n";
    rustfmt(&out)
}

/// The C type of a field's parameter (elements with a list field have no C function).
fn c_type(f: &ContentField) -> &'static str {
    match f.kind.as_str() {
        "integer" => "i64",
        "number" => "f64",
        _ => "*const c_char",
    }
}

/// The element's value of a C parameter, read and checked.
fn c_read(f: &ContentField) -> String {
    match (f.kind.as_str(), f.required) {
        ("integer" | "number", _) => f.name.clone(),
        (_, true) => format!("string({}, {:?})?.to_owned()", f.name, f.name),
        (_, false) => format!(
            "optional_string({}, {:?})?.map(str::to_owned)",
            f.name, f.name
        ),
    }
}

/// `crates/timdesk-ffi/src/elements_generated.rs`: `timdesk_message_body_add_<element>` for
/// every declared element and card without a list field (an image goes through
/// `timdesk_message_body_add_json`).
pub(crate) fn render_ffi(d: &Declaration) -> Result<String, String> {
    let mut out = format!("//! {}\n//!\n", generated_from());
    out += "//! The C builders of the declared message elements: each adds one element to a\n";
    out += "//! `timdesk_message_body` once every argument was read and checked.\n\n";
    out += "use std::ffi::c_char;\n\nuse timdesk::api::{Card, MsgElement};\n\n";
    out += "use crate::boundary::{Failure, optional_string, string};\nuse crate::error::*;\n";
    out += "use crate::message_body::{push, timdesk_message_body};\n";
    let roles = d.elements.iter().map(|e| (e, Role::Element));
    for (shape, role) in roles.chain(d.cards.iter().map(|c| (c, Role::Card))) {
        if shape.fields.iter().any(|f| f.list_of().is_some()) {
            continue;
        }
        let what = match &shape.msg_type {
            Some(t) => format!("Adds a {t}: {}", shape.doc),
            None => {
                let mut doc = shape.doc.clone();
                doc[..1].make_ascii_lowercase();
                format!("Adds {doc}")
            }
        };
        out += "\n";
        out += &comment(&what, "/// ");
        let optional: Vec<String> = shape
            .fields
            .iter()
            .filter(|f| !f.required)
            .map(|f| format!("`{}`", f.name))
            .collect();
        if !optional.is_empty() {
            out += &format!("/// {} may be NULL.\n", optional.join(", "));
        }
        out += "///\n/// # Safety\n/// Pointers must be NULL or valid as described in timdesk.h's conventions.\n";
        out += &format!(
            "#[unsafe(no_mangle)]\npub unsafe extern \"C\" fn timdesk_message_body_add_{}(\n    body: *mut timdesk_message_body,\n",
            snake(&shape.name)
        );
        for f in &shape.fields {
            out += &format!("    {}: {},\n", f.name, c_type(f));
        }
        out +=
            "    err: *mut *mut timdesk_error,\n) -> timdesk_status {\n    push(err, body, || {\n";
        for f in shape.fields.iter().filter(|f| f.kind == "number") {
            out += &format!(
                "        if !{}.is_finite() {{ return Err(Failure::invalid({:?}, \"must be a finite number\")); }}\n",
                f.name, f.name
            );
        }
        let values: Vec<String> = shape
            .fields
            .iter()
            .map(|f| match c_read(f) {
                read if read == f.name => read,
                read => format!("{}: {read}", f.name),
            })
            .collect();
        out += &match role {
            Role::Card => format!(
                "        Ok(MsgElement::card(&{} {{ {} }}))\n",
                shape.name,
                values.join(", ")
            ),
            _ => format!(
                "        Ok(MsgElement::{} {{ {} }})\n",
                shape.name,
                values.join(", ")
            ),
        };
        out += "    })\n}\n";
    }
    rustfmt(&out)
}

/// The C++ parameter of a field; `defaulted` when it and every later field are optional.
fn cpp_param(f: &ContentField, defaulted: bool) -> String {
    let ty = match (f.kind.as_str(), f.required) {
        ("integer", _) => "int64_t",
        ("number", _) => "double",
        (_, true) => "const std::string &",
        (_, false) => "const std::optional<std::string> &",
    };
    let default = if defaulted { " = std::nullopt" } else { "" };
    format!(
        "{ty}{}{}{default}",
        if ty.ends_with('&') { "" } else { " " },
        f.name
    )
}

/// The C argument of a C++ parameter (errors name the wire field).
fn cpp_arg(f: &ContentField) -> String {
    match (f.kind.as_str(), f.required) {
        ("integer" | "number", _) => f.name.clone(),
        (_, true) => format!("detail::c_str({:?}, {})", f.wire, f.name),
        (_, false) => format!("detail::or_null({:?}, {})", f.wire, f.name),
    }
}

/// `bindings/cpp/include/timdesk_elements.hpp`: `ElementBuilders`, the base of the
/// hand-written `MessageBody`, with one method per C builder (`render_ffi`).
pub(crate) fn render_cpp(d: &Declaration) -> Result<String, String> {
    let mut out = format!("// {}\n", generated_from());
    out +=
        "// The C++ element builders, the base of MessageBody; included by timdesk.hpp (include\n";
    out += "// that, not this).\n#ifndef TIMDESK_ELEMENTS_HPP\n#define TIMDESK_ELEMENTS_HPP\n\nnamespace timdesk {\n\n";
    out +=
        "/// The builders of the declared message elements, each adding one element to the body\n";
    out += "/// `Body` (MessageBody) and returning it; an image goes through `Body::json`.\n";
    out += "template <class Body> class ElementBuilders {\npublic:\n";
    let roles = d.elements.iter().chain(&d.cards);
    for shape in roles.filter(|s| s.fields.iter().all(|f| f.list_of().is_none())) {
        let what = match &shape.msg_type {
            Some(t) => format!("A {t}: {}", shape.doc),
            None => shape.doc.clone(),
        };
        out += &comment(&what, "    /// ");
        let params: Vec<String> = shape
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| cpp_param(f, shape.fields[i..].iter().all(|g| !g.required)))
            .collect();
        let args: Vec<String> = shape.fields.iter().map(cpp_arg).collect();
        out += &format!(
            "    Body &{}({}) {{\n        detail::call([&](timdesk_error **err) {{\n            return timdesk_message_body_add_{}(body(), {}, err);\n        }});\n        return static_cast<Body &>(*this);\n    }}\n\n",
            snake(&shape.name),
            params.join(", "),
            snake(&shape.name),
            args.join(", ")
        );
    }
    out += "protected:\n    ElementBuilders() = default;\n\nprivate:\n";
    out += "    timdesk_message_body *body() const noexcept { return static_cast<const Body &>(*this).get(); }\n";
    out += "};\n\n} // namespace timdesk\n\n#endif\n";
    Ok(out)
}

/// `python/timdesk/_native_elements.pyi`: the element classes' stubs, re-exported by the
/// hand-written `_native.pyi`.
pub(crate) fn render_stubs(d: &Declaration) -> Result<String, String> {
    let mut out = format!("\"\"\"{}\n\n", generated_from().replace('`', ""));
    out += "The stubs of the message element classes; _native.pyi re-exports them.\n\"\"\"\n\n";
    out += "from typing import Any, Dict, List, Optional, Sequence, Tuple, Union, final\n";
    for (shape, role) in shapes(d) {
        out += &format!("\n@final\nclass {}:\n", shape.name);
        let params: Vec<String> = std::iter::once("cls".to_owned())
            .chain(shape.fields.iter().map(|f| {
                let (_, param) = f.stub_types();
                match (&f.python_default, f.required) {
                    (Some(_), _) => format!("{}: {param} = ...", f.name),
                    (None, false) => format!("{}: {param} = None", f.name),
                    (None, true) => format!("{}: {param}", f.name),
                }
            }))
            .collect();
        out += &def_stub("__new__", &params, &shape.name);
        for f in &shape.fields {
            let (property, _) = f.stub_types();
            out += &format!(
                "    @property\n    def {}(self) -> {property}: ...\n",
                f.name
            );
        }
        if role != Role::Struct {
            out += "    def to_json(self) -> Dict[str, Any]: ...\n";
        }
        out += "    def __getnewargs__(self) -> Tuple[Any, ...]: ...\n";
    }
    Ok(out)
}

/// A field's Go parameter type, and its C argument from the Go value `value` (errors name
/// the wire field, as the hand-written Go did).
fn go_field(shape: &Shape, f: &ContentField, value: &str) -> Result<(String, String), String> {
    match (f.kind.as_str(), f.required) {
        ("integer", true) => Ok(("int64".to_owned(), format!("C.int64_t({value})"))),
        ("number", true) => Ok(("float64".to_owned(), format!("C.double({value})"))),
        ("string" | "json_text", true) => {
            Ok(("string".to_owned(), format!("cs.of({:?}, {value})", f.wire)))
        }
        ("string" | "json_text", false) => Ok((
            "*string".to_owned(),
            format!("cs.optionalPtr({:?}, {value})", f.wire),
        )),
        _ => Err(format!(
            "{SOURCE}: {}.{}: an optional {} field has no C builder argument",
            shape.name, f.name, f.kind
        )),
    }
}

/// The names a generated Go constructor uses itself, which no parameter may take.
const GO_RESERVED: &str = "body cs cerr opts o err break case chan const continue default \
    defer else fallthrough for func go goto if import interface map package range return \
    select struct switch type var";

/// `bindings/go/elements_generated.go`: a constructor of `Element` for every declared
/// element and card with a C builder (`render_ffi`), calling it; required fields are
/// parameters, optional ones a `<Name>Options` struct passed variadically.
pub(crate) fn render_go(d: &Declaration) -> Result<String, String> {
    let mut out = format!(
        "// Code generated by `cargo run -p timdesk-codegen` from {SOURCE}. DO NOT EDIT.\n\n"
    );
    out += "package timdesk\n\n/*\n#include <timdesk.h>\n*/\nimport \"C\"\n";
    let roles = d.elements.iter().chain(&d.cards);
    for shape in roles.filter(|s| s.fields.iter().all(|f| f.list_of().is_none())) {
        let name = &shape.name;
        let optional: Vec<&ContentField> = shape.fields.iter().filter(|f| !f.required).collect();
        if !optional.is_empty() {
            out += &format!(
                "\n// {name}Options holds the optional fields of {name}; nil ones are left out.\ntype {name}Options struct {{\n"
            );
            for f in &optional {
                let (ty, _) = go_field(shape, f, "")?;
                out += &comment(&format!("[{}] {}", f.wire, f.doc), "\t// ");
                out += &format!("\t{} {ty}\n", go_name(&f.name));
            }
            out += "}\n";
        }
        let what = match &shape.msg_type {
            Some(t) => format!("{name} is a {t}: {}", shape.doc),
            None => {
                let mut doc = shape.doc.clone();
                doc[..1].make_ascii_lowercase();
                format!("{name} is {doc}")
            }
        };
        out += "\n";
        out += &comment(&what, "// ");
        out += "//\n// Its fields (wire names in brackets):\n";
        let mut params = Vec::new();
        let mut args = Vec::new();
        for f in &shape.fields {
            // How the doc names the field, and the Go value the C argument is made of.
            let (label, value) = if f.required {
                let param = go_param(&f.name);
                if GO_RESERVED.split_whitespace().any(|w| w == param) {
                    return Err(format!(
                        "{SOURCE}: {name}.{}: {param:?} cannot be a Go parameter name",
                        f.name
                    ));
                }
                (param.clone(), param)
            } else {
                let field = go_name(&f.name);
                (format!("opts' {field}"), format!("o.{field}"))
            };
            let item = format!("{label} [{}]: {}", f.wire, f.doc);
            out += &comment(&item, "//     ").replacen("//     ", "//   - ", 1);
            let (ty, arg) = go_field(shape, f, &value)?;
            if f.required {
                params.push(format!("{value} {ty}"));
            }
            args.push(arg);
        }
        let call = format!(
            "C.timdesk_message_body_add_{}(body, {}, cerr)",
            snake(name),
            args.join(", ")
        );
        let add =
            "func(body *C.timdesk_message_body, cs *cstrings, cerr **C.timdesk_error) cStatus";
        if optional.is_empty() {
            out += &format!(
                "func {name}({}) Element {{\n\treturn Element{{add: {add} {{\n\t\treturn {call}\n\t}}}}\n}}\n",
                params.join(", ")
            );
        } else {
            out += &format!("//\n// Pass at most one {name}Options.\n");
            params.push(format!("opts ...{name}Options"));
            out += &format!(
                "func {name}({}) Element {{\n\to, err := oneOptions({name:?}, opts)\n\treturn Element{{err: err, add: {add} {{\n\t\treturn {call}\n\t}}}}\n}}\n",
                params.join(", ")
            );
        }
    }
    gofmt(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_field_type_is_refused_naming_the_field() {
        let text = TEXT.replacen("\"type\": \"integer\"", "\"type\": \"int\"", 1);
        let err = parse(&text).unwrap_err();
        assert!(
            err.contains("ImageInfo.kind") && err.contains("\"int\""),
            "{err}"
        );
    }

    #[test]
    fn a_name_declared_twice_is_refused() {
        let text = TEXT.replacen("\"name\": \"Face\"", "\"name\": \"Text\"", 1);
        assert!(parse(&text).unwrap_err().contains("Text is declared twice"));
    }

    #[test]
    fn go_refuses_an_optional_field_its_c_builder_cannot_leave_out() {
        let text = TEXT.replacen(
            "\"type\": \"integer\", \"doc\": \"Index of the emoji.\"",
            "\"type\": \"integer\", \"required\": false, \"doc\": \"Index of the emoji.\"",
            1,
        );
        let err = render_go(&parse(&text).unwrap()).unwrap_err();
        assert!(err.contains("Face.index"), "{err}");
    }
}
