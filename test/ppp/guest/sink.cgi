#!/bin/sh
# Takes an upload (POST) and says how many bytes arrived and their SHA-256.
sum=$(head -c "${CONTENT_LENGTH:-0}" | tee /tmp/upload | sha256sum | cut -c1-64)
printf 'Content-Type: text/plain\r\n\r\n'
echo "got=$(stat -c %s /tmp/upload) sha256=$sum"
