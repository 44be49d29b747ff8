//! The `callbackListener` section of `plugin-manifest.json`: built from the
//! handlers, merged into an existing manifest without touching anything else
//! in it (feature `merge`), and read back from one (feature `read`). Build
//! scripts and tools turn those features on; a running server needs neither.

mod listener;
#[cfg(feature = "merge")]
mod merge;
#[cfg(feature = "read")]
mod read;

pub use listener::{CallbackListener, ListenerError};
#[cfg(feature = "merge")]
pub use merge::{MergeError, merge_listener};
#[cfg(feature = "read")]
pub use read::ReadListenerError;

#[cfg(any(feature = "merge", feature = "read"))]
/// The reason in a serde_json error, without the " at line L column C" that
/// the caller reports in its own words.
pub(crate) fn json_error_reason(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

#[cfg(feature = "read")]
/// A JSON object's members in file order, repeated keys kept (serde_json's
/// `Value` keeps only the last of two equal keys). Not an object is an
/// error.
pub(crate) struct Members<V>(pub(crate) Vec<(String, V)>);

#[cfg(feature = "read")]
impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for Members<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for MembersVisitor<V> {
            type Value = Members<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members<V>, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor(std::marker::PhantomData))
    }
}

#[cfg(feature = "read")]
/// How many top-level keys named `key` the manifest `text` has (0 when it
/// is not a JSON object). JSON readers disagree on which of two equal keys
/// counts (serde_json and `JSON.parse` keep the last, others the first), so
/// a key this crate reads or writes must appear once.
pub(crate) fn count_top_level_keys(text: &str, key: &str) -> usize {
    serde_json::from_str::<Members<serde::de::IgnoredAny>>(text).map_or(0, |Members(members)| {
        members.iter().filter(|(name, _)| name == key).count()
    })
}
