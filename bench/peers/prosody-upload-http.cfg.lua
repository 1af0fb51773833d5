-- Added by bench/compare.sh before the VirtualHost when the upload scenario runs: Prosody's HTTPS listener.
http_ports = { }
https_ports = { 5281 }
https_interfaces = { "127.0.0.1" }
https_ssl = { certificate = "PEER_DIR/localhost.crt"; key = "PEER_DIR/localhost.key" }
