use callback_macros::desk_event;

#[desk_event(Ticket_Thread_Add, direction = "both")]
async fn thread() {}

#[desk_event(Ticket_Update, fields = "status")]
async fn fields_not_a_list() {}

#[desk_event(Ticket_Update, fields = ["status", "status"])]
async fn field_twice() {}

#[desk_event(Ticket_Update, include_prev_state = true)]
async fn flag_with_a_value() {}

#[desk_event(Ticket_Add, route = "/x")]
async fn unknown() {}

#[desk_event(Ticket_Add, webhook = "a", webhook = "b")]
async fn repeated() {}

fn main() {}
