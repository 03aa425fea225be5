#!/bin/sh
# Takes an upload on stdin (nc -e) and says how many bytes arrived and their SHA-256.
sum=$(tee /tmp/upload | sha256sum | cut -c1-64)
echo "got=$(stat -c %s /tmp/upload) sha256=$sum"
