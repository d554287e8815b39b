# Helpers for the host scripts: `. functions.sh` finds this file because Lucky puts
# the charm's bin/ on PATH.

# log MESSAGE…: hook output ends up in `juju debug-log`.
log() {
  echo "[${JUJU_UNIT_NAME:-{{name}}}] $*"
}

# waiting MESSAGE: the unit cannot serve yet; the service is not defined until it can.
waiting() {
  lucky set-status --name config waiting "$1"
  lucky kv set ready=
  if [ -n "$(lucky container image get -c httpreq)" ]; then
    lucky container delete -c httpreq
  fi
  log "$1"
}

# The id of the peer relation (replicas), or nothing before Juju created it.
peer_relation() {
  lucky relation list-ids --relation-name replicas | head -n 1
}
