//! Prints what `bench/load.sh` sends for a Desk delivery of N `Ticket_Add`
//! events (`desk-delivery N`), one item a line: the path with its query,
//! the `X-ZDesk-JWT` token (valid for ten years), and the body (JSON on one
//! line). Signed with the TEST key: test material, for 127.0.0.1 only.

use std::process::ExitCode;

fn main() -> ExitCode {
    let events = std::env::args().nth(1).and_then(|n| n.parse::<u64>().ok());
    let Some(events) = events.filter(|n| (1..=1000).contains(n)) else {
        eprintln!("usage: desk-delivery N (the number of events, 1 to 1000)");
        return ExitCode::from(2);
    };
    let request = bench_servers::desk::request(events);
    let (Some(token), Ok(body)) = (&request.token, String::from_utf8(request.body.clone())) else {
        eprintln!("desk-delivery: the TEST delivery has no token or a body that is not UTF-8");
        return ExitCode::FAILURE;
    };
    println!("{}", request.uri());
    println!("{token}");
    println!("{body}");
    ExitCode::SUCCESS
}
