//! Security contexts encrypted at rest, keys from configuration, rotation.

use crate::support::postgres::pg_dump;
use crate::support::{TestDb, callback, context_of, key, on_both, options};
use callback_store::{
    Event, KeyError, StoreError, StoreKey, StoreKeys, StoreOptions, database_files,
};

/// A context no other byte sequence of the database contains by chance.
const MARKER: &str = "SC-plaintext-marker-7c1e0f";

/// Callbacks that leave contexts of the marker in every table: a current
/// one, one of an ended installation, one replaced within an installation.
async fn write_marked_contexts(db: &TestDb) {
    let store = db.open().await;
    for org in 1..=20u64 {
        let context = format!("{MARKER}-{org}");
        store
            .apply(callback(Event::Install, org, Some(&context), 1))
            .await
            .unwrap();
        store
            .apply(callback(
                Event::Update,
                org,
                Some(&format!("{context}-b")),
                2,
            ))
            .await
            .unwrap();
    }
    for org in 1..=5u64 {
        let context = format!("{MARKER}-{org}-b");
        store
            .apply(callback(Event::Uninstall, org, Some(&context), 3))
            .await
            .unwrap();
    }
    let i = store.installation(20).await.unwrap().unwrap();
    assert_eq!(
        i.security_context.unwrap().expose(),
        format!("{MARKER}-20-b")
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_plaintext_security_context_in_the_sqlite_files() {
    let db = TestDb::sqlite();
    let path = db.path.clone().unwrap();
    // A store stays open, so that the -wal and -shm are there to read.
    let open = db.open().await;
    write_marked_contexts(&db).await;
    let files = database_files(&path);
    let mut read = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        read += bytes.len();
        assert!(
            !contains(&bytes, MARKER.as_bytes()),
            "{} holds a context",
            file.display()
        );
        assert!(!contains(&bytes, b"plaintext-marker"), "{}", file.display());
    }
    assert!(
        std::fs::metadata(&files[1]).unwrap().len() > 0,
        "the -wal holds the writes"
    );
    assert!(read > 0);
    drop(open);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_plaintext_security_context_in_a_pg_dump() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    write_marked_contexts(&db).await;
    let dump = pg_dump(&db.url);
    assert!(
        contains(&dump, b"COPY public.installations"),
        "the dump has the rows"
    );
    assert!(!contains(&dump, MARKER.as_bytes()));
    assert!(!contains(&dump, b"plaintext-marker"));
    // Nor hex-encoded (bytea is dumped as hex).
    assert!(!contains(&dump, hex::encode("plaintext-marker").as_bytes()));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |file: &std::path::Path| std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
    let db = TestDb::sqlite();
    let path = db.path.clone().unwrap();
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 1, Some("c"), 1))
        .await
        .unwrap();
    let files = database_files(&path);
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    drop(store);

    // A database made readable by others is made private again at open.
    let db = TestDb::sqlite();
    let path = db.path.clone().unwrap();
    std::fs::write(&path, b"").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 1, Some("c"), 1))
        .await
        .unwrap();
    for file in database_files(&path) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

on_both!(
    rotation_old_keys_decrypt_and_rekey_moves_everything_to_the_first,
    a_database_of_another_key_refuses_to_open,
    a_context_copied_to_another_org_does_not_decrypt,
);

async fn rotation_old_keys_decrypt_and_rekey_moves_everything_to_the_first(db: &TestDb) {
    let old = key();
    let new = StoreKey::from_bytes([9; 32]);
    {
        let store = db.open().await;
        for org in 1..=300u64 {
            store
                .apply(callback(Event::Install, org, Some(&format!("c{org}")), 1))
                .await
                .unwrap();
        }
        store
            .apply(callback(Event::Uninstall, 1, Some("c1"), 2))
            .await
            .unwrap();
    }
    let rotated = || StoreOptions::new(StoreKeys::new(new.clone(), [old.clone()]));
    let store = db.open_with(rotated()).await;
    // The old key still decrypts; the new one encrypts what is written.
    assert_eq!(context_of(&*store, 300).await, "c300");
    store
        .apply(callback(Event::Update, 300, Some("c300"), 3))
        .await
        .unwrap();
    let report = store.rekey().await.unwrap();
    // 300 orgs, one uninstalled (no context), one rewritten under the new key.
    assert_eq!(
        (report.key_id, report.contexts, report.digest_key),
        (new.id(), 298, true)
    );
    let again = store.rekey().await.unwrap();
    assert_eq!((again.contexts, again.digest_key), (0, false));

    // The old key can go: everything opens under the new one alone, and a
    // replay is still recognised (the digest key moved with the rest).
    let store = db
        .open_with(StoreOptions::new(StoreKeys::new(new.clone(), [])))
        .await;
    let all = store.list(None, 1000).await.unwrap();
    assert_eq!(all.len(), 300);
    for i in &all[1..] {
        assert_eq!(
            i.security_context.as_ref().unwrap().expose(),
            format!("c{}", i.org_id)
        );
    }
    assert!(
        store
            .apply(callback(Event::Install, 1, Some("c1"), 4))
            .await
            .unwrap()
            .is_stale()
    );
    let mut raw = db.raw().await;
    let first = format!("'{}'", new.id());
    assert_eq!(
        raw.number(&format!(
            "SELECT COUNT(*) FROM installations WHERE context_key = {first}"
        ))
        .await,
        299
    );
}

