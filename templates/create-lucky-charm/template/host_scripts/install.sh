#!/bin/bash
# install: the first hook. Prepares the unit and defines the workload container.
set -e
. functions.sh

lucky set-status maintenance "Installing"
log "installing in hook $LUCKY_HOOK"
# Recorded now; Lucky creates the container only when use-docker is true (lucky.yaml).
lucky container image set --container web "$(lucky get-config image)"
# This script's own status slot: active without a message once it is done.
lucky set-status active
