#!/usr/bin/env bash
# Makes sure Debian's headless Chromium and its WebDriver (`chromium`, `chromedriver`) are installed for the console's
# browser tests, installing the `chromium` and `chromium-driver` packages with apt-get when either is missing.
# Quiet and idempotent; safe to source. Returns non-zero with the reason when it cannot install them.
source "$(dirname "${BASH_SOURCE[0]}")/apt-ensure.sh"
_wpai_apt_ensure chromium.sh chromium chromedriver -- chromium chromium-driver
