//! `callback store rekey`: every security context under the first key.

use crate::common::{Ran, assert_error, callback, run_with_stdin};
use callback_store::{Event, LifecycleCallback, StoreKey, StoreKeys, StoreOptions};
use std::time::SystemTime;

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// `callback store ARGS` with `key` as ZOHO_STORE_KEY (none when `None`)
/// and no DATABASE_URL.
fn store(args: &[&str], key: Option<&str>) -> Ran {
    let mut cmd = callback(&[&["store"], args].concat());
    cmd.env_remove("DATABASE_URL").env_remove("ZOHO_STORE_KEY");
    if let Some(key) = key {
        cmd.env("ZOHO_STORE_KEY", key);
    }
    run_with_stdin(&mut cmd, b"")
}

/// A SQLite store written under `key`, with three orgs' contexts.
fn seeded(key: &StoreKey) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    block_on(async {
        let store = StoreOptions::new(StoreKeys::new(key.clone(), []))
            .open(&url)
            .await
            .unwrap();
        for org in 1..=3u64 {
            let context = format!("ctx-{org}");
            let callback =
                LifecycleCallback::new(Event::Install, org, Some(&context), SystemTime::now());
            store.apply(callback).await.unwrap();
        }
    });
    (dir, url)
}

#[test]
fn rekey_encrypts_everything_under_the_first_key() {
    let old = StoreKey::from_bytes([1; 32]);
    let new = StoreKey::from_bytes([2; 32]);
    let (_dir, url) = seeded(&old);
    let keys = format!("{},{}", new.expose_base64(), old.expose_base64());
    let ran = store(&["rekey", "--database-url", &url], Some(&keys));
    assert_eq!(
        (ran.code, ran.stderr.as_str(), ran.stdout),
        (
            0,
            "",
            format!(
                "re-encrypted 3 security contexts and the key of the context digests under the \
                 store key {}\nevery row is now under the first key of ZOHO_STORE_KEY: once \
                 every instance runs with it first, the others can be removed\n",
                new.id()
            )
        )
    );
    // The old key is no longer needed.
    block_on(async {
        let store = StoreOptions::new(StoreKeys::new(new.clone(), []))
            .open(&url)
            .await
            .unwrap();
        for org in 1..=3u64 {
            let installation = store.installation(org).await.unwrap().unwrap();
            assert_eq!(
                installation.security_context.unwrap().expose(),
                format!("ctx-{org}")
            );
        }
    });
    // Again: nothing left to do. The URL may come from DATABASE_URL.
    let mut cmd = callback(&["store", "rekey"]);
    cmd.env("DATABASE_URL", &url).env("ZOHO_STORE_KEY", &keys);
    let ran = run_with_stdin(&mut cmd, b"");
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stdout.starts_with(&format!(
            "re-encrypted 0 security contexts under the store key {}\n",
            new.id()
        )),
        "{}",
        ran.stdout
    );
}

#[test]
fn rekey_without_zoho_store_key_says_how_to_make_one() {
    let (_dir, url) = seeded(&StoreKey::from_bytes([1; 32]));
    assert_error(
        &store(&["rekey", "--database-url", &url], None),
        2,
        "ZOHO_STORE_KEY is not set: it holds the key that encrypts the security contexts the \
         store keeps; set it to the base64 of 32 random bytes, e.g. `export \
         ZOHO_STORE_KEY=\"$(openssl rand -base64 32)\"`, and keep it as secret as the \
         database's password; to rotate, put the new key first: ZOHO_STORE_KEY=NEW,OLD",
    );
}

#[test]
fn rekey_without_the_key_the_database_needs_names_it_and_shows_no_key() {
    let old = StoreKey::from_bytes([1; 32]);
    let new = StoreKey::from_bytes([2; 32]);
    let (_dir, url) = seeded(&old);
    let ran = store(
        &["rekey", "--database-url", &url],
        Some(&new.expose_base64()),
    );
    assert_error(
        &ran,
        2,
        &format!(
            "the key of the security-context digests (made when the database was created) is \
             encrypted under the store key with id {}, which is not among the configured keys \
             (ZOHO_STORE_KEY holds {}); add that key after the first",
            old.id(),
            new.id()
        ),
    );
    assert!(!ran.stderr.contains(&new.expose_base64()));
}

#[test]
fn rekey_refuses_a_url_of_no_store_without_repeating_it() {
    let key = StoreKey::from_bytes([1; 32]).expose_base64();
    assert_error(
        &store(
            &["rekey", "--database-url", "mysql://root:hunter2@db/app"],
            Some(&key),
        ),
        2,
        "the database URL must be sqlite://PATH or postgres://…, not mysql:…",
    );
}

#[test]
fn rekey_help_says_where_keys_come_from_and_hides_the_url_from_the_environment() {
    let mut cmd = callback(&["store", "rekey", "--help"]);
    cmd.env("DATABASE_URL", "postgres://app:hunter2@db/app");
    let ran = run_with_stdin(&mut cmd, b"");
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stdout
            .starts_with("Encrypt every security context under the first key of ZOHO_STORE_KEY"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("never from the command line"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("[env: DATABASE_URL]"), "{}", ran.stdout);
    assert!(!ran.stdout.contains("hunter2"), "{}", ran.stdout);
    let ran = store(&["--help"], None);
    assert!(
        ran.stdout.starts_with("Maintain the installation store"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("  rekey "), "{}", ran.stdout);
}
