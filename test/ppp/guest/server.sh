# The dial-up server: pppd on ttyS1 (the call's data, through the exchange's answering modem) gives the caller
# 10.0.0.2 and is 10.0.0.1 itself; busybox httpd serves /www. pppd is started again after each call.
# Parameters: dt.opts (extra pppd options, commas for spaces), dt.once (serve one call, then power off).
httpd -p 80 -h /www
# Uploads (busybox wget posts text only): nc on port 9000 hands each connection to sink.sh.
nc -ll -p 9000 -e /sink.sh &
opts=$(echo "${DT_opts:-}" | tr ',' ' ')
while :; do
  echo "DT-SERVER ready"
  # shellcheck disable=SC2086
  pppd /dev/ttyS1 115200 noauth local nodetach silent 10.0.0.1:10.0.0.2 debug logfd 2 $opts 2>&1 | sed 's/^/DT-SPPPD /'
  echo "DT-SERVER pppd ended"
  [ -n "${DT_once:-}" ] && break
  sleep 0.5
done
