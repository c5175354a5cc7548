#!/usr/bin/env bash
# Sourced by the scripts that install a test dependency from Debian's packages (kubectl.sh, chromium.sh):
# _wpai_apt_ensure NAME COMMAND... -- PACKAGE... returns 0 when every COMMAND is on PATH, and otherwise installs the
# PACKAGEs with apt-get (as root, or through passwordless sudo), quietly; it says why on stderr and returns 1 when it cannot.
_wpai_apt_ensure() {
  local name="$1"; shift
  local commands=() packages=() missing=0
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do commands+=("$1"); shift; done
  [ "$#" -gt 0 ] && shift
  packages=("$@")
  for c in "${commands[@]}"; do command -v "$c" >/dev/null 2>&1 || missing=1; done
  [ "$missing" -eq 0 ] && return 0
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo_cmd="sudo -n"
    else
      echo "$name: ${commands[*]} missing and this user cannot install them: apt-get install ${packages[*]}" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: ${commands[*]} missing and apt-get is not available: install ${packages[*]} with this system's package manager" >&2
    return 1
  fi
  $sudo_cmd apt-get update -qq >&2 || { echo "$name: apt-get update failed" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
    || { echo "$name: apt-get install ${packages[*]} failed" >&2; return 1; }
  for c in "${commands[@]}"; do
    command -v "$c" >/dev/null 2>&1 || { echo "$name: ${packages[*]} installed but $c is not on PATH" >&2; return 1; }
  done
}
