#!/bin/bash
# The relation hooks of lucky.yaml; $LUCKY_HOOK names the one that runs.
set -e
. functions.sh

case "$LUCKY_HOOK" in
  website-relation-joined)
    # Tell the new client where the website is.
    lucky relation set hostname="$(lucky private-address)" port="$(lucky get-config port)"
    ;;
  database-relation-changed)
    host="$(lucky relation get host)"
    if [ -z "$host" ]; then
      lucky set-status --name database waiting "Waiting for database details"
    else
      lucky kv set db-host="$host" db-name="$(lucky relation get database)"
      lucky set-status --name database active
      log "using the database on $host"
    fi
    ;;
  database-relation-broken)
    lucky kv delete db-host db-name
    lucky set-status --name database active
    ;;
  cluster-relation-joined)
    lucky relation set address="$(lucky private-address)"
    ;;
  cluster-relation-changed)
    # The peer may not have published its address yet; -changed runs again when it does.
    address="$(lucky relation get address)"
    if [ -n "$address" ]; then
      lucky kv set "peer-$(echo "$JUJU_REMOTE_UNIT" | tr / -)=$address"
    fi
    ;;
  cluster-relation-departed)
    lucky kv delete "peer-$(echo "$JUJU_DEPARTING_UNIT" | tr / -)"
    ;;
  *)
    echo "relation.sh: nothing to do in $LUCKY_HOOK" >&2
    ;;
esac
