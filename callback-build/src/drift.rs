//! The drift check: the handlers an extension mounts against the build-time
//! scan its manifests were written from (`callback-handlers.json`).
//!
//! Both sides are [`HandlerInfo`]s (callbacks, `plugin-manifest.json`) and
//! [`DeskHandlerInfo`]s (Desk events, `resources.json`): the mounted ones
//! from the attribute macros, the scanned ones from [`crate::Scanner`].

use crate::{ScannedDeskHandler, ScannedHandler};
use callback_core::desk::DeskHandlerList;
use callback_core::{DeskEventSelector, DeskHandlerInfo, Event, HandlerInfo, HandlerList};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The file, in `OUT_DIR`, the build script writes the scanned handlers to.
pub const HANDLERS_FILE: &str = "callback-handlers.json";

/// The format version written by [`handlers_json`].
const FORMAT: u64 = 1;

/// One handler of `callback-handlers.json`: what the scan found, and where
/// (`src/config.rs:14`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlerRecord {
    /// The handler.
    #[serde(flatten)]
    pub info: HandlerInfo,
    /// Where the scan found it, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One Desk event handler of `callback-handlers.json`: what the scan found,
/// and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskHandlerRecord {
    /// The handler.
    #[serde(flatten)]
    pub info: DeskHandlerInfo,
    /// Where the scan found it, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The file as written and read. `deskHandlers` is absent when there is
/// none, so that a file of callbacks alone reads as before.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandlersFile {
    format: u64,
    handlers: Vec<HandlerRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    desk_handlers: Vec<DeskHandlerRecord>,
}

/// The text of `callback-handlers.json` for the callback handlers found:
/// [`scan_json`] without Desk event handlers.
pub fn handlers_json(handlers: &[ScannedHandler]) -> String {
    scan_json(handlers, &[])
}

