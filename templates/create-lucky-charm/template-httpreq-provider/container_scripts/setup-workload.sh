#!/bin/sh
# Inside the httpreq container, once its service runs: installs the SSH key from the
# secret and a known_hosts scanned from the git host (every key type; host:port works)
# for the workload user, copies the leader's users and grants, and marks the unit active.
set -e
. "$(dirname "$0")/workload.sh"
# update-status only retries a unit that does not serve yet (no rescan of the host keys).
if [ "$LUCKY_HOOK" = update-status ] && [ "$(lucky kv get ready)" = yes ]; then
  exit 0
fi
home="$(workload_home)"
if [ -z "$home" ]; then
  lucky set-status --name config blocked "The image has no user $WORKLOAD_USER: deploy the httpreq-provider image"
  exit 0
fi
repo="$(lucky get-config git-repo)"

# git+ssh://user@host[:port]/path[@branch] → host and port ([v6-address]:port too).
rest="${repo#*://}"
rest="${rest#*@}"
hostport="${rest%%/*}"
case "$hostport" in
  \[*\]:*) host="${hostport%\]:*}"; host="${host#\[}"; port="${hostport##*\]:}" ;;
  \[*\]) host="${hostport#\[}"; host="${host%\]}"; port=22 ;;
  *:*) host="${hostport%:*}"; port="${hostport##*:}" ;;
  *) host="$hostport"; port=22 ;;
esac

umask 077
mkdir -p "$home/.ssh"
lucky secret get --refresh "$(lucky get-config git-ssh-key)" ssh-key > "$home/.ssh/.id_key.new"
mv "$home/.ssh/.id_key.new" "$home/.ssh/id_key"
# No -t: ssh-keyscan fetches every key type the server offers (Canonical's -t rsa did not).
if ! ssh-keyscan -T 10 -p "$port" "$host" > "$home/.ssh/.known_hosts.new" 2> "$home/.ssh/.keyscan.err" || [ ! -s "$home/.ssh/.known_hosts.new" ]; then
  reason="$(grep -v '^#' "$home/.ssh/.keyscan.err" | head -n 1)"
  lucky set-status --name config waiting "Cannot scan the SSH host keys of $host port $port${reason:+: $reason}; check git-repo"
  lucky kv set ready=
  exit 0
fi
mv "$home/.ssh/.known_hosts.new" "$home/.ssh/known_hosts"
rm -f "$home/.ssh/.keyscan.err"
chown -R "$WORKLOAD_USER:$WORKLOAD_USER" "$home/.ssh"
chmod 700 "$home/.ssh"
chmod 600 "$home/.ssh/id_key" "$home/.ssh/known_hosts"

# A fresh container has no database: take the leader's.
sh "$(dirname "$0")/sync-db.sh"

lucky kv set ready=yes
lucky set-status --name config active "Serving lego's httpreq API on port 8000"
echo "workload ready: key and known_hosts for $host:$port installed"
