#!/usr/bin/env bash
# Spark 4 needs Java 17 or 21. Say clearly how to get it when it is missing.
set -euo pipefail
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$java_bin" >/dev/null 2>&1; then
  cat >&2 <<'MSG'
Java was not found. sparkwire runs Spark, which needs Java 17 (or 21).
  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless
  macOS:          brew install openjdk@17
  or set JAVA_HOME to an installed JDK/JRE 17+.
MSG
  exit 1
fi
version=$("$java_bin" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
major=${version%%.*}
if [ "${major:-0}" -lt 17 ] 2>/dev/null; then
  echo "Java $version found, but Spark 4 needs Java 17 or newer (see above for how to install it)." >&2
  exit 1
fi
