//! Setup shared by the integration tests: the known secret and security
//! context, sign-then-verify helpers, hand-written handlers that count their
//! calls, and the table of every rejection the router can produce.

use callback_core::__private::handler_result;
use callback_core::payload::PayloadError;
use callback_core::testing::{TestCallback, TestRequest};
use callback_core::{
    CallContext, Callback, CallbackRequest, Event, FromCallback, Handler, HandlerError,
    HandlerFuture, HandlerInfo, HandlerList, MissingState, Outcome, Payload, RejectionKind, Router,
    Secret, SignatureHeader, Signer, State, StateMap, Verifier,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The secret every test signs with unless it says otherwise.
pub(crate) const SECRET: &str = "desk-ext-Secret_2024!";

/// Another secret, whose signatures the default verifier must refuse.
pub(crate) const OTHER_SECRET: &str = "not-the-extension-secret";

/// The security context of the documentation's example payload.
pub(crate) const SECURITY_CONTEXT: &str = "2398deio3qwnx3c9xwi3nc3njkh9jfico";

/// `Secret::new(value)`, for values known to be non-blank.
pub(crate) fn secret(value: &str) -> Secret {
    Secret::new(value).expect("a non-blank secret")
}

/// The `HASH` value for `body` under `SECRET`.
pub(crate) fn sign(body: &[u8]) -> String {
    Signer::new(&secret(SECRET)).sign(body)
}

/// A verifier for `SECRET` alone.
pub(crate) fn verifier() -> Verifier {
    Verifier::new(secret(SECRET))
}

/// Signs `body` with `SECRET`, verifies it (which must succeed) and parses it.
pub(crate) fn parse_signed(body: &[u8]) -> Result<Payload, PayloadError> {
    let hash = sign(body);
    let verifier = verifier();
    let verified = verifier
        .verify(hash.as_str().into(), body)
        .expect("a body signed with the verifier's own secret verifies");
    verified.parse()
}

/// Asserts that `text` holds none of `needles` (and, for each, neither its
/// uppercase form nor its first 16 characters, so that a truncated or
/// re-cased MAC is caught too).
#[track_caller]
pub(crate) fn assert_holds_none(text: &str, needles: &[&str]) {
    for needle in needles {
        let mut forms = vec![needle.to_string(), needle.to_uppercase()];
        if let Some((cut, _)) = needle.char_indices().nth(16) {
            forms.push(needle[..cut].to_owned());
            forms.push(needle[..cut].to_uppercase());
        }
        for form in forms {
            assert!(!text.contains(&form), "{text:?} must not contain {form:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// Hand-written handlers
// ---------------------------------------------------------------------------

/// What the test handlers record, provided to them as state.
#[derive(Clone, Default)]
pub(crate) struct Hits {
    /// Every callback a `Succeed` handler completed, in order.
    handled: Arc<Mutex<Vec<Callback>>>,
    /// How many handler bodies started (their arguments all extracted),
    /// whatever they then did.
    entered: Arc<AtomicUsize>,
}

impl Hits {
    /// The callbacks handled successfully so far.
    pub(crate) fn handled(&self) -> Vec<Callback> {
        self.handled.lock().expect("not poisoned").clone()
    }

    /// How many callbacks were handled successfully so far.
    pub(crate) fn handled_count(&self) -> usize {
        self.handled.lock().expect("not poisoned").len()
    }

    /// How many handler bodies started.
    pub(crate) fn entered(&self) -> usize {
        self.entered.load(Ordering::SeqCst)
    }
}

/// A state type that no router in these tests provides.
#[derive(Clone)]
pub(crate) struct Unprovided;

/// What a [`TestHandler`] does when called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Behaviour {
    /// Records the callback in [`Hits`] and succeeds.
    Succeed,
    /// Returns an error.
    Fail,
    /// Panics inside its future, after its arguments are extracted.
    Panic,
    /// Panics in `Handler::call` itself, before any future exists.
    PanicInCall,
    /// Never finishes.
    Hang,
    /// Asks for `State<Unprovided>` when called, but does not declare it in
    /// `check_state`, so the router builds and the call is refused.
    LacksStateAtCall,
    /// Declares that it needs `State<Unprovided>`: the router must not build.
    RequiresUnprovidedState,
}

/// The message of the error a `Fail` handler returns.
pub(crate) const FAILURE: &str = "the ticket database is unavailable";

/// The message a `PanicInCall` handler panics with.
pub(crate) const CALL_PANIC: &str = "call blew up";

/// The message a `Panic` handler panics with.
pub(crate) const FUTURE_PANIC: &str = "handler blew up";

/// A handler implemented by hand (no attribute macro), with a fixed
/// behaviour. Every handler needs `State<Hits>`.
pub(crate) struct TestHandler {
    info: &'static HandlerInfo,
    behaviour: Behaviour,
}

impl TestHandler {
    /// A handler described by `info`, behaving as `behaviour`.
    pub(crate) const fn new(info: &'static HandlerInfo, behaviour: Behaviour) -> Self {
        TestHandler { info, behaviour }
    }
}

/// The module the handlers of this module are declared in, as their
/// [`HandlerInfo`] names it.
pub(crate) const MODULE: &str = module_path!();

/// The description of a handler declared in this module.
pub(crate) const fn info(event: Event, path: &'static str, name: &'static str) -> HandlerInfo {
    HandlerInfo::new(event, path, name, MODULE)
}

/// A handler description with owned strings, from a qualified name such as
/// `my_ext::config::added` (module `my_ext::config`, name `added`), as the
/// manifest tests list handlers.
pub(crate) fn handler_info(event: Event, path: &str, qualified_name: &str) -> HandlerInfo {
    let (module, name) = qualified_name
        .rsplit_once("::")
        .expect("a qualified name, module::name");
    HandlerInfo {
        event,
        path: path.to_owned().into(),
        name: name.to_owned().into(),
        module: module.to_owned().into(),
    }
}

impl Handler for TestHandler {
    fn info(&self) -> &'static HandlerInfo {
        self.info
    }

    fn check_state(&self, state: &StateMap) -> Result<(), MissingState> {
        state.require::<Hits>()?;
        match self.behaviour {
            Behaviour::RequiresUnprovidedState => state.require::<Unprovided>(),
            _ => Ok(()),
        }
    }

    fn call<'a>(&'a self, cx: &'a CallContext<'a>) -> HandlerFuture<'a> {
        let behaviour = self.behaviour;
        if behaviour == Behaviour::PanicInCall {
            panic!("{CALL_PANIC}");
        }
        Box::pin(async move {
            let State(hits) = State::<Hits>::from_callback(cx).await?;
            let callback = Callback::from_callback(cx).await?;
            if behaviour == Behaviour::LacksStateAtCall {
                State::<Unprovided>::from_callback(cx).await?;
            }
            hits.entered.fetch_add(1, Ordering::SeqCst);
            match behaviour {
                // What the attribute macros make of a handler's error.
                Behaviour::Fail => handler_result(Err::<(), _>(HandlerError::msg(FAILURE))),
                Behaviour::Panic => panic!("{FUTURE_PANIC}"),
                Behaviour::Hang => std::future::pending().await,
                _ => {
                    hits.handled.lock().expect("not poisoned").push(callback);
                    Ok(())
                }
            }
        })
    }
}

/// The path two events share in [`table_router`].
pub(crate) const SHARED_PATH: &str = "/zoho/config";

static INSTALL_INFO: HandlerInfo = info(Event::Install, "/callbacks/onInstall", "installed");
static CONFIG_ADD_INFO: HandlerInfo = info(Event::ConfigParamAdd, SHARED_PATH, "config_added");
static CONFIG_DELETE_INFO: HandlerInfo =
    info(Event::ConfigParamDelete, SHARED_PATH, "config_deleted");
static UPDATE_FAILS_INFO: HandlerInfo = info(Event::Update, "/callbacks/onUpdate", "update_fails");
static REVOKE_PANICS_INFO: HandlerInfo =
    info(Event::TpaRevoke, "/callbacks/onTPARevoke", "revoke_panics");
static TPA_PANICS_IN_CALL_INFO: HandlerInfo = info(
    Event::TpaAuthorise,
    "/callbacks/onTPAAuthorise",
    "tpa_panics",
);
static UNINSTALL_HANGS_INFO: HandlerInfo = info(
    Event::Uninstall,
    "/callbacks/onUninstall",
    "uninstall_hangs",
);
static AUTHORISE_LACKS_STATE_INFO: HandlerInfo = info(
    Event::ZohoAuthorise,
    "/callbacks/onZohoAuthorise",
    "authorise_lacks_state",
);

/// Succeeds for onInstall at its default path.
pub(crate) static INSTALL: TestHandler = TestHandler::new(&INSTALL_INFO, Behaviour::Succeed);
/// Succeeds for onConfigParamAdd at the shared path.
pub(crate) static CONFIG_ADD: TestHandler = TestHandler::new(&CONFIG_ADD_INFO, Behaviour::Succeed);
/// Succeeds for onConfigParamDelete at the shared path.
pub(crate) static CONFIG_DELETE: TestHandler =
    TestHandler::new(&CONFIG_DELETE_INFO, Behaviour::Succeed);
/// Fails for onUpdate.
pub(crate) static UPDATE_FAILS: TestHandler = TestHandler::new(&UPDATE_FAILS_INFO, Behaviour::Fail);
/// Panics in its future for onTPARevoke.
pub(crate) static REVOKE_PANICS: TestHandler =
    TestHandler::new(&REVOKE_PANICS_INFO, Behaviour::Panic);
/// Panics in `call` for onTPAAuthorise.
pub(crate) static TPA_PANICS_IN_CALL: TestHandler =
    TestHandler::new(&TPA_PANICS_IN_CALL_INFO, Behaviour::PanicInCall);
/// Never finishes, for onUninstall.
pub(crate) static UNINSTALL_HANGS: TestHandler =
    TestHandler::new(&UNINSTALL_HANGS_INFO, Behaviour::Hang);
/// Asks for unprovided state at call time, for onZohoAuthorise.
pub(crate) static AUTHORISE_LACKS_STATE: TestHandler =
    TestHandler::new(&AUTHORISE_LACKS_STATE_INFO, Behaviour::LacksStateAtCall);

/// One handler for each of the eight events, each behaving differently.
pub(crate) fn table_handlers() -> HandlerList {
    HandlerList::new(&[
        &INSTALL,
        &CONFIG_ADD,
        &CONFIG_DELETE,
        &UPDATE_FAILS,
        &REVOKE_PANICS,
        &TPA_PANICS_IN_CALL,
        &UNINSTALL_HANGS,
        &AUTHORISE_LACKS_STATE,
    ])
}

/// The handler deadline of [`table_router`]. Short, so that the hanging
/// onUninstall handler is cut off quickly; no other table handler ever
/// waits, and the deadline is checked only once the handler's future is
/// pending, so none of them can miss it however slow the machine.
pub(crate) const TABLE_TIMEOUT: Duration = Duration::from_millis(20);

/// A router over [`table_handlers`] for `SECRET`, with a deadline of
/// [`TABLE_TIMEOUT`], and the [`Hits`] its handlers record into.
pub(crate) fn table_router() -> (Router, Hits) {
    let hits = Hits::default();
    let router = Router::builder(table_handlers())
        .secret(secret(SECRET))
        .state(hits.clone())
        .timeout(TABLE_TIMEOUT)
        .build()
        .expect("the table router builds");
    (router, hits)
}

// ---------------------------------------------------------------------------
// The rejection table
// ---------------------------------------------------------------------------

/// One request and what the router must make of it.
#[derive(Debug)]
pub(crate) struct Case {
    /// What the case is about.
    pub(crate) name: &'static str,
    /// The request (its `hash` is ignored when `repeated_hash` is set).
    pub(crate) request: TestRequest,
    /// Send the `HASH` header twice.
    pub(crate) repeated_hash: bool,
    /// The rejection expected; `None` means success.
    pub(crate) expect: Option<RejectionKind>,
    /// Whether the handler's body starts before the outcome is decided.
    pub(crate) enters_handler: bool,
}

impl Case {
    fn new(name: &'static str, callback: TestCallback, expect: RejectionKind) -> Self {
        Case {
            name,
            request: callback.build(),
            repeated_hash: false,
            expect: Some(expect),
            enters_handler: false,
        }
    }

    /// A case the router must hand to the onInstall handler.
    pub(crate) fn success(name: &'static str, callback: TestCallback) -> Self {
        Case {
            name,
            request: callback.build(),
            repeated_hash: false,
            expect: None,
            enters_handler: true,
        }
    }

    /// What the HTTP layer would hand the router.
    pub(crate) fn callback_request(&self) -> CallbackRequest<'_> {
        let mut request = callback_request(&self.request);
        if self.repeated_hash {
            request.signature = SignatureHeader::Repeated;
        }
        request
    }

    /// Dispatches the case.
    pub(crate) async fn dispatch(&self, router: &Router) -> Outcome {
        router.dispatch(self.callback_request()).await
    }
}