async fn a_database_of_another_key_refuses_to_open(db: &TestDb) {
    db.open().await;
    let other = StoreKey::from_bytes([3; 32]);
    let error = StoreOptions::new(StoreKeys::new(other.clone(), []))
        .open(&db.url)
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::UnknownKey { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the key of the security-context digests (made when the database was created) is \
             encrypted under the store key with id {}, which is not among the configured keys \
             (ZOHO_STORE_KEY holds {}); add that key after the first",
            key().id(),
            other.id()
        )
    );
    assert!(!error.to_string().contains(&other.expose_base64()));
    assert_eq!(error.code(), "store_failed");
    // The development key is just another wrong key.
    let error = StoreOptions::development().open(&db.url).await.unwrap_err();
    assert!(matches!(error, StoreError::UnknownKey { .. }), "{error:?}");
}

async fn a_context_copied_to_another_org_does_not_decrypt(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 1, Some("one"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::Install, 2, Some("two"), 1))
        .await
        .unwrap();
    let mut raw = db.raw().await;
    let changed = raw
        .execute(
            "UPDATE installations SET context = \
             (SELECT context FROM installations WHERE org_id = '1') WHERE org_id = '2'",
        )
        .await;
    assert_eq!(changed, 1);
    let error = store.installation(2).await.unwrap_err();
    assert!(matches!(error, StoreError::Damaged { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the security context of org 2 does not decrypt under the store key with id {}: \
             it was altered",
            key().id()
        )
    );
    assert_eq!(context_of(&*store, 1).await, "one");
}

#[test]
fn keys_parse_from_base64_comma_separated() {
    let one = StoreKey::from_bytes([1; 32]);
    let two = StoreKey::from_bytes([2; 32]);
    let keys: StoreKeys = format!(" {} , {}", one.expose_base64(), two.expose_base64())
        .parse()
        .unwrap();
    assert_eq!(keys.encrypting(), one.id());
    assert_eq!(keys.ids().collect::<Vec<_>>(), vec![one.id(), two.id()]);
    assert!(!keys.is_development());
    assert!(StoreKeys::development().is_development());
    assert_ne!(StoreKey::generate().id(), StoreKey::generate().id());
    assert_eq!(one.id().to_string().len(), 16);
}

#[test]
fn bad_keys_are_refused_with_how_to_make_one_and_never_shown() {
    const HOW: &str = "set it to the base64 of 32 random bytes, e.g. `export \
        ZOHO_STORE_KEY=\"$(openssl rand -base64 32)\"`, and keep it as secret as the database's \
        password; to rotate, put the new key first: ZOHO_STORE_KEY=NEW,OLD";
    let good = StoreKey::from_bytes([1; 32]).expose_base64();
    let short = "c2hvcnQta2V5LXNlY3JldA=="; // "short-key-secret"
    let cases = [
        (
            format!("{good},"),
            KeyError::Empty {
                from: "the store keys".into(),
                position: 2,
            },
            format!("key 2 of the store keys is empty (a stray comma?); {HOW}"),
        ),
        (
            "not*base64".to_owned(),
            KeyError::NotBase64 {
                from: "the store keys".into(),
                position: 1,
            },
            format!("key 1 of the store keys is not base64; {HOW}"),
        ),
        (
            format!("{good},{short}"),
            KeyError::WrongLength {
                from: "the store keys".into(),
                position: 2,
                len: 16,
            },
            format!("key 2 of the store keys is 16 bytes long, not 32; {HOW}"),
        ),
        (
            format!("{good},{good}"),
            KeyError::Repeated {
                from: "the store keys".into(),
                position: 2,
                first: 1,
            },
            "key 2 of the store keys is the same as key 1".to_owned(),
        ),
    ];
    for (text, error, message) in cases {
        let got = StoreKeys::parse(&text).unwrap_err();
        assert_eq!(got, error);
        assert_eq!(got.to_string(), message);
        assert!(!format!("{got} {got:?}").contains(short));
    }
    assert_eq!(
        StoreKeys::parse(" ").unwrap_err().to_string(),
        format!(
            "the store keys is not set: it holds the key that encrypts the security contexts \
             the store keeps; {HOW}"
        )
    );
}

