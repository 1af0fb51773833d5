package org.stanzaswitch.gateway;

import org.agrona.SystemUtil;

/**
 * Property names and defaults of the server's own settings (the codec's limits are in
 * {@link org.stanzaswitch.codec.CodecConfiguration}). Durations accept Agrona's suffixes ({@code 30s},
 * {@code 500ms}); sizes accept {@code k} and {@code m}.
 */
public final class ServerConfiguration
{
    public static final String DOMAIN_PROP_NAME = "stanzaswitch.domain";
    public static final String DOMAIN_DEFAULT = "localhost";

    public static final String DATA_DIR_PROP_NAME = "stanzaswitch.data.dir";
    public static final String DATA_DIR_DEFAULT = "data";

    public static final String BIND_ADDRESS_PROP_NAME = "stanzaswitch.bind.address";
    public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";

    /** XEP-0114: the port external components connect to (usually 5275); -1 disables it. */
    public static final String COMPONENT_PORT_PROP_NAME = "stanzaswitch.component.port";
    public static final int COMPONENT_PORT_DEFAULT = -1;

    /** XEP-0065: the port of the SOCKS5 bytestreams proxy (usually 7777); -1 disables it. */
    public static final String PROXY_PORT_PROP_NAME = "stanzaswitch.proxy.port";
    public static final int PROXY_PORT_DEFAULT = -1;

    /** The web transports' HTTPS port, WebSocket (RFC 7395) and BOSH (XEP-0206), often 5443 or 443; -1 disables it. */
    public static final String WEB_PORT_PROP_NAME = "stanzaswitch.web.port";
    public static final int WEB_PORT_DEFAULT = -1;

    /** The web port behind a reverse proxy that does TLS: it speaks plain HTTP, its streams count as encrypted. */
    public static final String WEB_BEHIND_PROXY_PROP_NAME = "stanzaswitch.web.behind.proxy";
    public static final boolean WEB_BEHIND_PROXY_DEFAULT = false;

    /** XEP-0363: the HTTPS port of the file upload service (often 5443); -1 disables it. */
    public static final String UPLOAD_PORT_PROP_NAME = "stanzaswitch.upload.port";
    public static final int UPLOAD_PORT_DEFAULT = -1;

    /** XEP-0363: the HTTPS URL clients reach the upload port at; empty for https://domain:port. */
    public static final String UPLOAD_URL_PROP_NAME = "stanzaswitch.upload.url";

    /** XEP-0363 §5: the largest file a slot is given for. */
    public static final String UPLOAD_MAX_FILE_SIZE_PROP_NAME = "stanzaswitch.upload.max.file.size";
    public static final long UPLOAD_MAX_FILE_SIZE_DEFAULT = 100L << 20;

    /** XEP-0363 §5: bytes one account may be given slots for in a day; 0 for no limit. */
    public static final String UPLOAD_DAILY_QUOTA_PROP_NAME = "stanzaswitch.upload.daily.quota";
    public static final long UPLOAD_DAILY_QUOTA_DEFAULT = 1L << 30;

    /** Days an uploaded file is kept; 0 keeps files for ever. */
    public static final String UPLOAD_EXPIRE_DAYS_PROP_NAME = "stanzaswitch.upload.expire.days";
    public static final int UPLOAD_EXPIRE_DAYS_DEFAULT = 7;

    /** RFC 6120 §3.2.1: 5222 for c2s with STARTTLS; 0 picks a free port. */
    public static final String C2S_PORT_PROP_NAME = "stanzaswitch.c2s.port";
    public static final int C2S_PORT_DEFAULT = 5222;

    /** XEP-0368: 5223 for c2s over TLS from the first byte; -1 disables it. */
    public static final String C2S_DIRECT_TLS_PORT_PROP_NAME = "stanzaswitch.c2s.direct.tls.port";
    public static final int C2S_DIRECT_TLS_PORT_DEFAULT = 5223;

    /** RFC 6120 §5.3.1: whether clients must negotiate TLS before anything else. */
    public static final String TLS_REQUIRED_PROP_NAME = "stanzaswitch.tls.required";
    public static final boolean TLS_REQUIRED_DEFAULT = true;

