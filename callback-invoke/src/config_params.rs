//! The installation's config params through the Invoke API, read into
//! name/value pairs or a struct of the extension's own, and updated.

use crate::error::{InvokeCall, InvokeError};
use crate::redact::Redactor;
use crate::request::Invoke;
use crate::response::InvokeResponse;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::fmt;

/// The config params API's path under the Desk host; Desk replaces
/// `{{installationId}}`, which is sent and hashed as it is written.
pub const CONFIG_PARAMS_PATH: &str = "/api/v1/installedExtensions/{{installationId}}/configParams";

/// The installation's config params (the `config` of the manifest, as the
/// customer filled it in): from [`Invoke::config_params`].
///
/// [`get`](Self::get) reads `GET …/configParams` and the `data` array of
/// its answer, as Zoho's samples do (`statusMessage.data`: see
/// [`ResponseFormat`](crate::ResponseFormat)); [`set`](Self::set) posts
/// `{"variables": [{"name": …, "value": …}, …]}` to the same path, as they
/// do too (the update is not in Zoho's reference; public code uses it).
///
/// Which params are secure (`"secure": true` in the manifest) is not in
/// the answer, so every value is treated as one: `Debug` of
/// [`ConfigParamSet`] and [`ConfigParam`] shows names only, no value is
/// logged, and a value is redacted from every error (a struct that does
/// not fit, an answer that echoes a value set). Keep a secure param in a
/// [`SecureParam`] field of your struct to keep it out of your own `Debug`.
#[derive(Clone, Debug)]
pub struct ConfigParams {
    invoke: Invoke,
}

impl Invoke {
    /// This installation's config params.
    ///
    /// ```no_run
    /// # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
    /// use callback_invoke::SecureParam;
    /// use serde::Deserialize;
    ///
    /// /// The manifest's config: `domain` and `jiraAuthKey` (secure).
    /// #[derive(Debug, Deserialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct JiraConfig {
    ///     domain: String,
    ///     jira_auth_key: SecureParam,
    /// }
    ///
    /// let config: JiraConfig = zoho.config_params().get_as().await?;
    /// let hook = format!("https://{}/rest/webhooks/1.0/webhook", config.domain);
    /// zoho.config_params()
    ///     .set([("jiraWebhook", hook.as_str())])
    ///     .await?;
    /// # let _ = config.jira_auth_key.expose();
    /// # Ok(()) }
    /// ```
    pub fn config_params(&self) -> ConfigParams {
        ConfigParams {
            invoke: self.clone(),
        }
    }
}

impl ConfigParams {
    /// Every config param of the installation, as name/value pairs.
    ///
    /// An answer without a `data` array, or with an item that is not a
    /// `{"name": "…", "value": …}` object, is an
    /// [`InvokeError::UnexpectedAnswer`] naming the field looked for.
    pub async fn get(&self) -> Result<ConfigParamSet, InvokeError> {
        let answer = self.invoke.desk_get(CONFIG_PARAMS_PATH).send().await?;
        let items = answer.array_field("data")?;
        let mut params = Vec::with_capacity(items.len());
        for (at, item) in items.iter().enumerate() {
            params.push(ConfigParam::read(&answer, at, item)?);
        }
        Ok(ConfigParamSet {
            call: answer.call().clone(),
            params,
        })
    }

    /// Every config param, read into `T` by name: a struct whose fields
    /// are the params' names (`#[serde(rename_all = "camelCase")]` for
    /// `jiraAuthKey` into `jira_auth_key`), each value a string. See
    /// [`ConfigParamSet::deserialize`].
    pub async fn get_as<T: DeserializeOwned>(&self) -> Result<T, InvokeError> {
        self.get().await?.deserialize()
    }

    /// Sets config params: posts `{"variables": [{"name": …, "value": …},
    /// …]}`, in the order given. The values are redacted from any text
    /// kept from the answer.
    pub async fn set<I, N, V>(&self, params: I) -> Result<InvokeResponse, InvokeError>
    where
        I: IntoIterator<Item = (N, V)>,
        N: Into<String>,
        V: Into<String>,
    {
        let pairs: Vec<(String, String)> = params
            .into_iter()
            .map(|(name, value)| (name.into(), value.into()))
            .collect();
        let variables: Vec<Value> = pairs
            .iter()
            .map(|(name, value)| serde_json::json!({"name": name, "value": value}))
            .collect();
        self.invoke
            .desk_post(CONFIG_PARAMS_PATH)
            .json(&serde_json::json!({ "variables": variables }))
            .sensitive(pairs.into_iter().map(|(_, value)| value))
            .send()
            .await
    }
}

/// One config param: its name and value. `Debug` shows the name only.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigParam {
    name: String,
    value: String,
}

impl ConfigParam {
    /// The param's name, as in the manifest's `config` (for example
    /// `jiraAuthKey`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value the customer gave. It may be a secure param: never log
    /// it.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Item `at` of the answer's `data`: `name` a string, `value` a string
    /// (a number or boolean is taken as its JSON text, `null` or no value
    /// as empty).
    fn read(answer: &InvokeResponse, at: usize, item: &Value) -> Result<Self, InvokeError> {
        let unexpected = |field: &str, expected, found: String| InvokeError::UnexpectedAnswer {
            call: answer.call().clone(),
            field: format!("{}.data[{at}]{field}", answer.answer_path()),
            expected,
            found,
        };
        let Value::Object(fields) = item else {
            return Err(unexpected(
                "",
                "an object",
                format!("a JSON {}", kind(item)),
            ));
        };
        let name = match fields.get("name") {
            Some(Value::String(name)) => name.clone(),
            Some(other) => {
                let found = format!("a JSON {}", kind(other));
                return Err(unexpected(".name", "a string", found));
            }
            None => return Err(unexpected(".name", "a string", "no such field".into())),
        };
        let value = match fields.get("value") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(value)) => value.clone(),
            Some(scalar @ (Value::Number(_) | Value::Bool(_))) => scalar.to_string(),
            Some(other) => {
                let found = format!("a JSON {}", kind(other));
                return Err(unexpected(".value", "a string", found));
            }
        };
        Ok(ConfigParam { name, value })
    }
}

