#!/usr/bin/env bash
# Memory per held, idle STARTTLS connection of Stanza Switch, measured from inside the JVM as well as from /proc:
# live heap by class (the difference of two class histograms, each after a full GC) and resident memory.
#
#   bench/memory-per-connection.sh                 # 5,000 connections
#   CLIENTS=2000 bench/memory-per-connection.sh
#
# The server runs from bin/stanzaswitch with bench/peers/stanzaswitch.yaml on 127.0.0.1:5222; 1,000 logins warm
# it up before the baseline, so the JIT's code and Netty's pool chunks are not counted per connection.
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
clients=${CLIENTS:-5000}
work=${WORK:-/tmp/stanzaswitch-memory}
loadtool="$home/bench/loadtool"
# Salted passwords derived once, when the accounts are made: without them the load tool spends ~7 ms of CPU per
# login on PBKDF2 and the storm takes ~40 s instead of ~4, so the reading came before the connections had gone quiet.
keys=(--key-cache "$work/scram-keys")
# shellcheck source=lib/servers.sh
. "$home/bench/lib/servers.sh"
ulimit -n "$(ulimit -Hn)"
rm -rf "$work" && mkdir -p "$work/data"
sed "s|PEER_DIR|$work|g" "$home/bench/peers/stanzaswitch.yaml" > "$work/stanzaswitch.yaml"

start() {
    "$home/bin/stanzaswitch" start --config "$work/stanzaswitch.yaml" > "$work/server.log" 2>&1 &
    wait_for_port stanzaswitch
    pid=$(pgrep -f "stanzaswitch.jar start --config $work" | head -1)
}
stop() {
    kill "$pid"
    wait_for_exit "$pid"
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

start
"$loadtool" connections --register --clients "$clients" --hold-seconds 0 --login-concurrency 20 "${keys[@]}" \
    > "$work/accounts.log"
stop
start
"$loadtool" connections --clients $(( clients < 1000 ? clients : 1000 )) --hold-seconds 0 "${keys[@]}" > "$work/warm-up.log"
sleep 2
jcmd "$pid" GC.run > /dev/null
jcmd "$pid" GC.class_histogram > "$work/histogram-idle.txt"
idle=$(rss_kib)
# Logins take ~4 s for 5,000 here: read once all are in and have been quiet for timeouts.trim (30 s), well before
# the hold ends.
settle=$(( 20 + clients / 250 ))
"$loadtool" connections --clients "$clients" --hold-seconds $(( settle + 30 )) --server-pid "$pid" "${keys[@]}" \
    > "$work/held.log" &
holder=$!
sleep "$settle"
jcmd "$pid" GC.run > /dev/null
held=$(rss_kib)
jcmd "$pid" GC.class_histogram > "$work/histogram-held.txt"
wait "$holder"
stop
grep "bound in" "$work/held.log"
echo "resident: $idle KiB idle, $held KiB with $clients held: $(( (held - idle) * 1024 / clients )) bytes per connection"
python3 - "$work/histogram-idle.txt" "$work/histogram-held.txt" "$clients" <<'PY'
import re, sys
def parse(path):
    classes = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            classes[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return classes
idle, held, clients = parse(sys.argv[1]), parse(sys.argv[2]), int(sys.argv[3])
rows = sorted(((b - idle.get(k, (0, 0))[1], n - idle.get(k, (0, 0))[0], k) for k, (n, b) in held.items()),
              reverse=True)
print("live heap: %.0f bytes per connection; the largest classes:" % (sum(r[0] for r in rows) / clients))
for size, count, name in rows[:12]:
    print("%8.0f B  %6.2f objects  %s" % (size / clients, count / clients, name))
PY
