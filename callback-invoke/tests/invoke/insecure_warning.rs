//! The warning logged when the Invoke API is reached over plain `http://`
//! on a host other than this machine, captured on the test's thread
//! (`support::logs`).

use crate::support::logs;
use callback_core::Secret;
use callback_invoke::{DataCentre, InvokeClient};
use logs::Logs;

fn build(base_url: Option<&str>) {
    let builder = InvokeClient::builder(Secret::new("warning-test-secret").unwrap());
    let builder = match base_url {
        Some(url) => builder.base_url(url),
        None => builder.data_centre(DataCentre::Eu),
    };
    builder.build().unwrap();
}

#[test]
fn plain_http_to_another_host_is_built_with_one_warning() {
    let (logs, _guard) = Logs::capture(tracing::Level::TRACE);

    for quiet in [
        None,
        Some("https://desk.example.com"),
        Some("http://127.0.0.1:9000"),
        Some("http://localhost:9000/zoho"),
        Some("http://[::1]:9000"),
    ] {
        build(quiet);
        assert_eq!(logs.text(), "", "{quiet:?}");
    }

    build(Some("http://desk.example.com/zoho/"));
    let text = logs.text();
    let [line] = text.lines().collect::<Vec<_>>()[..] else {
        panic!("one line expected: {text}")
    };
    assert!(line.contains(" WARN callback_invoke::client: "), "{line}");
    assert!(
        line.ends_with(
            "the Invoke base URL http://desk.example.com/zoho is plain http:// to a host that is \
             not this machine: credentials sent to it cross the network unencrypted; use https://"
        ),
        "{line}"
    );
}
