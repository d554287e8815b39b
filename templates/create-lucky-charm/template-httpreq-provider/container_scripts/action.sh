#!/bin/sh
# The actions, inside the httpreq container: runs the provider's CLI as the workload user
# and answers as Canonical's charm does, {"result": <stdout>} or "Failed: <stderr>". After
# a change the leader publishes the database in the peer relation's application data, so
# every unit (and this one after a restart) serves the same users and grants.
. "$(dirname "$0")/workload.sh"
action="$1"
username="$(lucky action get username)"
case "$action" in
  create-user | list-domains)
    set -- "$action" "$username"
    ;;
  allow-domains | revoke-domains)
    domains="$(lucky action get domains)"
    subdomains="$(lucky action get subdomains)"
    if [ -z "$domains" ] && [ -z "$subdomains" ]; then
      lucky action fail "Failed: give domains, subdomains or both."
      exit 0
    fi
    set -- "$action" "$username"
    [ -z "$domains" ] || set -- "$@" --domains "$domains"
    [ -z "$subdomains" ] || set -- "$@" --subdomains "$subdomains"
    ;;
  *)
    echo "unknown action $action" >&2
    exit 1
    ;;
esac

errors="$(mktemp)"
# The trailing "." keeps the output's final newlines, which $(…) would drop.
if output="$(as_workload httpreq-provider "$@" 2> "$errors" && echo .)"; then
  lucky action set "result=${output%.}"
else
  lucky action fail "Failed: $(cat "$errors")"
  rm -f "$errors"
  exit 0
fi
rm -f "$errors"

if [ "$action" != list-domains ]; then
  relation="$(peer_relation)"
  if [ -n "$relation" ]; then
    lucky relation set --app -r "$relation" db="$(as_workload httpreq-provider export-db)" leader="$JUJU_UNIT_NAME"
  fi
fi
