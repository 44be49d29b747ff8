//! Every row of the HTTP contract, in process: status, `error` code, JSON
//! `Content-Type`, and which handler ran (none, for a rejection).

mod common;

use callback_actix::prelude::*;
use common::{Calls, cases, check, run};

#[actix_web::test]
async fn each_of_the_eight_events_is_handled_by_its_own_handler() {
    let calls = Calls::default();
    run(&calls, &cases::every_event()).await;
    for event in Event::ALL {
        assert_eq!(calls.of(event), 1, "{event}");
    }
}

#[actix_web::test]
async fn events_sharing_a_path_each_reach_their_own_handler() {
    let calls = Calls::default();
    let add = cases::handled(Event::ConfigParamAdd);
    let delete = cases::handled(Event::ConfigParamDelete);
    assert_eq!(add.request.path, delete.request.path);
    run(&calls, &[add, delete]).await;
    assert_eq!(calls.of(Event::ConfigParamAdd), 1);
    assert_eq!(calls.of(Event::ConfigParamDelete), 1);
    assert_eq!(calls.total(), 2);
}

#[actix_web::test]
async fn during_a_rotation_both_secrets_are_accepted() {
    let calls = Calls::default();
    run(
        &calls,
        &[
            cases::handled(Event::Install),
            cases::signed_with_old_secret(),
        ],
    )
    .await;
    assert_eq!(calls.of(Event::Install), 2);
}

#[actix_web::test]
async fn missing_hash_is_401_missing_signature() {
    check(cases::missing_hash()).await;
}

#[actix_web::test]
async fn two_hash_headers_are_401_repeated_signature() {
    check(cases::repeated_hash()).await;
}

#[actix_web::test]
async fn empty_hash_is_401_empty_signature() {
    check(cases::empty_hash()).await;
}

#[actix_web::test]
async fn hash_of_the_wrong_length_is_401_malformed_signature() {
    check(cases::short_hash()).await;
}

#[actix_web::test]
async fn hash_that_is_not_hex_is_401_malformed_signature() {
    check(cases::non_hex_hash()).await;
}

#[actix_web::test]
async fn hash_from_another_secret_is_401_signature_mismatch() {
    check(cases::wrong_hash()).await;
}

#[actix_web::test]
async fn tampered_body_is_401_signature_mismatch() {
    check(cases::tampered_body()).await;
}

#[actix_web::test]
async fn missing_content_type_is_415() {
    check(cases::missing_content_type()).await;
}

#[actix_web::test]
async fn text_plain_is_415() {
    check(cases::text_plain()).await;
}

#[actix_web::test]
async fn json_with_a_charset_parameter_is_handled() {
    check(cases::json_with_charset()).await;
}

#[actix_web::test]
async fn json_media_type_is_case_insensitive() {
    check(cases::json_in_capitals()).await;
}

#[actix_web::test]
async fn body_over_the_limit_with_content_length_is_413() {
    check(cases::too_large_with_length()).await;
}

#[actix_web::test]
async fn body_over_the_limit_without_content_length_is_413() {
    check(cases::too_large_chunked()).await;
}

#[actix_web::test]
async fn body_that_stops_arriving_is_400_body_unreadable_after_the_body_timeout() {
    let started = std::time::Instant::now();
    check(cases::stalled_body()).await;
    assert!(started.elapsed() >= common::BODY_TIMEOUT);
}

#[actix_web::test]
async fn body_shorter_than_its_content_length_is_400_body_unreadable() {
    check(cases::truncated_body()).await;
}

#[actix_web::test]
async fn body_that_is_not_json_is_400_invalid_json() {
    check(cases::not_json()).await;
}

#[actix_web::test]
async fn payload_without_org_id_is_400_invalid_payload() {
    check(cases::missing_org_id()).await;
}

#[actix_web::test]
async fn org_id_of_the_wrong_type_is_400_invalid_payload() {
    check(cases::org_id_bool()).await;
}

#[actix_web::test]
async fn unknown_event_is_400_unknown_event() {
    check(cases::unknown_event()).await;
}

#[actix_web::test]
async fn event_posted_to_a_path_that_does_not_handle_it_is_400_event_not_handled() {
    check(cases::event_not_handled_here()).await;
}

#[actix_web::test]
async fn get_put_and_delete_are_405_with_allow_post() {
    let calls = Calls::default();
    let methods = ["GET", "PUT", "DELETE", "PATCH"];
    run(&calls, &methods.map(cases::wrong_method)).await;
}

#[actix_web::test]
async fn handler_error_is_500_and_its_message_is_not_sent() {
    check(cases::handler_error()).await;
}

#[actix_web::test]
async fn handler_panic_is_500_and_the_next_request_succeeds() {
    let calls = Calls::default();
    run(
        &calls,
        &[cases::handler_panicked(), cases::handled(Event::Install)],
    )
    .await;
    assert_eq!(calls.of(Event::Install), 2);
}

#[actix_web::test]
async fn handler_past_its_deadline_is_503() {
    let started = std::time::Instant::now();
    check(cases::handler_timeout()).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