/// The text of `callback-handlers.json` for the handlers found, callbacks
/// and Desk events: the format [`DriftCheck`] reads.
pub fn scan_json(handlers: &[ScannedHandler], desk_handlers: &[ScannedDeskHandler]) -> String {
    let source = |l: &crate::Location| Some(format!("{}:{}", l.file.display(), l.line));
    let file = HandlersFile {
        format: FORMAT,
        handlers: handlers
            .iter()
            .map(|h| HandlerRecord {
                info: h.info.clone(),
                source: source(&h.location),
            })
            .collect(),
        desk_handlers: desk_handlers
            .iter()
            .map(|h| DeskHandlerRecord {
                info: h.info.clone(),
                source: source(&h.location),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&file).expect("the records always serialise")
}

/// Reads the callback handlers of `callback-handlers.json`.
pub fn read_handlers(text: &str) -> Result<Vec<HandlerRecord>, DriftError> {
    read_file(text).map(|file| file.handlers)
}

/// Reads the Desk event handlers of `callback-handlers.json`.
pub fn read_desk_handlers(text: &str) -> Result<Vec<DeskHandlerRecord>, DriftError> {
    read_file(text).map(|file| file.desk_handlers)
}

fn read_file(text: &str) -> Result<HandlersFile, DriftError> {
    let invalid = |reason: String| DriftError::InvalidFile { reason };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let format = value.get("format").and_then(serde_json::Value::as_u64);
    if format != Some(FORMAT) {
        return Err(invalid(format!(
            "it has format {}, this version reads format {FORMAT}",
            format.map_or_else(|| "none".to_owned(), |f| f.to_string())
        )));
    }
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
}

/// One way the mounted handlers and the build-time scan disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Drift {
    /// A mounted handler the scan did not find, so the manifest does not
    /// subscribe to its event (or not at its path).
    NotInManifest {
        /// `module::name`.
        handler: String,
        /// Its event.
        event: Event,
        /// Its path.
        path: String,
    },
    /// A handler the scan found, and the manifest subscribes to, that is not
    /// mounted: Zoho will call a URL nobody answers.
    NotMounted {
        /// `module::name`.
        handler: String,
        /// Its event.
        event: Event,
        /// Where the scan found it, if known.
        source: Option<String>,
    },
    /// A handler mounted for another event or at another path than the scan
    /// recorded.
    Differs {
        /// `module::name`.
        handler: String,
        /// The event and path it is mounted for.
        mounted: (Event, String),
        /// The event and path the manifest was generated with.
        manifest: (Event, String),
    },
    /// A mounted Desk event handler the scan did not find, so
    /// `resources.json` does not subscribe to its event type (or not for
    /// its webhook).
    DeskNotInManifest {
        /// `module::name`.
        handler: String,
        /// What it is mounted as: its event type, options, webhook and path.
        mounted: String,
    },
    /// A Desk event handler the scan found, and `resources.json` subscribes
    /// to, that is not mounted: Zoho will post events nobody handles.
    DeskNotMounted {
        /// `module::name`.
        handler: String,
        /// What the scan recorded: its event type, options, webhook and
        /// path.
        manifest: String,
        /// Where the scan found it, if known.
        source: Option<String>,
    },
    /// A Desk event handler mounted as other than the scan recorded: another
    /// event type, option, webhook or path.
    DeskDiffers {
        /// `module::name`.
        handler: String,
        /// What it is mounted as.
        mounted: String,
        /// What `resources.json` was generated with.
        manifest: String,
    },
}

/// A Desk event handler as drift messages describe it: `Ticket_Update
/// (include_prev_state, fields ["status"]) of webhook `deskEvents` at
/// /desk/deskEvents`.
fn describe(info: &DeskHandlerInfo) -> String {
    let event = match info.event {
        DeskEventSelector::Type(ty) => ty.wire_name(),
        DeskEventSelector::Any => "any event",
    };
    let mut options = Vec::new();
    if info.include_prev_state {
        options.push("include_prev_state".to_owned());
    }
    if !info.fields.is_empty() {
        options.push(format!("fields {:?}", info.fields));
    }
    if let Some(direction) = info.direction {
        options.push(format!("direction {:?}", direction.wire_name()));
    }
    let options = if options.is_empty() {
        String::new()
    } else {
        format!(" ({})", options.join(", "))
    };
    format!(
        "{event}{options} of webhook `{}` at {}",
        info.webhook, info.path
    )
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::NotInManifest {
                handler,
                event,
                path,
            } => write!(
                f,
                "`{handler}` ({event} at {path}) is mounted but the build-time scan did not find \
                 it, so the manifest does not list it; annotate a plain `fn` in a module the \
                 crate root reaches (not one generated by another macro)"
            ),
            Drift::NotMounted {
                handler,
                event,
                source,
            } => {
                write!(f, "`{handler}` ({event}")?;
                if let Some(source) = source {
                    write!(f, ", {source}")?;
                }
                write!(
                    f,
                    ") is in the manifest but not mounted; add it to `callbacks![]`, or check \
                     its `#[cfg]`"
                )
            }
            Drift::DeskNotInManifest { handler, mounted } => write!(
                f,
                "`{handler}` ({mounted}) is mounted but the build-time scan did not find it, so \
                 resources.json does not subscribe to it; annotate a plain `fn` in a module the \
                 crate root reaches (not one generated by another macro)"
            ),
            Drift::DeskNotMounted {
                handler,
                manifest,
                source,
            } => {
                write!(f, "`{handler}` ({manifest}")?;
                if let Some(source) = source {
                    write!(f, ", {source}")?;
                }
                write!(
                    f,
                    ") is in resources.json but not mounted; add it to `desk_events![]` and give \
                     the list to the drift check (`DriftCheck::desk_events`), or check its \
                     `#[cfg]`"
                )
            }
            Drift::DeskDiffers {
                handler,
                mounted,
                manifest,
            } => write!(
                f,
                "`{handler}` is mounted as {mounted} but resources.json has {manifest}; rebuild so \
                 resources.json is regenerated"
            ),
            Drift::Differs {
                handler,
                mounted,
                manifest,
            } => write!(
                f,
                "`{handler}` is mounted for {} at {} but the manifest has {} at {}; rebuild so \
                 the manifest is regenerated",
                mounted.0, mounted.1, manifest.0, manifest.1
            ),
        }
    }
}

