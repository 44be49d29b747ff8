//! Nothing imported and nothing renamed: the attributes and `callbacks![]`
//! are named by their full paths, and no `use` brings anything into scope.
#![deny(warnings)]

#[callback_macros::on_install]
async fn installed(cb: ::callback_core::Callback) {
    assert_eq!(cb.org_id().get(), 7);
}

#[callback_macros::on_config_param_add(path = "/zoho/config")]
async fn config_added(
    org: ::callback_core::OrgId,
) -> ::core::result::Result<(), ::callback_core::HandlerError> {
    ::core::result::Result::Err(::callback_core::HandlerError::msg(org))
}

fn main() {
    let handlers = ::callback_core::callbacks![installed, config_added];
    let found: ::std::vec::Vec<_> = handlers
        .infos()
        .map(|info| (info.event, info.path.to_string(), info.qualified_name()))
        .collect();
    assert_eq!(
        found,
        [
            (
                ::callback_core::Event::Install,
                "/callbacks/onInstall".to_owned(),
                format!("{}::installed", module_path!()),
            ),
            (
                ::callback_core::Event::ConfigParamAdd,
                "/zoho/config".to_owned(),
                format!("{}::config_added", module_path!()),
            ),
        ]
    );

    // Both really run, through the generated code.
    let state = ::callback_core::StateMap::new();
    let cx = |event| {
        ::callback_core::Callback::new(
            ::callback_core::Payload::new(event, ::callback_core::OrgId::new(7)),
            0,
        )
    };
    let rt = ::tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut results = ::std::vec::Vec::new();
    for (handler, event) in handlers.iter().zip([
        ::callback_core::Event::Install,
        ::callback_core::Event::ConfigParamAdd,
    ]) {
        let callback = cx(event);
        let context = ::callback_core::CallContext::new(&callback, &state);
        let result = rt.block_on(handler.call(&context));
        results.push(result.map_err(|e| e.detail().unwrap_or_default().to_owned()));
    }
    assert_eq!(results, [Ok(()), Err("7".to_owned())]);
}
