//! The framework's store server: the same `callbacks![noop]` as
//! [`framework`](crate::framework), with the framework's installation store
//! (`Callbacks::installations`): each verified callback applied to its
//! org's installation and committed before the handler runs.

use crate::framework::noop;
use crate::store::{self, StartError};
use callback_actix::callback_core::callback_store::KEY_ENV;
use callback_actix::prelude::*;
use std::sync::Arc;

/// The PostgreSQL schema the framework's store keeps its tables in.
pub const SCHEMA: &str = "bench_store_framework";

/// The store at `database_url` (made, or on PostgreSQL made again, and
/// migrated) under the keys of `keys` (as `ZOHO_STORE_KEY` holds them).
pub async fn open(
    database_url: &str,
    keys: &str,
) -> Result<Arc<dyn InstallationStore>, StartError> {
    let keys =
        StoreKeys::parse_var(keys, KEY_ENV).map_err(|error| StartError(error.to_string()))?;
    let url = store::fresh(database_url, SCHEMA).await?;
    StoreOptions::new(keys)
        .open(&url)
        .await
        .map_err(|error| StartError(error.to_string()))
}

/// The routes for `secret`, every callback kept in `installations`.
pub fn routes(secret: &str, installations: Arc<dyn InstallationStore>) -> CallbackRoutes {
    Callbacks::new(callbacks![noop])
        .secret(Secret::new(secret).expect("a valid secret"))
        .installations(installations)
        .build()
        .expect("a valid configuration")
}
