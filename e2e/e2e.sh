#!/usr/bin/env bash
# The portal's browser test in ./mvnw verify, driven by e2e/pom.xml:
#   start   (pre-integration-test)  its own local stack: state in e2e/target/aegis-state, the free
#                                   ports Maven reserved, binaries and demo model shared with ./aegis;
#                                   a watcher stops it if the build dies before stop
#   test    (integration-test)      web-ui/e2e/portal.e2e.mjs in headless Chromium; the result is
#                                   recorded, not returned, so that stop still runs after a failure
#   stop    (post-integration-test) copies the stack's logs into the artifacts, stops the stack
#   verify  (verify)                fails the build when the test failed or did not run
# Never touches .aegis/ state or the default ports of a developer's ./aegis up.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
TARGET="$HERE/target"
export AEGIS_STATE="${AEGIS_STATE:-$TARGET/aegis-state}"
ARTIFACTS="${AEGIS_E2E_ARTIFACTS:-$TARGET/e2e-artifacts}"
RESULT="$TARGET/e2e-result"
# the reactor built every jar; ./aegis must not start a nested Maven build
export AEGIS_SKIP_BUILD=1

say() { echo "[e2e] $*"; }

skipped() {
  # E2E_SKIP: the values of -Dskip.e2e, -DskipTests, -DskipITs, -Dmaven.test.skip (unset ones stay ${...})
  for flag in ${E2E_SKIP:-}; do
    [[ "$flag" == "true" ]] && return 0
  done
  return 1
}

guard() {
  # the only state this script may stop or delete is its own
  if [[ "$(cd "$AEGIS_STATE" 2>/dev/null && pwd)" == "$ROOT/.aegis" || "$AEGIS_STATE" == "$ROOT/.aegis" ]]; then
    say "refusing to act on the developer stack's state ($AEGIS_STATE)"
    exit 1
  fi
  local p
  for p in AEGIS_GATEWAY_PORT AEGIS_KEYCLOAK_PORT AEGIS_KEYCLOAK_MANAGEMENT_PORT AEGIS_KAFKA_PORT \
      AEGIS_KAFKA_CONTROLLER_PORT AEGIS_S3_PORT AEGIS_MONGO_PORT AEGIS_INFERENCE_PORT \
      AEGIS_ADVERSARIAL_PORT AEGIS_HISTORY_PORT; do
    if [[ -z "${!p:-}" ]]; then
      say "$p is not set: the e2e stack never runs on the default ports (run it through ./mvnw verify)"
      exit 1
    fi
  done
}

aegis() { "$ROOT/aegis" "$@"; }

# The stack's state folder and ports; test and stop read them back, as start may re-pick a port.
# To look at this stack by hand while it runs: set -a; . e2e/target/e2e-stack.env; set +a; ./aegis status
write_env() {
  env | grep -E '^AEGIS_(STATE|[A-Z_]+_PORT)=' | sort >"$TARGET/e2e-stack.env"
}

load_env() {
  if [[ -f "$TARGET/e2e-stack.env" ]]; then
    set -a
    . "$TARGET/e2e-stack.env"
    set +a
  fi
}

