#!/bin/sh
# Runs inside the web container through Pebble (container-name in lucky.yaml).
# `lucky` works here too: it reaches the unit's daemon through /charm/container.
set -e
mkdir -p /srv/www
lucky get-config greeting > /srv/www/index.html
echo "web container: page updated"
