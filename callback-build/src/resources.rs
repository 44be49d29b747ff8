//! The `webhook` resources of `resources.json`: built from the Desk event
//! handlers, merged into an existing file without touching anything else in
//! it, and checked against what Zoho documents.

use crate::json_merge::{Document, DocumentError, Json, new_document};
use crate::output::write_if_changed;
use callback_core::BaseUrl;
use callback_core::base_url::BaseUrlError;
use callback_spec::{
    DeskEventSelector, DeskEventType, DeskHandlerInfo, DeskHandlersError, PathError,
    ThreadDirection, check_desk_handlers, validate_path,
};
use std::fmt;
use std::path::{Path, PathBuf};

/// The file in `OUT_DIR` holding the `webhook` section (for
/// `include_str!`): the value of `resources.json`'s `webhook` key, two-space
/// indented, or `[]` when there is no Desk event handler.
pub const WEBHOOK_FILE: &str = "resources-webhook.json";

/// The key of `resources.json` this crate writes.
pub const WEBHOOK_KEY: &str = "webhook";

/// One subscription's options; all off is `null` in `resources.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subscription {
    /// `includePrevState: true`.
    pub include_prev_state: bool,
    /// `fields: [...]`; empty for none.
    pub fields: Vec<String>,
    /// `direction: "in" | "out"`.
    pub direction: Option<ThreadDirection>,
}

impl Subscription {
    fn to_json(&self) -> Json {
        let mut options = Vec::new();
        if self.include_prev_state {
            options.push(("includePrevState".to_owned(), Json::Bool(true)));
        }
        if !self.fields.is_empty() {
            let fields = self.fields.iter().map(|f| Json::str(f)).collect();
            options.push(("fields".to_owned(), Json::Array(fields)));
        }
        if let Some(direction) = self.direction {
            options.push(("direction".to_owned(), Json::str(direction.wire_name())));
        }
        if options.is_empty() {
            Json::Null
        } else {
            Json::Object(options)
        }
    }
}

/// One webhook resource, as its handlers give it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    /// Its `resourceName`: the handlers' `webhook = "..."`.
    pub resource_name: String,
    /// Its `url`: the base URL and the handlers' path.
    pub url: String,
    /// One per event type a handler takes, in the table's order.
    pub subscriptions: Vec<(DeskEventType, Subscription)>,
    /// Whether a catch-all handler (`#[desk_event(any)]`) takes its other
    /// events. It adds no subscription of its own; the subscriptions an
    /// existing `resources.json` lists that no handler takes are kept for
    /// it (and dropped from a webhook without one).
    pub catch_all: bool,
}

impl Webhook {
    /// The webhook as `resources.json` lists it, the `existing` one's other
    /// members (its `name`, `description`, `ignoreSourceId`, any other)
    /// kept in their order. A new one is named after its `resourceName`.
    fn to_json(&self, existing: Option<&Json>) -> Json {
        let subscriptions = self.subscriptions_json(existing.and_then(|e| e.get("subscriptions")));
        let fresh = [
            ("resourceName", Json::str(&self.resource_name)),
            ("url", Json::str(&self.url)),
            ("name", Json::str(&self.resource_name)),
            ("subscriptions", subscriptions),
        ];
        let Some(Json::Object(members)) = existing else {
            return Json::Object(fresh.map(|(k, v)| (k.to_owned(), v)).into());
        };
        let mut members: Vec<(String, Json)> = members
            .iter()
            .map(|(key, value)| match fresh.iter().find(|(k, _)| k == key) {
                Some((_, new)) if key != "name" => (key.clone(), new.clone()),
                _ => (key.clone(), value.clone()),
            })
            .collect();
        for (key, value) in fresh {
            if !members.iter().any(|(k, _)| k == key) {
                members.push((key.to_owned(), value));
            }
        }
        Json::Object(members)
    }