#[test]
fn without_zoho_store_key_options_refuse_and_say_how_to_make_one() {
    // A variable of this test's own: the environment is shared by the
    // tests of the binary.
    let var = "CALLBACK_STORE_TEST_KEY_UNSET";
    let error = StoreKeys::from_env_var(var).unwrap_err();
    assert_eq!(error, KeyError::Missing { var: var.into() });
    assert!(
        error
            .to_string()
            .starts_with(&format!("{var} is not set: it holds the key"))
    );
    assert!(error.to_string().contains("openssl rand -base64 32"));
    if std::env::var_os("ZOHO_STORE_KEY").is_none() {
        let error = StoreOptions::from_env().unwrap_err();
        assert_eq!(
            error,
            KeyError::Missing {
                var: "ZOHO_STORE_KEY".into()
            }
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_never_show_in_debug() {
    let key = StoreKey::from_bytes([5; 32]);
    let secret = key.expose_base64();
    let keys = StoreKeys::new(key.clone(), []);
    let db = TestDb::sqlite();
    let store = db.open_with(StoreOptions::new(keys.clone())).await;
    let shown = format!("{key:?} {keys:?} {:?} {store:?}", options());
    assert!(!shown.contains(&secret), "{shown}");
    assert!(!shown.contains("[5, 5"), "{shown}");
    assert!(shown.contains(&key.id().to_string()), "{shown}");
    // Nor a context, in the callback or the installation.
    let applied = store
        .apply(callback(Event::Install, 1, Some("SECRET-CTX"), 1))
        .await
        .unwrap();
    let shown = format!(
        "{applied:?} {:?}",
        callback(Event::Install, 1, Some("SECRET-CTX"), 1)
    );
    assert!(!shown.contains("SECRET-CTX"), "{shown}");
    assert!(shown.contains("<redacted>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_development_key_works_and_is_not_a_store_key_by_default() {
    let db = TestDb::sqlite();
    let store = db.open_with(StoreOptions::development()).await;
    store
        .apply(callback(Event::Install, 1, Some("c"), 1))
        .await
        .unwrap();
    assert_eq!(context_of(&*store, 1).await, "c");
    // A database written with the development key does not open with a
    // real one.
    drop(store);
    let error = options().open(&db.url).await.unwrap_err();
    assert!(matches!(error, StoreError::UnknownKey { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains(&StoreKeys::development().encrypting().to_string())
    );
}

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn a_key_file_is_made_once_readable_by_its_owner_only_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db.key");
    let (made, created) = StoreKeys::from_file_or_create(&path).unwrap();
    assert!(created);
    assert!(!made.is_development());
    assert_eq!(mode_of(&path), 0o600);
    // The file holds one key as ZOHO_STORE_KEY would, and nothing else.
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed = StoreKeys::parse(text.trim()).unwrap();
    assert_eq!(parsed.encrypting(), made.encrypting());
    assert!(
        text.ends_with('\n') && text.trim().len() == 44,
        "{}",
        text.len()
    );
    // Read back, not replaced.
    let (again, created) = StoreKeys::from_file_or_create(&path).unwrap();
    assert!(!created);
    assert_eq!(again.encrypting(), made.encrypting());
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("store.db.key")]);
}

#[cfg(unix)]
#[test]
fn a_key_file_made_by_many_at_once_is_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.key");
    let ids: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| StoreKeys::from_file_or_create(&path).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(ids.iter().filter(|(_, created)| *created).count(), 1);
    assert!(
        ids.iter()
            .all(|(keys, _)| keys.encrypting() == ids[0].0.encrypting())
    );
}

#[cfg(unix)]
#[test]
fn a_key_file_readable_by_others_is_made_0600_and_a_bad_one_is_refused_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.key");
    let key = StoreKey::from_bytes([9; 32]);
    std::fs::write(&path, format!("  {}\n", key.expose_base64())).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (keys, created) = StoreKeys::from_file_or_create(&path).unwrap();
    assert!(!created);
    assert_eq!(keys.encrypting(), key.id());
    assert_eq!(mode_of(&path), 0o600);

    std::fs::write(&path, "not*base64\n").unwrap();
    let error = StoreKeys::from_file_or_create(&path).unwrap_err();
    assert_eq!(
        error,
        KeyError::NotBase64 {
            from: path.display().to_string(),
            position: 1
        }
    );
    std::fs::write(&path, "\n").unwrap();
    let error = StoreKeys::from_file_or_create(&path).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot read the store key file {}: it is empty",
            path.display()
        )
    );
    let missing_folder = dir.path().join("no-such-folder").join("k.key");
    let error = StoreKeys::from_file_or_create(&missing_folder).unwrap_err();
    assert!(
        error.to_string().starts_with(&format!(
            "cannot create the store key file {}: ",
            missing_folder.display()
        )),
        "{error}"
    );
}
