#!/usr/bin/env bash
# What a new user does, from `cargo new`, with only what README.md says:
# its "Add it to your project" dependency lines (and their
# `[patch.crates-io]`, pointed at this checkout), its tutorial's
# `src/main.rs` (section 3) and `build.rs` (section 4), and the `callback`
# command from `cargo install --path callback-cli`. Checks that
#   - the crate builds, its debug build warning that CALLBACK_BASE_URL is
#     not set (and using http://127.0.0.1:8080);
#   - the server, started without ZOHO_EXTENSION_SECRET, stops with the
#     message (exit 1), not a Debug dump;
#   - started with it, it answers a signed callback from `callback send`
#     with 200, and its handler runs.
# Everything happens in a temporary directory, removed at the end. Builds
# go to this checkout's target/ (CARGO_TARGET_DIR if set), so that they
# reuse what the workspace's builds made, and run --offline: the
# workspace's own build has fetched every crate the README's lines need.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
# The workspace's debug-info settings (see Cargo.toml), so that the
# dependencies built for the workspace are reused, not built again with
# full debug info.
profile=(--config 'profile.dev.debug="line-tables-only"'
         --config 'profile.dev.package."*".debug=false')
work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "new-user: $*" >&2; exit 1; }

# The body of the N-th fenced block (1-based) whose opening line starts
# with FENCE, within the README section starting with the heading HEADING.
block() {
    awk -v heading="$1" -v fence="$2" -v want="$3" '
        function level(line) { match(line, /^#+/); return RLENGTH }
        BEGIN { hl = level(heading) }
        !inside && index($0, heading) == 1 { inside = 1; next }
        inside && !open && /^#+ / && level($0) <= hl { exit }
        inside && !open && index($0, fence) == 1 { n++; open = 1; next }
        inside && open && /^```/ { open = 0; if (n == want) exit; next }
        inside && open && n == want { print }
    ' "$repo/README.md"
}

cd "$work"
cargo new --quiet --vcs none my-extension
cd my-extension

deps=$(block "## Add it to your project" '```toml' 1)
patch=$(block "## Add it to your project" '```toml' 3)
main_rs=$(block "### 3. Mount into actix-web" '```rust' 1)
build_rs=$(block "### 4. Generate the manifest at build time" '```rust' 1)
[ -n "$deps" ] && [ -n "$patch" ] && [ -n "$main_rs" ] && [ -n "$build_rs" ] \
    || fail "a README block was not found"
case "$patch" in *'[patch.crates-io]'*) ;; *) fail "the third toml block is not the patch";; esac

# `cargo new` ends Cargo.toml with an empty [dependencies]: the README's
# lines replace it.
sed -i '/^\[dependencies\]$/d' Cargo.toml
{
    printf '%s\n\n' "$deps"
    printf '%s\n' "${patch//..\/zoho-desk-callbacks/$repo}"
} >> Cargo.toml
printf '%s\n' "$main_rs" > src/main.rs
printf '%s\n' "$build_rs" > build.rs
# The extension's manifest, as `zet init` makes it (the part that matters).
cat > plugin-manifest.json <<'JSON'
{
    "locale": ["en"],
    "service": "DESK",
    "type": "org",
    "storage": false,
    "zohoAuthorisation": {
        "type": "oauth",
        "scope": ["Desk.tickets.READ"]
    }
}
JSON

echo "new-user: cargo build in $work/my-extension"
env -u CALLBACK_BASE_URL cargo build --offline "${profile[@]}" 2> build.log \
    || { cat build.log >&2; fail "cargo build failed"; }
grep -q 'warning: my-extension@0.1.0: CALLBACK_BASE_URL is not set' build.log \
    || { cat build.log >&2; fail "no warning about CALLBACK_BASE_URL"; }
grep -q '"onInstall": "http://127.0.0.1:8080/callbacks/onInstall"' plugin-manifest.json \
    || { cat plugin-manifest.json >&2; fail "the manifest has no local onInstall URL"; }
bin="$CARGO_TARGET_DIR/debug/my-extension"

echo "new-user: cargo install --path callback-cli"
cargo install --quiet --offline --locked --debug "${profile[@]}" \
    --path "$repo/callback-cli" --root "$work/cli"
callback="$work/cli/bin/callback"

echo "new-user: the server without ZOHO_EXTENSION_SECRET"
set +e
env -u ZOHO_EXTENSION_SECRET BIND_ADDR=127.0.0.1:0 "$bin" > no-secret.out 2> no-secret.err
code=$?
set -e
expected="error: the environment variable ZOHO_EXTENSION_SECRET is not set; export it with your extension's secret"
[ "$code" = 1 ] || fail "exit status $code without the secret, not 1"
[ "$(cat no-secret.err)" = "$expected" ] \
    || { cat no-secret.err >&2; fail "stderr is not the message"; }

echo "new-user: the server answers a signed callback"
export ZOHO_EXTENSION_SECRET="new-user secret"
BIND_ADDR=127.0.0.1:0 "$bin" > server.out 2> server.err &
server_pid=$!
url=
for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on \(http:\/\/.*\)$/\1/p' server.out)
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat server.err >&2; fail "the server stopped"; }
    sleep 0.1
done
[ -n "$url" ] || fail "the server did not say where it listens"
"$callback" send onInstall --url "$url/callbacks/onInstall" \
    --secret-env ZOHO_EXTENSION_SECRET --org-id 387238 > send.out \
    || { cat send.out server.err >&2; fail "callback send failed"; }
grep -q '200' send.out || { cat send.out >&2; fail "the answer is not 200"; }
for _ in $(seq 1 50); do
    grep -q 'installed in org 387238, recorded in main' server.out && break
    sleep 0.1
done
grep -q 'installed in org 387238, recorded in main' server.out \
    || { cat server.out server.err >&2; fail "the handler did not run"; }
cat send.out
echo "new-user: ok"
