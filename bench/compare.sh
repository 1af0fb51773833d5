#!/usr/bin/env bash
# Stanza Switch, Prosody and ejabberd side by side on this machine: each is started in turn on 127.0.0.1:5222
# with its configuration from bench/peers/, the same users are created (in-band registration), the same
# scenarios run against it with bench/loadtool, and one table compares them (bench/loadtool table).
#
#   bench/compare.sh                      # everything, defaults below
#   SERVERS="stanzaswitch prosody" CHAT_SECONDS=10 bench/compare.sh
#   SCENARIOS=upload LOGINS=1 CLIENTS=1 bench/compare.sh   # XEP-0363, not in the default set
#
# Needs root for apt-get (installs prosody and ejabberd if missing) and to run the peers as their own users.
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
servers=${SERVERS:-"stanzaswitch prosody ejabberd"}
work=${WORK:-/tmp/stanzaswitch-compare}
clients=${CLIENTS:-100}
rate=${RATE:-2000}
chat_seconds=${CHAT_SECONDS:-30}
logins=${LOGINS:-5000}
# Memory per connection is read this long after the last login: an idle connection is one that has been quiet
# for a while (Stanza Switch trims a connection's buffers after 30 s of quiet; every server gets the same wait).
hold_seconds=${HOLD_SECONDS:-45}
# ... and the baseline it is measured from is a fresh process that has settled: a start's own garbage is not per
# connection (Stanza Switch's start frees 2-13 MB of native heap that goes back at its first trims, 5 and 10 s in;
# read before them, the baseline moved the figure by up to 2.7 KiB per connection). Every server gets the same wait.
settle_seconds=${SETTLE_SECONDS:-10}
saturate_start=${SATURATE_START:-4000}
# Stanza Switch runs every scenario with one tuning profile (STANZASWITCH_PROFILE, shared by default) but the
# saturation search, which finds what a server does with a machine of its own: for that it is restarted with the
# profile made for it (docs/tuning.md). SATURATE_PROFILE=shared keeps the default there too.
profile=${STANZASWITCH_PROFILE:-shared}
saturate_profile=${SATURATE_PROFILE:-throughput}
scenarios=${SCENARIOS:-"footprint connections-tls connections-plain chat-plain chat-tls presence saturate"}
# The upload scenario (opt-in) turns each server's upload service on for the run: UPLOAD_ROUNDS files of
# UPLOAD_SIZE put and got back.
upload_size=${UPLOAD_SIZE:-100m}
upload_rounds=${UPLOAD_ROUNDS:-3}
uploading=
if [[ " $scenarios " == *" upload "* ]]; then
    uploading=yes
fi
results="$work/results.tsv"
loadtool="$home/bench/loadtool"
# shellcheck source=lib/servers.sh
. "$home/bench/lib/servers.sh"

if ! command -v prosody >/dev/null || ! command -v ejabberdctl >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y prosody ejabberd >/dev/null
fi
# The packages may have started their own instances on the same port.
service prosody stop >/dev/null 2>&1 || true
ejabberdctl stop >/dev/null 2>&1 || true
ulimit -n "$(ulimit -Hn)"

rm -rf "$work" && mkdir -p "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$work/localhost.key" -out "$work/localhost.crt" 2>/dev/null
"$loadtool" --version >/dev/null
export LOADTOOL_NO_BUILD=1   # one build for the whole run, even if sources change meanwhile
STANZASWITCH_JAVA_OPTS=${STANZASWITCH_JAVA_OPTS:-} "$home/bin/stanzaswitch" --help >/dev/null

