-- Prosody as bench/compare.sh runs it: Debian's default module set, on loopback, with in-band registration
-- open (so the load tool creates the same users on every server) and mod_limits' 10 kb/s per client removed
-- (Debian's default), which would otherwise measure the throttle instead of the server.
-- PEER_DIR is replaced by compare.sh with the run's work directory.
daemonize = false
pidfile = "PEER_DIR/prosody.pid"
data_path = "PEER_DIR/data"
admins = { }
modules_enabled = {
    "disco"; "roster"; "saslauth"; "tls"; "blocklist"; "bookmarks"; "carbons"; "pep"; "private";
    "smacks"; "vcard4"; "vcard_legacy"; "csi_simple"; "ping"; "register"; "time"; "uptime"; "version";
}
modules_disabled = { "s2s"; "limits" }
allow_registration = true
min_seconds_between_registrations = 0
registration_throttle_max = 1000000
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
storage = "internal"
network_backend = "epoll"
interfaces = { "127.0.0.1" }
c2s_ports = { 5222 }
c2s_direct_tls_ports = { }
log = { warn = "PEER_DIR/prosody.log" }
VirtualHost "localhost"
    ssl = { certificate = "PEER_DIR/localhost.crt"; key = "PEER_DIR/localhost.key" }
