#!/usr/bin/env bash
# Check the deployment files in deploy/: the systemd unit passes `systemd-analyze verify` and the nginx site
# passes `nginx -t` (with a throwaway certificate and the paths pointed into a temporary folder).
# Prints TAP-like "ok"/"not ok" lines and a final "N passed, N failed"; exit 1 when anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${TUOYU_BIN:-build/tuoyu}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # name, command...
    local name=$1
    shift
    if "$@" >"$tmp/out" 2>&1; then
        echo "ok - $name"
        passed=$((passed + 1))
    else
        echo "not ok - $name"
        sed 's/^/    /' "$tmp/out"
        failed=$((failed + 1))
    fi
}

# systemd: verify an instance of the template, with ExecStart pointing at the built binary.
unit_ok() {
    command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing"; return 1; }
    mkdir -p "$tmp/units"
    sed -e "s#/usr/local/bin/tuoyu#$BIN#" -e "s#^EnvironmentFile=.*#Environment=TUOYU_DB=/var/lib/tuoyu/tuoyu.db#" \
        deploy/tuoyu@.service >"$tmp/units/tuoyu@8081.service"
    local out
    out=$(systemd-analyze verify --man=no "$tmp/units/tuoyu@8081.service" 2>&1)
    # Only warnings about this unit count (the host's own units may warn about themselves).
    if echo "$out" | grep -F "tuoyu@8081.service" | grep -v "^$"; then return 1; fi
    return 0
}
check "systemd unit passes systemd-analyze verify" unit_ok

sandboxed() {
    local u=deploy/tuoyu@.service
    for key in NoNewPrivileges=yes ProtectSystem=strict SystemCallFilter=@system-service User=tuoyu \
        PrivateTmp=yes CapabilityBoundingSet=; do
        grep -qx "$key" "$u" || { echo "missing $key"; return 1; }
    done
}
check "systemd unit is sandboxed (own user, no new privileges, strict system, syscall filter)" sandboxed

nginx_ok() {
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx missing"; return 1; }
    local n=${NGINX:-/usr/sbin/nginx}
    mkdir -p "$tmp/nginx/logs" "$tmp/nginx/static" "$tmp/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=tuoyu.test -keyout "$tmp/tls/privkey.pem" \
        -out "$tmp/tls/fullchain.pem" >/dev/null 2>&1 || { echo "openssl failed"; return 1; }
    cp deploy/nginx/nginx-proxy.conf "$tmp/nginx/"
    sed -e "s#/etc/tuoyu/tls/#$tmp/tls/#g" -e "s#/etc/tuoyu/nginx-proxy.conf#$tmp/nginx/nginx-proxy.conf#g" \
        -e "s#/usr/share/tuoyu/static/#$tmp/nginx/static/#" deploy/nginx/tuoyu.conf >"$tmp/nginx/site.conf"
    cat >"$tmp/nginx/nginx.conf" <<CONF
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events {}
http {
    access_log $tmp/nginx/logs/access.log;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    include $tmp/nginx/site.conf;
}
CONF
    "$n" -t -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf"
}
check "nginx site passes nginx -t" nginx_ok

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
