#!/usr/bin/env bash
# A private, throwaway PostgreSQL for WPAI's tests and benchmarks.
#
#   source scripts/postgres.sh start   # installs postgresql if its binaries are missing, initdb into a temp dir,
#                                      # starts it on a free loopback port, creates database wpai_test and exports
#                                      # WPAI_TEST_POSTGRES (an Npgsql connection string) plus WPAI_PG_DIR/_BIN/_PORT
#   scripts/postgres.sh stop           # stops that server by its PID and removes the temp dir
#   scripts/postgres.sh down | up      # stops / starts the same server on the same port, data kept (restart tests)
#   scripts/postgres.sh env            # prints the export lines again (for `eval "$(scripts/postgres.sh env)"`)
#
# Run without `source`, `start` prints the export lines on stdout instead. Safe to source: it never calls
# `exit` in the caller's shell and leaves the caller's shell options alone; failures return a non-zero status
# with the reason on stderr. As root it runs initdb/pg_ctl as the OS user `postgres` (created when missing).
# Extra server settings: WPAI_PG_OPTIONS (e.g. "-c fsync=off"), appended to the server's command line.

_wpai_pg_log() { echo "postgres.sh: $*" >&2; }

# Finds the directory holding initdb and pg_ctl; prints it.
_wpai_pg_find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  local initdb_path
  initdb_path="$(command -v initdb 2>/dev/null)" || return 1
  initdb_path="$(readlink -f "$initdb_path")"
  dir="$(dirname "$initdb_path")"
  if [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
    return 0
  fi
  return 1
}

_wpai_pg_install() {
  _wpai_pg_log "initdb/pg_ctl not found; installing postgresql with apt-get"
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo_cmd="sudo -n"
    else
      _wpai_pg_log "not root and no password-less sudo: install PostgreSQL yourself (apt-get install postgresql) and re-run"
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    _wpai_pg_log "apt-get is not available: install PostgreSQL (initdb, pg_ctl) with this system's package manager and re-run"
    return 1
  fi
  $sudo_cmd apt-get update -qq >&2 || { _wpai_pg_log "apt-get update failed"; return 1; }
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >&2 \
    || { _wpai_pg_log "apt-get install postgresql failed"; return 1; }
}

# Runs a PostgreSQL binary as the database owner (postgres when we are root).
_wpai_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

_wpai_pg_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts the server in $WPAI_PG_DIR on $WPAI_PG_PORT and records its PID.
_wpai_pg_launch() {
  local options="-c listen_addresses=127.0.0.1 -p $WPAI_PG_PORT -k $WPAI_PG_DIR -c max_connections=400 ${WPAI_PG_OPTIONS:-}"
  if ! _wpai_pg_as_owner "$WPAI_PG_BIN/pg_ctl" -D "$WPAI_PG_DIR/data" -l "$WPAI_PG_DIR/server.log" -w -t 60 -o "$options" start >/dev/null; then
    return 1
  fi
  local pid
  pid="$(head -n 1 "$WPAI_PG_DIR/data/postmaster.pid" 2>/dev/null)"
  if [ -z "$pid" ]; then
    _wpai_pg_log "the server started but wrote no postmaster.pid"
    return 1
  fi
  echo "$pid" > "$WPAI_PG_DIR/postgres.pid"
}

_wpai_pg_exports() {
  echo "export WPAI_TEST_POSTGRES='$WPAI_TEST_POSTGRES'"
  echo "export WPAI_PG_DIR='$WPAI_PG_DIR'"
  echo "export WPAI_PG_BIN='$WPAI_PG_BIN'"
  echo "export WPAI_PG_PORT='$WPAI_PG_PORT'"
}

