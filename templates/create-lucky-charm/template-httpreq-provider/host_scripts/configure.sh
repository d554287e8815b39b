#!/bin/bash
# pebble-ready, config-changed, secret-changed, upgrade-charm, update-status: checks the config and the
# SSH key's secret, then defines the provider's Pebble service. setup-workload.sh (next in
# lucky.yaml) installs the key and known_hosts in the workload and sets the unit active.
set -e
. functions.sh
# update-status only retries a unit that does not serve yet.
if [ "$LUCKY_HOOK" = update-status ] && [ "$(lucky kv get ready)" = yes ]; then
  exit 0
fi

repo="$(lucky get-config git-repo)"
key_id="$(lucky get-config git-ssh-key)"
if [ -z "$repo" ]; then
  waiting "Config git-repo is required"
  exit 0
fi
if ! [[ "$repo" =~ ^(git\+ssh|ssh)://[^@/]+@[^/]+/.+ ]]; then
  waiting "Config git-repo \"$repo\" is not git+ssh://<user>@<host>[:<port>]/<path>[@<branch>]"
  exit 0
fi
if [ -z "$key_id" ]; then
  waiting "Config git-ssh-key is required"
  exit 0
fi
# Reading it here says early, and in the status, when the secret is missing or not granted
# (the workload reads it again, so the key never passes through this script's arguments).
# --refresh: the latest revision, and track it (secret-changed announces a new one).
if ! error="$(lucky secret get --refresh "$key_id" ssh-key 2>&1 >/dev/null)"; then
  error="${error#Error: }"
  waiting "Cannot read secret $key_id (config git-ssh-key): ${error%%$'\n'*}; grant it: juju grant-secret $key_id ${JUJU_UNIT_NAME%/*}"
  exit 0
fi

# The service, as Lucky container definitions: the image resource, the command run as the
# workload user, its environment. A changed git-repo changes the environment, so Pebble
# restarts the service (replan); the key and known_hosts are files it reads on each push.
lucky container image set -c httpreq httpreq-image
lucky container set-command -c httpreq -- su -s /bin/sh -c 'exec httpreq-provider serve' -- httpreq
lucky container env set -c httpreq \
  HTTPREQ_LISTEN=0.0.0.0:8000 \
  HTTPREQ_GIT_REPO="$repo" \
  HTTPREQ_DB=/var/lib/httpreq/users.json \
  HOME=/var/lib/httpreq
# Pebble probes it; httpreq-pebble-check-failed fires when it stops answering.
lucky container check add healthz -c httpreq --http http://localhost:8000/healthz --period 10s --threshold 3
lucky port open 8000
lucky set-status --name config maintenance "Installing the SSH key for the workload"
log "service defined for $repo"
