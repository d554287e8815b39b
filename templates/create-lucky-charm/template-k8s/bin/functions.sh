# Helpers for the scripts: `. functions.sh` finds this file because Lucky puts
# the charm's bin/ on PATH.

# log MESSAGE…: hook output ends up in `juju debug-log`.
log() {
  echo "[${JUJU_UNIT_NAME:-{{name}}}] $*"
}

# debug MESSAGE…: like log, when the debug option is true.
debug() {
  if [ "$(lucky get-config debug)" = true ]; then
    log "$@"
  fi
}
