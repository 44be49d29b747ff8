//! `resources.json`: the webhook resources from the Desk event handlers,
//! merged into an existing file with every byte outside `webhook` kept, and
//! each thing Zoho refuses refused with its fix.

use crate::common::{fixture, temp_crate};
use callback_build::{
    ResourcesError, ResourcesProblem, ResourcesUpdate, Scanner, Webhooks, WebhooksError,
};

const BASE: &str = "https://ext.example.com";

/// The webhooks of the `desk` fixture.
fn desk_webhooks() -> Webhooks {
    let scan = Scanner::new(fixture("desk")).scan().unwrap();
    Webhooks::new(BASE, scan.desk_handlers.iter().map(|h| &h.info)).unwrap()
}

/// The webhooks of `code`, the `src/lib.rs` of a crate.
fn webhooks_of(code: &str) -> Webhooks {
    let dir = temp_crate(&[("src/lib.rs", code)]);
    let scan = Scanner::new(dir.path()).scan().unwrap();
    Webhooks::new(BASE, scan.desk_handlers.iter().map(|h| &h.info)).unwrap()
}

/// `resources.json` holding `text`, in a new directory.
fn resources_file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("resources.json");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// The text before and after the value of the one `"webhook"` key.
fn outside_webhook(text: &str) -> (&str, &str) {
    let key = "\"webhook\": ";
    let start = text.find(key).expect("a webhook") + key.len();
    let value = &text[start..];
    let (open, close) = if value.starts_with('[') {
        ('[', ']')
    } else {
        ('{', '}')
    };
    let mut depth = 0;
    for (i, c) in value.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return (&text[..start], &text[start + i + 1..]);
            }
        }
    }
    panic!("unbalanced: {text}");
}

/// The `desk` fixture's resources.json merged with its handlers.
pub(crate) const MERGED: &str = r#"{
    "webhook": [
        {
            "resourceName": "deskEvents",
            "name": "Ticket sync",
            "description": "keeps the tracker in step",
            "url": "https://ext.example.com/desk/deskEvents",
            "subscriptions": {
                "Ticket_Add": null,
                "Ticket_Update": {
                    "includePrevState": true,
                    "fields": ["status", "priority"]
                },
                "Ticket_Tag_Add": null,
                "Contact_Add": {
                    "includePrevState": false
                }
            },
            "ignoreSourceId": "2df92c1a-973a-48f5-95b7-5792c68b9c36"
        },
        {
            "resourceName": "threads",
            "url": "https://ext.example.com/zoho/threads",
            "name": "threads",
            "subscriptions": {
                "Ticket_Thread_Add": {
                    "direction": "in"
                }
            }
        }
    ],
    "connectors": [
        { "resourceName": "tracker", "kind": "oauth" }
    ]
}
"#;

#[test]
fn merges_into_the_file_keeping_name_description_ignore_source_id_and_every_other_byte() {
    let before = std::fs::read_to_string(fixture("desk/resources.json")).unwrap();
    let (_dir, path) = resources_file(&before);
    let update = ResourcesUpdate::prepare(&path, &desk_webhooks()).unwrap();
    assert_eq!(update.merged(), Some(MERGED));
    assert_eq!(outside_webhook(MERGED), outside_webhook(&before));
    assert!(!update.is_up_to_date());
    assert!(update.write().unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), MERGED);

    // A second merge changes nothing, and writes nothing.
    let again = ResourcesUpdate::prepare(&path, &desk_webhooks()).unwrap();
    assert!(again.is_up_to_date());
    assert!(!again.write().unwrap());
    assert_eq!(again.merged(), Some(MERGED));
}

#[test]
fn the_section_is_the_webhook_value_as_merged() {
    let (_dir, path) =
        resources_file(&std::fs::read_to_string(fixture("desk/resources.json")).unwrap());
    let update = ResourcesUpdate::prepare(&path, &desk_webhooks()).unwrap();
    let value: serde_json::Value = serde_json::from_str(update.section()).unwrap();
    let merged: serde_json::Value = serde_json::from_str(MERGED).unwrap();
    assert_eq!(value, merged["webhook"]);
    assert!(
        update
            .section()
            .starts_with("[\n  {\n    \"resourceName\": \"deskEvents\",\n")
    );
}

