#!/usr/bin/env bash
# The tests run alert rules through the real Prometheus rule engine (promtool) and routes through the real
# Alertmanager router (amtool). Install them when missing, with apt where it is usable.
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
[ ${#need[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${need[*]} (promtool/amtool) with apt-get …" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  # Only the command-line tools are needed: keep the packages' services from starting.
  $sudo env RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
cat >&2 <<MSG
error: promtool and amtool are needed by the tests and no apt-get was found.
  macOS:  brew install prometheus alertmanager
  other:  download prometheus and alertmanager releases and put promtool and amtool on PATH
MSG
exit 1