    fn subscriptions_json(&self, existing: Option<&Json>) -> Json {
        let mut subscriptions: Vec<(String, Json)> = self
            .subscriptions
            .iter()
            .map(|(ty, s)| (ty.wire_name().to_owned(), s.to_json()))
            .collect();
        if let (true, Some(Json::Object(existing))) = (self.catch_all, existing) {
            for (name, value) in existing {
                if !subscriptions.iter().any(|(n, _)| n == name) {
                    subscriptions.push((name.clone(), value.clone()));
                }
            }
        }
        Json::Object(subscriptions)
    }
}

/// Why the webhooks could not be built from the handlers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhooksError {
    /// The base URL is not a [`BaseUrl`].
    #[error(transparent)]
    BaseUrl(#[from] BaseUrlError),
    /// The handlers cannot be mounted together.
    #[error(transparent)]
    Handlers(#[from] DeskHandlersError),
    /// A handler's path is not a valid URL path.
    #[error("`{handler}` has an invalid path {path:?}: {reason}")]
    InvalidPath {
        /// The handler, `module::name`.
        handler: String,
        /// Its path.
        path: String,
        /// Why it is invalid.
        reason: PathError,
    },
}

/// The webhook resources of an extension, from its Desk event handlers:
/// one per `webhook = "..."` name, in name order.
///
/// In `resources.json`, one webhook is the object Zoho documents
/// (`"webhook": {…}`); several are an array of such objects
/// (`"webhook": [{…}, {…}]`). Zoho documents no form for several webhook
/// resources: an array is what a key that holds one object holds for many
/// (one key twice would be refused by JSON readers that keep only one).
///
/// ```
/// use callback_build::Webhooks;
/// use callback_spec::recognise_desk_attribute;
///
/// let attr: syn::Attribute = syn::parse_quote!(#[desk_event(Ticket_Update, include_prev_state)]);
/// let args = recognise_desk_attribute(&attr).unwrap().args?;
/// let webhooks = Webhooks::new("https://ext.example.com", [&args.info("updated", "ext")])?;
/// assert_eq!(
///     webhooks.to_json_pretty(),
///     r#"{
///   "resourceName": "deskEvents",
///   "url": "https://ext.example.com/desk/deskEvents",
///   "name": "deskEvents",
///   "subscriptions": {
///     "Ticket_Update": {
///       "includePrevState": true
///     }
///   }
/// }"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Webhooks {
    webhooks: Vec<Webhook>,
}