start() {
    local name=$1 dir="$work/$1"
    mkdir -p "$dir/data"
    cp "$work/localhost.key" "$work/localhost.crt" "$dir/"
    cat "$dir/localhost.crt" "$dir/localhost.key" > "$dir/localhost.pem"
    # Every start's log is kept, one after another: a slow start is read in the log of that start.
    echo "== start at $(date -u +%FT%T.%3NZ)" >> "$dir/server.log"
    started=$(date +%s.%N)
    case $name in
    stanzaswitch)
        sed "s|PEER_DIR|$dir|g" "$home/bench/peers/stanzaswitch.yaml" > "$dir/stanzaswitch.yaml"
        local upload_options=
        if [ -n "$uploading" ]; then
            upload_options="-Dstanzaswitch.upload.port=5443 -Dstanzaswitch.upload.max.file.size=1g"
            upload_options+=" -Dstanzaswitch.upload.daily.quota=0"
        fi
        STANZASWITCH_JAVA_OPTS="${STANZASWITCH_JAVA_OPTS:-} $upload_options" STANZASWITCH_PROFILE=$server_profile \
            "$home/bin/stanzaswitch" start --config "$dir/stanzaswitch.yaml" >> "$dir/server.log" 2>&1 &
        wait_for_port "$name"
        pid=$(pgrep -f "stanzaswitch.jar start --config $dir" | head -1) ;;
    prosody)
        sed "s|PEER_DIR|$dir|g" "$home/bench/peers/prosody.cfg.lua" > "$dir/prosody.cfg.lua"
        if [ -n "$uploading" ]; then
            # HTTPS is global, so it goes before the VirtualHost; the component after everything.
            awk -v http="$home/bench/peers/prosody-upload-http.cfg.lua" \
                '/^VirtualHost/ { while ((getline line < http) > 0) print line } { print }' \
                "$dir/prosody.cfg.lua" | sed "s|PEER_DIR|$dir|g" > "$dir/prosody.cfg.lua.new"
            cat "$home/bench/peers/prosody-upload-component.cfg.lua" >> "$dir/prosody.cfg.lua.new"
            mv "$dir/prosody.cfg.lua.new" "$dir/prosody.cfg.lua"
        fi
        chown -R prosody:prosody "$dir"
        # As its own user (Prosody refuses to run as root), through setpriv rather than su or runuser: those
        # go through PAM, which drops the open file limit to 1024 and makes the storm fail with EMFILE.
        setpriv --reuid=prosody --regid=prosody --init-groups \
            prosody -F --config "$dir/prosody.cfg.lua" >> "$dir/server.log" 2>&1 &
        wait_for_port "$name"
        pid=$(pgrep -u prosody -f "prosody -F --config $dir" | head -1) ;;
    ejabberd)
        sed "s|PEER_DIR|$dir|g" "$home/bench/peers/ejabberd.yml" > "$dir/ejabberd.yml"
        if [ -n "$uploading" ]; then
            awk -v listener="$home/bench/peers/ejabberd-upload-listen.yml" \
                -v module="$home/bench/peers/ejabberd-upload-module.yml" '
                { print }
                /^listen:$/ { while ((getline line < listener) > 0) print line }
                /^modules:$/ { while ((getline line < module) > 0) print line }' "$dir/ejabberd.yml" |
                sed "s|PEER_DIR|$dir|g" > "$dir/ejabberd.yml.new"
            mv "$dir/ejabberd.yml.new" "$dir/ejabberd.yml"
        fi
        mkdir -p "$dir/spool" "$dir/logs"
        chown -R ejabberd:ejabberd "$dir"
        # --config-dir, not --config: Debian's ejabberdctl.cfg would set the path back to /etc/ejabberd.
        # As the ejabberd user already, so that ejabberdctl does not su (PAM's 1024 open files killed Mnesia).
        HOME=/var/lib/ejabberd setpriv --reuid=ejabberd --regid=ejabberd --init-groups \
            ejabberdctl --config-dir "$dir" --spool "$dir/spool" --logs "$dir/logs" foreground \
            >> "$dir/server.log" 2>&1 &
        wait_for_port "$name"
        pid=$(pgrep -u ejabberd -f "beam.smp.*$dir" | head -1) ;;
    esac
    ready=$(date +%s.%N)
    echo "== $name: pid $pid, accepting after $(echo "$ready - $started" | bc) s"
}

stop() {
    case $1 in
    stanzaswitch|prosody) kill "$pid" ;;
    ejabberd) HOME=/var/lib/ejabberd setpriv --reuid=ejabberd --regid=ejabberd --init-groups \
        ejabberdctl --config-dir "$work/ejabberd" stop >/dev/null 2>&1 || kill "$pid" ;;
    esac
    wait_for_exit "$pid"
    sleep 1
}