#[test]
fn one_webhook_is_an_object_and_a_new_one_is_named_after_its_resource_name() {
    let webhooks = webhooks_of(
        "#[desk_event(Ticket_Comment_Add)]\nasync fn c() {}\n\
         #[desk_event(Ticket_Add)]\nasync fn a() {}\n",
    );
    assert_eq!(
        webhooks.to_json_pretty(),
        r#"{
  "resourceName": "deskEvents",
  "url": "https://ext.example.com/desk/deskEvents",
  "name": "deskEvents",
  "subscriptions": {
    "Ticket_Add": null,
    "Ticket_Comment_Add": null
  }
}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("resources.json");
    let update = ResourcesUpdate::prepare(&path, &webhooks).unwrap();
    assert_eq!(update.current(), None);
    assert!(update.write().unwrap());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!(
            "{{\n  \"webhook\": {}\n}}\n",
            webhooks.to_json_pretty().replace('\n', "\n  ")
        )
    );
}

#[test]
fn without_a_catch_all_subscriptions_no_handler_takes_are_dropped() {
    let (_dir, path) = resources_file(
        "{\"webhook\": {\"resourceName\": \"deskEvents\", \"name\": \"n\", \"subscriptions\": \
         {\"Ticket_Tag_Add\": null, \"Ticket_Add\": null}}}",
    );
    let webhooks = webhooks_of("#[desk_event(Ticket_Add)]\nasync fn a() {}\n");
    let update = ResourcesUpdate::prepare(&path, &webhooks).unwrap();
    assert_eq!(
        update.merged().unwrap(),
        "{\"webhook\": {\"resourceName\": \"deskEvents\", \"name\": \"n\", \"subscriptions\": \
         {\"Ticket_Add\": null}, \"url\": \"https://ext.example.com/desk/deskEvents\"}}"
    );
}

#[test]
fn webhooks_no_handler_declares_are_dropped_and_none_left_removes_the_key() {
    let text = "{\n  \"webhook\": [{\"resourceName\": \"old\"}, {\"resourceName\": \"deskEvents\"}],\n  \"x\": 1\n}\n";
    let (_dir, path) = resources_file(text);
    let none = ResourcesUpdate::prepare(&path, &Webhooks::default()).unwrap();
    assert_eq!(none.merged(), Some("{\n  \"x\": 1\n}\n"));
    assert_eq!(none.section(), "[]");

    let one = webhooks_of("#[desk_event(Ticket_Add)]\nasync fn a() {}\n");
    let update = ResourcesUpdate::prepare(&path, &one).unwrap();
    let value: serde_json::Value = serde_json::from_str(update.merged().unwrap()).unwrap();
    assert_eq!(value["webhook"]["resourceName"], "deskEvents");
    assert_eq!(value["x"], 1);

    // No file and no webhook: nothing to write.
    let dir = tempfile::tempdir().unwrap();
    let missing =
        ResourcesUpdate::prepare(dir.path().join("resources.json"), &Webhooks::default()).unwrap();
    assert!(missing.is_up_to_date());
    assert!(!missing.write().unwrap());
    assert!(!dir.path().join("resources.json").exists());
}

/// The lines of the error `prepare` gives for `text`.
fn refused(text: &str, webhooks: &Webhooks) -> Vec<String> {
    let (_dir, path) = resources_file(text);
    let err = ResourcesUpdate::prepare(&path, webhooks).unwrap_err();
    err.to_string()
        .lines()
        .map(|l| l.replacen(&path.display().to_string(), "resources.json", 1))
        .collect()
}

#[test]
fn an_ignore_source_id_that_is_not_a_uuid_is_refused() {
    let webhooks = webhooks_of("#[desk_event(Ticket_Add)]\nasync fn a() {}\n");
    for (id, shown) in [
        ("\"not-a-uuid\"", "\"not-a-uuid\""),
        (
            "\"2df92c1a973a48f595b75792c68b9c36\"",
            "\"2df92c1a973a48f595b75792c68b9c36\"",
        ),
        ("42", "42"),
    ] {
        assert_eq!(
            refused(
                &format!(
                    "{{\"webhook\": {{\"resourceName\": \"deskEvents\", \"ignoreSourceId\": {id}}}}}"
                ),
                &webhooks
            ),
            [format!(
                "resources.json: webhook `deskEvents`: \"ignoreSourceId\" {shown} is not a UUID; \
                 write one such as \"2df92c1a-973a-48f5-95b7-5792c68b9c36\", or remove it"
            )]
        );
    }
    let (_dir, path) = resources_file(
        "{\"webhook\": {\"resourceName\": \"deskEvents\", \"ignoreSourceId\": \
         \"2DF92C1A-973A-48F5-95B7-5792C68B9C36\"}}",
    );
    ResourcesUpdate::prepare(&path, &webhooks).unwrap();
}

