//! Handlers in nested modules, with every visibility, listed by path; and a
//! handler declared inside a function body.
#![deny(warnings)]

mod support;

use callback_core::callbacks;

mod inner {
    use callback_core::{HandlerList, OrgId, callbacks};
    use callback_macros::{on_install, on_uninstall, on_update};

    #[on_install]
    pub async fn a(org: OrgId) {
        crate::support::ran(format!("a {org}"));
    }

    #[on_update]
    pub(crate) async fn updated() {
        crate::support::ran("updated");
    }

    /// Private: listed from this module and from a child module.
    #[on_uninstall]
    async fn private_one() {
        crate::support::ran("private_one");
    }

    pub(crate) fn own_list() -> HandlerList {
        callbacks![private_one, self::a, deeper::b]
    }

    pub mod deeper {
        use callback_core::{Event, HandlerList, callbacks};

        #[callback_macros::on_config_param_add(path = "/zoho/config")]
        pub async fn b(event: Event) {
            crate::support::ran(format!("b {event}"));
        }

        #[callback_macros::on_tpa_revoke]
        pub(super) async fn revoked() {}

        #[callback_macros::on_tpa_authorise]
        pub(in crate::inner) async fn authorised() {}

        pub(crate) fn from_child() -> HandlerList {
            callbacks![
                super::private_one,
                revoked,
                crate::inner::deeper::authorised
            ]
        }
    }

    pub(crate) fn restricted() -> HandlerList {
        callbacks![deeper::revoked, deeper::authorised]
    }
}

fn main() {
    let state = callback_core::StateMap::new();

    let handlers = callbacks![inner::a, inner::deeper::b, crate::inner::updated];
    assert_eq!(
        support::registrations(&handlers),
        [
            (
                "onInstall".into(),
                "/callbacks/onInstall".into(),
                "inner::a".into()
            ),
            (
                "onConfigParamAdd".into(),
                "/zoho/config".into(),
                "inner::deeper::b".into()
            ),
            (
                "onUpdate".into(),
                "/callbacks/onUpdate".into(),
                "inner::updated".into()
            ),
        ]
    );
    for (handler, event) in handlers.iter().zip([
        callback_core::Event::Install,
        callback_core::Event::ConfigParamAdd,
        callback_core::Event::Update,
    ]) {
        support::run(handler, event, 42, &state).unwrap();
    }
    assert_eq!(
        support::take_ran(),
        ["a 42", "b onConfigParamAdd", "updated"]
    );

    let own: Vec<_> = support::registrations(&inner::own_list())
        .into_iter()
        .map(|(_, _, name)| name)
        .collect();
    assert_eq!(own, ["inner::private_one", "inner::a", "inner::deeper::b"]);

    let from_child: Vec<_> = support::registrations(&inner::deeper::from_child())
        .into_iter()
        .map(|(event, _, name)| (event, name))
        .collect();
    assert_eq!(
        from_child,
        [
            ("onUninstall".to_owned(), "inner::private_one".to_owned()),
            (
                "onTPARevoke".to_owned(),
                "inner::deeper::revoked".to_owned()
            ),
            (
                "onTPAAuthorise".to_owned(),
                "inner::deeper::authorised".to_owned()
            ),
        ]
    );
    assert_eq!(inner::restricted().len(), 2);

    // Declared in a block: the companion type lives in the block too.
    #[callback_macros::on_update(path = "/local")]
    async fn local() {
        support::ran("local");
    }
    let local_list = callbacks![local];
    assert_eq!(
        support::registrations(&local_list),
        [("onUpdate".into(), "/local".into(), "local".into())]
    );
    support::run(
        local_list.iter().next().unwrap(),
        callback_core::Event::Update,
        1,
        &state,
    )
    .unwrap();
    assert_eq!(support::take_ran(), ["local"]);
}
