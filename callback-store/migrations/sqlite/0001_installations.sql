-- The installations of every org, the security contexts each has been
-- seen with (as keyed digests), the claims of Desk events, and the store's
-- own sealed secrets. Times are milliseconds since the Unix epoch. A
-- security context is kept only encrypted: `context` is the 24-byte nonce,
-- then the XChaCha20-Poly1305 ciphertext and tag; `context_key` the id of
-- the key that sealed it.

CREATE TABLE installations (
    org_id                   TEXT PRIMARY KEY NOT NULL,
    status                   TEXT NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'installed', 'uninstalled')),
    generation               INTEGER NOT NULL DEFAULT 1,
    zoho_authorised          INTEGER NOT NULL DEFAULT 0,
    tpa_authorised           INTEGER NOT NULL DEFAULT 0,
    updates                  INTEGER NOT NULL DEFAULT 0,
    config_param_adds        INTEGER NOT NULL DEFAULT 0,
    config_param_deletes     INTEGER NOT NULL DEFAULT 0,
    callbacks                INTEGER NOT NULL DEFAULT 0,
    first_seen_at            INTEGER NOT NULL,
    last_callback_at         INTEGER NOT NULL,
    on_install_at            INTEGER,
    on_zoho_authorise_at     INTEGER,
    on_tpa_authorise_at      INTEGER,
    on_tpa_revoke_at         INTEGER,
    on_update_at             INTEGER,
    on_config_param_add_at   INTEGER,
    on_config_param_delete_at INTEGER,
    on_uninstall_at          INTEGER,
    context_key              TEXT,
    context                  BLOB,
    CHECK ((context_key IS NULL) = (context IS NULL))
) STRICT;

-- Every security context an org's callbacks carried, by HMAC-SHA256 under
-- the digest key (never the context), with the installation (generation)
-- it was first seen in: a callback with a context of an installation that
-- has ended is stale.
CREATE TABLE installation_contexts (
    org_id     TEXT NOT NULL REFERENCES installations (org_id) ON DELETE CASCADE,
    digest     BLOB NOT NULL,
    generation INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL,
    PRIMARY KEY (org_id, digest)
) STRICT;

-- Desk events claimed, by content digest.
CREATE TABLE desk_event_claims (
    digest     BLOB PRIMARY KEY NOT NULL,
    claimed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX desk_event_claims_by_time ON desk_event_claims (claimed_at);

-- Keys the store makes itself, sealed under a store key (`key_id`).
CREATE TABLE store_secrets (
    name   TEXT PRIMARY KEY NOT NULL,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL
) STRICT;
