#!/usr/bin/env bash
# Makes sure Debian's headless Chromium and its WebDriver (`chromium`, `chromedriver`) are installed for the console's
# browser tests, installing the `chromium` and `chromium-driver` packages with apt-get when either is missing.
# Quiet and idempotent; safe to source. Exits (or returns) non-zero with the reason when it cannot install them.
_wpai_chromium_ensure() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    return 0
  fi
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo_cmd="sudo -n"
    else
      echo "chromium.sh: chromium or chromedriver is missing and this user cannot install them: apt-get install chromium chromium-driver" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium.sh: chromium or chromedriver is missing and apt-get is not available: install Chromium and its chromedriver with this system's package manager" >&2
    return 1
  fi
  $sudo_cmd apt-get update -qq >&2 || { echo "chromium.sh: apt-get update failed" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null \
    || { echo "chromium.sh: apt-get install chromium chromium-driver failed" >&2; return 1; }
  if ! command -v chromedriver >/dev/null 2>&1; then
    echo "chromium.sh: chromium-driver was installed but chromedriver is not on PATH" >&2
    return 1
  fi
}
_wpai_chromium_ensure