/// Why [`check_drift`] failed.
///
/// Its `Debug` is its message, one difference a line, so that
/// `check_drift(…).unwrap()` in a test prints something readable.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DriftError {
    /// The mounted handlers and the build-time manifest disagree.
    #[error(
        "the mounted handlers differ from the build-time manifest:{}",
        list(.0)
    )]
    Differs(Vec<Drift>),
    /// `callback-handlers.json` could not be read.
    #[error("{HANDLERS_FILE} is not readable: {reason}; rebuild with the same callback-build")]
    InvalidFile {
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Debug for DriftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn list(drifts: &[Drift]) -> String {
    drifts.iter().map(|d| format!("\n  - {d}")).collect()
}

/// Compares the callback handlers an extension mounts with the build-time
/// scan its manifest was generated from (the text of
/// `callback-handlers.json`): [`DriftCheck`] with `callbacks` alone.
///
/// Handlers are matched by `module::name`; each one mounted but not scanned,
/// scanned but not mounted, or with another event or path is reported by
/// name. Desk event handlers the scan found count as not mounted: an
/// extension that has them checks with
/// [`DriftCheck::desk_events`]. Call it in a test:
///
/// ```ignore
/// #[test]
/// fn manifest_matches_the_mounted_handlers() {
///     callback_build::check_drift(
///         &callbacks![installed, config::added],
///         include_str!(concat!(env!("OUT_DIR"), "/callback-handlers.json")),
///     )
///     .unwrap();
/// }
/// ```
pub fn check_drift(handlers: &HandlerList, scanned_json: &str) -> Result<(), DriftError> {
    DriftCheck::new(scanned_json).callbacks(handlers).check()
}

/// Compares the handlers an extension mounts, callbacks and Desk events,
/// with the build-time scan its `plugin-manifest.json` and `resources.json`
/// were generated from (the text of `callback-handlers.json`).
///
/// A kind of handler not given counts as none mounted, so that a scanned
/// handler is never left unchecked:
///
/// ```ignore
/// #[test]
/// fn manifests_match_the_mounted_handlers() {
///     callback_build::DriftCheck::new(include_str!(concat!(
///         env!("OUT_DIR"),
///         "/callback-handlers.json"
///     )))
///     .callbacks(&callbacks![installed, config::added])
///     .desk_events(&desk_events![ticket_added, ticket_updated])
///     .check()
///     .unwrap();
/// }
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use = "a DriftCheck does nothing until `check`"]
pub struct DriftCheck<'a> {
    scanned_json: &'a str,
    callbacks: Option<&'a HandlerList>,
    desk_events: Option<&'a DeskHandlerList>,
}

impl<'a> DriftCheck<'a> {
    /// A check against `scanned_json`, the text of `callback-handlers.json`.
    pub fn new(scanned_json: &'a str) -> Self {
        DriftCheck {
            scanned_json,
            callbacks: None,
            desk_events: None,
        }
    }

    /// The callback handlers mounted (`callbacks![…]`).
    pub fn callbacks(mut self, handlers: &'a HandlerList) -> Self {
        self.callbacks = Some(handlers);
        self
    }

    /// The Desk event handlers mounted (`desk_events![…]`).
    pub fn desk_events(mut self, handlers: &'a DeskHandlerList) -> Self {
        self.desk_events = Some(handlers);
        self
    }

    /// Every difference, callbacks first; matched by `module::name`.
    pub fn check(&self) -> Result<(), DriftError> {
        let file = read_file(self.scanned_json)?;
        let mut drifts = Vec::new();
        let callbacks: Vec<&HandlerInfo> = self
            .callbacks
            .map_or_else(Vec::new, |l| l.infos().collect());
        let same = |m: &&HandlerInfo, s: &HandlerRecord| {
            m.module == s.info.module && m.name == s.info.name
        };
        compare(&callbacks, &file.handlers, same, |side| {
            drifts.push(match side {
                Side::Mounted(info) => Drift::NotInManifest {
                    handler: info.qualified_name(),
                    event: info.event,
                    path: info.path.to_string(),
                },
                Side::Both(info, record) => {
                    let record = &record.info;
                    if record.event == info.event && record.path == info.path {
                        return;
                    }
                    Drift::Differs {
                        handler: info.qualified_name(),
                        mounted: (info.event, info.path.to_string()),
                        manifest: (record.event, record.path.to_string()),
                    }
                }
                Side::Scanned(record) => Drift::NotMounted {
                    handler: record.info.qualified_name(),
                    event: record.info.event,
                    source: record.source.clone(),
                },
            });
        });
        let desk: Vec<&DeskHandlerInfo> = self
            .desk_events
            .map_or_else(Vec::new, |l| l.infos().collect());
        let same = |m: &&DeskHandlerInfo, s: &DeskHandlerRecord| {
            m.module == s.info.module && m.name == s.info.name
        };
        compare(&desk, &file.desk_handlers, same, |side| {
            drifts.push(match side {
                Side::Mounted(info) => Drift::DeskNotInManifest {
                    handler: info.qualified_name(),
                    mounted: describe(info),
                },
                Side::Both(info, record) => {
                    if record.info == **info {
                        return;
                    }
                    Drift::DeskDiffers {
                        handler: info.qualified_name(),
                        mounted: describe(info),
                        manifest: describe(&record.info),
                    }
                }
                Side::Scanned(record) => Drift::DeskNotMounted {
                    handler: record.info.qualified_name(),
                    manifest: describe(&record.info),
                    source: record.source.clone(),
                },
            });
        });
        if drifts.is_empty() {
            Ok(())
        } else {
            Err(DriftError::Differs(drifts))
        }
    }
}

