#!/usr/bin/env bash
# `make run`: the gateway on PORT, then JupyterLab on LAB_PORT opened on the Remote PySpark notebook.
# Kernels and the Spark panel find the gateway through SPARKWIRE_URL, exported here. Both servers run in
# their own sessions and log to .sparkwire/run/, so Ctrl-C reaches only this script, which stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-${SPARKWIRE_GATEWAY_PORT:-8998}}
LAB_PORT=${LAB_PORT:-8888}
LOGS=.sparkwire/run
mkdir -p "$LOGS"
export SPARKWIRE_URL="http://127.0.0.1:$PORT"
gateway_pid="" lab_pid=""

answers() { "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null; }

stop() {  # SIGTERM, then up to 40 s (the gateway stops its Spark sessions), then SIGKILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  trap - EXIT INT TERM
  stop "$lab_pid" & stop "$gateway_pid" & wait
  echo "Stopped JupyterLab${gateway_pid:+ and the gateway}. Bye."
}
trap cleanup EXIT
trap 'exit 0' INT TERM

if answers "$SPARKWIRE_URL/version"; then
  echo "A gateway already answers on port $PORT; using it."
else
  setsid "$BIN/sparkwire" gateway --port "$PORT" >"$LOGS/gateway.log" 2>&1 </dev/null &
  gateway_pid=$!
  for _ in $(seq 1 150); do
    answers "$SPARKWIRE_URL/version" && break
    kill -0 "$gateway_pid" 2>/dev/null || { tail -n 20 "$LOGS/gateway.log" >&2; echo "The gateway failed to start (its log is above)." >&2; gateway_pid=""; exit 1; }
    sleep 0.2
  done
  echo "Gateway: $SPARKWIRE_URL  (try: curl $SPARKWIRE_URL/sessions; log: $LOGS/gateway.log)"
fi
"$BIN/sparkwire" install-kernel --sys-prefix >/dev/null

# JupyterLab refuses to run as root unless told to (containers and CI machines often are root).
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)
token=$("$BIN/python" -c "import secrets; print(secrets.token_hex(24))")
setsid "$BIN/jupyter" lab "${root_flag[@]}" --port="$LAB_PORT" --ServerApp.port_retries=0 --ServerApp.ip=127.0.0.1 \
  --IdentityProvider.token="$token" --ServerApp.root_dir=examples \
  --LabApp.default_url=/lab/tree/remote-pyspark.ipynb "$@" >"$LOGS/lab.log" 2>&1 </dev/null &
lab_pid=$!
for _ in $(seq 1 300); do
  answers "http://127.0.0.1:$LAB_PORT/api/status?token=$token" && break
  kill -0 "$lab_pid" 2>/dev/null || { tail -n 20 "$LOGS/lab.log" >&2; echo "JupyterLab failed to start (its log is above)." >&2; lab_pid=""; exit 1; }
  sleep 0.2
done
echo "JupyterLab: http://127.0.0.1:$LAB_PORT/lab/tree/remote-pyspark.ipynb?token=$token  (log: $LOGS/lab.log)"
echo "Ctrl-C stops both."
wait "$lab_pid" || true
lab_pid=""