    /** PEM files of the certificate chain and its key; both empty means a self-signed pair in the data dir. */
    public static final String TLS_CERTIFICATE_PROP_NAME = "stanzaswitch.tls.certificate";
    public static final String TLS_KEY_PROP_NAME = "stanzaswitch.tls.key";

    /** The TLS implementation: auto (OpenSSL/BoringSSL where it loads, else the JDK), openssl or jdk. */
    public static final String TLS_PROVIDER_PROP_NAME = "stanzaswitch.tls.provider";
    public static final String TLS_PROVIDER_DEFAULT = "auto";

    /** SASL mechanisms offered, in order of preference. PLAIN is offered only over TLS. */
    public static final String SASL_MECHANISMS_PROP_NAME = "stanzaswitch.sasl.mechanisms";
    public static final String SASL_MECHANISMS_DEFAULT = "SCRAM-SHA-256,SCRAM-SHA-1,PLAIN";

    /** PBKDF2 iterations for new passwords (RFC 7677 §4 asks for at least 4096). */
    public static final String SCRAM_ITERATIONS_PROP_NAME = "stanzaswitch.scram.iterations";
    public static final int SCRAM_ITERATIONS_DEFAULT = 4096;

    /** Time a new connection has to send a complete stream header. */
    public static final String HEADER_TIMEOUT_PROP_NAME = "stanzaswitch.timeout.header";
    public static final long HEADER_TIMEOUT_DEFAULT_NS = 10_000_000_000L;

    /** Time a connection has to authenticate and bind. */
    public static final String AUTH_TIMEOUT_PROP_NAME = "stanzaswitch.timeout.auth";
    public static final long AUTH_TIMEOUT_DEFAULT_NS = 30_000_000_000L;

    /** Silence after which an authenticated connection is closed; white space and pings count as traffic. */
    public static final String IDLE_TIMEOUT_PROP_NAME = "stanzaswitch.timeout.idle";
    public static final long IDLE_TIMEOUT_DEFAULT_NS = 300_000_000_000L;

    /** Quiet (nothing read) after which a connection gives back the read buffers it grew for bursts. */
    public static final String TRIM_AFTER_PROP_NAME = "stanzaswitch.timeout.trim";
    public static final long TRIM_AFTER_DEFAULT_NS = 30_000_000_000L;

    /** Time without a garbage collection after which a heap a burst grew is given back; 0 for never. */
    public static final String HEAP_RECLAIM_AFTER_PROP_NAME = "stanzaswitch.timeout.heap.reclaim";
    public static final long HEAP_RECLAIM_AFTER_DEFAULT_NS = 15_000_000_000L;

    /** Bytes queued for a client that does not read, past which its connection is closed. */
    public static final String MAX_OUTBOUND_BYTES_PROP_NAME = "stanzaswitch.c2s.max.outbound.bytes";
    public static final int MAX_OUTBOUND_BYTES_DEFAULT = 1024 * 1024;

    /**
     * Bytes per second one client connection is read at, sustained; 0 for no limit. Above it the connection is
     * read more slowly, not closed. 256 KB/s is over a thousand chat messages a second, far beyond a person's
     * client, and caps what one flooding connection takes from the router.
     */
    public static final String C2S_RATE_PROP_NAME = "stanzaswitch.c2s.rate";
    public static final int C2S_RATE_DEFAULT = 256 * 1024;

    /** Bytes a quiet client connection may send at once before its rate applies: two stanzas of the size limit. */
    public static final String C2S_BURST_PROP_NAME = "stanzaswitch.c2s.burst";
    public static final int C2S_BURST_DEFAULT = 512 * 1024;

    /** Failed authentications from one address per minute before it must wait. */
    public static final String MAX_AUTH_FAILURES_PROP_NAME = "stanzaswitch.sasl.max.failures.per.minute";
    public static final int MAX_AUTH_FAILURES_DEFAULT = 5;

    /** Slots in the inbound ring, a power of two. */
    public static final String RING_SIZE_PROP_NAME = "stanzaswitch.switch.ring.size";
    public static final int RING_SIZE_DEFAULT = 8192;

    /** How the router waits for stanzas: blocking (no CPU when idle), backoff or busy-spin. Set by tuning profiles. */
    public static final String WAIT_STRATEGY_PROP_NAME = "stanzaswitch.switch.wait.strategy";
    public static final String WAIT_STRATEGY_DEFAULT = "blocking";

