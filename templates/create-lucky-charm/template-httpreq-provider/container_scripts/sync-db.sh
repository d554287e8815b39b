#!/bin/sh
# Copies the users and grants the leader published in the peer relation's application
# data into this unit's workload (import-db replaces the database atomically, and does
# nothing when it is the same). Runs inside the httpreq container.
set -e
. "$(dirname "$0")/workload.sh"
relation="$(peer_relation)"
[ -n "$relation" ] || exit 0
db="$(lucky relation get --app -r "$relation" -u "$JUJU_UNIT_NAME" db)"
[ -n "$db" ] || exit 0
printf '%s\n' "$db" | as_workload httpreq-provider import-db
