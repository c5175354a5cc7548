#!/usr/bin/env bash
# Makes sure `kubectl` is on PATH for the offline manifest checks of the Kubernetes tests (`kubectl label --local`),
# installing Debian's kubernetes-client with apt-get when it is missing. Quiet and idempotent; safe to source.
_wpai_kubectl_ensure() {
  if command -v kubectl >/dev/null 2>&1; then
    return 0
  fi
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo_cmd="sudo -n"
    else
      echo "kubectl.sh: kubectl is missing and this user cannot install it: apt-get install kubernetes-client" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "kubectl.sh: kubectl is missing and apt-get is not available: install kubectl with this system's package manager" >&2
    return 1
  fi
  $sudo_cmd apt-get update -qq >&2 || { echo "kubectl.sh: apt-get update failed" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq kubernetes-client >/dev/null \
    || { echo "kubectl.sh: apt-get install kubernetes-client failed" >&2; return 1; }
}
_wpai_kubectl_ensure
