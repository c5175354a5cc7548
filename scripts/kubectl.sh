#!/usr/bin/env bash
# Makes sure `kubectl` is on PATH for the offline manifest checks of the Kubernetes tests (`kubectl label --local`),
# installing Debian's kubernetes-client with apt-get when it is missing. Quiet and idempotent; safe to source.
source "$(dirname "${BASH_SOURCE[0]}")/apt-ensure.sh"
_wpai_apt_ensure kubectl.sh kubectl -- kubernetes-client