run() {
    local name=$1 scenario=$2
    local common=(--results "$results" --out "$work" --server-pid "$pid" --key-cache "$work/$name-scram-keys")
    if [[ $scenario == connections-* ]]; then
        sleep "$settle_seconds"
    fi
    case $scenario in
    footprint)
        sleep 3
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
        printf '%s\tfootprint\tstart_to_accept_s\t%s\n' "$name" "$(echo "$ready - $started" | bc)" >> "$results"
        printf '%s\tfootprint\tidle_rss_mib\t%s\n' "$name" "$(echo "scale=3; $rss / 1024" | bc)" >> "$results"
        echo "  idle resident memory $((rss / 1024)) MiB" ;;
    connections-tls)
        "$loadtool" connections --clients "$logins" --hold-seconds "$hold_seconds" "${common[@]}" --label "$name" ;;
    connections-plain)
        "$loadtool" connections --no-tls --clients "$logins" --hold-seconds "$hold_seconds" "${common[@]}" \
            --label "$name" ;;
    chat-plain)
        "$loadtool" chat --no-tls --clients "$clients" --rate "$rate" --seconds "$chat_seconds" "${common[@]}" \
            --label "$name" ;;
    chat-tls)
        "$loadtool" chat --clients "$clients" --rate "$rate" --seconds "$chat_seconds" "${common[@]}" \
            --label "$name" ;;
    presence)
        "$loadtool" presence --no-tls --clients "$clients" --contacts 20 --rate 100 --seconds "$chat_seconds" \
            "${common[@]}" --label "$name" ;;
    upload)
        "$loadtool" upload --size "$upload_size" --rounds "$upload_rounds" "${common[@]}" --label "$name" ;;
    saturate)
        "$loadtool" saturate --no-tls --clients "$clients" --start-rate "$saturate_start" "${common[@]}" \
            --label "$name" || true ;;
    esac
}

for name in $servers; do
    server_profile=$profile
    if ! start "$name"; then
        echo "  skipped: $name did not start (see $work/$name/)"
        continue
    fi
    case " $scenarios " in *" footprint "*) run "$name" footprint ;; esac
    # The same accounts on every server, created by in-band registration before anything is measured. Their first
    # logins derive the SCRAM keys the load tool keeps, as clients keep them: the login storms below measure the
    # server, not the load tool's PBKDF2.
    users=$(( logins > clients ? logins : clients ))
    "$loadtool" connections --register --clients "$users" --hold-seconds 0 --login-concurrency 20 \
        --key-cache "$work/$name-scram-keys" > "$work/$name-accounts.log" ||
        { echo "  creating $users accounts on $name failed:"; tail -5 "$work/$name-accounts.log"; }
    # Measure a fresh process: what creating the accounts grew (heaps, Mnesia tables, caches) would otherwise
    # count as the baseline of the memory per held connection.
    stop "$name"
    if ! start "$name"; then
        echo "  skipped: $name did not restart (see $work/$name/)"
        continue
    fi
    measured=
    for scenario in ${scenarios//footprint/}; do
        # A storm's memory baseline is a fresh process's too: what an earlier scenario took, which some servers
        # never give back (Prosody's plain storm after the STARTTLS one read 0.9 KiB per connection), and a JIT
        # warmed by it would otherwise flatter the later storm.
        restart=
        if [[ $scenario == connections-* && -n $measured ]]; then
            restart=yes
        fi
        if [[ $scenario == saturate && $name == stanzaswitch && $saturate_profile != "$server_profile" ]]; then
            server_profile=$saturate_profile
            echo "  saturate with the $server_profile profile"
            restart=yes
        fi
        if [[ -n $restart ]]; then
            stop "$name"
            start "$name" || { echo "  skipped: $name did not restart (see $work/$name/)"; break; }
        fi
        run "$name" "$scenario" || echo "  $scenario failed against $name (see above)"
        measured=yes
    done
    stop "$name"
done

echo
# Versions from the package database: "prosody --version" would start a server.
echo "== $(nproc) cores, $(uname -r); $(java -version 2>&1 | head -1);" \
    "$(dpkg-query -W -f '${Package} ${Version}  ' prosody ejabberd 2>/dev/null || true)"
if [[ " $servers " == *" stanzaswitch "* && " $scenarios " == *" saturate "* ]]; then
    echo "== stanzaswitch: profile $profile, saturate with profile $saturate_profile"
fi
"$loadtool" table "$results"
for kind in plain tls; do
    chat_logs=$(ls "$work"/*-chat-$kind.hlog 2>/dev/null || true)
    if [ -n "$chat_logs" ]; then
        # shellcheck disable=SC2086
        "$loadtool" plot --out "$work/chat-$kind-latency.svg" \
            --title "chat over $kind TCP, $clients clients, $rate msg/s (latency from scheduled send)" $chat_logs
    fi
done
