#!/bin/bash
# web-pebble-ready and config-changed: the web service from the config.
# $1 says which hook runs it (args in lucky.yaml).
set -e
. functions.sh

port="$(lucky get-config port)"
debug "configure ($1): port=$port"

# A named status slot keeps its state until a script sets it again; the unit
# shows the worst state over all slots.
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  lucky set-status --name config blocked "Invalid port $port: use 1-65535"
  exit 0
fi

# Kubernetes fixes the image: name the container's oci-image resource (metadata.yaml).
lucky container image set --container web web-image
# The web service: busybox httpd in the foreground (Pebble supervises it), serving
# /srv/www (made first: a fresh container has nothing). A new port changes its
# command, so Pebble restarts it.
lucky container set-command --container web -- sh -c "mkdir -p /srv/www && exec httpd -f -p $port -h /srv/www"
lucky container env set --container web GREETING="$(lucky get-config greeting)"
# Pebble checks it; web-pebble-check-failed fires when it stops answering.
lucky container check add web-up --container web --tcp "$port" --period 10s --threshold 3

# Open the port on the unit, and close the one opened before.
previous="$(lucky kv get port)"
if [ -n "$previous" ] && [ "$previous" != "$port" ]; then
  lucky port close "$previous"
fi
lucky port open "$port"
lucky kv set port="$port"

lucky set-status --name config active "Serving on port $port"
log "web service on port $port"
