//! `#[desk_event]` with nothing imported, on functions named like the items
//! the expansion names (`Cow`, `Option`, `DeskHandler`, …): the generated
//! code names none of them unqualified, and each handler runs through it.
#![deny(warnings)]
#![allow(non_snake_case)]

macro_rules! desk_handler_named {
    ($module:ident, $name:ident) => {
        mod $module {
            #[callback_macros::desk_event(Ticket_Add, webhook = "hygiene")]
            pub async fn $name(org: ::callback_core::OrgId) -> ::core::result::Result<(), ::std::string::String> {
                ::core::result::Result::Err(::std::format!("{} {org}", ::core::stringify!($name)))
            }
        }
    };
}

desk_handler_named!(a, Cow);
desk_handler_named!(b, Option);
desk_handler_named!(c, DeskHandler);
desk_handler_named!(d, StaticDeskHandler);
desk_handler_named!(e, DeskHandlerInfo);
desk_handler_named!(f, DeskContext);
desk_handler_named!(g, FromDeskEvent);
desk_handler_named!(h, DeskEventType);
desk_handler_named!(i, DeskEventSelector);
desk_handler_named!(j, ThreadDirection);
desk_handler_named!(k, INFO);
desk_handler_named!(l, HANDLER);
desk_handler_named!(m, __cx);
desk_handler_named!(n, r#type);

#[callback_macros::desk_event(
    Ticket_Update,
    include_prev_state,
    fields = ["status"],
    path = "/zoho/desk"
)]
async fn updated(
    event: ::callback_core::desk::DeskEvent,
) -> ::core::result::Result<(), ::callback_core::HandlerError> {
    ::core::result::Result::Err(::callback_core::HandlerError::msg(event.kind()))
}

/// Runs `handler` on a `Ticket_Add` in org 7; its error's detail.
fn run(handler: &dyn ::callback_core::desk::DeskHandler) -> ::std::string::String {
    let state = ::callback_core::StateMap::new();
    let delivery = ::callback_core::desk::Delivery::new(::callback_core::OrgId::new(7), None);
    let event = ::callback_core::desk::DeskEvent::new(
        ::callback_core::DeskEventKind::from_wire_name("Ticket_Add"),
        ::callback_core::OrgId::new(7),
        ::serde_json::Value::Null,
    );
    let cx = ::callback_core::desk::DeskContext::new(&delivery, &event, &state);
    let rt = ::tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let rejection = rt.block_on(handler.call(&cx)).unwrap_err();
    rejection.detail().unwrap().to_owned()
}

fn main() {
    let handlers: [&'static dyn ::callback_core::desk::DeskHandler; 15] = [
        <a::Cow as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <b::Option as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <c::DeskHandler as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <d::StaticDeskHandler as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <e::DeskHandlerInfo as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <f::DeskContext as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <g::FromDeskEvent as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <h::DeskEventType as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <i::DeskEventSelector as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <j::ThreadDirection as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <k::INFO as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <l::HANDLER as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <m::__cx as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <n::r#type as ::callback_core::desk::StaticDeskHandler>::HANDLER,
        <updated as ::callback_core::desk::StaticDeskHandler>::HANDLER,
    ];
    let ran: ::std::vec::Vec<::std::string::String> = handlers.iter().map(|h| run(*h)).collect();
    assert_eq!(
        ran,
        [
            "Cow 7",
            "Option 7",
            "DeskHandler 7",
            "StaticDeskHandler 7",
            "DeskHandlerInfo 7",
            "DeskContext 7",
            "FromDeskEvent 7",
            "DeskEventType 7",
            "DeskEventSelector 7",
            "ThreadDirection 7",
            "INFO 7",
            "HANDLER 7",
            "__cx 7",
            "r#type 7",
            "Ticket_Add",
        ]
    );

    let info = <updated as ::callback_core::desk::StaticDeskHandler>::INFO;
    assert_eq!(
        info.to_string(),
        format!("{}::updated (Ticket_Update at /zoho/desk)", module_path!())
    );
    assert_eq!((info.webhook.as_ref(), info.include_prev_state), ("deskEvents", true));
    assert_eq!(info.fields.as_ref(), ["status"]);
    let names: ::std::vec::Vec<::std::string::String> =
        handlers.iter().map(|h| h.info().name.to_string()).collect();
    assert_eq!(names[13], "type");
}
