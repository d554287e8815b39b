#!/bin/bash
# The leader writes its name into the peer relation's application data: a unit that is
# not the leader refuses the mutating actions and names the unit to run them on.
set -e
. functions.sh
[ "$(lucky leader is-leader)" = true ] || exit 0
relation="$(peer_relation)"
[ -n "$relation" ] || exit 0
lucky relation set --app -r "$relation" leader="$JUJU_UNIT_NAME"
