#!/usr/bin/env bash
# Runs the Smack Integration Test Framework (SINT 4.5) against a fresh Stanza Switch on loopback and writes
# the summary to compliance/target/sint.txt. Usage: compliance/run-sint.sh [sinttest.enabledSpecifications]
# e.g. compliance/run-sint.sh XEP-0313 to run only the MAM tests. The figures go to docs/compliance.md.
set -euo pipefail
home="$(cd "$(dirname "$0")/.." && pwd)"
out="$home/compliance/target"
mkdir -p "$out"
data="$(mktemp -d "$out/data-XXXX")"
# SINT 4.5 connects to the service's standard port (it has no port setting); it must be free.
port=5222
# SINT_WEBSOCKET=1 (RFC 7395) or SINT_BOSH=1 (XEP-0206): every SINT connection goes over that web transport, to
# this port, instead of TCP.
web_port=-1
if [ "${SINT_WEBSOCKET-0}" = "1" ] || [ "${SINT_BOSH-0}" = "1" ]; then
    web_port=15443
fi
cat > "$data.yaml" <<YAML
domain: localhost
data_dir: $(basename "$data")
listen:
  address: 127.0.0.1
  c2s_port: $port
  direct_tls_port: -1
  proxy_port: 0                  # XEP-0065 proxy for the file transfer tests, on a free port
  upload_port: 0                 # XEP-0363 HTTPS upload service, on a free port
  web_port: $web_port
registration:
  open: true
timeouts:
  auth: 3600s                    # SINT keeps one unauthenticated connection to register accounts on
YAML

# A failed build says why (the log's tail) instead of ending the script in silence.
if ! (cd "$home" && mvn -q -B -DskipTests install > "$out/build.log" 2>&1 &&
    cd "$home/compliance" && mvn -q -B compile dependency:build-classpath -Dmdep.outputFile="$out/sint.classpath" \
    >> "$out/build.log" 2>&1); then
    tail -30 "$out/build.log"
    rm -rf "$data" "$data.yaml"
    exit 1
fi
"$home/bin/stanzaswitch" start --config "$data.yaml" > "$out/server.log" 2>&1 &
server=$!
stop_server() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$data" "$data.yaml"
}
trap stop_server EXIT
for _ in $(seq 1 120); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.5
done
# SINT registers accounts only over TLS: it trusts the certificate the server generated on this first start.
for _ in $(seq 1 60); do
    [ -f "$data/tls/localhost.crt.pem" ] && break
    sleep 0.5
done
rm -f "$out/truststore.p12"
keytool -importcert -noprompt -alias stanzaswitch -file "$data/tls/localhost.crt.pem" \
    -keystore "$out/truststore.p12" -storetype PKCS12 -storepass changeit >/dev/null

specifications=()
if [ $# -gt 0 ]; then
    specifications=("-Dsinttest.enabledSpecifications=$1")
fi
# SINT creates and deletes its accounts itself, by in-band registration (XEP-0077), opened for this server.
# SINT_DISABLED: comma-separated test classes or methods to leave out.
if [ -n "${SINT_DISABLED-}" ]; then
    specifications+=("-Dsinttest.disabledTests=$SINT_DISABLED")
fi
# Sint registers Smack's Signal OMEMO so the four OMEMO classes run; SINT_OMEMO=0 runs SINT as it comes (they
# then report "No OmemoService registered"), as a harness without an OMEMO implementation sees a server.
main=org.stanzaswitch.compliance.Sint
if [ "${SINT_OMEMO-1}" = "0" ]; then
    main=org.igniterealtime.smack.inttest.SmackIntegrationTestFramework
fi
connections=(-Dsinttest.host=127.0.0.1 -Dsinttest.enabledConnections=tcp)
if [ "${SINT_WEBSOCKET-0}" = "1" ]; then
    connections=(-Dsinttest.host=127.0.0.1 -Dstanzaswitch.websocket="wss://localhost:$web_port/xmpp-websocket"
        -Dsinttest.enabledConnections=stanzaswitch-websocket -Dsinttest.defaultConnection=stanzaswitch-websocket)
    main=org.stanzaswitch.compliance.Sint
elif [ "${SINT_BOSH-0}" = "1" ]; then
    # No sinttest.host: Smack's BOSH would make its URL of the address, not of a name.
    connections=(-Dstanzaswitch.bosh="https://localhost:$web_port/http-bind"
        -Dsinttest.enabledConnections=stanzaswitch-bosh -Dsinttest.defaultConnection=stanzaswitch-bosh)
    main=org.stanzaswitch.compliance.Sint
fi
# SINT_OPTS: more options for SINT's JVM, e.g. -Dsinttest.enabledTests=... -Dsinttest.debugger=console
# shellcheck disable=SC2086
java ${SINT_OPTS-} -Dsinttest.service=localhost \
    -Djavax.net.ssl.trustStore="$out/truststore.p12" -Djavax.net.ssl.trustStorePassword=changeit \
    -Dsinttest.securityMode=required \
    -Dsinttest.accountRegistration=inBandRegistration \
    "${connections[@]}" -Dsinttest.dnsResolver=javax -Dsinttest.replyTimeout=10000 \
    "${specifications[@]}" \
    -cp "$home/compliance/target/classes:$(cat "$out/sint.classpath")" "$main" \
    > "$out/sint.log" 2>&1 || true
# The per-test verdicts (✔ passed, ✘ failed, with the reason) and the total.
grep -E "^INFO: .*(✔|✘|finished:|Available tests)|^Available tests" "$out/sint.log" | sed 's/^INFO: //' \
    > "$out/sint.txt" || true
grep -E "finished:|Available tests" "$out/sint.txt" || true