#[test]
fn department_ids_in_a_subscription_are_refused() {
    let webhooks = webhooks_of("#[desk_event(Ticket_Add)]\nasync fn a() {}\n");
    assert_eq!(
        refused(
            "{\"webhook\": {\"resourceName\": \"deskEvents\", \"subscriptions\": \
             {\"Ticket_Add\": {\"departmentIds\": [\"1\"]}}}}",
            &webhooks
        ),
        [
            "resources.json: webhook `deskEvents`, subscription \"Ticket_Add\": remove \
             \"departmentIds\"; Zoho filters the events by the departments chosen in the \
             extension's configuration"
        ]
    );
}

#[test]
fn a_resource_name_used_twice_is_refused() {
    let webhooks =
        webhooks_of("#[desk_event(Ticket_Add, webhook = \"tracker\")]\nasync fn a() {}\n");
    let twice = "the resourceName \"tracker\" is used 2 times; a resourceName is unique across \
                 the extension: rename all but one (a webhook's is its handlers' `webhook = \
                 \"...\"`)";
    assert_eq!(
        refused(
            "{\"connectors\": [{\"resourceName\": \"tracker\"}]}",
            &webhooks
        ),
        [format!("resources.json: {twice}")]
    );
    assert_eq!(
        refused(
            "{\"webhook\": [{\"resourceName\": \"tracker\"}, {\"resourceName\": \"tracker\"}]}",
            &webhooks
        ),
        [format!("resources.json: {twice}")]
    );
}

#[test]
fn a_file_that_cannot_be_merged_is_refused() {
    let webhooks = Webhooks::default();
    assert_eq!(
        refused("{\"webhook\": 1, \"webhook\": 2}", &webhooks),
        ["resources.json: it has 2 top-level \"webhook\" keys; keep one"]
    );
    assert_eq!(
        refused("[]", &webhooks),
        ["resources.json: resources.json must be a JSON object"]
    );
    assert_eq!(
        refused("{\"webhook\": }", &webhooks),
        ["resources.json: not valid JSON at line 1, column 13: expected value"]
    );
    let (_dir, path) = resources_file("{}");
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    assert!(matches!(
        ResourcesUpdate::prepare(&path, &webhooks),
        Err(ResourcesError::Read { .. })
    ));
}

#[test]
fn the_problems_are_typed() {
    let (_dir, path) = resources_file(
        "{\"webhook\": {\"resourceName\": \"deskEvents\", \"ignoreSourceId\": \"x\"}}",
    );
    let webhooks = webhooks_of("#[desk_event(any)]\nasync fn a() {}\n");
    let Err(ResourcesError::Invalid { problems, .. }) = ResourcesUpdate::prepare(&path, &webhooks)
    else {
        panic!("refused");
    };
    assert_eq!(
        problems,
        [ResourcesProblem::IgnoreSourceId {
            webhook: "deskEvents".into(),
            value: "\"x\"".into()
        }]
    );
}

#[test]
fn the_base_url_and_the_handlers_are_checked() {
    let err = Webhooks::new("https://u:hunter2@x.example", std::iter::empty()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the base URL \"https://x.example\" is not usable: it must not carry credentials \
         (user:password@): URLs are printed and logged; give credentials another way; give one \
         such as \"https://ext.example.com\""
    );
    let scan = Scanner::new(fixture("desk")).scan().unwrap();
    let twice = [&scan.desk_handlers[1].info, &scan.desk_handlers[1].info];
    assert!(matches!(
        Webhooks::new(BASE, twice),
        Err(WebhooksError::Handlers(_))
    ));
    let mut bad = scan.desk_handlers[1].info.clone();
    bad.path = "nope".into();
    assert_eq!(
        Webhooks::new(BASE, [&bad]).unwrap_err().to_string(),
        "`crate::tickets::added` has an invalid path \"nope\": a callback path must start with \
         `/`; write \"/nope\""
    );
}
