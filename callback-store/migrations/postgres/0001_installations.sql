-- The installations of every org, the security contexts each has been
-- seen with (as keyed digests), the claims of Desk events, and the store's
-- own sealed secrets. Times are milliseconds since the Unix epoch. A
-- security context is kept only encrypted: `context` is the 24-byte nonce,
-- then the XChaCha20-Poly1305 ciphertext and tag; `context_key` the id of
-- the key that sealed it. Org ids are decimal text in the "C" collation,
-- so that ordering by (length, text) is numeric whatever the database's
-- locale.

CREATE TABLE installations (
    org_id                    TEXT COLLATE "C" PRIMARY KEY,
    status                    TEXT NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'installed', 'uninstalled')),
    generation                BIGINT NOT NULL DEFAULT 1,
    zoho_authorised           BOOLEAN NOT NULL DEFAULT FALSE,
    tpa_authorised            BOOLEAN NOT NULL DEFAULT FALSE,
    updates                   BIGINT NOT NULL DEFAULT 0,
    config_param_adds         BIGINT NOT NULL DEFAULT 0,
    config_param_deletes      BIGINT NOT NULL DEFAULT 0,
    callbacks                 BIGINT NOT NULL DEFAULT 0,
    first_seen_at             BIGINT NOT NULL,
    last_callback_at          BIGINT NOT NULL,
    on_install_at             BIGINT,
    on_zoho_authorise_at      BIGINT,
    on_tpa_authorise_at       BIGINT,
    on_tpa_revoke_at          BIGINT,
    on_update_at              BIGINT,
    on_config_param_add_at    BIGINT,
    on_config_param_delete_at BIGINT,
    on_uninstall_at           BIGINT,
    context_key               TEXT,
    context                   BYTEA,
    CHECK ((context_key IS NULL) = (context IS NULL))
);

-- Every security context an org's callbacks carried, by HMAC-SHA256 under
-- the digest key (never the context), with the installation (generation)
-- it was first seen in: a callback with a context of an installation that
-- has ended is stale.
CREATE TABLE installation_contexts (
    org_id     TEXT COLLATE "C" NOT NULL REFERENCES installations (org_id) ON DELETE CASCADE,
    digest     BYTEA NOT NULL,
    generation BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL,
    PRIMARY KEY (org_id, digest)
);

-- Desk events claimed, by content digest.
CREATE TABLE desk_event_claims (
    digest     BYTEA PRIMARY KEY,
    claimed_at BIGINT NOT NULL
);
CREATE INDEX desk_event_claims_by_time ON desk_event_claims (claimed_at);

-- Keys the store makes itself, sealed under a store key (`key_id`).
CREATE TABLE store_secrets (
    name   TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    sealed BYTEA NOT NULL
);
