#!/bin/bash
# Before an action runs in the workload: it needs the service (Canonical's "Service not
# yet ready."), and the actions that change users or grants run on the leader, whose
# database every unit copies.
set -e
. functions.sh
action="$1"
if [ "$(lucky kv get ready)" != yes ]; then
  lucky action fail "Service not yet ready."
  exit 1
fi
if [ "$action" != list-domains ] && [ "$(lucky leader is-leader)" != true ]; then
  relation="$(peer_relation)"
  leader="$([ -z "$relation" ] || lucky relation get --app -r "$relation" -u "$JUJU_UNIT_NAME" leader)"
  lucky action fail "Failed: $JUJU_UNIT_NAME is not the leader; users and grants change on the leader${leader:+ ($leader)}: juju run ${JUJU_UNIT_NAME%/*}/leader $action …"
  exit 1
fi