/// Where a handler is: mounted only, both, or scanned only.
enum Side<'a, M, S> {
    Mounted(&'a M),
    Both(&'a M, &'a S),
    Scanned(&'a S),
}

/// Matches each mounted handler with the scanned one of the same
/// `module::name` (`same`), in mounting order, then the scanned ones left
/// over.
fn compare<M, S>(
    mounted: &[M],
    scanned: &[S],
    same: impl Fn(&M, &S) -> bool,
    mut report: impl FnMut(Side<'_, M, S>),
) {
    let mut matched = vec![false; scanned.len()];
    for m in mounted {
        let found = scanned.iter().position(|s| same(m, s));
        match found {
            None => report(Side::Mounted(m)),
            Some(i) => {
                matched[i] = true;
                report(Side::Both(m, &scanned[i]));
            }
        }
    }
    for (s, _) in scanned.iter().zip(&matched).filter(|(_, m)| !**m) {
        report(Side::Scanned(s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callback_core::desk::DeskHandlerList;
    use callback_core::{CallContext, Handler, HandlerFuture, MissingState, StateMap};

    struct Fake(&'static HandlerInfo);

    impl Handler for Fake {
        fn info(&self) -> &'static HandlerInfo {
            self.0
        }
        fn check_state(&self, _: &StateMap) -> Result<(), MissingState> {
            Ok(())
        }
        fn call<'a>(&'a self, _: &'a CallContext<'a>) -> HandlerFuture<'a> {
            Box::pin(async { Ok(()) })
        }
    }

    fn mounted(list: &[(Event, &'static str, &'static str)]) -> HandlerList {
        let handlers: Vec<&'static dyn Handler> = list
            .iter()
            .map(|&(event, path, name)| {
                let info = Box::leak(Box::new(HandlerInfo::new(event, path, name, "ext::hooks")));
                let fake: &'static dyn Handler = Box::leak(Box::new(Fake(info)));
                fake
            })
            .collect();
        HandlerList::new(&handlers)
    }

    fn record(event: Event, path: &str, name: &str) -> HandlerRecord {
        HandlerRecord {
            info: HandlerInfo {
                event,
                path: path.to_owned().into(),
                name: name.to_owned().into(),
                module: "ext::hooks".into(),
            },
            source: Some(format!("src/hooks.rs:{}", name.len())),
        }
    }

    fn scanned(records: Vec<HandlerRecord>) -> String {
        serde_json::to_string(&HandlersFile {
            format: FORMAT,
            handlers: records,
            desk_handlers: Vec::new(),
        })
        .unwrap()
    }

    #[test]
    fn the_same_handlers_pass() {
        let list = mounted(&[
            (Event::Install, "/callbacks/onInstall", "installed"),
            (Event::Update, "/u", "updated"),
        ]);
        let json = scanned(vec![
            record(Event::Update, "/u", "updated"),
            record(Event::Install, "/callbacks/onInstall", "installed"),
        ]);
        check_drift(&list, &json).unwrap();
    }

    #[test]
    fn each_difference_is_named() {
        let list = mounted(&[
            (Event::Install, "/callbacks/onInstall", "installed"),
            (Event::Update, "/new", "updated"),
            (Event::Uninstall, "/callbacks/onUninstall", "generated"),
        ]);
        let json = scanned(vec![
            record(Event::Install, "/callbacks/onInstall", "installed"),
            record(Event::Update, "/old", "updated"),
            record(Event::TpaRevoke, "/callbacks/onTPARevoke", "behind_cfg"),
        ]);
        let err = check_drift(&list, &json).unwrap_err();
        assert_eq!(format!("{err:?}"), err.to_string());
        assert_eq!(
            err.to_string(),
            "the mounted handlers differ from the build-time manifest:\n  \
             - `ext::hooks::updated` is mounted for onUpdate at /new but the manifest has \
             onUpdate at /old; rebuild so the manifest is regenerated\n  \
             - `ext::hooks::generated` (onUninstall at /callbacks/onUninstall) is mounted but \
             the build-time scan did not find it, so the manifest does not list it; annotate a \
             plain `fn` in a module the crate root reaches (not one generated by another \
             macro)\n  \
             - `ext::hooks::behind_cfg` (onTPARevoke, src/hooks.rs:10) is in the manifest but \
             not mounted; add it to `callbacks![]`, or check its `#[cfg]`"
        );
    }

    struct FakeDesk(&'static DeskHandlerInfo);

    impl callback_core::desk::DeskHandler for FakeDesk {
        fn info(&self) -> &'static DeskHandlerInfo {
            self.0
        }
        fn check_state(&self, _: &StateMap) -> Result<(), MissingState> {
            Ok(())
        }
        fn call<'a>(&'a self, _: &'a callback_core::desk::DeskContext<'a>) -> HandlerFuture<'a> {
            Box::pin(async { Ok(()) })
        }
    }

    fn desk_info(
        event: DeskEventSelector,
        path: &'static str,
        name: &'static str,
    ) -> DeskHandlerInfo {
        DeskHandlerInfo {
            webhook: "deskEvents".into(),
            path: path.into(),
            event,
            include_prev_state: false,
            fields: std::borrow::Cow::Borrowed(&[]),
            direction: None,
            name: name.into(),
            module: "ext::desk".into(),
        }
    }

    fn mounted_desk(infos: Vec<DeskHandlerInfo>) -> DeskHandlerList {
        let handlers: Vec<&'static dyn callback_core::desk::DeskHandler> = infos
            .into_iter()
            .map(|info| {
                let info: &'static DeskHandlerInfo = Box::leak(Box::new(info));
                let fake: &'static dyn callback_core::desk::DeskHandler =
                    Box::leak(Box::new(FakeDesk(info)));
                fake
            })
            .collect();
        DeskHandlerList::new(&handlers)
    }

    #[test]
    fn each_desk_difference_is_named() {
        use callback_core::{DeskEventType, ThreadDirection};
        let ticket = DeskEventSelector::Type(DeskEventType::TicketUpdate);
        let mut updated = desk_info(ticket, "/desk/deskEvents", "updated");
        updated.include_prev_state = true;
        let mut thread = desk_info(
            DeskEventSelector::Type(DeskEventType::TicketThreadAdd),
            "/desk/deskEvents",
            "thread",
        );
        thread.direction = Some(ThreadDirection::In);
        let mut scanned_updated = updated.clone();
        scanned_updated.include_prev_state = false;
        scanned_updated.fields = vec!["status".into()].into();
        let json = serde_json::to_string(&HandlersFile {
            format: FORMAT,
            handlers: Vec::new(),
            desk_handlers: vec![
                DeskHandlerRecord {
                    info: scanned_updated,
                    source: Some("src/desk.rs:4".into()),
                },
                DeskHandlerRecord {
                    info: thread.clone(),
                    source: None,
                },
            ],
        })
        .unwrap();
        let list = mounted_desk(vec![
            updated,
            thread,
            desk_info(DeskEventSelector::Any, "/desk/deskEvents", "generated"),
        ]);
        let err = DriftCheck::new(&json)
            .desk_events(&list)
            .check()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the mounted handlers differ from the build-time manifest:\n  \
             - `ext::desk::updated` is mounted as Ticket_Update (include_prev_state) of webhook \
             `deskEvents` at /desk/deskEvents but resources.json has Ticket_Update (fields \
             [\"status\"]) of webhook `deskEvents` at /desk/deskEvents; rebuild so resources.json \
             is regenerated\n  \
             - `ext::desk::generated` (any event of webhook `deskEvents` at /desk/deskEvents) is \
             mounted but the build-time scan did not find it, so resources.json does not \
             subscribe to it; annotate a plain `fn` in a module the crate root reaches (not one \
             generated by another macro)"
        );
    }

    #[test]
    fn a_broken_file_says_to_rebuild() {
        let err = check_drift(&mounted(&[]), "{\"handlers\": []}").unwrap_err();
        assert_eq!(
            err.to_string(),
            "callback-handlers.json is not readable: it has format none, this version reads \
             format 1; rebuild with the same callback-build"
        );
        let err = check_drift(&mounted(&[]), "not json").unwrap_err();
        assert!(matches!(err, DriftError::InvalidFile { .. }), "{err}");
        let bad_event = r#"{"format": 1, "handlers": [{"event": "onNope", "path": "/", "name": "a", "module": "m"}]}"#;
        let err = read_handlers(bad_event).unwrap_err();
        assert!(
            err.to_string().contains("unknown event \"onNope\""),
            "{err}"
        );
    }
}