# A port below the ephemeral range (as Maven's reservation), free now and none of this stack's.
free_port() {
  local p used
  used=" $(env | grep -E '^AEGIS_[A-Z_]+_PORT=' | cut -d= -f2 | tr '\n' ' ')"
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    [[ "$used" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

WATCHDOG="$TARGET/e2e-watchdog.pid"

# A Maven build killed before post-integration-test (kill -9, a CI timeout) never runs stop, and
# its stack would run on. A detached watcher of the build's process takes the stack down once that
# process is gone; stop ends the watcher first, so it never outlives its own run into the next one.
start_watchdog() {
  stop_watchdog
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done
    echo "[e2e] the build (pid $1) is gone without stopping its stack: ./aegis down"; "$2" down' \
    _ "$PPID" "$ROOT/aegis" </dev/null >>"$TARGET/e2e-watchdog.log" 2>&1 &
  echo $! >"$WATCHDOG"
}

stop_watchdog() {
  if [[ -f "$WATCHDOG" ]]; then
    kill "$(cat "$WATCHDOG")" 2>/dev/null || true
    rm -f "$WATCHDOG"
  fi
}

collect_logs() {
  if [[ -d "$AEGIS_STATE/logs" ]]; then
    mkdir -p "$ARTIFACTS/stack-logs"
    cp -f "$AEGIS_STATE"/logs/*.log "$ARTIFACTS/stack-logs/" 2>/dev/null || true
  fi
}

stop_stack() {
  if [[ -d "$AEGIS_STATE/run" ]]; then
    aegis down || say "WARNING ./aegis down reported a failure"
  fi
}

cmd_start() {
  rm -f "$RESULT"
  if skipped; then
    say "skipped (-Dskip.e2e / -DskipTests / -DskipITs)"
    return 0
  fi
  guard
  local t0=$SECONDS
  # leftovers of an interrupted earlier run (same state folder): stop them, start from scratch
  stop_stack
  rm -rf "$AEGIS_STATE" "$ARTIFACTS"
  mkdir -p "$AEGIS_STATE" "$ARTIFACTS"
  write_env
  say "starting the e2e stack: state $AEGIS_STATE, portal http://localhost:$AEGIS_GATEWAY_PORT," \
    "Keycloak http://127.0.0.1:$AEGIS_KEYCLOAK_PORT"
  start_watchdog
  local attempt=1 taken port
  while ! aegis up 2>&1 | tee "$TARGET/e2e-up.log"; do
    # Maven reserved the ports minutes before (demo data, demo model training), below the
    # ephemeral range, yet another process on the machine once bound one of them meanwhile (CI,
    # 2026-11-28: the Kafka port). Another free port for that one, and a fresh start.
    taken="$(grep -o 'port [0-9]* (AEGIS_[A-Z_]*_PORT) is already in use' "$TARGET/e2e-up.log" \
      | grep -o 'AEGIS_[A-Z_]*_PORT' | head -1)"
    if [[ -z "$taken" || $attempt -ge 3 ]] || ! port="$(free_port)"; then
      say "the e2e stack did not start; logs in $ARTIFACTS/stack-logs"
      collect_logs
      stop_stack
      stop_watchdog
      return 1
    fi
    say "$taken ${!taken} was taken by another process after Maven reserved it: retrying with $port"
    export "$taken=$port"
    stop_stack
    rm -rf "$AEGIS_STATE"
    mkdir -p "$AEGIS_STATE"
    write_env
    attempt=$((attempt + 1))
  done
  # a service without a jar is only a warning for ./aegis up; here it would fail later and obscurely
  local status
  status="$(aegis status)"
  if grep -q "not built" <<<"$status"; then
    echo "$status"
    say "some services are not built: ./mvnw install -DskipTests -pl gateway,inference-service,adversarial-service,history-service -am"
    collect_logs
    stop_stack
    stop_watchdog
    return 1
  fi
  say "e2e stack up in $((SECONDS - t0)) s"
}

cmd_test() {
  if skipped; then return 0; fi
  load_env
  guard
  local base="http://localhost:$AEGIS_GATEWAY_PORT" t0=$SECONDS rc
  if [[ ! -d "$ROOT/web-ui/node_modules/playwright-core" ]]; then
    say "web-ui/node_modules is missing: npm ci"
    (cd "$ROOT/web-ui" && npm ci --no-audit --no-fund --prefer-offline) || { echo 1 >"$RESULT"; return 0; }
  fi
  say "browser test against $base (Chromium ${CHROMIUM_PATH:-/usr/bin/chromium}), screenshots in $ARTIFACTS"
  (cd "$ROOT/web-ui" && AEGIS_E2E_BASE_URL="$base" AEGIS_E2E_ARTIFACTS="$ARTIFACTS" npm run --silent e2e)
  rc=$?
  echo "$rc" >"$RESULT"
  say "browser test finished in $((SECONDS - t0)) s (exit $rc)"
  return 0
}

cmd_stop() {
  if skipped; then return 0; fi
  load_env
  guard
  local t0=$SECONDS
  collect_logs
  say "stopping the e2e stack"
  stop_watchdog
  stop_stack
  # logs are in the artifacts; the rest (Kafka log, databases, a Keycloak copy) is only disk
  rm -rf "$AEGIS_STATE" "$TARGET/e2e-stack.env"
  say "e2e stack stopped in $((SECONDS - t0)) s"
}

cmd_verify() {
  if skipped; then return 0; fi
  local rc
  rc="$(cat "$RESULT" 2>/dev/null || echo none)"
  if [[ "$rc" == "0" ]]; then
    say "PASSED; screenshots in $ARTIFACTS"
    return 0
  fi
  if [[ "$rc" == "none" ]]; then
    say "FAILED: the browser test did not run"
  else
    say "FAILED (exit $rc):"
    cat "$ARTIFACTS/results.txt" 2>/dev/null | sed 's/^/[e2e]   /'
  fi
  say "screenshots (failure.png: the page at the failure) in $ARTIFACTS, the stack's logs in $ARTIFACTS/stack-logs"
  return 1
}

main() {
  case "${1:-}" in
    start) cmd_start ;;
    test) cmd_test ;;
    stop) cmd_stop ;;
    verify) cmd_verify ;;
    *) echo "usage: e2e/e2e.sh start|test|stop|verify (run by ./mvnw verify in module e2e)" >&2; return 2 ;;
  esac
}

# one line: bash has read all it needs before it runs, so editing this file mid-run is harmless
main "$@"; exit $?
