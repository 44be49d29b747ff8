use callback_macros::desk_event;

#[desk_event(
    Ticket_Update,
    fields = ["status", "priority", "assigneeId", "dueDate", "subject", "channel"]
)]
async fn updated() {}

fn main() {}
