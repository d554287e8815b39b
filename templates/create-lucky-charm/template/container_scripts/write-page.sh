#!/bin/sh
# Runs inside the web container (container-name in lucky.yaml). Lucky mounts
# itself into the container, so `lucky` works here too, without Node in the image.
set -e
lucky get-config greeting > /usr/share/nginx/html/index.html
echo "web container: page updated"
