#!/usr/bin/env bash
# Start the gateway (unless one already answers on the port), then JupyterLab; stop the gateway on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${SPARKWIRE_GATEWAY_PORT:-8998}
gateway_pid=""
cleanup() { [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null; true; }
trap cleanup EXIT INT TERM
if "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$PORT/version" 2>/dev/null; then
  echo "A gateway already answers on port $PORT; using it."
else
  "$BIN/sparkwire" gateway --port "$PORT" &
  gateway_pid=$!
  for _ in $(seq 1 100); do
    "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$PORT/version" 2>/dev/null && break
    kill -0 "$gateway_pid" 2>/dev/null || { echo "The gateway failed to start (see above)." >&2; exit 1; }
    sleep 0.2
  done
  echo "Gateway ready: curl http://127.0.0.1:$PORT/sessions"
fi
"$BIN/sparkwire" install-kernel --sys-prefix >/dev/null
# Open straight into the ready notebook; its first cell starts a Spark session on the gateway.
# JupyterLab refuses to run as root unless told to (containers and CI machines often are root).
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)
"$BIN/jupyter" lab "${root_flag[@]}" --ServerApp.root_dir=examples --LabApp.default_url=/lab/tree/remote-pyspark.ipynb "$@"