_wpai_pg_start() {
  local bin
  if ! bin="$(_wpai_pg_find_bin)"; then
    _wpai_pg_install || return 1
    bin="$(_wpai_pg_find_bin)" || { _wpai_pg_log "postgresql installed but initdb/pg_ctl still not found"; return 1; }
  fi

  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres \
      || { _wpai_pg_log "could not create the OS user 'postgres' to run the server (it refuses to run as root)"; return 1; }
  fi

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/wpai-pg.XXXXXX")" || { _wpai_pg_log "mktemp failed"; return 1; }
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir" || { _wpai_pg_log "could not hand $dir to the OS user postgres"; rm -rf "$dir"; return 1; }
  fi

  if ! _wpai_pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
    _wpai_pg_log "initdb failed; its output:"
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    return 1
  fi

  WPAI_PG_DIR="$dir"
  WPAI_PG_BIN="$bin"
  local attempt port started=0
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    _wpai_pg_port_in_use "$port" && continue
    WPAI_PG_PORT="$port"
    if _wpai_pg_launch; then
      started=1
      break
    fi
    _wpai_pg_log "start on port $port failed (attempt $attempt); trying another port"
  done
  if [ "$started" -ne 1 ]; then
    _wpai_pg_log "could not start PostgreSQL; server log:"
    tail -n 30 "$dir/server.log" >&2 2>/dev/null
    rm -rf "$dir"
    unset WPAI_PG_DIR WPAI_PG_BIN WPAI_PG_PORT
    return 1
  fi

  if ! _wpai_pg_as_owner "$bin/psql" -h 127.0.0.1 -p "$WPAI_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
      -c "CREATE DATABASE wpai_test" >/dev/null; then
    _wpai_pg_log "could not create database wpai_test"
    _wpai_pg_stop
    return 1
  fi

  WPAI_TEST_POSTGRES="Host=127.0.0.1;Port=$WPAI_PG_PORT;Database=wpai_test;Username=postgres;Timeout=15;Command Timeout=60"
  export WPAI_TEST_POSTGRES WPAI_PG_DIR WPAI_PG_BIN WPAI_PG_PORT
  _wpai_pg_log "PostgreSQL $("$bin/postgres" --version 2>/dev/null | awk '{print $3}') on 127.0.0.1:$WPAI_PG_PORT (pid $(cat "$WPAI_PG_DIR/postgres.pid"), data $WPAI_PG_DIR)"
}

# Stops the server by the PID recorded at start and waits for it to exit.
_wpai_pg_kill() {
  local pidfile="$WPAI_PG_DIR/postgres.pid" pid i
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null # "fast" shutdown: roll back open transactions, checkpoint, exit
    for i in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      _wpai_pg_log "server $pid did not stop in 30 s; sending SIGQUIT"
      kill -QUIT "$pid" 2>/dev/null
      sleep 1
    fi
  fi
  rm -f "$pidfile"
}

_wpai_pg_stop() {
  if [ -z "${WPAI_PG_DIR:-}" ] || [ ! -d "$WPAI_PG_DIR" ]; then
    _wpai_pg_log "nothing to stop: WPAI_PG_DIR is not set (did 'start' run in this shell?)"
    return 1
  fi
  case "$WPAI_PG_DIR" in
    */wpai-pg.*) ;;
    *) _wpai_pg_log "refusing to remove '$WPAI_PG_DIR': not a directory made by postgres.sh"; return 1 ;;
  esac
  _wpai_pg_kill
  rm -rf "$WPAI_PG_DIR"
  unset WPAI_TEST_POSTGRES WPAI_PG_DIR WPAI_PG_BIN WPAI_PG_PORT
  return 0
}

_wpai_pg_main() {
  case "${1:-}" in
    start)
      _wpai_pg_start || return 1
      if [ "${_wpai_pg_sourced:-0}" -eq 0 ]; then
        _wpai_pg_exports
      fi
      ;;
    stop) _wpai_pg_stop ;;
    down)
      [ -n "${WPAI_PG_DIR:-}" ] || { _wpai_pg_log "WPAI_PG_DIR is not set"; return 1; }
      _wpai_pg_kill
      ;;
    up)
      [ -n "${WPAI_PG_DIR:-}" ] && [ -n "${WPAI_PG_BIN:-}" ] && [ -n "${WPAI_PG_PORT:-}" ] \
        || { _wpai_pg_log "WPAI_PG_DIR/_BIN/_PORT are not set"; return 1; }
      _wpai_pg_launch
      ;;
    env)
      [ -n "${WPAI_TEST_POSTGRES:-}" ] || { _wpai_pg_log "not started"; return 1; }
      _wpai_pg_exports
      ;;
    *)
      _wpai_pg_log "usage: source scripts/postgres.sh start | scripts/postgres.sh stop|down|up|env"
      return 2
      ;;
  esac
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  _wpai_pg_sourced=1
  _wpai_pg_main "$@"
  _wpai_pg_rc=$?
  unset _wpai_pg_sourced
  return $_wpai_pg_rc
else
  _wpai_pg_sourced=0
  _wpai_pg_main "$@"
  exit $?
fi