impl Webhooks {
    /// The webhooks of `handlers` at `base_url`. The handlers must pass
    /// [`check_desk_handlers`] (one handler per event type and webhook, one
    /// path per webhook) and have valid paths.
    pub fn new<'a>(
        base_url: &str,
        handlers: impl IntoIterator<Item = &'a DeskHandlerInfo>,
    ) -> Result<Self, WebhooksError> {
        let base = BaseUrl::parse(base_url)?;
        let handlers: Vec<&DeskHandlerInfo> = handlers.into_iter().collect();
        check_desk_handlers(handlers.iter().copied())?;
        let mut webhooks: Vec<Webhook> = Vec::new();
        for h in handlers {
            validate_path(&h.path).map_err(|reason| WebhooksError::InvalidPath {
                handler: h.qualified_name(),
                path: h.path.to_string(),
                reason,
            })?;
            let index = match webhooks.iter().position(|w| w.resource_name == h.webhook) {
                Some(i) => i,
                None => {
                    webhooks.push(Webhook {
                        resource_name: h.webhook.to_string(),
                        url: base.join(&h.path),
                        subscriptions: Vec::new(),
                        catch_all: false,
                    });
                    webhooks.len() - 1
                }
            };
            let webhook = &mut webhooks[index];
            match h.event {
                DeskEventSelector::Any => webhook.catch_all = true,
                DeskEventSelector::Type(ty) => webhook.subscriptions.push((
                    ty,
                    Subscription {
                        include_prev_state: h.include_prev_state,
                        fields: h.fields.iter().map(ToString::to_string).collect(),
                        direction: h.direction,
                    },
                )),
            }
        }
        for webhook in &mut webhooks {
            webhook.subscriptions.sort_by_key(|(ty, _)| *ty);
        }
        webhooks.sort_by(|a, b| a.resource_name.cmp(&b.resource_name));
        Ok(Webhooks { webhooks })
    }

    /// Each webhook, in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Webhook> + '_ {
        self.webhooks.iter()
    }

    /// Whether there is no webhook (no Desk event handler).
    pub fn is_empty(&self) -> bool {
        self.webhooks.is_empty()
    }

    /// How many webhooks there are.
    pub fn len(&self) -> usize {
        self.webhooks.len()
    }

    /// The `webhook` value of a new `resources.json`, two-space indented
    /// (`[]` for none).
    pub fn to_json_pretty(&self) -> String {
        self.merged(None)
            .unwrap_or(Json::Array(Vec::new()))
            .to_pretty()
    }

    /// The `webhook` value with the `existing` one's webhooks merged in:
    /// those still declared keep their place and their other members; new
    /// ones follow in name order; `None` when there is none.
    fn merged(&self, existing: Option<&Json>) -> Option<Json> {
        let existing = listed(existing);
        let named = |w: &Webhook| {
            existing
                .iter()
                .copied()
                .find(|e| resource_name(e) == Some(&w.resource_name))
        };
        let mut order: Vec<&Webhook> = existing
            .iter()
            .filter_map(|e| {
                let name = resource_name(e)?;
                self.webhooks.iter().find(|w| w.resource_name == name)
            })
            .collect();
        order.dedup_by(|a, b| a.resource_name == b.resource_name);
        for w in &self.webhooks {
            if !order.iter().any(|o| o.resource_name == w.resource_name) {
                order.push(w);
            }
        }
        let mut values: Vec<Json> = order.into_iter().map(|w| w.to_json(named(w))).collect();
        match values.len() {
            0 => None,
            1 => values.pop(),
            _ => Some(Json::Array(values)),
        }
    }
}

/// The webhooks of a `webhook` value: the object, or each object of the
/// array.
fn listed(value: Option<&Json>) -> Vec<&Json> {
    match value {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(object @ Json::Object(_)) => vec![object],
        _ => Vec::new(),
    }
}

fn resource_name(webhook: &Json) -> Option<&str> {
    webhook.get("resourceName").and_then(Json::as_str)
}

/// Something in `resources.json` that Zoho refuses or documents against.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResourcesProblem {
    /// A webhook's `ignoreSourceId` is not a UUID.
    #[error(
        "webhook `{webhook}`: \"ignoreSourceId\" {value} is not a UUID; write one such as \
         \"2df92c1a-973a-48f5-95b7-5792c68b9c36\", or remove it"
    )]
    IgnoreSourceId {
        /// The webhook's `resourceName`.
        webhook: String,
        /// The value, as JSON.
        value: String,
    },
    /// A subscription names `departmentIds`.
    #[error(
        "webhook `{webhook}`, subscription \"{event}\": remove \"departmentIds\"; Zoho filters \
         the events by the departments chosen in the extension's configuration"
    )]
    DepartmentIds {
        /// The webhook's `resourceName`.
        webhook: String,
        /// The subscription's event type.
        event: String,
    },
    /// A `resourceName` is used more than once.
    #[error(
        "the resourceName \"{name}\" is used {count} times; a resourceName is unique across the \
         extension: rename all but one (a webhook's is its handlers' `webhook = \"...\"`)"
    )]
    DuplicateResourceName {
        /// The name.
        name: String,
        /// How many times.
        count: usize,
    },
}