/// What the HTTP layer would hand the router for `request`.
pub(crate) fn callback_request(request: &TestRequest) -> CallbackRequest<'_> {
    CallbackRequest {
        path: &request.path,
        signature: request.hash.as_deref().map(str::as_bytes).into(),
        content_type: request.content_type.as_deref().map(str::as_bytes),
        body: &request.body,
    }
}

/// Dispatches `request` with no deadline.
pub(crate) async fn dispatch(router: &Router, request: &TestRequest) -> Outcome {
    router.dispatch(callback_request(request)).await
}

/// A correctly signed callback for `event` from org 387238 carrying
/// `SECURITY_CONTEXT`.
pub(crate) fn signed(event: Event) -> TestCallback {
    TestCallback::new(event, &secret(SECRET))
        .org_id(387238)
        .security_context(SECURITY_CONTEXT)
}

/// A body with the known security context, as raw bytes.
fn raw_body(json_without_context: &str) -> String {
    json_without_context.replace("CTX", SECURITY_CONTEXT)
}

/// Every rejection the router itself can produce, each against a router
/// built by [`table_router`], plus the two ways of succeeding.
pub(crate) fn rejection_table() -> Vec<Case> {
    use RejectionKind as K;
    let install = || signed(Event::Install);
    let right_mac = sign(&install().build().body);
    let mut not_hex = right_mac.clone().into_bytes();
    not_hex[17] = b'g';
    let not_hex = String::from_utf8(not_hex).expect("ASCII");

    let mut cases = vec![
        Case::new(
            "unknown path",
            install().path("/callbacks/onDelete"),
            K::NotFound,
        ),
        Case::new(
            "no HASH header",
            install().without_hash(),
            K::MissingSignature,
        ),
        Case {
            repeated_hash: true,
            ..Case::new("two HASH headers", install(), K::RepeatedSignature)
        },
        Case::new("empty HASH", install().hash(""), K::EmptySignature),
        Case::new(
            "HASH one digit short",
            install().hash(&right_mac[..63]),
            K::MalformedSignature,
        ),
        Case::new(
            "HASH not hex",
            install().hash(&not_hex),
            K::MalformedSignature,
        ),
        Case::new(
            "signed with another secret",
            install().signed_with(&secret(OTHER_SECRET)),
            K::SignatureMismatch,
        ),
        Case::new(
            "body changed after signing",
            install().tamper_body(),
            K::SignatureMismatch,
        ),
        Case::new(
            "no Content-Type",
            install().without_content_type(),
            K::UnsupportedMediaType,
        ),
        Case::new(
            "Content-Type text/plain",
            install().content_type("text/plain"),
            K::UnsupportedMediaType,
        ),
        Case::new(
            "Content-Type form-urlencoded",
            install().content_type("application/x-www-form-urlencoded"),
            K::UnsupportedMediaType,
        ),
        Case::new(
            "truncated JSON",
            install().body(raw_body(
                r#"{"event":"onInstall","orgId":387238,"securityContext":"CTX""#,
            )),
            K::InvalidJson,
        ),
        Case::new(
            "orgId missing",
            install().body(raw_body(r#"{"event":"onInstall","securityContext":"CTX"}"#)),
            K::InvalidPayload,
        ),
        Case::new(
            "unknown event",
            install().body(raw_body(
                r#"{"event":"onDelete","orgId":387238,"securityContext":"CTX"}"#,
            )),
            K::UnknownEvent,
        ),
        Case::new(
            "onInstall posted to the config path",
            install().path(SHARED_PATH),
            K::EventNotHandledHere,
        ),
        Case {
            enters_handler: true,
            ..Case::new(
                "handler returns an error",
                signed(Event::Update),
                K::HandlerFailed,
            )
        },
        Case {
            enters_handler: true,
            ..Case::new(
                "handler panics",
                signed(Event::TpaRevoke),
                K::HandlerPanicked,
            )
        },
        Case::new(
            "handler panics in call, before its future exists",
            signed(Event::TpaAuthorise),
            K::HandlerPanicked,
        ),
        // The handler never finishes: the table router's deadline passes.
        Case {
            enters_handler: true,
            ..Case::new(
                "handler misses the deadline",
                signed(Event::Uninstall),
                K::DeadlineExceeded,
            )
        },
        Case::new(
            "state missing at call time",
            signed(Event::ZohoAuthorise),
            K::MissingState,
        ),
    ];
    cases.push(Case::success("signed onInstall", install()));
    cases.push(Case::success(
        "Content-Type with charset",
        install().content_type("application/json; charset=utf-8"),
    ));
    cases
}

/// The kinds only an adapter can decide (the router never sees the method,
/// the body size or a broken connection).
pub(crate) const ADAPTER_KINDS: [RejectionKind; 3] = [
    RejectionKind::MethodNotAllowed,
    RejectionKind::PayloadTooLarge,
    RejectionKind::BodyUnreadable,
];
