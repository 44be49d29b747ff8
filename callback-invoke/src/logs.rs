//! Extension logs through the Invoke API: entries the customer sees,
//! standalone or grouped under a reference.

use crate::error::InvokeError;
use crate::request::Invoke;
use crate::response::InvokeResponse;
use serde_json::{Map, Value};

/// The extension logs API's path under the Desk host.
pub const EXTENSION_LOGS_PATH: &str = "/api/v1/extensionLogs";
/// The most logs one reference groups: a parent and 9 children.
pub const LOGS_PER_REFERENCE: usize = 10;
/// What `installationId` is sent as unless
/// [`ExtensionLogs::installation_id`] says otherwise: Desk's placeholder,
/// which Desk replaces in `requestURL`.
pub const INSTALLATION_ID_PLACEHOLDER: &str = "{{installationId}}";

/// Extension logs for this installation (kept by Zoho for 3 days): from
/// [`Invoke::extension_logs`].
///
/// Each log is a `POST` of `{"reference", "title", "description",
/// "installationId"}` to [`EXTENSION_LOGS_PATH`] (never retried). A log
/// standalone has no `reference`. Logs sharing a reference are grouped,
/// the first as the parent and up to 9 more as its children: a
/// [`LogGroup`] counts what it sent and refuses an eleventh, with
/// [`InvokeError::LogGroupFull`], before sending.
///
/// Not documented: the extension does not learn its installation id, and
/// whether Desk replaces `{{installationId}}` in a body as it does in
/// `requestURL` is not said. It is sent as that placeholder unless
/// [`installation_id`](Self::installation_id) gives the id.
#[derive(Clone, Debug)]
pub struct ExtensionLogs {
    invoke: Invoke,
    installation_id: String,
}

impl Invoke {
    /// This installation's extension logs.
    ///
    /// ```no_run
    /// # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
    /// let logs = zoho.extension_logs();
    /// logs.add("Jira connected", "webhooks created for example.atlassian.net").await?;
    ///
    /// let mut sync = logs.group("sync-2024-06-01");
    /// sync.add("Sync started", "3 projects").await?; // the parent
    /// for project in ["ALPHA", "BETA", "GAMMA"] {
    ///     sync.add(format!("{project} synced"), "no errors").await?; // children
    /// }
    /// # Ok(()) }
    /// ```
    pub fn extension_logs(&self) -> ExtensionLogs {
        ExtensionLogs {
            invoke: self.clone(),
            installation_id: INSTALLATION_ID_PLACEHOLDER.to_owned(),
        }
    }
}

impl ExtensionLogs {
    /// Sends `id` as `installationId` instead of Desk's placeholder.
    pub fn installation_id(mut self, id: impl Into<String>) -> Self {
        self.installation_id = id.into();
        self
    }

    /// Adds a log with no reference.
    pub async fn add(
        &self,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<InvokeResponse, InvokeError> {
        self.send(None, title.into(), description.into()).await
    }

    /// A group of logs under `reference`: the first added is the parent,
    /// up to 9 more its children.
    pub fn group(&self, reference: impl Into<String>) -> LogGroup {
        LogGroup {
            logs: self.clone(),
            reference: reference.into(),
            sent: 0,
        }
    }

    async fn send(
        &self,
        reference: Option<&str>,
        title: String,
        description: String,
    ) -> Result<InvokeResponse, InvokeError> {
        let mut body = Map::new();
        if let Some(reference) = reference {
            body.insert("reference".into(), reference.into());
        }
        body.insert("title".into(), title.into());
        body.insert("description".into(), description.into());
        body.insert("installationId".into(), self.installation_id.clone().into());
        self.invoke
            .desk_post(EXTENSION_LOGS_PATH)
            .json(&Value::Object(body))
            .send()
            .await
    }
}

/// Logs under one reference, counted: a parent, then up to 9 children.
///
/// Only what this group sent is counted: another group, or another
/// process, using the same reference is not seen (and a group is not
/// `Clone`, so that its count stays one).
#[derive(Debug)]
pub struct LogGroup {
    logs: ExtensionLogs,
    reference: String,
    sent: usize,
}

impl LogGroup {
    /// Adds the parent (the first call) or a child; refuses, without
    /// sending, once the group holds [`LOGS_PER_REFERENCE`] logs. A log is
    /// counted when Zoho accepted it.
    pub async fn add(
        &mut self,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Result<InvokeResponse, InvokeError> {
        if self.sent >= LOGS_PER_REFERENCE {
            let request = self.logs.invoke.desk_post(EXTENSION_LOGS_PATH);
            return Err(InvokeError::LogGroupFull {
                call: request.call(),
                reference: self.reference.clone(),
                limit: LOGS_PER_REFERENCE,
            });
        }
        let answer = self
            .logs
            .send(Some(&self.reference), title.into(), description.into())
            .await?;
        self.sent += 1;
        Ok(answer)
    }

    /// The reference.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// How many logs this group sent (the parent included).
    pub fn sent(&self) -> usize {
        self.sent
    }
}
