# The dial-up client: pppd dials through Dialtone on ttyS1 with a chat script, then pings the peer and downloads.
# Parameters (kernel command line): dt.number, dt.opts (extra pppd options, commas for spaces), dt.pings,
# dt.init (an AT command sent after ATZ, without AT), dt.interval (ping interval, s), dt.get (a file on the server), dt.post (a file to upload), dt.end (kill: stop pppd; wait: until it ends).
cat >/etc/ppp/dial.chat <<CHAT
ABORT BUSY
ABORT 'NO CARRIER'
ABORT 'NO DIALTONE'
TIMEOUT 120
'' ATZ
${DT_init:+OK AT$DT_init}
OK ATDT${DT_number:?}
CONNECT ''
CHAT
# dt.hangup=ath: pppd's disconnect script escapes to command mode (guard time, +++) and hangs up with ATH0.
cat >/etc/ppp/hangup.chat <<CHAT
ABORT ERROR
TIMEOUT 10
'' \\d\\d+++\\d\\d\\c
OK ATH0
OK ''
CHAT
opts=$(echo "${DT_opts:-}" | tr ',' ' ')
[ "${DT_hangup:-}" = ath ] && opts="$opts disconnect /etc/ppp/hangup.sh"
printf '#!/bin/sh\nexec chat -v -s -f /etc/ppp/hangup.chat\n' >/etc/ppp/hangup.sh && chmod +x /etc/ppp/hangup.sh
# shellcheck disable=SC2086
pppd /dev/ttyS1 115200 connect 'chat -v -s -f /etc/ppp/dial.chat' noauth local nodetach noipdefault nodefaultroute \
  debug logfd 2 $opts 2>&1 | sed 's/^/DT-PPPD /' &
n=0
while ! ip -4 addr show ppp0 2>/dev/null | grep -q 'inet '; do
  n=$((n + 1))
  if [ $n -gt "${DT_wait:-600}" ] || ! pidof pppd >/dev/null; then echo "DT-NOLINK"; wait; exit 0; fi
  sleep 0.5
done
# shellcheck disable=SC2046 # two words: the addresses
set -- $(ip -4 addr show ppp0 | sed -n 's/.*inet \([0-9.]*\) peer \([0-9.]*\).*/\1 \2/p')
local_ip=$1 peer=$2
echo "DT-IPCP local=$local_ip peer=$peer uptime=$(cut -d' ' -f1 /proc/uptime)"
if [ "${DT_pings:-0}" -gt 0 ]; then
  ping -c "$DT_pings" -i "${DT_interval:-1}" -W 10 "$peer" 2>&1 | sed 's/^/DT-PING /'
fi
if [ -n "${DT_get:-}" ]; then
  t0=$(cut -d' ' -f1 /proc/uptime)
  echo "DT-GET-START"
  wget -q -O /tmp/got "http://$peer/$DT_get" 2>&1 | sed 's/^/DT-WGET /'
  t1=$(cut -d' ' -f1 /proc/uptime)
  echo "DT-GET file=$DT_get bytes=$(stat -c %s /tmp/got 2>/dev/null || echo 0) sha256=$(sha256sum /tmp/got | cut -c1-64) t0=$t0 t1=$t1"
fi
if [ -n "${DT_post:-}" ]; then
  echo "DT-POST-START"
  r=$(nc "$peer" 9000 <"/www/$DT_post" 2>&1)
  echo "DT-POST file=$DT_post $r"
fi
echo "DT-STATS $(cat /sys/class/net/ppp0/statistics/rx_bytes) $(cat /sys/class/net/ppp0/statistics/tx_bytes) $(cat /sys/class/net/ppp0/statistics/rx_errors)"
case ${DT_end:-kill} in
  kill) kill "$(pidof pppd)" ;;
  wait) echo "DT-WAITING" ;;
esac
while pidof pppd >/dev/null; do sleep 0.2; done
wait
echo "DT-PPPD-ENDED" 