/// Why `resources.json` could not be updated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResourcesError {
    /// The file could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
    /// The file is not valid JSON.
    #[error("{}: not valid JSON at line {line}, column {column}: {reason}", path.display())]
    InvalidJson {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        reason: String,
    },
    /// The file is JSON but not an object.
    #[error("{}: resources.json must be a JSON object", path.display())]
    NotAnObject {
        /// The file.
        path: PathBuf,
    },
    /// The file has more than one top-level `webhook` key: readers
    /// disagree on which one counts, so none is edited.
    #[error("{}: it has {count} top-level \"webhook\" keys; keep one", path.display())]
    DuplicateKey {
        /// The file.
        path: PathBuf,
        /// How many there are.
        count: usize,
    },
    /// The file holds what Zoho refuses; one line per problem.
    #[error("{}", lines(path, problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem, in file order.
        problems: Vec<ResourcesProblem>,
    },
    /// The file could not be written.
    #[error("cannot write {}: {reason}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
}

fn lines(path: &Path, problems: &[impl fmt::Display]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {p}", path.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A `resources.json` as it is and as it should be: only its `webhook` may
/// differ, every other byte is kept. A file that does not exist is created
/// (when there is a webhook to write).
///
/// ```no_run
/// use callback_build::{ResourcesUpdate, Scanner, Webhooks};
///
/// let scan = Scanner::new(".").scan()?;
/// let webhooks = Webhooks::new(
///     "https://ext.example.com",
///     scan.desk_handlers.iter().map(|h| &h.info),
/// )?;
/// let update = ResourcesUpdate::prepare("resources.json", &webhooks)?;
/// if !update.is_up_to_date() {
///     update.write()?;
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ResourcesUpdate {
    path: PathBuf,
    current: Option<String>,
    merged: Option<String>,
    section: String,
}

impl ResourcesUpdate {
    /// Reads the file at `path` (if it exists), checks it and merges
    /// `webhooks` into it (in memory).
    ///
    /// Refused, each problem on its line: a file that is not a JSON object
    /// or has two `webhook` keys; in the result, a webhook's
    /// `ignoreSourceId` that is not a UUID and a `resourceName` used twice
    /// (across every top-level resource); in the file as it is, a
    /// subscription with `departmentIds` and a webhook `resourceName`
    /// listed twice.
    pub fn prepare(path: impl Into<PathBuf>, webhooks: &Webhooks) -> Result<Self, ResourcesError> {
        let path = path.into();
        let current = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ResourcesError::Read {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        let (merged, value) = match &current {
            None => {
                let value = webhooks.merged(None);
                (value.as_ref().map(|v| new_document(WEBHOOK_KEY, v)), value)
            }
            Some(text) => {
                let document = Document::parse(text).map_err(|e| match e {
                    DocumentError::InvalidJson {
                        line,
                        column,
                        reason,
                    } => ResourcesError::InvalidJson {
                        path: path.clone(),
                        line,
                        column,
                        reason,
                    },
                    DocumentError::NotAnObject => {
                        ResourcesError::NotAnObject { path: path.clone() }
                    }
                })?;
                let count = document.count(WEBHOOK_KEY);
                if count > 1 {
                    return Err(ResourcesError::DuplicateKey { path, count });
                }
                let members: Vec<(String, Json)> =
                    document.members().map(|(k, v)| (k.to_owned(), v)).collect();
                let existing = members
                    .iter()
                    .find(|(k, _)| k == WEBHOOK_KEY)
                    .map(|(_, v)| v);
                let mut problems = existing_problems(existing);
                let value = webhooks.merged(existing);
                let others = members
                    .iter()
                    .filter(|(k, _)| k != WEBHOOK_KEY)
                    .map(|(_, v)| v);
                problems.extend(merged_problems(value.as_ref(), others));
                if !problems.is_empty() {
                    return Err(ResourcesError::Invalid { path, problems });
                }
                (
                    Some(document.with_member(WEBHOOK_KEY, value.as_ref())),
                    value,
                )
            }
        };
        if current.is_none() {
            let problems = merged_problems(value.as_ref(), std::iter::empty());
            if !problems.is_empty() {
                return Err(ResourcesError::Invalid { path, problems });
            }
        }
        let section = value.unwrap_or(Json::Array(Vec::new())).to_pretty();
        Ok(ResourcesUpdate {
            path,
            current,
            merged,
            section,
        })
    }

    /// Whether the file already holds the webhooks (or, with none, there is
    /// no file to write).
    pub fn is_up_to_date(&self) -> bool {
        self.current == self.merged || self.merged.is_none()
    }

    /// The file's text as it is; `None` when it does not exist.
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    /// The file's text with the webhooks merged in; `None` when the file
    /// does not exist and there is no webhook to write.
    pub fn merged(&self) -> Option<&str> {
        self.merged.as_deref()
    }

    /// The `webhook` value as merged, two-space indented (`[]` for none):
    /// what `OUT_DIR/resources-webhook.json` holds.
    pub fn section(&self) -> &str {
        &self.section
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the merged text, only if it differs from the file's. Returns
    /// whether it wrote.
    pub fn write(&self) -> Result<bool, ResourcesError> {
        match &self.merged {
            Some(merged) if !self.is_up_to_date() => {
                write_if_changed(&self.path, merged).map_err(|e| ResourcesError::Write {
                    path: self.path.clone(),
                    reason: e.to_string(),
                })
            }
            _ => Ok(false),
        }
    }
}

/// What is wrong in the file's `webhook` as it is: a subscription with
/// `departmentIds` (which a merge would otherwise drop unseen), a
/// `resourceName` listed twice (so that the one to keep is unknown).
fn existing_problems(existing: Option<&Json>) -> Vec<ResourcesProblem> {
    let webhooks = listed(existing);
    let mut problems = Vec::new();
    for webhook in &webhooks {
        let name = resource_name(webhook).unwrap_or("(no resourceName)");
        let Some(Json::Object(subscriptions)) = webhook.get("subscriptions") else {
            continue;
        };
        for (event, options) in subscriptions {
            if options.get("departmentIds").is_some() {
                problems.push(ResourcesProblem::DepartmentIds {
                    webhook: name.to_owned(),
                    event: event.clone(),
                });
            }
        }
    }
    problems.extend(duplicate_names(webhooks.into_iter()));
    problems
}

/// What is wrong in the result: an `ignoreSourceId` that is not a UUID; a
/// `resourceName` the webhooks and the `other` resources share.
fn merged_problems<'a>(
    value: Option<&Json>,
    others: impl Iterator<Item = &'a Json>,
) -> Vec<ResourcesProblem> {
    let webhooks = listed(value);
    let mut problems: Vec<ResourcesProblem> = webhooks
        .iter()
        .filter_map(|w| {
            let id = w.get("ignoreSourceId")?;
            let valid = id.as_str().is_some_and(is_uuid);
            (!valid).then(|| ResourcesProblem::IgnoreSourceId {
                webhook: resource_name(w).unwrap_or_default().to_owned(),
                value: id.to_compact(),
            })
        })
        .collect();
    let other_resources = others.flat_map(|v| listed(Some(v)));
    problems.extend(duplicate_names(webhooks.into_iter().chain(other_resources)));
    problems
}

/// Each `resourceName` that more than one of `resources` has.
fn duplicate_names<'a>(resources: impl Iterator<Item = &'a Json>) -> Vec<ResourcesProblem> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for name in resources.filter_map(resource_name) {
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    }
    counts
        .into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(name, count)| ResourcesProblem::DuplicateResourceName {
            name: name.to_owned(),
            count,
        })
        .collect()
}

/// A UUID in its hyphenated form, as Zoho's example writes
/// `ignoreSourceId` (`2df92c1a-973a-48f5-95b7-5792c68b9c36`).
fn is_uuid(text: &str) -> bool {
    uuid::Uuid::try_parse(text)
        .is_ok_and(|id| id.hyphenated().to_string() == text.to_ascii_lowercase())
}