impl fmt::Debug for ConfigParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigParam")
            .field("name", &self.name)
            .field("value", &format_args!("<redacted>"))
            .finish()
    }
}

/// The installation's config params, as Zoho gave them.
///
/// ```
/// # fn run(params: callback_invoke::ConfigParamSet) {
/// for param in &params {
///     println!("{} is set", param.name());
/// }
/// let domain = params.value("domain").unwrap_or("example.atlassian.net");
/// # let _ = domain; }
/// ```
#[derive(Clone)]
pub struct ConfigParamSet {
    call: InvokeCall,
    params: Vec<ConfigParam>,
}

impl ConfigParamSet {
    /// The value of the param named `name` (the last one, if Zoho gave it
    /// twice).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|p| p.name == name)
            .map(ConfigParam::value)
    }

    /// Every param, in Zoho's order.
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigParam> {
        self.params.iter()
    }

    /// How many params there are.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// The params read into `T`, as a JSON object of each name and its
    /// value (a string): a field without a param is missing, unless
    /// `#[serde(default)]` or an `Option`. A failure is an
    /// [`InvokeError::Decode`] whose message says what did not fit and
    /// never holds a value (each is redacted from it).
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, InvokeError> {
        let object: Map<String, Value> = self
            .params
            .iter()
            .map(|p| (p.name.clone(), Value::String(p.value.clone())))
            .collect();
        T::deserialize(Value::Object(object)).map_err(|e| InvokeError::Decode {
            call: self.call.clone(),
            type_name: std::any::type_name::<T>(),
            reason: self.redactor().text(&e.to_string()),
        })
    }

    /// Redacts the values from a serde message: each as serde quotes it
    /// (`string "…"`, ``unknown variant `…` ``), and as it is when it is
    /// long enough not to be a word of the message itself (a value `d`
    /// must not turn `field` into `fiel<redacted>`).
    fn redactor(&self) -> Redactor {
        let forms: Vec<String> = self
            .params
            .iter()
            .map(ConfigParam::value)
            .filter(|v| !v.is_empty())
            .flat_map(|v| {
                let plain = (v.chars().count() >= 8).then(|| v.to_owned());
                [Some(format!("{v:?}")), Some(format!("`{v}`")), plain]
            })
            .flatten()
            .collect();
        let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
        Redactor::new(&forms)
    }
}

impl<'a> IntoIterator for &'a ConfigParamSet {
    type Item = &'a ConfigParam;
    type IntoIter = std::slice::Iter<'a, ConfigParam>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Debug for ConfigParamSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.params).finish()
    }
}

/// A config param value that is a credential (a `"secure": true` param):
/// read from a string, shown as `<redacted>` by `Debug` and `Display`,
/// reached through [`expose`](Self::expose).
///
/// ```
/// use callback_invoke::SecureParam;
///
/// let key: SecureParam = serde_json::from_str(r#""jira-api-key-123""#)?;
/// assert_eq!(format!("{key} {key:?}"), "<redacted> SecureParam(<redacted>)");
/// assert_eq!(key.expose(), "jira-api-key-123");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecureParam(String);

impl SecureParam {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        SecureParam(value.into())
    }

    /// The value itself, for the call that needs it. Named so that every
    /// use is visible in review; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecureParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecureParam(<redacted>)")
    }
}

impl fmt::Display for SecureParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

fn kind(value: &Value) -> &'static str {
    crate::response::kind(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> ConfigParamSet {
        ConfigParamSet {
            call: InvokeCall {
                method: "GET".into(),
                host: "desk.zoho.com".into(),
            },
            params: pairs
                .iter()
                .map(|(n, v)| ConfigParam {
                    name: (*n).into(),
                    value: (*v).into(),
                })
                .collect(),
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Limits {
        max_tickets: u32,
    }

    #[test]
    fn a_value_that_does_not_fit_is_named_by_field_and_never_shown() {
        let params = set(&[("maxTickets", "hunter2-not-a-number")]);
        let err = params.deserialize::<Limits>().unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            err.to_string().starts_with(
                "the answer of GET desk.zoho.com is not a `callback_invoke::config_params::tests::Limits`: \
                 invalid type: string <redacted>, expected u32"
            ),
            "{err}"
        );
        // A short value is redacted where serde quotes it, not inside words.
        let err = set(&[("maxTickets", "d"), ("other", "e")])
            .deserialize::<Limits>()
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("invalid type: string <redacted>, expected u32"),
            "{err}"
        );
        let err = set(&[("other", "d")]).deserialize::<Limits>().unwrap_err();
        assert!(
            err.to_string().ends_with("missing field `maxTickets`"),
            "{err}"
        );
    }

    #[test]
    fn debug_shows_names_only_and_the_last_value_wins() {
        let params = set(&[
            ("domain", "a.example"),
            ("jiraAuthKey", "k3y"),
            ("domain", "b"),
        ]);
        assert_eq!(
            format!("{params:?}"),
            "[ConfigParam { name: \"domain\", value: <redacted> }, \
             ConfigParam { name: \"jiraAuthKey\", value: <redacted> }, \
             ConfigParam { name: \"domain\", value: <redacted> }]"
        );
        assert_eq!(params.value("domain"), Some("b"));
        assert_eq!(params.value("nothing"), None);
        assert_eq!((params.len(), params.is_empty()), (3, false));
    }
}
