#!/usr/bin/env bash
# Starts the server the way the README's quick start does (npm start, SQLite default) and walks through the README's
# curl example: register, log in, call /users/me, refresh, log out. Exits non-zero on the first unexpected answer.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${SMOKE_PORT:-3999}"
work="$(mktemp -d)"
log="$work/server.log"
base="http://127.0.0.1:$port"
descendants() { local child; for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done; }
cleanup() {
  if [ -n "${server:-}" ]; then
    # npm start runs the server as a grandchild: stop the whole tree, not only npm.
    kill $(descendants "$server") "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "smoke: $*" >&2
  echo "--- server log ---" >&2
  tail -n 40 "$log" >&2 || true
  exit 1
}

# Expect: method path expected-status [json-body] [bearer]
call() {
  local method=$1 path=$2 expected=$3 body=${4:-} token=${5:-}
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$method" "$base$path")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' -d "$body")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  local status
  status=$(curl "${args[@]}") || fail "$method $path: no answer"
  [ "$status" = "$expected" ] || fail "$method $path: expected $expected, got $status: $(cat "$work/body")"
  echo "ok  $method $path -> $status"
}
field() { node -e "process.stdout.write(String(JSON.parse(require('fs').readFileSync('$work/body','utf8'))['$1']))"; }

if curl -s -o /dev/null "$base/health"; then
  echo "smoke: something already answers on port $port; set SMOKE_PORT to a free port" >&2
  exit 1
fi
echo "smoke: npm start on port $port (data in $work)"
PORT="$port" DATA_DIR="$work/data" LOG_LEVEL=warn npm start >"$log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "$base/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || fail "the server exited during start-up"
  sleep 0.5
done
call GET /health 200
[ -f "$work/data/portcullis.sqlite" ] || fail "no SQLite file in DATA_DIR"
if [ -d /proc ]; then
  # Password hashing runs in child processes of the server at the lowest priority (nice 19).
  hashers=0
  for candidate in $(descendants "$server"); do
    if grep -q 'hashing-worker.js' "/proc/$candidate/cmdline" 2>/dev/null; then
      [ "$(awk '{print $19}' "/proc/$candidate/stat")" = 19 ] || fail "hashing process $candidate is not at nice 19"
      hashers=$((hashers + 1))
    fi
  done
  [ "$hashers" -ge 1 ] || fail "no password-hashing process under the server"
  echo "ok  $hashers password-hashing processes at nice 19"
fi

email="smoke-$RANDOM@example.com"
call POST /auth/register 201 "{\"email\":\"$email\",\"password\":\"correct horse battery staple\",\"name\":\"Smoke\"}"
call POST /auth/login 200 "{\"email\":\"$email\",\"password\":\"correct horse battery staple\"}"
access=$(field accessToken)
refresh=$(field refreshToken)
call GET /users/me 200 "" "$access"
[ "$(field email)" = "$email" ] || fail "/users/me answered another user"
call POST /auth/refresh 200 "{\"refreshToken\":\"$refresh\"}"
access=$(field accessToken)
call POST /auth/logout 204 "" "$access"
call GET /users/me 401 "" "$access"
call GET /docs 200
call GET /docs-json 200
call GET /.well-known/jwks.json 200
echo "smoke: all good"
