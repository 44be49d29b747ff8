//! Functions named like the generated items, the runtime's traits and types,
//! and the prelude: the generated code names none of them unqualified.
#![deny(warnings)]
#![allow(non_snake_case)]

mod support;

use callback_core::{Event, HandlerList, StateMap, callbacks};

macro_rules! handler_named {
    ($module:ident, $name:ident) => {
        mod $module {
            #[callback_macros::on_install]
            pub async fn $name(org: ::callback_core::OrgId) {
                crate::support::ran(format!("{} {org}", stringify!($name)));
            }
        }
    };
}

// Each in its own module, as a `struct` of the same name joins each (in
// the type namespace) and would hide, say, the prelude's `Box` there.
handler_named!(a, config);
handler_named!(b, register);
handler_named!(c, handler);
handler_named!(d, new);
handler_named!(e, info);
handler_named!(f, call);
handler_named!(g, check_state);
handler_named!(h, INFO);
handler_named!(i, HANDLER);
handler_named!(j, Handler);
handler_named!(k, StaticHandler);
handler_named!(l, HandlerInfo);
handler_named!(m, State);
handler_named!(n, Box);
handler_named!(o, Result);
handler_named!(p, Ok);
handler_named!(q, Option);
handler_named!(r, Event);
handler_named!(s, FromCallback);
handler_named!(t, IntoHandlerResult);
handler_named!(u, core);
handler_named!(v, std);
handler_named!(w, callback_core);
handler_named!(x, __private);
handler_named!(y, r#type);

/// Hand-written, not through `handler_named!`, so that the names are the
/// user's own tokens. `State` here is both the handler and an argument type.
mod written_out {
    use callback_core::{HandlerError, OrgId};
    use callback_macros::{on_uninstall, on_update};

    #[on_update]
    pub async fn State(db: callback_core::State<u32>) -> ::core::result::Result<(), HandlerError> {
        crate::support::ran(format!("State {}", *db));
        ::core::result::Result::Ok(())
    }

    #[on_uninstall]
    pub async fn Box(
        org: OrgId,
    ) -> Result<(), ::std::boxed::Box<dyn std::error::Error + Send + Sync>> {
        crate::support::ran(format!("Box {org}"));
        Ok(())
    }
}

/// Lists each handler alone (one list may hold one handler per event),
/// runs it, and returns the names it was registered under.
macro_rules! run_each {
    ($state:expr, $event:expr, [$($handler:path),* $(,)?]) => {{
        let mut names: Vec<String> = Vec::new();
        $(
            let list = callbacks![$handler];
            names.extend(support::registrations(&list).into_iter().map(|(_, _, name)| name));
            support::run(list.iter().next().unwrap(), $event, 1, $state).unwrap();
        )*
        names
    }};
}

fn main() {
    let mut state = StateMap::new();
    state.insert(9_u32);

    let names = run_each!(
        &state,
        Event::Install,
        [
            a::config,
            b::register,
            c::handler,
            d::new,
            e::info,
            f::call,
            g::check_state,
            h::INFO,
            i::HANDLER,
            j::Handler,
            k::StaticHandler,
            l::HandlerInfo,
            m::State,
            n::Box,
            o::Result,
            p::Ok,
            q::Option,
            r::Event,
            s::FromCallback,
            t::IntoHandlerResult,
            u::core,
            v::std,
            w::callback_core,
            x::__private,
            y::r#type,
        ]
    );
    let expected = [
        "a::config",
        "b::register",
        "c::handler",
        "d::new",
        "e::info",
        "f::call",
        "g::check_state",
        "h::INFO",
        "i::HANDLER",
        "j::Handler",
        "k::StaticHandler",
        "l::HandlerInfo",
        "m::State",
        "n::Box",
        "o::Result",
        "p::Ok",
        "q::Option",
        "r::Event",
        "s::FromCallback",
        "t::IntoHandlerResult",
        "u::core",
        "v::std",
        "w::callback_core",
        "x::__private",
        "y::type",
    ];
    assert_eq!(names, expected);
    let ran: Vec<String> = expected
        .iter()
        .map(|name| {
            let name = name.split_once("::").unwrap().1;
            match name {
                "type" => "r#type 1".to_owned(),
                other => format!("{other} 1"),
            }
        })
        .collect();
    assert_eq!(support::take_ran(), ran);

    let handlers: HandlerList = callbacks![written_out::State, written_out::Box];
    for (handler, event) in handlers.iter().zip([Event::Update, Event::Uninstall]) {
        support::run(handler, event, 5, &state).unwrap();
    }
    assert_eq!(support::take_ran(), ["State 9", "Box 5"]);
}
