//! The scanner on Desk event handlers: every import form and option, the
//! same problems the attribute macro reports (each with its file and
//! line), the rule of one handler per event type and webhook, and the
//! places that call extension storage.

use crate::common::{fixture, temp_crate};
use callback_build::{Problem, STORAGE_PATH_PART, Scanner};
use callback_core::{DeskEventSelector, DeskEventType, ThreadDirection};

/// Each Desk event handler as (its description, qualified name, location).
fn desk_summary(dir: &std::path::Path) -> Vec<(String, String, String)> {
    Scanner::new(dir)
        .crate_name("desk-ext")
        .scan()
        .unwrap()
        .desk_handlers
        .into_iter()
        .map(|h| {
            (
                h.info.to_string(),
                format!(
                    "{:?}",
                    (h.info.include_prev_state, &h.info.fields, h.info.direction)
                ),
                h.location.to_string(),
            )
        })
        .collect()
}

fn problems(files: &[(&str, &str)]) -> Vec<String> {
    let dir = temp_crate(files);
    let err = Scanner::new(dir.path()).scan().unwrap_err();
    err.problems().iter().map(ToString::to_string).collect()
}

#[test]
fn finds_desk_handlers_in_every_import_form_with_their_options() {
    assert_eq!(
        desk_summary(&fixture("desk")),
        [
            (
                "desk_ext::threads::thread_added (Ticket_Thread_Add at /zoho/threads)".to_owned(),
                "(false, [], Some(In))".to_owned(),
                "src/threads.rs:1:1".to_owned(),
            ),
            (
                "desk_ext::tickets::added (Ticket_Add at /desk/deskEvents)".to_owned(),
                "(false, [], None)".to_owned(),
                "src/tickets.rs:3:1".to_owned(),
            ),
            (
                "desk_ext::tickets::updated (Ticket_Update at /desk/deskEvents)".to_owned(),
                "(true, [\"status\", \"priority\"], None)".to_owned(),
                "src/tickets.rs:6:1".to_owned(),
            ),
            (
                "desk_ext::anything (any event at /desk/deskEvents)".to_owned(),
                "(false, [], None)".to_owned(),
                "src/lib.rs:15:1".to_owned(),
            ),
        ]
    );
}

#[test]
fn the_webhook_and_the_callback_beside_it_are_both_found() {
    let scan = Scanner::new(fixture("desk")).scan().unwrap();
    let thread = &scan.desk_handlers[0].info;
    assert_eq!(
        (thread.webhook.as_ref(), thread.event, thread.direction),
        (
            "threads",
            DeskEventSelector::Type(DeskEventType::TicketThreadAdd),
            Some(ThreadDirection::In)
        )
    );
    let callbacks: Vec<String> = scan.handlers.iter().map(|h| h.info.to_string()).collect();
    assert_eq!(
        callbacks,
        ["crate::installed (onInstall at /callbacks/onInstall)"]
    );
}

#[test]
fn an_attribute_the_macro_refuses_is_a_problem_with_its_line() {
    assert_eq!(
        problems(&[(
            "src/lib.rs",
            "#[desk_event(Ticket_Ad)]\nasync fn a() {}\n\n\
             #[desk_event(Ticket_Add, include_prev_state, fields = [\"status\"])]\nasync fn b() {}\n\n\
             #[desk_event]\nasync fn c() {}\n"
        )]),
        [
            "src/lib.rs:1:14: invalid `#[desk_event]`: unknown Desk event type `Ticket_Ad`; did \
             you mean `Ticket_Add`?",
            "src/lib.rs:4:26: invalid `#[desk_event]`: `include_prev_state` is for update events; \
             Ticket_Add does not take it; remove it",
            "src/lib.rs:4:46: invalid `#[desk_event]`: `fields` is for Ticket_Update; Ticket_Add \
             does not take it; remove it",
            "src/lib.rs:7:1: invalid `#[desk_event]`: name the Desk event type first, for example \
             `#[desk_event(Ticket_Add)]`, or `#[desk_event(any)]` for a catch-all",
        ]
    );
}

