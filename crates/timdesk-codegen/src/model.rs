//! The model files as the generator reads them.

use std::path::Path;

use serde::Deserialize;

/// One endpoint's model file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// e.g. `transfer_to_human`; also the file name.
    pub name: String,
    /// `service/command`.
    pub path: String,
    /// One sentence.
    pub summary: String,
    /// `generated`: the generator writes its typed surface; absent: written by hand.
    #[serde(default)]
    pub surface: Option<String>,
    /// The page read.
    pub doc: Doc,
    /// Code for a caller who is not the app administrator.
    pub admin_code: u32,
    /// Code for an invalid field.
    pub invalid_code: u32,
    /// Code for a body that is not a JSON object.
    pub bad_json_code: u32,
    /// Whether answers carry ErrorDisplay.
    #[serde(default)]
    pub error_display: bool,
    /// Retry semantics.
    pub retry: Retry,
    /// Documented calls per second.
    pub rate_limit: Option<u32>,
    /// Code over the rate limit (default 141009).
    #[serde(default)]
    pub rate_limit_code: Option<u32>,
    /// Documented codes.
    pub errors: Vec<u32>,
    /// What the page could not tell about the endpoint, when something.
    #[serde(default)]
    pub gap: Option<String>,
    /// Rules across request fields.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The documented largest request.
    #[serde(default)]
    pub size_limit: Option<SizeLimit>,
    /// How the endpoint pages, when it answers a page at a time.
    #[serde(default)]
    pub paging: Option<Paging>,
    /// Request fields.
    pub request: Vec<Field>,
    /// Answer fields.
    pub response: Vec<Field>,
}

/// Where the model comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Doc {
    /// The page read.
    pub url: String,
    /// Its update date.
    pub updated: String,
    /// Other copies of the page.
    #[serde(default)]
    pub also: Vec<String>,
}

/// What may follow a lost answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// `repeat`, `never` or `ask`.
    pub lost_answer: String,
    /// The code that shows a lost attempt took effect.
    pub done_code: Option<u32>,
    /// Why.
    pub note: String,
}

/// A rule across request fields: when `when` holds (or always), one of the `require`
/// alternatives (each a set of fields given together) must be given whole.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The condition: one field and the integer value it must have.
    #[serde(default)]
    pub when: Option<std::collections::BTreeMap<String, i64>>,
    /// The alternatives.
    pub require: Vec<Vec<String>>,
}

/// The documented largest request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeLimit {
    /// The most bytes, serialized.
    pub bytes: usize,
    /// The code above it.
    pub code: u32,
}

/// How a paged endpoint is walked: the fields that carry the walk. A walk asks for pages
/// of the `limit` field's `max` from offset 0, moves the offset on by each page's items,
/// and ends once it reaches `total` or a page has no items.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    /// The request's integer field of items to skip.
    pub offset: String,
    /// The request's integer field of items per page; its `max` is the walk's page size.
    pub limit: String,
    /// The answer's array field of the page's items.
    pub items: String,
    /// The answer's integer field of items over all pages.
    pub total: String,
}

impl Paging {
    /// Checks that the fields it names are in `endpoint` with the types a walk needs.
    fn check(&self, endpoint: &Endpoint) -> Result<(), String> {
        let find = |fields: &[Field], name: &str, kind: &str, role: &str| match fields
            .iter()
            .find(|f| f.name == name)
        {
            Some(f) if f.kind == kind => Ok(f.clone()),
            _ => Err(format!(
                "{}: paging.{role} {name:?} must name a {kind} field of the {}",
                endpoint.name,
                if role == "offset" || role == "limit" {
                    "request"
                } else {
                    "response"
                }
            )),
        };
        find(&endpoint.request, &self.offset, "integer", "offset")?;
        let limit = find(&endpoint.request, &self.limit, "integer", "limit")?;
        if limit.max.is_none() {
            return Err(format!(
                "{}: paging.limit {:?} needs a max (the page size)",
                endpoint.name, self.limit
            ));
        }
        find(&endpoint.response, &self.items, "array", "items")?;
        find(&endpoint.response, &self.total, "integer", "total")?;
        Ok(())
    }
}

/// One field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// `string`, `integer`, `flag`, `timestamp`, `list<string>` or `array`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Required in a request.
    #[serde(default)]
    pub required: bool,
    /// Smallest value.
    pub min: Option<i64>,
    /// Largest value.
    pub max: Option<i64>,
    /// Allowed values.
    #[serde(default, rename = "enum")]
    pub allowed: Vec<i64>,
    /// The server's default.
    pub default: Option<i64>,
    /// Code for a wrong value.
    pub invalid_code: Option<u32>,
    /// Code when missing.
    pub missing_code: Option<u32>,
    /// Meaning.
    pub doc: String,
    /// What the docs could not tell.
    pub gap: Option<String>,
}

const KINDS: [&str; 6] = [
    "string",
    "integer",
    "flag",
    "timestamp",
    "list<string>",
    "array",
];

/// Every model under `dir`, sorted by name, checked for what JSON cannot say.
pub fn load(dir: &Path) -> Result<Vec<Endpoint>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut endpoints = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let endpoint: Endpoint =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if endpoint.name != stem {
            return Err(format!(
                "{}: name {:?} differs from the file name",
                file.display(),
                endpoint.name
            ));
        }
        if endpoint
            .surface
            .as_deref()
            .is_some_and(|s| s != "generated")
        {
            return Err(format!(
                "{}: surface must be \"generated\" or absent",
                endpoint.name
            ));
        }
        if !["repeat", "never", "ask"].contains(&endpoint.retry.lost_answer.as_str()) {
            return Err(format!(
                "{}: retry.lost_answer must be repeat, never or ask",
                endpoint.name
            ));
        }
        for field in endpoint.request.iter().chain(&endpoint.response) {
            if !KINDS.contains(&field.kind.as_str()) {
                return Err(format!(
                    "{}.{}: unknown type {:?}",
                    endpoint.name, field.name, field.kind
                ));
            }
        }
        check_rules(&endpoint)?;
        if let Some(paging) = &endpoint.paging {
            paging.check(&endpoint)?;
        }
        endpoints.push(endpoint);
    }
    Ok(endpoints)
}

/// A rule names request fields of its own model, has alternatives, and at most one condition.
fn check_rules(endpoint: &Endpoint) -> Result<(), String> {
    let known = |name: &String| endpoint.request.iter().any(|f| &f.name == name);
    for rule in &endpoint.rules {
        let when = rule.when.iter().flatten().map(|(name, _)| name);
        if rule.when.as_ref().is_some_and(|w| w.len() != 1) {
            return Err(format!("{}: a rule's when names one field", endpoint.name));
        }
        if rule.require.is_empty() || rule.require.iter().any(Vec::is_empty) {
            return Err(format!(
                "{}: a rule's require lists non-empty alternatives",
                endpoint.name
            ));
        }
        if let Some(name) = when
            .chain(rule.require.iter().flatten())
            .find(|n| !known(n))
        {
            return Err(format!(
                "{}: a rule names {name:?}, not a request field",
                endpoint.name
            ));
        }
    }
    Ok(())
}
