-- Added by bench/compare.sh at the end when the upload scenario runs: XEP-0363 by mod_http_file_share, served
-- under the same host name as the rest, with the limits raised above what the scenario uploads (as for
-- Stanza Switch: upload.max_file_size 1g, no daily quota).
Component "upload.localhost" "http_file_share"
    http_host = "localhost"
    http_file_share_size_limit = 1024*1024*1024
    http_file_share_daily_quota = 1024*1024*1024*1024
