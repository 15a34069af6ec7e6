#!/usr/bin/env bash
# Install what tuoyu needs to build, run and test on Debian 12, and nothing twice:
# Debian packages only when dpkg says one is missing, npm packages only when node_modules lacks them.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(build-essential meson ninja-build pkg-config
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libpq-dev libcmocka-dev
      python3 chromium tidy curl sqlite3 postgresql postgresql-client fonts-noto-cjk nginx-light openssl wrk
      libxlsxwriter-dev libcairo2-dev libpango1.0-dev libqrencode-dev poppler-utils zbar-tools unzip libxml2-utils libcurl4-openssl-dev
      clang libclang-rt-14-dev)

# A newer Node.js (e.g. from /usr/local or another package) is kept: installing Debian's nodejs/npm over it
# would downgrade it or conflict with its bundled npm. Debian 12's own nodejs is 18, which is enough.
node_ok=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -ge 18 ]; then node_ok=1; fi
fi
if [ "$node_ok" -eq 0 ]; then pkgs+=(nodejs npm); fi

missing=()
for p in "${pkgs[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != "installed" ]; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps: installing Debian packages: ${missing[*]}"
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then as_root=(sudo); else
            echo "install-deps: missing packages (${missing[*]}) and not root; run with sudo" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update </dev/null
    "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
fi

if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@seriousme/openapi-schema-validator ]; then
    echo "install-deps: installing npm packages"
    if [ -f package-lock.json ]; then
        npm ci --no-audit --no-fund </dev/null
    else
        npm install --no-audit --no-fund </dev/null
    fi
fi