    /** The CPU the router thread is pinned to; -1 leaves it to the scheduler. Set by tuning profiles. */
    public static final String ROUTER_CPU_PROP_NAME = "stanzaswitch.switch.router.cpu";
    public static final int ROUTER_CPU_DEFAULT = -1;

    /** Netty I/O threads for client connections; 0 means one per available processor but the router's. */
    public static final String IO_THREADS_PROP_NAME = "stanzaswitch.io.threads";
    public static final int IO_THREADS_DEFAULT = 0;

    /** The socket layer: auto (native epoll where it loads, else NIO), epoll or nio. */
    public static final String TRANSPORT_PROP_NAME = "stanzaswitch.io.transport";
    public static final String TRANSPORT_DEFAULT = "auto";

    /** XEP-0077: whether anyone who can connect may register an account in band. */
    public static final String REGISTRATION_OPEN_PROP_NAME = "stanzaswitch.registration.open";
    public static final boolean REGISTRATION_OPEN_DEFAULT = false;

    /** XEP-0198: seconds a dropped resumable stream waits for its client. */
    public static final String RESUME_TIMEOUT_PROP_NAME = "stanzaswitch.sm.resume.timeout";
    public static final int RESUME_TIMEOUT_DEFAULT = 300;

    /** XEP-0198: bytes delivered and not yet acknowledged that one stream may keep; past it the stream ends. */
    public static final String MAX_UNACKED_BYTES_PROP_NAME = "stanzaswitch.sm.max.unacked.bytes";
    public static final int MAX_UNACKED_BYTES_DEFAULT = 4 * 1024 * 1024;

    /** Messages kept for one offline user before senders get service-unavailable (XEP-0160). */
    /** RFC 6120 §7.7.2.2: a binding to a resource in use takes it over ("replace") or gets conflict ("refuse"). */
    public static final String RESOURCE_CONFLICT_PROP_NAME = "stanzaswitch.resource.conflict";
    public static final String RESOURCE_CONFLICT_DEFAULT = "replace";

    /** Journal commands replayed at startup past which a state snapshot is written before serving. */
    public static final String SNAPSHOT_AFTER_PROP_NAME = "stanzaswitch.state.snapshot.after";
    public static final int SNAPSHOT_AFTER_DEFAULT = 10_000;

    public static final String OFFLINE_QUOTA_PROP_NAME = "stanzaswitch.offline.quota";
    public static final int OFFLINE_QUOTA_DEFAULT = 1000;

    /** XEP-0441 default for users who set no preferences: always, never or roster. */
    public static final String ARCHIVE_DEFAULT_PROP_NAME = "stanzaswitch.archive.default";
    public static final String ARCHIVE_DEFAULT_DEFAULT = "always";

    /** The most results one archive query page holds (XEP-0313 §4.2.1 lets the server limit pages). */
    public static final String ARCHIVE_MAX_PAGE_PROP_NAME = "stanzaswitch.archive.max.page";
    public static final int ARCHIVE_MAX_PAGE_DEFAULT = 250;

    /** Days archived messages are kept, by whole journal days; 0 keeps them for ever. */
    public static final String ARCHIVE_RETENTION_DAYS_PROP_NAME = "stanzaswitch.archive.retention.days";
    public static final int ARCHIVE_RETENTION_DAYS_DEFAULT = 0;

    private ServerConfiguration()
    {
    }

    static String string(final String name, final String defaultValue)
    {
        return System.getProperty(name, defaultValue);
    }

    static int integer(final String name, final int defaultValue)
    {
        return Integer.getInteger(name, defaultValue);
    }

    static int size(final String name, final int defaultValue)
    {
        return SystemUtil.getSizeAsInt(name, defaultValue);
    }

    static long bytes(final String name, final long defaultValue)
    {
        return SystemUtil.getSizeAsLong(name, defaultValue);
    }

    static long durationNs(final String name, final long defaultValue)
    {
        return SystemUtil.getDurationInNanos(name, defaultValue);
    }

    static boolean bool(final String name, final boolean defaultValue)
    {
        final String value = System.getProperty(name);
        return value == null ? defaultValue : Boolean.parseBoolean(value);
    }
}