#[test]
fn two_handlers_for_one_event_of_a_webhook_name_both_places() {
    assert_eq!(
        problems(&[
            (
                "src/lib.rs",
                "mod more;\n\n#[desk_event(Ticket_Add)]\nasync fn first() {}\n\n\
                 #[desk_event(any)]\nasync fn catch_all() {}\n"
            ),
            (
                "src/more.rs",
                "#[desk_event(Ticket_Add)]\nasync fn again() {}\n\n\
                 #[desk_event(Ticket_Add, webhook = \"other\")]\nasync fn elsewhere() {}\n\n\
                 #[desk_event(any)]\nasync fn second_catch_all() {}\n\n\
                 #[desk_event(Ticket_Update, path = \"/moved\")]\nasync fn moved() {}\n"
            ),
        ]),
        [
            "src/more.rs:10:1: webhook `deskEvents` is mounted at /desk/deskEvents by \
             `crate::more::again` and at /moved by `crate::more::moved`; a webhook has one path: \
             give them the same `path` (the other is at src/more.rs:1:1)",
            "src/lib.rs:3:1: two handlers for Ticket_Add of webhook `deskEvents`: \
             `crate::more::again` and `crate::first`; keep one (the other is at src/more.rs:1:1)",
            "src/lib.rs:6:1: two handlers for any event of webhook `deskEvents`: \
             `crate::more::second_catch_all` and `crate::catch_all`; keep one (the other is at \
             src/more.rs:7:1)",
        ]
    );
}

#[test]
fn two_handler_attributes_on_one_function_are_one_problem() {
    assert_eq!(
        problems(&[(
            "src/lib.rs",
            "#[desk_event(Ticket_Add)]\n#[on_install]\nasync fn both() {}\n"
        )]),
        [
            "src/lib.rs:2:1: `both` has two handler attributes, `#[desk_event]` and \
             `#[on_install]`; keep one"
        ]
    );
}

#[test]
fn a_raw_identifier_is_named_as_the_macros_name_it() {
    let dir = temp_crate(&[(
        "src/lib.rs",
        "#[on_install]\nasync fn r#type() {}\n#[desk_event(Ticket_Add)]\nasync fn r#match() {}\n",
    )]);
    let scan = Scanner::new(dir.path()).scan().unwrap();
    assert_eq!(scan.handlers[0].info.name, "type");
    assert_eq!(scan.desk_handlers[0].info.name, "match");
}

#[test]
fn storage_calls_are_found_outside_tests_and_builders() {
    let scan = Scanner::new(fixture("desk")).scan().unwrap();
    let found: Vec<String> = scan.storage_calls.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "src/threads.rs:10:5",
            "src/threads.rs:13:55",
            "src/lib.rs:11:26"
        ]
    );
}

#[test]
fn each_form_of_storage_call_is_found_alone() {
    let found = |code: &str| {
        let dir = temp_crate(&[("src/lib.rs", code)]);
        let scan = Scanner::new(dir.path()).scan().unwrap();
        scan.storage_calls.len()
    };
    assert_eq!(found("fn f(i: Invoke) { i.storage(); }"), 1);
    assert_eq!(
        found("const P: &str = \"/api/v1/installedExtensions/{{installationId}}/storage\";"),
        1
    );
    assert_eq!(
        found("fn f(i: Invoke) { assert!(i.storage().is_ok()); }"),
        1
    );
    assert_eq!(
        found(
            "fn f() { let u = format!(\"{}/installedExtensions/{{installationId}}/storage\", b); }"
        ),
        1
    );
    assert_eq!(found("fn f(c: Builder) { c.storage(settings); }"), 0);
    assert_eq!(
        found("fn f(i: Invoke) { i.local_storage(); storage(); }"),
        0
    );
    assert_eq!(
        found("fn f() { let p = \"/installedExtensions/storage\"; }"),
        0
    );
    assert_eq!(
        found("#[cfg(test)]\nmod tests { fn f(i: Invoke) { i.storage(); } }"),
        0
    );
    assert_eq!(
        found("struct S;\nimpl S {\n    #[cfg(test)]\n    fn f(i: Invoke) { i.storage(); }\n}"),
        0
    );
}

#[test]
fn the_storage_path_part_is_callback_invokes() {
    assert!(
        callback_invoke::STORAGE_PATH.contains(STORAGE_PATH_PART),
        "{} does not hold {STORAGE_PATH_PART}",
        callback_invoke::STORAGE_PATH
    );
}

#[test]
fn a_problem_is_typed() {
    let dir = temp_crate(&[(
        "src/lib.rs",
        "#[desk_event(Ticket_Add)]\nasync fn a() {}\n#[desk_event(Ticket_Add)]\nasync fn b() {}\n",
    )]);
    let err = Scanner::new(dir.path()).scan().unwrap_err();
    assert!(matches!(
        &err.problems()[0],
        Problem::DeskHandlers { other: Some(other), .. } if other.line == 1
    ));
}
