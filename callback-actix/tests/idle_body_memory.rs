//! What a connection that announces a body and sends none of it holds:
//! counted with a counting global allocator (its own binary, no harness,
//! one thread, so the count is exact).
//!
//! Fifteen thousand such connections once held 330 MB for the body timeout,
//! because the buffer for the announced length was reserved before any
//! byte of it arrived.

use actix_web::dev::Service;
use actix_web::{App, test};
use callback_actix::prelude::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::pin::pin;
use std::task::{Context, Waker};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[on_install]
async fn installed() {}

fn main() {
    actix_web::rt::System::new().block_on(async {
        let secret = Secret::new("idle body secret").unwrap();
        let routes = Callbacks::new(callbacks![installed])
            .secret(secret)
            .build()
            .unwrap();
        let app = test::init_service(App::new().service(routes)).await;

        // The head announces the largest body the limit allows; the body
        // never comes (the sender stays open and silent).
        let (_sender, silent) = actix_http::h1::Payload::create(false);
        let request = test::TestRequest::post()
            .uri("/callbacks/onInstall")
            .insert_header(("Content-Type", "application/json"))
            .insert_header(("HASH", "0".repeat(64)))
            .insert_header(("Content-Length", (64 * 1024).to_string()))
            .to_request();
        let (request, _) = request.replace_payload(silent.into());

        let region = Region::new(GLOBAL);
        let mut call = pin!(app.call(request));
        for _ in 0..3 {
            assert!(
                call.as_mut()
                    .poll(&mut Context::from_waker(Waker::noop()))
                    .is_pending(),
                "the body never comes, so the call cannot finish"
            );
        }
        let stats = region.change();
        let held = stats.bytes_allocated as isize - stats.bytes_deallocated as isize
            + stats.bytes_reallocated;
        println!("held while waiting for the body: {held} bytes");
        assert!(
            held < 8 * 1024,
            "a connection waiting for its body holds {held} bytes; nothing of the announced \
             64 KiB may be reserved before it arrives"
        );
    });
}
