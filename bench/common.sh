# bench/common.sh: what bench/load.sh and bench/instructions.sh share, sourced
# by both: the signed sample request, the store servers' key, and starting
# and checking a server.

SECRET=bench-secret-of-plugin-manifest
BODY='{"event":"onZohoAuthorise","orgId":387238,"securityContext":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}'
HASH=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)
OK_REPLY='{"event":"onZohoAuthorise","ok":true} 200'
# The store servers' ZOHO_STORE_KEY: the base64 of 32 bytes, public
# benchmark material.
STORE_KEY=$(printf '%s' 'bench-store-key, 32 bytes, test!' | base64)

# install_missing COMMAND PACKAGE: Debian's package for a missing command.
install_missing() {
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing $2 (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

# target_dir: where cargo puts this workspace's builds.
target_dir() {
    cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

# write_wrk_script FILE: a wrk script sending the signed sample callback.
write_wrk_script() {
    cat >"$1" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["HASH"] = "$HASH"
LUA
}

# wait_listening PORT PID NAME: waits (up to 60 s) until the server answers
# anything on 127.0.0.1:PORT; fails if the process PID exits first.
wait_listening() {
    local port=$1 pid=$2 name=$3 tries=0
    until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
        kill -0 "$pid" 2>/dev/null || { echo "$name exited" >&2; exit 1; }
        tries=$((tries + 1))
        [ $tries -lt 600 ] || { echo "$name did not start" >&2; exit 1; }
        sleep 0.1
    done
}

# check_reply NAME EXPECTED CURL_ARGUMENTS...: sends the request curl's
# arguments describe and fails unless the reply is EXPECTED ("BODY STATUS").
check_reply() {
    local name=$1 expected=$2 reply
    shift 2
    reply=$(curl -s -w ' %{http_code}' "$@")
    [ "$reply" = "$expected" ] || { echo "$name answered: $reply (expected $expected)" >&2; exit 1; }
}

# await_server PORT PID NAME: waits until the server answers, then checks
# that the signed sample gets 200 and the expected body.
await_server() {
    wait_listening "$1" "$2" "$3"
    check_reply "$3" "$OK_REPLY" -X POST -H 'Content-Type: application/json' \
        -H "HASH: $HASH" --data-binary "$BODY" "http://127.0.0.1:$1/callbacks/onZohoAuthorise"
}
