# Sourced by the container scripts (`. "$(dirname "$0")/workload.sh"`): the workload user
# of the httpreq-provider image and how to run its CLI as that user, so the files it
# writes (the users database) stay the service's own.
WORKLOAD_USER=httpreq

# The workload user's home directory, from the image's /etc/passwd.
workload_home() {
  awk -F: -v user="$WORKLOAD_USER" '$1 == user { print $6 }' /etc/passwd
}

# as_workload COMMAND ARGS…: runs COMMAND as the workload user (stdin and stdout pass
# through). busybox su reads options anywhere on its command line: "--" ends them.
as_workload() {
  su -s /bin/sh -c 'exec "$@"' -- "$WORKLOAD_USER" sh "$@"
}

# The id of the peer relation (replicas), or nothing before Juju created it.
peer_relation() {
  lucky relation list-ids --relation-name replicas | head -n 1
}
