#!/bin/bash
# config-changed and the refresh action: checks the options, then applies them.
# $1 says who runs it ("config-changed" or "refresh", from args in lucky.yaml).
set -e
. functions.sh

port="$(lucky get-config port)"
greeting="$(lucky get-config greeting)"
debug "configure ($1): port=$port greeting=$greeting"

# A named status slot keeps its state until a script sets it again; the unit
# shows the worst state over all slots.
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  lucky set-status --name config blocked "Invalid port $port: use 1-65535"
  exit 0
fi

# Open the port on the unit, and close the one opened before.
previous="$(lucky kv get port)"
if [ -n "$previous" ] && [ "$previous" != "$port" ]; then
  lucky port close "$previous"
fi
lucky port open "$port"
lucky kv set port="$port" greeting="$greeting"

# The web container serves on 80; publish it on the unit's port.
lucky container port remove --container web --all
lucky container port add --container web "$port:80"

# Websites already related learn the new port.
for id in $(lucky relation list-ids --relation-name website); do
  lucky relation set --relation-id "$id" hostname="$(lucky private-address)" port="$port"
done

lucky set-status --name config active "Serving on port $port"
log "serving \"$greeting\" on port $port"

# As the refresh action, report what is served (`juju run` prints the results).
if [ "$1" = refresh ]; then
  lucky action set port="$port" greeting="$greeting"
fi
